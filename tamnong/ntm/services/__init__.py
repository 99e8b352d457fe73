"""NTM rules: commune profiles, yearly assessments judged against the commune's threshold,
derived indicators, the recognition workflow and targets.

Every function takes the acting user first (views, API and CLI share them); writes check
`Scope.require_edit`, province-level steps check a province role. Input errors raise
`NtmInputError` with every field problem, before anything is written.
"""

from __future__ import annotations

from ._base import (
    DOSSIER_KINDS,
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    NOT_JUDGED_NO_THRESHOLD,
    NOT_JUDGED_NO_VALUE,
    STATUS_OF_KIND,
    NtmInputError,
    may_record_decision,
    may_take_province_step,
    status_of,
)
from .assessments import (
    add_evidence,
    applicable_sets,
    clear_override,
    enter_values,
    on_figures_changed,
    override_value,
    parse_value,
    refresh_derived,
    start_assessment,
)
from .judging import judge, recompute, threshold_of
from .profiles import column_codes, column_for, set_profile
from .recognition import (
    SET_KIND_FOR,
    check_unit_kind,
    decide,
    dossier_permissions,
    open_dossier,
    open_unit_dossier,
    parse_kind,
    record_appraisal,
    record_consultation,
    record_historical,
    record_recognition_row,
    reexamine,
    refresh_status,
    revoke,
)
from .targets import METRIC_KIND, set_target

__all__ = [
    "DOSSIER_KINDS",
    "EVIDENCE_EXTENSIONS",
    "EVIDENCE_MAX_BYTES",
    "NOT_JUDGED_NO_THRESHOLD",
    "NOT_JUDGED_NO_VALUE",
    "NtmInputError",
    "STATUS_OF_KIND",
    "status_of",
    "may_record_decision",
    "may_take_province_step",
    "column_codes",
    "column_for",
    "set_profile",
    "judge",
    "recompute",
    "threshold_of",
    "add_evidence",
    "applicable_sets",
    "clear_override",
    "enter_values",
    "on_figures_changed",
    "override_value",
    "parse_value",
    "refresh_derived",
    "start_assessment",
    "SET_KIND_FOR",
    "check_unit_kind",
    "decide",
    "dossier_permissions",
    "open_dossier",
    "open_unit_dossier",
    "parse_kind",
    "record_appraisal",
    "record_consultation",
    "record_historical",
    "record_recognition_row",
    "reexamine",
    "refresh_status",
    "revoke",
    "METRIC_KIND",
    "set_target",
]
