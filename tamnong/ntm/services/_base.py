"""Shared by the NTM services: role sets, recognition kinds, input errors and the commune's status in a year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tamnong.access.roles import CENTRAL_ROLES, PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from ..levels import levels
from ..models import (
    CommuneStatus,
    RecognitionKind,
)
from ..standing import Standing

# The status name of a commune recognition kind (names only: which level includes which is
# data, see levels.py and data/ntm/MANIFEST.yaml).
STATUS_OF_KIND = {
    RecognitionKind.COMMUNE_NTM: CommuneStatus.NTM,
    RecognitionKind.COMMUNE_ADVANCED: CommuneStatus.ADVANCED,
    RecognitionKind.COMMUNE_MODEL: CommuneStatus.MODEL,
    RecognitionKind.COMMUNE_MODERN: CommuneStatus.MODERN,
}
DOSSIER_KINDS = {
    RecognitionKind.COMMUNE_NTM,
    RecognitionKind.COMMUNE_ADVANCED,
    RecognitionKind.COMMUNE_MODEL,
    RecognitionKind.COMMUNE_MODERN,
    RecognitionKind.VILLAGE_NTM,
    RecognitionKind.VILLAGE_MODEL,
}
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
NOT_JUDGED_NO_THRESHOLD = "chưa có ngưỡng"
NOT_JUDGED_NO_VALUE = "chưa có số liệu"


class NtmInputError(ValueError):
    """Bad input: `errors` is a list of {field, message}; nothing was written."""

    def __init__(self, errors: list[dict] | str, field: str = "") -> None:
        if isinstance(errors, str):
            errors = [{"field": field, "message": errors}]
        super().__init__(" ".join(e["message"] for e in errors))
        self.errors = errors


def may_take_province_step(actor, division) -> bool:
    """Province-level steps (appraisal, decision, re-examination, revocation): the one rule the
    services enforce and the pages ask before showing a form."""
    return Scope.of(actor).covers(division, PROVINCE_ROLES)


def decided_centrally(kind: str, year: int) -> bool:
    """A recognition the Prime Minister decides (levels data: `decided_by: central`)."""
    scale = levels().scale_of(kind, year)
    return scale is not None and scale.decided_by == "central"


def may_record_decision(actor, division, kind: str, year: int) -> bool:
    """Record a recognition decision of `kind` on `division`: the province's staff for every
    kind, and the central level (`CENTRAL_ROLES`, every province) for the kinds it decides. A
    national coordinator never records a province's own decisions (xã, thôn)."""
    if may_take_province_step(actor, division):
        return True
    return decided_centrally(kind, year) and Scope.of(actor).covers(division, CENTRAL_ROLES)


def _require_decision_role(actor, division, kind: str, year: int) -> None:
    if not may_record_decision(actor, division, kind, year):
        if decided_centrally(kind, year):
            raise PermissionDenied(
                _("Quyết định này do cấp Trung ương hoặc cấp tỉnh của đơn vị ghi nhận.")
            )
        raise PermissionDenied(_("Bước này do cấp tỉnh (văn phòng điều phối, sở ngành) thực hiện."))


def _require_province_role(actor, division) -> None:
    if not may_take_province_step(actor, division):
        raise PermissionDenied(_("Bước này do cấp tỉnh (văn phòng điều phối, sở ngành) thực hiện."))


def _valid_in_year(division: Division, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (division.valid_from is None or division.valid_from <= end) and (
        division.valid_to is None or division.valid_to >= start
    )


def _province_of(division: Division) -> Division | None:
    return resolve(division, Level.PROVINCE)


def status_of(division: Division, year: int) -> str:
    """The highest level a commune holds at the end of a year, in the chain of that year (levels
    data), from its recognitions and those it kept through lineage."""
    held = Standing([division.pk]).kinds(division.pk, year)
    for scale in levels().period(year).scales.values():
        if scale.level != division.level:
            continue
        for kind in reversed(scale.chain):
            if kind in held and kind in STATUS_OF_KIND:
                return STATUS_OF_KIND[kind]
    return CommuneStatus.NOT_YET
