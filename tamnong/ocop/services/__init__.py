"""OCOP business rules: registry, the evaluation workflow (Decision 148 as amended by 1489),
council scoring, recognition, certificates and their lifecycle. Views, API and CLI call these
functions with the acting user; nothing here reads a request.

How the members' sheets combine (written down here and in the regime data, `minimum_rule`):
- the score is the mean of the members' totals (exact; shown rounded to 0.01);
- the band is the highest band of the regime whose minimum the mean reaches;
- a per-star minimum option (or a mandatory criterion) is met when MORE THAN HALF of the members'
  sheets reach it ("majority"); the regime may say "mean" instead (the mean of the members' points on
  that criterion reaches it);
- a heading marker without a level (e.g. "Sở hữu trí tuệ ****") is met by any option above 0 points;
- minima are cumulative: 4★ also needs the 3★ minima; a product missing a 3★ minimum gets 2★ at most
  and no certificate;
- criteria the commune assesses under 1489 take the commune's points on every member's sheet.
"""

from __future__ import annotations

from ._base import (
    FILE_TYPES,
    MAX_FILE_BYTES,
    fail,
)
from .certificates import (
    issue_certificate,
    may_record_central_result,
    recognise,
    record_central_result,
    revocation_grounds,
    revoke,
)
from .council import (
    add_seats,
    add_to_session,
    can_manage_seats,
    close_check,
    close_session,
    council_candidates,
    create_session,
    ranking,
    result_reasons,
    sheet_answers,
    submit_sheet,
)
from .deadlines import dossier_deadlines, reevaluation_window
from .documents import dossier_documents, file_sha256
from .dossiers import (
    add_file,
    commune_assess,
    current_certificate,
    open_dossier,
    return_dossier,
    save_self_assessment,
    submit_dossier,
)
from .inspections import inspection_rule, record_inspection
from .notices import send_expiry_notices, send_reevaluation_notices
from .permissions import (
    DossierPermissions,
    SessionPermissions,
    can_see_sheets,
    dossier_permissions,
    dossier_sheets_visible,
    session_permissions,
)
from .provided import lowest_certified_stars, valid_products
from .registry import (
    PRODUCER_FIELDS,
    add_channel,
    add_fair,
    can_act_for,
    can_edit_producer,
    create_producer,
    create_product,
    product_sets,
    require_producer_access,
    update_producer,
)
from .rounds import create_rounds, file_into_round, late_rounds, rounds_with_status

__all__ = [
    "DossierPermissions",
    "SessionPermissions",
    "can_see_sheets",
    "dossier_permissions",
    "dossier_sheets_visible",
    "session_permissions",
    "FILE_TYPES",
    "MAX_FILE_BYTES",
    "fail",
    "add_channel",
    "add_fair",
    "can_act_for",
    "create_producer",
    "create_product",
    "product_sets",
    "require_producer_access",
    "PRODUCER_FIELDS",
    "can_edit_producer",
    "update_producer",
    "add_file",
    "commune_assess",
    "current_certificate",
    "open_dossier",
    "return_dossier",
    "save_self_assessment",
    "submit_dossier",
    "add_seats",
    "add_to_session",
    "can_manage_seats",
    "close_check",
    "close_session",
    "council_candidates",
    "create_session",
    "ranking",
    "result_reasons",
    "sheet_answers",
    "submit_sheet",
    "issue_certificate",
    "recognise",
    "may_record_central_result",
    "record_central_result",
    "revoke",
    "revocation_grounds",
    "record_inspection",
    "inspection_rule",
    "lowest_certified_stars",
    "valid_products",
    "send_expiry_notices",
    "send_reevaluation_notices",
    "dossier_deadlines",
    "dossier_documents",
    "file_sha256",
    "create_rounds",
    "file_into_round",
    "late_rounds",
    "rounds_with_status",
    "reevaluation_window",
]
