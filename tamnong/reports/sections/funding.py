"""Funding and disbursement, resources mobilised."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from tamnong.core import formatting

from ..models import Contribution, FundingRecord
from ..registry import provider
from ..summary import Chart, ReportContext, Section, Table, change_text

ZERO = Decimal(0)


def _rate(disbursed, allocated) -> Decimal | None:
    return (disbursed * 100 / allocated) if allocated else None


@provider("funding", order=40, kind="section")
def funding(ctx: ReportContext) -> Section:
    p, prev = ctx.period, ctx.period.previous
    records = FundingRecord.objects.filter(ctx.records_q())
    now = records.filter(year__range=(p.start, p.end)).aggregate(
        a=Sum("allocated"), d=Sum("disbursed")
    )
    before = records.filter(year__range=(prev.start, prev.end)).aggregate(a=Sum("allocated"))
    allocated, disbursed = now["a"] or ZERO, now["d"] or ZERO
    paragraphs = []
    if not allocated:
        paragraphs.append([f"Chưa có số liệu nguồn vốn của {ctx.division.name} trong kỳ {p}."])
    else:
        rate = _rate(disbursed, allocated)
        sentence = [
            f"Kỳ {p}, tổng vốn phân bổ thực hiện các chương trình là ",
            ctx.n(allocated, ctx.link("funding"), unit="triệu đồng"),
            ", đã giải ngân ",
            ctx.n(disbursed, ctx.link("funding"), unit="triệu đồng"),
            ", đạt ",
            ctx.pct(rate, ctx.link("funding")),
            ".",
        ]
        change = change_text(allocated, before["a"], unit="triệu đồng")
        if change:
            sentence.append(f" Vốn phân bổ {change}.")
        paragraphs.append(sentence)

    by_source = list(
        records.filter(year__range=(p.start, p.end))
        .values("source__code", "source__name")
        .annotate(a=Sum("allocated"), d=Sum("disbursed"))
        .order_by("source__id")
    )
    by_component = list(
        records.filter(year__range=(p.start, p.end))
        .values("component__code", "component__name")
        .annotate(a=Sum("allocated"), d=Sum("disbursed"))
        .order_by("component__id")
    )
    by_year = {
        r["year"]: r
        for r in records.filter(year__range=(p.start, p.end))
        .values("year")
        .annotate(a=Sum("allocated"), d=Sum("disbursed"))
        .order_by("year")
    }
    tables = []
    if by_source:
        parts = [
            [
                row["source__name"] + " ",
                ctx.n(row["a"], ctx.link("funding", source=row["source__code"]), unit="triệu đồng"),
            ]
            for row in by_source
        ]
        sentence = ["Theo nguồn vốn: "]
        for i, part in enumerate(parts):
            sentence += ([", "] if i else []) + part
        paragraphs.append([*sentence, "."])
        tables.append(_table("Vốn theo nguồn", "Nguồn vốn", by_source, "source", ctx))
    if by_component:
        tables.append(
            _table("Vốn theo nội dung chương trình", "Nội dung", by_component, "component", ctx)
        )

    contributions = list(
        Contribution.objects.filter(ctx.records_q(), year__range=(p.start, p.end))
        .values("purpose")
        .annotate(units=Sum("units"), value=Sum("value"), n=Count("id"))
        .order_by("-value")
    )
    for row in contributions:
        paragraphs.append(
            [
                f"Huy động cho «{row['purpose']}»: ",
                ctx.n(row["units"], ctx.link("contributions", purpose=row["purpose"])),
                " đơn vị (căn nhà, suất…), trị giá ",
                ctx.n(
                    row["value"],
                    ctx.link("contributions", purpose=row["purpose"]),
                    decimals=1,
                    unit="triệu đồng",
                ),
                ".",
            ]
        )
    charts = []
    if by_year:
        years = [str(y) for y in p.years]
        charts.append(
            Chart(
                key="funding-by-year",
                title="Vốn phân bổ và giải ngân theo năm (triệu đồng)",
                labels=years,
                datasets=[
                    {
                        "label": "Phân bổ",
                        "data": [float(by_year.get(y, {}).get("a") or 0) for y in p.years],
                    },
                    {
                        "label": "Giải ngân",
                        "data": [float(by_year.get(y, {}).get("d") or 0) for y in p.years],
                    },
                ],
                unit="triệu đồng",
            )
        )
    return Section("funding", "Nguồn vốn và giải ngân", paragraphs, tables, charts)


def _table(title: str, label: str, rows: list[dict], field: str, ctx: ReportContext) -> Table:
    out = []
    for r in rows:
        link = ctx.link("funding", **{field: r[f"{field}__code"]})
        out.append(
            [
                r[f"{field}__name"],
                ctx.n(r["a"], link),
                ctx.n(r["d"], link),
                formatting.percent(_rate(r["d"] or ZERO, r["a"] or ZERO)),
            ]
        )
    return Table(
        title,
        [label, "Phân bổ (triệu đồng)", "Giải ngân (triệu đồng)", "Tỷ lệ giải ngân"],
        out,
        numeric=[1, 2, 3],
    )
