"""OCOP section: certified products, stars, certificate states, new and re-certified products,
producers by type against targets, market channels — from tamnong.ocop.figures."""

from __future__ import annotations

from ..registry import provider
from ..summary import ReportContext, Section, Table, change_text


def ocop_figures(ctx: ReportContext, on, since):
    try:
        from tamnong.ocop.figures import figures
    except ImportError:
        return None
    return figures(ctx.user, division=ctx.division, on=on, since=since)


@provider("ocop", order=20, kind="section")
def ocop(ctx: ReportContext) -> Section:
    p = ctx.period
    on = min(p.last_day, _today())
    data = ocop_figures(ctx, on, p.first_day)
    title = "Chương trình Mỗi xã một sản phẩm (OCOP)"
    if data is None:
        return Section("ocop", title, [["Phân hệ OCOP chưa được cài đặt."]])
    prev_valid = _valid_products_on(ctx, p.previous.last_day)
    valid, stars = data["valid_products"]["total"], data["valid_products"]["by_stars"]
    day = on.strftime("%d/%m/%Y")

    def cert_link(**params):
        return ctx.link("ocop-certificates", on=on.isoformat(), **params)

    paragraphs = []
    sentence = [
        f"Đến ngày {day}, {ctx.division.name} có ",
        ctx.n(valid, cert_link(state="valid")),
        " sản phẩm OCOP còn hiệu lực",
    ]
    parts = [(s, n) for s, n in sorted(stars.items(), key=lambda kv: -int(kv[0])) if n]
    if parts:
        sentence.append(" (")
        for i, (s, n) in enumerate(parts):
            sentence += ([", "] if i else []) + [
                ctx.n(n, cert_link(state="valid", stars=s)),
                f" sản phẩm {s} sao",
            ]
        sentence.append(")")
    sentence += [" của ", ctx.n(data["producers"]["with_valid_products"]), " chủ thể"]
    if prev_valid is not None:
        change = change_text(valid, prev_valid, unit="sản phẩm")
        if change:
            sentence.append(f"; {change}")
    paragraphs.append([*sentence, "."])

    new, renewed = data["newly_certified"], data["recertified"]
    period_link = {"issued_from": p.first_day.isoformat(), "issued_to": on.isoformat()}
    if new["total"] or renewed["total"]:
        paragraphs.append(
            [
                f"Trong kỳ {p}, ",
                ctx.n(new["total"], cert_link(first="1", **period_link)),
                " sản phẩm được công nhận mới",
                _by_stars(new["by_stars"]),
                " và ",
                ctx.n(renewed["total"], cert_link(first="0", **period_link)),
                " sản phẩm được đánh giá lại, nâng hạng.",
            ]
        )
    states = data["products_by_certificate_state"]
    if states.get("expired") or states.get("revoked"):
        paragraphs.append(
            [
                "Có ",
                ctx.n(states.get("expired", 0), cert_link(state="expired")),
                f" sản phẩm có giấy chứng nhận đã hết hạn{_validity()} chưa được đánh giá lại và ",
                ctx.n(states.get("revoked", 0), cert_link(state="revoked")),
                " sản phẩm bị thu hồi chứng nhận.",
            ]
        )
    markets = data["markets"]
    if valid:
        sentence = [
            "Sản phẩm OCOP có mặt tại siêu thị, chuỗi cửa hàng: ",
            ctx.n(markets["supermarket"]),
            "; trên sàn thương mại điện tử: ",
            ctx.n(markets["ecommerce"]),
            "; xuất khẩu: ",
            ctx.n(markets["export"]),
        ]
        if markets["export_countries"]:
            sentence.append(
                " (" + ", ".join(f"{c}: {n}" for c, n in markets["export_countries"].items()) + ")"
            )
        paragraphs.append([*sentence, "."])
    tables = (
        [
            Table(
                "Chủ thể có sản phẩm OCOP còn hiệu lực theo loại hình",
                ["Loại hình", "Số chủ thể", "Tỷ lệ", "Mục tiêu"],
                [
                    [
                        row["label"],
                        ctx.n(row["producers"]),
                        ctx.pct(row["share_percent"]).text
                        if row["share_percent"] is not None
                        else "–",
                        f"≥ {ctx.pct(row['target_percent']).text}"
                        if row["target_percent"] is not None
                        else "",
                    ]
                    for row in data["producers"]["by_kind"]
                ],
                numeric=[1, 2],
            )
        ]
        if valid
        else []
    )
    if data.get("split_by_regime"):
        # A period across two regimes (e.g. 2025-2026: 148/1489 and 26/2026): each result is
        # counted under the regime it was judged by.
        tables.append(
            Table(
                "Kết quả trong kỳ theo chế độ đánh giá (mỗi kết quả theo chế độ đã áp dụng)",
                ["Chế độ đánh giá", "Công nhận mới", "Công nhận lại", "Hồ sơ đã đánh giá"],
                [
                    [
                        r["decisions"],
                        ctx.n(r["newly_certified"]["total"]),
                        ctx.n(r["recertified"]["total"]),
                        ctx.n(sum(r["evaluated_in_period"].values())),
                    ]
                    for r in data["by_regime"]
                ],
                numeric=[1, 2, 3],
            )
        )
    if not valid and not new["total"]:
        paragraphs = [
            [f"Chưa có sản phẩm OCOP được chứng nhận tại {ctx.division.name} đến ngày {day}."]
        ]
    return Section("ocop", title, paragraphs, tables)


def _valid_products_on(ctx: ReportContext, day) -> int | None:
    """Products with a certificate in force on `day` (the previous period's end): one count."""
    from tamnong.ocop.models import Certificate

    return (
        Certificate.objects.visible_to(ctx.user)
        .valid_on(day)
        .filter(ctx.records_q())
        .values("product")
        .distinct()
        .count()
    )


def _by_stars(by_stars: dict) -> str:
    parts = [f"{n} sản phẩm {s} sao" for s, n in sorted(by_stars.items(), reverse=True) if n]
    return f" ({', '.join(parts)})" if parts else ""


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _validity() -> str:
    """ " sau N tháng": the certificate validity of the regimes (data/ocop/regimes.yaml), when
    they all agree; nothing when they differ."""
    from tamnong.ocop.models import Regime

    months = {r.certificate_months for r in Regime.objects.all()}
    return f" sau {months.pop()} tháng" if len(months) == 1 else ""
