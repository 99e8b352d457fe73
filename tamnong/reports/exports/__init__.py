"""Files a province sends to the national systems (trao đổi dữ liệu với hệ thống quốc gia).

No published API exists for either receiver, so the province produces files:

- `mof_ntp`: the report to the Ministry of Finance's database of the national target programmes
  (Quyết định 25/2025/QĐ-TTg), under the reporting regime of Nghị định 09/2019/NĐ-CP;
- `ocop_national`: the province's OCOP product list for the national OCOP system.

Each is a JSON document checked against its schema (docs/schemas/*.schema.json) before it is
handed out, and an Excel workbook of the same figures. The regimes (recipient, cut-off rule,
legal basis, template version) are data files in data/exchange/. The figures are computed by the
same functions as the summary report, so the two always agree for the same unit and date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import NATIONAL_ROLES, Role
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level

DATA_DIR = Path(settings.BASE_DIR) / "data" / "exchange"
SCHEMA_DIR = Path(settings.BASE_DIR) / "docs" / "schemas"

# Who may produce a province's exchange files: the roles that read the province's figures and
# answer for them. Commune officers, council members and producers see only part of the
# province and never send its figures. The central office's roles read every province and may
# take any province's files (to check what a province sent, or to send for a late one).
EXPORT_ROLES = (
    frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT, Role.LEADER}) | NATIONAL_ROLES
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def regime(key: str) -> dict:
    """The reporting regime of data/exchange/<key>.yaml."""
    return yaml.safe_load((DATA_DIR / f"{key}.yaml").read_text(encoding="utf-8"))


@cache
def schema(key: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{key}.schema.json").read_text(encoding="utf-8"))


class ExportInvalid(RuntimeError):
    """The document built does not match its published schema: a bug, never sent."""


def validate(key: str, document: dict) -> dict:
    """`document` if it matches docs/schemas/<key>.schema.json, else ExportInvalid."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema(key), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(gốc)"
        raise ExportInvalid(f"{key}: {where}: {first.message}")
    return document


def to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


def require_province(user, division: Division) -> Division:
    """The province whose files `user` may produce: a current province in the scope of one of the
    EXPORT_ROLES (403 otherwise; a commune is refused as not a province)."""
    if division.level != Level.PROVINCE:
        raise ValidationError(
            _("Tệp gửi hệ thống quốc gia được lập cho cả tỉnh: %(name)s không phải là tỉnh.")
            % {"name": division.name}
        )
    if not Scope.of(user).covers(division, EXPORT_ROLES):
        raise PermissionDenied(_("Bạn không có quyền lập số liệu gửi cấp trên của đơn vị này."))
    return division


@dataclass(frozen=True)
class Cutoff:
    """The period whose figures are counted (thời gian chốt số liệu, Điều 12 NĐ 09/2019)."""

    start: dt.date
    end: dt.date


def today() -> dt.date:
    return timezone.localdate()


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        try:
            return dt.datetime.strptime(str(text).strip(), "%d/%m/%Y").date()
        except ValueError:
            raise ValidationError(
                _("%(what)s «%(text)s» không hợp lệ (ví dụ 2025-12-14 hoặc 14/12/2025).")
                % {"what": what, "text": text}
            ) from None


KINDS = ("mof-ntp", "ocop-national")


def province_by_code(code: str) -> Division:
    """The current province with `code` (404 when there is none: a commune's code included)."""
    from django.http import Http404

    code = (code or "").strip()
    division = (
        Division.objects.resolved()
        .filter(level=Level.PROVINCE, code=code)
        .select_related("map")
        .first()
        if code
        else None
    )
    if division is None:
        raise Http404
    return division


def produce(user, kind: str, province: Division, *, year: str = "", cutoff: str | None = None):
    """(module, document, file name) of exchange file `kind` for `province`, from the text
    parameters of the page, the API and the command (`year` for mof-ntp, `cutoff` for both).
    Bad input raises ValidationError naming the parameter; the gate PermissionDenied."""
    from ..summary import Period
    from . import mof_ntp, ocop_national

    day = None
    if cutoff:
        try:
            day = parse_date(cutoff, _("Ngày chốt số liệu"))
        except ValidationError as exc:
            raise ValidationError({"cutoff": exc.messages}) from None
    if kind == "mof-ntp":
        try:
            period = Period.parse(year or "")
        except ValueError as exc:
            raise ValidationError({"year": [str(exc)]}) from None
        document = mof_ntp.build(user, province, period, day)
        return mof_ntp, document, f"bao-cao-ctmtqg-{province.code}-{period.start}-{period.end}"
    if kind == "ocop-national":
        document = ocop_national.build(user, province, day)
        return (
            ocop_national,
            document,
            f"san-pham-ocop-{province.code}-{document['report']['date']}",
        )
    raise ValueError(kind)
