"""The province's OCOP product list for the national OCOP system (data/exchange/ocop-national.yaml,
docs/schemas/ocop-national.schema.json): every product certified by the day, with its producer,
stars, recognition decision, certificate, validity and the regime it was judged by.

Each product is listed once, with the certificate in force on the day (the certificate the summary
report counts), else its latest certificate (expired, revoked), so that the list's count of
products in force equals the report's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils.translation import gettext as _

from tamnong.divisions.models import Division
from tamnong.divisions.services import within_q

from . import regime, require_province, today, validate
from .mof_ntp import header, unit_of

KEY = "ocop-national"


def products(user, division: Division, on: dt.date) -> list[dict]:
    from tamnong.ocop.models import Certificate, ProducerKind, Regime, certificate_status

    rows = (
        Certificate.objects.visible_to(user)
        .filter(within_q(division, "division"), issued_on__lte=on)
        .values(
            "pk",
            "number",
            "stars",
            "score",
            "issued_on",
            "expires_on",
            "revocation__revoked_on",
            "superseded_by__issued_on",
            "extension__until",
            "regime_id",
            "decision__number",
            "decision__signed_on",
            "decision__issuer",
            "product_id",
            "product__code",
            "product__ocop_code",
            "product__name",
            "product__set_no",
            "product__product_group",
            "product__product_set",
            "product__division__code",
            "product__division__name",
            "producer__code",
            "producer__name",
            "producer__kind",
            "producer__registration_no",
            "producer__address",
        )
        .order_by("issued_on", "pk")
    )
    chosen: dict[int, tuple[dict, str]] = {}
    for r in rows:
        state, _day = certificate_status(
            on,
            r["issued_on"],
            r["expires_on"],
            r["revocation__revoked_on"],
            r["superseded_by__issued_on"],
            r["extension__until"],
        )
        prev = chosen.get(r["product_id"])
        in_force = state in Certificate.IN_FORCE
        # the certificate in force wins; among equals the later one
        if prev is None or in_force or prev[1] not in Certificate.IN_FORCE:
            chosen[r["product_id"]] = (r, state)
    regimes = {
        g.pk: g for g in Regime.objects.filter(pk__in={r["regime_id"] for r, _ in chosen.values()})
    }
    kinds = dict(ProducerKind.choices)
    labels = dict(Certificate.Status.choices)
    out = []
    for r, state in sorted(chosen.values(), key=lambda x: (x[0]["product__code"], x[0]["pk"])):
        g = regimes[r["regime_id"]]
        extended = r["extension__until"]
        valid_until = extended if extended and extended > r["expires_on"] else r["expires_on"]
        out.append(
            {
                "product": {
                    "code": r["product__code"],
                    "ocop_code": r["product__ocop_code"] or None,
                    "name": r["product__name"],
                    "set_no": r["product__set_no"],
                    "product_group": r["product__product_group"],
                    "product_set": r["product__product_set"],
                    "commune": {
                        "code": r["product__division__code"],
                        "name": r["product__division__name"],
                    },
                },
                "producer": {
                    "code": r["producer__code"],
                    "name": r["producer__name"],
                    "kind": r["producer__kind"],
                    "kind_label": str(kinds.get(r["producer__kind"], r["producer__kind"])),
                    "registration_no": r["producer__registration_no"] or None,
                    "address": r["producer__address"] or None,
                },
                "stars": r["stars"],
                "score": float(r["score"]) if r["score"] is not None else None,
                "decision": {
                    "number": r["decision__number"],
                    "signed_on": r["decision__signed_on"].isoformat(),
                    "issuer": r["decision__issuer"],
                },
                "certificate": {
                    "number": r["number"],
                    "issued_on": r["issued_on"].isoformat(),
                    "expires_on": r["expires_on"].isoformat(),
                    # the first day it is no longer in force, an extension (Điều 12.3 QĐ 26/2026) included
                    "valid_until": valid_until.isoformat(),
                    "status": str(state),
                    "status_label": str(labels.get(state, state)),
                    "in_force": state in Certificate.IN_FORCE,
                    "revoked_on": r["revocation__revoked_on"].isoformat()
                    if r["revocation__revoked_on"]
                    else None,
                },
                "regime": {"key": g.key, "name": g.name, "decisions": g.short_name},
            }
        )
    return out


def build(user, division: Division, on: dt.date | None = None) -> dict:
    """The national OCOP list of a province on day `on` (default today), checked against its
    schema."""
    from django.core.exceptions import ValidationError

    require_province(user, division)
    now = today()
    on = on or now
    if on > now:
        raise ValidationError(
            _("Ngày chốt số liệu %(d)s chưa đến.") % {"d": on.strftime("%d/%m/%Y")}
        )
    items = products(user, division, on)
    stars = Counter(str(p["stars"]) for p in items if p["certificate"]["in_force"])
    states = Counter(p["certificate"]["status"] for p in items)
    document = {
        "schema": KEY,
        "template_version": str(regime(KEY)["template_version"]),
        "report": header(KEY, division, {"date": on.isoformat()}),
        "reporting_unit": unit_of(division),
        "totals": {
            "products": len(items),
            "in_force": sum(1 for p in items if p["certificate"]["in_force"]),
            "by_stars": dict(sorted(stars.items())),
            "by_status": dict(sorted(states.items())),
        },
        "products": items,
    }
    return validate(KEY, document)


# -- Excel ------------------------------------------------------------------------------------
from .workbook import INFO_SHEET, Column, data_sheet, exchange_workbook, save  # noqa: E402

PRODUCT_COLUMNS = [
    Column("STT", "int", 6),
    Column("Mã sản phẩm", width=16),
    Column("Mã số sản phẩm OCOP", width=20),
    Column("Tên sản phẩm", width=36),
    Column("Bộ sản phẩm", width=30),
    Column("Xã, phường", width=22),
    Column("Mã chủ thể", width=14),
    Column("Tên chủ thể", width=34),
    Column("Loại hình chủ thể", width=20),
    Column("Hạng sao", "int", 10),
    Column("Điểm", "decimal", 8),
    Column("Số quyết định công nhận", width=22),
    Column("Ngày ký quyết định", "date", 14),
    Column("Cơ quan ban hành", width=28),
    Column("Số giấy chứng nhận", width=20),
    Column("Ngày cấp", "date", 12),
    Column("Hết hạn ngày", "date", 12),
    Column("Hiệu lực đến (kể cả gia hạn)", "date", 16),
    Column("Tình trạng", width=22),
    Column("Quy định áp dụng", width=26),
]
SHEETS = (INFO_SHEET, "Danh sách sản phẩm OCOP")


def to_xlsx(document: dict) -> bytes:
    wb = exchange_workbook(document)
    rows = [
        [
            i,
            p["product"]["code"],
            p["product"]["ocop_code"],
            p["product"]["name"],
            p["product"]["product_set"],
            p["product"]["commune"]["name"],
            p["producer"]["code"],
            p["producer"]["name"],
            p["producer"]["kind_label"],
            p["stars"],
            p["score"],
            p["decision"]["number"],
            p["decision"]["signed_on"],
            p["decision"]["issuer"],
            p["certificate"]["number"],
            p["certificate"]["issued_on"],
            p["certificate"]["expires_on"],
            p["certificate"]["valid_until"],
            p["certificate"]["status_label"],
            p["regime"]["decisions"],
        ]
        for i, p in enumerate(document["products"], start=1)
    ]
    data_sheet(wb, document, SHEETS[1], PRODUCT_COLUMNS, rows)
    return save(wb)
