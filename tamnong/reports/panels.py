"""Dashboard panels. Module panels read the module's figures through its services."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from tamnong.core import formatting

from .dashboard import Panel
from .models import Activity, FundingRecord
from .registry import provider
from .summary import Chart, ReportContext, Table


def _by_year(ctx: ReportContext, model, year: str, **totals) -> dict[int, dict]:
    """The `totals` of the records in the report's unit, by year of the period (`year`: the
    year field or lookup)."""
    p = ctx.period
    qs = model.objects.filter(ctx.records_q(), **{f"{year}__range": (p.start, p.end)})
    return {r[year]: r for r in qs.values(year).annotate(**totals).order_by(year)}


@provider("funding", order=40, kind="panel")
def funding(ctx: ReportContext) -> Panel:
    p = ctx.period
    rows = _by_year(ctx, FundingRecord, "year", a=Sum("allocated"), d=Sum("disbursed"))
    this = rows.get(p.end, {})
    allocated, disbursed = this.get("a") or Decimal(0), this.get("d") or Decimal(0)
    link = ctx.link("funding", **{"from": p.end, "to": p.end})
    result = Panel("funding", f"Nguồn vốn năm {p.end}", link=ctx.link("funding"))
    if not rows:
        result.empty = "Chưa có số liệu nguồn vốn."
        return result
    result.figures = [
        ("Vốn phân bổ (triệu đồng)", ctx.n(allocated, link)),
        ("Đã giải ngân (triệu đồng)", ctx.n(disbursed, link)),
        ("Tỷ lệ giải ngân", ctx.pct(disbursed * 100 / allocated if allocated else None, link)),
    ]
    result.chart = Chart(
        "dash-funding",
        "Vốn phân bổ và giải ngân theo năm (triệu đồng)",
        [str(y) for y in p.years],
        [
            {"label": "Phân bổ", "data": [float(rows.get(y, {}).get("a") or 0) for y in p.years]},
            {"label": "Giải ngân", "data": [float(rows.get(y, {}).get("d") or 0) for y in p.years]},
        ],
    )
    return result


@provider("activities", order=50, kind="panel")
def activities(ctx: ReportContext) -> Panel:
    p = ctx.period
    rows = _by_year(ctx, Activity, "date__year", n=Count("id"), people=Sum("participants"))
    result = Panel("activities", "Truyền thông, tập huấn", link=ctx.link("activities"))
    if not rows:
        result.empty = "Chưa có hoạt động nào được ghi nhận."
        return result
    this = rows.get(p.end, {})
    result.figures = [
        (
            f"Hoạt động năm {p.end}",
            ctx.n(this.get("n") or 0, ctx.link("activities", **{"from": p.end})),
        ),
        ("Người tham dự", ctx.n(this.get("people") or 0)),
    ]
    result.chart = Chart(
        "dash-activities",
        "Số hoạt động theo năm",
        [str(y) for y in p.years],
        [{"label": "Hoạt động", "data": [rows.get(y, {}).get("n") or 0 for y in p.years]}],
    )
    return result


@provider("ntm", order=10, kind="panel")
def ntm(ctx: ReportContext) -> Panel | None:
    from .sections.ntm import average_series, ntm_figures

    year = ctx.period.end
    data = ntm_figures(ctx, year)
    if data is None:
        return None
    result = Panel("ntm", f"Nông thôn mới năm {year}")
    main = next((s for s in data["sets"] if s["kind"] == "commune_ntm"), None)
    if main is None:
        result.empty = "Chưa có kết quả đánh giá xã nông thôn mới năm này."
        return result
    link = ctx.link("ntm-assessments", year=year, set=main["key"])
    reached = sum(st["count"] for st in data["statuses"] if st["code"] != "not_yet")
    result.figures = [
        ("Xã được đánh giá", ctx.n(main["assessed"], link)),
        ("Xã đạt chuẩn trở lên", ctx.n(reached, ctx.link("ntm-assessments", year=year))),
        ("Bình quân tiêu chí/xã", ctx.n(Decimal(main["average"]), link, decimals=2)),
    ]
    result.chart = Chart(
        "dash-ntm",
        "Bình quân tiêu chí/xã theo năm",
        [str(y) for y in ctx.period.years],
        average_series(ctx, ctx.period.years),
        kind="line",
        decimals=2,
    )
    ranked = sorted(
        (c for c in data["communes"] if c["set_key"] == main["key"]),
        key=lambda c: (-c["criteria_met"], c["name"]),
    )
    result.table = Table(
        f"Xếp hạng {len(ranked)} xã theo số tiêu chí đạt",
        ["#", "Xã", "Tiêu chí đạt", "Tình trạng"],
        [[i + 1, c["name"], c["criteria_met"], c["status_label"]] for i, c in enumerate(ranked)],
        numeric=[0, 2],
    )
    return result


@provider("ocop", order=20, kind="panel", requires="tamnong.ocop")
def ocop(ctx: ReportContext) -> Panel | None:
    import datetime as dt

    from django.utils import timezone

    from tamnong.ocop.models import Certificate, Regime

    from .sections.ocop import ocop_figures

    today = timezone.localdate()
    data = ocop_figures(ctx, today, dt.date(today.year, 1, 1))
    valid = data["valid_products"]
    link = ctx.link("ocop-certificates", on=today.isoformat(), state="valid")
    result = Panel("ocop", "Sản phẩm OCOP")
    result.figures = [("Sản phẩm còn hiệu lực", ctx.n(valid["total"], link))] + [
        (
            f"{s} sao",
            ctx.n(
                valid["by_stars"].get(s, 0),
                ctx.link("ocop-certificates", on=today.isoformat(), state="valid", stars=s),
            ),
        )
        for s in reversed(Regime.star_ranks())
    ]
    soon = (
        Certificate.objects.valid_on(today)
        .filter(ctx.records_q(), expires_on__lte=today + dt.timedelta(days=90))
        .select_related("product", "producer")
        .order_by("expires_on")[:50]
    )
    result.table = Table(
        "Giấy chứng nhận hết hạn trong 90 ngày tới",
        ["Sản phẩm", "Chủ thể", "Hạng sao", "Hết hạn ngày"],
        [
            [
                c.product.name,
                c.producer.name,
                c.stars,
                formatting.date(c.expires_on - dt.timedelta(days=1)),
            ]
            for c in soon
        ],
        numeric=[2],
    )
    return result


@provider("poverty", order=30, kind="panel", requires="tamnong.poverty")
def poverty(ctx: ReportContext) -> Panel | None:
    from tamnong.poverty.models import ReviewRound

    from .sections.poverty import _rate, rates_chart, yearly_totals

    totals = yearly_totals(ctx, ctx.period.years)
    result = Panel("poverty", "Giảm nghèo")
    if totals:
        year = max(totals)
        t = totals[year]
        link = ctx.link("poverty-reviews", year=year)
        result.title = f"Giảm nghèo – rà soát năm {year}"
        result.figures = [
            (
                "Hộ nghèo",
                ctx.n(t["poor"], ctx.link("poverty-reviews", year=year, classification="poor")),
            ),
            ("Tỷ lệ hộ nghèo", ctx.pct(_rate(t["poor"], t["households"]), link)),
            (
                "Hộ cận nghèo",
                ctx.n(
                    t["near_poor"],
                    ctx.link("poverty-reviews", year=year, classification="near_poor"),
                ),
            ),
            ("Tỷ lệ hộ cận nghèo", ctx.pct(_rate(t["near_poor"], t["households"]), link)),
        ]
        result.chart = rates_chart(
            "dash-poverty", "Tỷ lệ hộ nghèo, cận nghèo (%)", totals, sorted(totals)
        )
    else:
        result.empty = "Chưa có kết quả rà soát."
    if ctx.division.is_current:
        from tamnong.divisions.models import Division, Level

        steps = dict(
            ReviewRound.objects.filter(ctx.records_q("commune"), year=ctx.period.end).values_list(
                "commune_id", "step"
            )
        )
        labels = dict(ReviewRound.Step.choices)
        communes = Division.objects.filter(
            ctx.records_q(""), level=Level.COMMUNE, map=ctx.division.map
        )
        pending = [
            (c.name, labels[steps.get(c.pk, ReviewRound.Step.PLANNED)])
            for c in communes.order_by("code")
            if steps.get(c.pk) != ReviewRound.Step.RECOGNISED
        ]
        result.table = Table(
            f"Xã chưa được công nhận kết quả rà soát năm {ctx.period.end} ({len(pending)})",
            ["Xã", "Bước hiện tại"],
            [list(p) for p in pending[:100]],
        )
    return result
