"""Dashboard panels. Module panels read the module's figures through its services."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from .dashboard import Panel, panel
from .models import Activity, FundingRecord
from .summary import Chart, ReportContext


@panel("funding", order=40)
def funding(ctx: ReportContext) -> Panel:
    p = ctx.period
    rows = {
        r["year"]: r
        for r in FundingRecord.objects.filter(ctx.records_q(), year__range=(p.start, p.end))
        .values("year")
        .annotate(a=Sum("allocated"), d=Sum("disbursed"))
        .order_by("year")
    }
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


@panel("activities", order=50)
def activities(ctx: ReportContext) -> Panel:
    p = ctx.period
    rows = {
        r["date__year"]: r
        for r in Activity.objects.filter(ctx.records_q(), date__year__range=(p.start, p.end))
        .values("date__year")
        .annotate(n=Count("id"), people=Sum("participants"))
        .order_by("date__year")
    }
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
