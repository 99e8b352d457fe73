"""Post-certification inspections (kiểm tra sau công nhận, 26/2026 Điều 9, regime `inspection`):
periodic or ad hoc, by the province (any certified product of its territory) or the ministry
(5★, and 3-4★ when needed); recorded on the certificate."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.divisions.models import Level
from tamnong.divisions.services import resolve

from .. import procedure
from ..models import Certificate, Inspection, Regime
from ._base import fail
from .council import _require_province


def inspection_rule(day: dt.date) -> dict | None:
    return procedure.rule(Regime.on(day), "inspection")


def _allowed_stars(section: dict) -> set[int]:
    return {int(s) for s in section.get("stars") or []} | {
        int(s) for s in section.get("also_stars_when_needed") or []
    }


@transaction.atomic
def record_inspection(
    actor,
    certificate: Certificate,
    *,
    kind: str,
    inspected_on: dt.date,
    authority: str,
    findings: str,
    maintained: bool,
) -> Inspection:
    # province staff record the province's inspections and the ministry's results
    _require_province(actor, resolve(certificate.division, Level.PROVINCE))
    rule = inspection_rule(inspected_on)
    if rule is None:
        fail(
            "inspected_on",
            _("Chế độ đánh giá áp dụng ngày này không quy định kiểm tra sau công nhận."),
        )
    article = str(rule.get("article") or "")
    if kind not in (rule.get("kinds") or []):
        fail("kind", _("Loại kiểm tra không hợp lệ (%(article)s).") % {"article": article})
    section = (rule.get("authority") or {}).get(authority)
    if section is None:
        fail("authority", _("Cấp kiểm tra không hợp lệ."))
    if certificate.stars not in _allowed_stars(section):
        fail(
            "authority",
            _("Cấp này không kiểm tra sản phẩm %(stars)s sao (%(article)s.4).")
            % {"stars": certificate.stars, "article": article},
        )
    if inspected_on < certificate.issued_on:
        fail("inspected_on", _("Ngày kiểm tra trước ngày cấp giấy chứng nhận."))
    if not findings.strip():
        fail("findings", _("Cần ghi kết quả kiểm tra."))
    return Inspection.objects.create(
        certificate=certificate,
        kind=kind,
        authority=authority,
        inspected_on=inspected_on,
        findings=findings.strip(),
        maintained=maintained,
        article=article,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
