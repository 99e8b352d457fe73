"""OCOP pages. Thin: parse the request, call a service with the acting user, render.

Every page that shows records goes through `visible_to`; an object outside the user's scope is
a logged 403. Workflow actions post to the page they are shown on (`action=` field); a refused
action re-renders that page with the Vietnamese message and status 400.
"""

from __future__ import annotations

from .certificates import certificate_detail, certificate_list, certificate_pdf
from .council import session_close, session_detail, session_list, session_new
from .criteria import (
    criteria_detail,
    criteria_list,
    criteria_upload,
    criteria_upload_detail,
    criteria_xlsx,
)
from .dashboard import index, notification_read
from .dossiers import dossier_detail, dossier_file, dossier_list, dossier_print
from .imports import figures, import_page, import_rejected, import_template
from .public import catalog, catalog_photo, verify, verify_lookup
from .registry import (
    producer_detail,
    producer_edit,
    producer_list,
    producer_new,
    product_detail,
    product_list,
    product_new,
    product_photo,
)
from .rounds import round_detail, round_list

__all__ = [
    "index",
    "notification_read",
    "producer_detail",
    "producer_edit",
    "producer_list",
    "producer_new",
    "product_detail",
    "product_photo",
    "product_list",
    "product_new",
    "dossier_detail",
    "dossier_file",
    "dossier_list",
    "dossier_print",
    "session_close",
    "session_detail",
    "session_list",
    "session_new",
    "certificate_detail",
    "certificate_list",
    "certificate_pdf",
    "criteria_detail",
    "criteria_list",
    "criteria_upload",
    "criteria_upload_detail",
    "criteria_xlsx",
    "figures",
    "import_page",
    "import_rejected",
    "import_template",
    "round_list",
    "round_detail",
    "catalog",
    "catalog_photo",
    "verify",
    "verify_lookup",
]
