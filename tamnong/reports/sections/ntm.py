"""NTM section: communes by criteria met in bands, average criteria per commune and its change,
statuses, plan against result, communes with the most criteria missing — from tamnong.ntm.figures."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from ..registry import provider
from ..summary import Chart, ReportContext, Section, Table


def ntm_figures(ctx: ReportContext, year: int):
    try:
        from tamnong.ntm.figures import figures
    except ImportError:
        return None
    return figures(ctx.user, ctx.division, year)


@provider("ntm", order=10, kind="section")
def ntm(ctx: ReportContext) -> Section:
    title = "Xây dựng nông thôn mới"
    p = ctx.period
    averages_by_year = yearly_averages(ctx, p.years)
    if averages_by_year is None:
        return Section("ntm", title, [["Phân hệ nông thôn mới chưa được cài đặt."]])
    year = max(averages_by_year, default=None)
    data = ntm_figures(ctx, year) if year is not None else None
    if not data or not data["sets"]:
        return Section("ntm", title, [[f"Chưa có kết quả đánh giá nông thôn mới trong kỳ {p}."]])
    paragraphs, tables = [], []
    for s in data["sets"]:
        link = functools.partial(ctx.link, "ntm-assessments", year=year, set=s["key"])
        sentence = [
            f"Năm {year}, theo {s['title']}"
            + (
                " (dữ liệu minh họa)"
                if s["synthetic"] and "minh họa" not in s["title"].lower()
                else ""
            )
            + ", ",
            ctx.n(s["assessed"], link()),
            f"/{ctx.n(data['communes_total']).text} xã được đánh giá: ",
        ]
        for i, band in enumerate(s["bands"]):
            sentence += ([", "] if i else []) + [
                ctx.n(band["count"], link(band=band["code"])),
                f" xã {band['label'][:1].lower()}{band['label'][1:]}",
            ]
        if s["average"] is not None:
            sentence += [
                "; bình quân ",
                ctx.n(Decimal(s["average"]), link(), decimals=2),
                " tiêu chí/xã",
            ]
            if s["change"] is not None:
                change = Decimal(s["change"])
                word = "tăng" if change > 0 else ("giảm" if change < 0 else "bằng")
                sentence.append(
                    f", {word} {ctx.n(abs(change), decimals=2).text} tiêu chí so với năm {year - 1}"
                    if change
                    else ", bằng năm trước"
                )
        paragraphs.append([*sentence, "."])
        tables.append(
            Table(
                f"Số xã theo số tiêu chí đạt – {s['title']}",
                ["Nhóm", "Số xã"],
                [[b["label"], ctx.n(b["count"], link(band=b["code"]))] for b in s["bands"]],
                numeric=[1],
            )
        )
    statuses = [st for st in data["statuses"] if st["code"] != "not_yet" and st["count"]]
    if statuses:
        sentence = [f"Đến năm {year}: "]
        for i, st in enumerate(statuses):
            sentence += ([", "] if i else []) + [
                ctx.n(st["count"], ctx.link("ntm-assessments", year=year, status=st["code"])),
                f" xã {st['label'][0].lower()}{st['label'][1:]}",
            ]
        paragraphs.append([*sentence, "."])
    if data["plan"]:
        rows = []
        for item in data["plan"]:
            reached = _reached(item["plan"], item["result"])
            rows.append(
                [
                    item["label"],
                    item["plan"],
                    item["result"] or "–",
                    "Đạt" if reached else ("Chưa đạt" if reached is False else "–"),
                ]
            )
        missed = [r[0] for r in rows if r[3] == "Chưa đạt"]
        paragraphs.append(
            [
                f"So với kế hoạch năm {year}: "
                + (
                    "đạt toàn bộ chỉ tiêu."
                    if not missed
                    else "chưa đạt chỉ tiêu " + "; ".join(m.lower() for m in missed) + "."
                )
            ]
        )
        tables.append(
            Table(
                f"Kế hoạch và kết quả năm {year}",
                ["Chỉ tiêu", "Kế hoạch", "Kết quả", "Đánh giá"],
                rows,
                numeric=[1, 2],
            )
        )
    lagging = sorted(
        (c for c in data["communes"] if c.get("missing")),
        key=lambda c: (c.get("criteria_met") or 0, c.get("name") or ""),
    )[:10]
    if lagging:
        tables.append(
            Table(
                "Các xã còn nhiều tiêu chí chưa đạt",
                ["Xã", "Số tiêu chí đạt", "Tiêu chí chưa đạt"],
                [
                    [
                        c.get("name", ""),
                        c.get("criteria_met"),
                        ", ".join(str(m["no"]) for m in c["missing"]),
                    ]
                    for c in lagging
                ],
                numeric=[1],
            )
        )
    averages = [float(averages_by_year[y]) if y in averages_by_year else None for y in p.years]
    charts = (
        [
            Chart(
                "ntm-average",
                "Bình quân số tiêu chí đạt/xã theo năm",
                [str(y) for y in p.years],
                [{"label": "Tiêu chí/xã", "data": averages}],
                kind="line",
                decimals=2,
            )
        ]
        if any(averages)
        else []
    )
    return Section("ntm", title, paragraphs, tables, charts)


def yearly_averages(ctx: ReportContext, years) -> dict[int, Decimal] | None:
    """Average criteria met per commune for each year, under the commune NTM sets, from the
    assessments' summary rows in one grouped query (the chart needs no per-commune detail)."""
    try:
        from tamnong.ntm.models import Assessment
    except ImportError:
        return None
    from django.db.models import Count, Sum

    from tamnong.divisions.models import Level

    rows = (
        Assessment.objects.filter(
            ctx.records_q(),
            year__in=list(years),
            division__level=Level.COMMUNE,
            criteria_set__kind="commune_ntm",
        )
        .values("year")
        .annotate(n=Count("id"), met=Sum("criteria_met"))
        .order_by()
    )
    return {
        r["year"]: (Decimal(r["met"]) / r["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for r in rows
        if r["n"]
    }


def _reached(plan: str | None, result: str | None) -> bool | None:
    try:
        return Decimal(result) >= Decimal(plan)
    except (TypeError, ArithmeticError, ValueError):
        return None
