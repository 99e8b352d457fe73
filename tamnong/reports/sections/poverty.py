"""Poverty section: poor and near-poor households and rates (from the figures kept up to date by
the poverty module, never a scan of households), rural/urban, transitions, deprivation profile,
support and households escaping poverty sustainably."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from ..registry import provider
from ..summary import Chart, ReportContext, Section, Table

ESCAPED = ("poor_to_near", "escaped")
FELL_IN = ("new_poor", "re_poor", "near_to_poor")


def _rate(part: int, whole: int) -> Decimal | None:
    return (
        (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if whole
        else None
    )


def yearly_totals(ctx: ReportContext, years) -> dict[int, dict]:
    """Sums of the figure rows of the units under the report's division, per year and area, with
    the per-indicator and per-transition counts summed inside the database (the figure rows are
    per village: a province has thousands of them)."""
    from django.db import connection
    from django.db.models import Max, Sum

    from tamnong.poverty.models import PovertyFigure

    qs = PovertyFigure.objects.filter(ctx.records_q(), year__in=list(years))
    out: dict[int, dict] = {}
    for r in (
        qs.values("year", "area")
        .annotate(
            households=Sum("households"),
            poor=Sum("poor"),
            near_poor=Sum("near_poor"),
            standard=Max("standard_key"),
        )
        .order_by()
    ):
        t = out.setdefault(
            r["year"],
            {
                "households": 0,
                "poor": 0,
                "near_poor": 0,
                "standard": r["standard"],
                "areas": {},
                "deprived": defaultdict(int),
                "transitions": defaultdict(int),
            },
        )
        t["areas"][r["area"]] = {k: r[k] for k in ("households", "poor", "near_poor")}
        for k in ("households", "poor", "near_poor"):
            t[k] += r[k]
    if not out:
        return out
    # The per-indicator and per-transition counts are JSON objects with known keys: one scan
    # sums each key as a column (unnesting every object was three times slower on PostgreSQL).
    from tamnong.poverty.models import Standard, Transition

    ids_sql, params = qs.values("id").query.sql_with_params()
    table = PovertyFigure._meta.db_table
    indicators = max(
        (len(s.indicators or []) for s in Standard.objects.only("indicators")), default=0
    )
    keys = [("transitions", "transitions", k) for k in Transition.values] + [
        ("poor_deprived", "deprived", str(n)) for n in range(1, indicators + 1)
    ]
    if connection.vendor == "postgresql":
        exprs = [f"SUM(CAST(f.{col} ->> %s AS integer))" for col, _t, _k in keys]
        key_params = [k for _c, _t, k in keys]
    else:
        exprs = [f"SUM(CAST(json_extract(f.{col}, %s) AS INTEGER))" for col, _t, _k in keys]
        key_params = [f'$."{k}"' for _c, _t, k in keys]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT f.year, {', '.join(exprs)} FROM {table} f "
            f"WHERE f.id IN ({ids_sql}) GROUP BY f.year",
            [*key_params, *params],
        )
        for year, *sums in cur.fetchall():
            for (_col, target, k), n in zip(keys, sums, strict=True):
                if n:
                    out[year][target][k] += int(n)
    return out


@provider("poverty", order=30, kind="section")
def poverty(ctx: ReportContext) -> Section:
    title = "Giảm nghèo bền vững"
    try:
        from tamnong.poverty.models import Area, Standard
    except ImportError:
        return Section("poverty", title, [["Phân hệ giảm nghèo chưa được cài đặt."]])
    p = ctx.period
    years = list(range(p.start - 1, p.end + 1))
    totals = yearly_totals(ctx, years)
    in_period = [y for y in p.years if y in totals]
    if not in_period:
        return Section("poverty", title, [[f"Chưa có kết quả rà soát hộ nghèo trong kỳ {p}."]])
    year = in_period[-1]
    t = totals[year]
    link = lambda **kw: ctx.link("poverty-reviews", year=year, **kw)  # noqa: E731
    poor_rate, near_rate = _rate(t["poor"], t["households"]), _rate(t["near_poor"], t["households"])
    sentence = [
        f"Kết quả rà soát năm {year}: ",
        ctx.n(t["households"], link()),
        " hộ, trong đó ",
        ctx.n(t["poor"], link(classification="poor")),
        " hộ nghèo, chiếm ",
        ctx.pct(poor_rate),
        "; ",
        ctx.n(t["near_poor"], link(classification="near_poor")),
        " hộ cận nghèo, chiếm ",
        ctx.pct(near_rate),
    ]
    prev = totals.get(year - 1)
    if prev and prev["households"]:
        delta = poor_rate - _rate(prev["poor"], prev["households"])
        word = "giảm" if delta < 0 else ("tăng" if delta > 0 else "không đổi")
        sentence.append(
            f". Tỷ lệ hộ nghèo {word}"
            + (f" {ctx.n(abs(delta), decimals=2).text} điểm phần trăm" if delta else "")
            + f" so với năm {year - 1}"
        )
    paragraphs = [[*sentence, "."]]

    areas = []
    labels = dict(Area.choices)
    for area, a in sorted(t["areas"].items()):
        areas.append(
            [
                str(labels[area]),
                ctx.n(a["households"], link(area=area)),
                ctx.n(a["poor"], link(area=area, classification="poor")),
                ctx.pct(_rate(a["poor"], a["households"])),
                ctx.n(a["near_poor"], link(area=area, classification="near_poor")),
                ctx.pct(_rate(a["near_poor"], a["households"])),
            ]
        )
    tables = [
        Table(
            f"Hộ nghèo, cận nghèo năm {year} theo khu vực",
            ["Khu vực", "Số hộ", "Hộ nghèo", "Tỷ lệ", "Hộ cận nghèo", "Tỷ lệ"],
            areas,
            numeric=[1, 2, 3, 4, 5],
        )
    ]

    escaped = sum(totals[y]["transitions"].get(k, 0) for y in in_period for k in ESCAPED)
    fell_in = {k: sum(totals[y]["transitions"].get(k, 0) for y in in_period) for k in FELL_IN}
    if escaped or any(fell_in.values()):
        paragraphs.append(
            [
                f"Trong kỳ {p}, ",
                ctx.n(escaped, ctx.link("poverty-reviews", transition=",".join(ESCAPED))),
                " lượt hộ thoát nghèo; ",
                ctx.n(fell_in["new_poor"], ctx.link("poverty-reviews", transition="new_poor")),
                " hộ nghèo phát sinh mới, ",
                ctx.n(fell_in["re_poor"], ctx.link("poverty-reviews", transition="re_poor")),
                " hộ tái nghèo, ",
                ctx.n(
                    fell_in["near_to_poor"], ctx.link("poverty-reviews", transition="near_to_poor")
                ),
                " hộ cận nghèo trở thành hộ nghèo.",
            ]
        )
    sustainable = _escaped_sustainably(totals, in_period)
    if sustainable["escaped"]:
        paragraphs.append(
            [
                "Trong số ",
                ctx.n(sustainable["escaped"]),
                " hộ thoát nghèo, ",
                ctx.n(sustainable["sustained"]),
                " lượt không tái nghèo ở các kỳ rà soát sau trong kỳ báo cáo (thoát nghèo bền vững), đạt ",
                ctx.pct(_rate(sustainable["sustained"], sustainable["escaped"])),
                ".",
            ]
        )
    support = _support(ctx, in_period)
    if support["households"]:
        paragraphs.append(
            [
                "Đã hỗ trợ ",
                ctx.n(support["households"]),
                " lượt hộ, tổng kinh phí ",
                ctx.n(support["amount"] / 1_000_000, decimals=1, unit="triệu đồng"),
                ".",
            ]
        )
    if support["sponsored"]:
        paragraphs.append(
            [ctx.n(support["sponsored"]), " hộ nghèo được phân công đơn vị nhận giúp đỡ."]
        )

    standard = Standard.objects.filter(key=t["standard"]).first()
    names = {str(i["no"]): i["name"] for i in (standard.indicators if standard else [])}
    deprived = sorted(t["deprived"].items(), key=lambda kv: int(kv[0]))
    if t["poor"] and deprived:
        tables.append(
            Table(
                f"Tỷ lệ hộ nghèo thiếu hụt theo chỉ số năm {year}",
                ["Chỉ số", "Số hộ nghèo thiếu hụt", "Tỷ lệ"],
                [[names.get(k, k), ctx.n(v), ctx.pct(_rate(v, t["poor"]))] for k, v in deprived],
                numeric=[1, 2],
            )
        )
    if standard:
        paragraphs.append([f"Chuẩn nghèo áp dụng: {standard.title}."])
    chart = rates_chart(
        "poverty-rates", "Tỷ lệ hộ nghèo, cận nghèo theo năm (%)", totals, in_period
    )
    return Section("poverty", title, paragraphs, tables, [chart])


def rates_chart(key: str, title: str, totals: dict[int, dict], years) -> Chart:
    """Poor and near-poor rates by year, as a line chart (report section and dashboard)."""

    def series(field: str) -> list[float]:
        return [float(_rate(totals[y][field], totals[y]["households"]) or 0) for y in years]

    return Chart(
        key,
        title,
        [str(y) for y in years],
        [
            {"label": "Hộ nghèo", "data": series("poor")},
            {"label": "Hộ cận nghèo", "data": series("near_poor")},
        ],
        kind="line",
        decimals=2,
        unit="%",
    )


def _escaped_sustainably(totals: dict[int, dict], years: list[int]) -> dict:
    """Escapes from poverty in the period that were not followed by a return to poverty (tái nghèo)
    in a later review of the period, counted from the transition figures (events, not a scan of
    households): every re-poor record follows an escape of the same household, so sustained =
    escapes in the years before the last − re-poor records in the years after the first."""
    escaped = sum(totals[y]["transitions"].get(k, 0) for y in years[:-1] for k in ESCAPED)
    fell_back = sum(totals[y]["transitions"].get("re_poor", 0) for y in years[1:])
    return {"escaped": escaped, "sustained": max(0, escaped - fell_back)}


def _support(ctx: ReportContext, years) -> dict:
    from django.db.models import Count, Sum

    from tamnong.poverty.models import Sponsorship, SupportRecord, province_q

    # (the households' province named: their partition only)
    households = ctx.records_q("household__division") & province_q(ctx.division, "household__")
    rows = SupportRecord.objects.filter(households, year__in=list(years)).aggregate(
        n=Count("household", distinct=True), amount=Sum("amount")
    )
    sponsored = (
        Sponsorship.objects.filter(households, from_year__lte=years[-1])
        .values("household")
        .distinct()
        .count()
    )
    return {
        "households": rows["n"] or 0,
        "amount": rows["amount"] or Decimal(0),
        "sponsored": sponsored,
    }
