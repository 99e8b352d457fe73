"""NTM section: xã by criteria met in bands, average criteria per xã and its change, the year-end
recognition sentences (x/y xã đạt chuẩn, nâng cao, kiểu mẫu; huyện, thị xã, tỉnh; thôn; plan in
the year and cumulative), results by year, xã with the most criteria missing — from
tamnong.ntm.figures and tamnong.ntm.sentences."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from ..registry import provider
from ..summary import Chart, ReportContext, Section, Table


def ntm_figures(ctx: ReportContext, year: int, recognised: dict | None = None):
    try:
        from tamnong.ntm.figures import figures
    except ImportError:
        return None
    return figures(ctx.user, ctx.division, year, recognised=recognised)


@provider("ntm", order=10, kind="section")
def ntm(ctx: ReportContext) -> Section:
    title = "Xây dựng nông thôn mới"
    p = ctx.period
    averages_by_year = yearly_averages(ctx, p.years)
    if averages_by_year is None:
        return Section("ntm", title, [["Phân hệ nông thôn mới chưa được cài đặt."]])
    from django.utils import translation

    with translation.override("vi"):  # the report is written in Vietnamese, like its other parts
        return _ntm(ctx, title, averages_by_year)


def _ntm(ctx: ReportContext, title: str, averages_by_year) -> Section:
    from tamnong.ntm import sentences

    p = ctx.period
    # assessment figures of the last year assessed; recognitions as they stand at the period's end
    assessed_year = max(averages_by_year, default=None)
    from tamnong.ntm.results import results_by_year

    # the recognitions at the end of every year of the period, read once (the by-year table and
    # the period's end)
    per_year = results_by_year(ctx.division, list(p.years))
    end = ntm_figures(ctx, p.end, per_year[p.end])
    data = (
        end
        if assessed_year in (None, p.end)
        else ntm_figures(ctx, assessed_year, per_year.get(assessed_year))
    )
    recognised = any(r["count"] for s in end["levels"] for r in s["rows"])
    if not data["sets"] and not recognised and not end["plan"]:
        return Section("ntm", title, [[f"Chưa có kết quả nông thôn mới trong kỳ {p}."]])
    paragraphs, tables = [], []
    year = data["year"]
    kinds = ",".join(data["denominator"]["kinds"])
    for s in data["sets"]:
        link = functools.partial(
            ctx.link, "ntm-assessments", year=year, set=s["key"], unit_kind=kinds
        )
        sentence = [
            f"Năm {year}, theo {s['title']}"
            + (
                " (dữ liệu minh họa)"
                if s["synthetic"] and "minh họa" not in s["title"].lower()
                else ""
            )
            + ", ",
            ctx.n(s["assessed"], link()),
            f"/{ctx.n(data['denominator']['total']).text} xã được đánh giá: ",
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
    for parts in sentences.paragraphs(end):
        paragraphs.append([_figure(ctx, part) for part in parts])
    if end["plan"]:
        tables.append(
            Table(
                f"Kế hoạch và kết quả năm {p.end}",
                ["Chỉ tiêu", "Cách tính", "Kế hoạch", "Kết quả", "Đánh giá"],
                [
                    [
                        item["label"],
                        item["reading_label"],
                        Decimal(item["plan"]),
                        Decimal(item["result"]) if item["result"] is not None else "–",
                        "Đạt"
                        if item["reached"]
                        else ("Chưa đạt" if item["reached"] is False else "–"),
                    ]
                    for item in end["plan"]
                ],
                numeric=[2, 3],
            )
        )
    by_year = _results_by_year(ctx, per_year)
    if by_year is not None:
        tables.append(by_year)
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
    series = average_series(ctx, p.years)
    charts = (
        [
            Chart(
                "ntm-average",
                "Bình quân số tiêu chí đạt/xã theo năm",
                [str(y) for y in p.years],
                series,
                kind="line",
                decimals=2,
            )
        ]
        if any(v for s in series for v in s["data"])
        else []
    )
    return Section("ntm", title, paragraphs, tables, charts)


def _figure(ctx: ReportContext, part):
    """A sentence part of tamnong.ntm.sentences as text or a linked figure."""
    from tamnong.ntm.sentences import Num

    if not isinstance(part, Num):
        return part
    link = ctx.link(part.records, **part.params) if part.records else None
    if part.percent:
        return ctx.pct(part.value, link)
    return ctx.n(part.value, link, decimals=part.decimals)


def _results_by_year(ctx: ReportContext, per_year: dict[int, dict]) -> Table | None:
    """The levels held at the end of each year of the period (xã, then thôn), nested: the
    figures behind "kết quả theo năm"."""
    years = list(ctx.period.years)
    if len(years) < 2:
        return None
    columns, keys = ["Năm", "Số xã"], []
    for y in years:
        for scale in per_year[y]["levels"]:
            if scale["scale"] not in ("commune", "village"):
                continue
            for row in scale["rows"]:
                key = (scale["scale"], row["kind"])
                if key not in keys:
                    keys.append(key)
                    columns.append(f"{scale['unit_word'].capitalize()} {row['phrase']}")
    rows = []
    for y in years:
        found = {
            (scale["scale"], row["kind"]): row["count"]
            for scale in per_year[y]["levels"]
            for row in scale["rows"]
        }
        rows.append(
            [str(y), per_year[y]["denominator"]["total"], *(found.get(k, "–") for k in keys)]
        )
    if not any(isinstance(c, int) and c for r in rows for c in r[2:]):
        return None
    return Table(
        "Kết quả công nhận theo năm (đến cuối mỗi năm)",
        columns,
        rows,
        numeric=list(range(1, len(columns))),
    )


def yearly_averages(ctx: ReportContext, years) -> dict[int, Decimal] | None:
    """Average criteria met per xã for each year, under the commune NTM sets, from the
    assessments' summary rows in one grouped query (the chart needs no per-commune detail)."""
    try:
        from tamnong.ntm.models import Assessment
    except ImportError:
        return None
    from django.db.models import Count, Sum

    from tamnong.divisions.models import Level
    from tamnong.ntm.figures import xa_kinds

    rows = (
        Assessment.objects.filter(
            ctx.records_q(),
            year__in=list(years),
            division__level=Level.COMMUNE,
            division__kind__in=xa_kinds(*years),
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


def average_series(ctx: ReportContext, years) -> list[dict]:
    """The yearly average criteria met per xã, one chart series per criteria set: figures of
    different sets (19 criteria, then 10) are never joined into one line."""
    from django.db.models import Count, Sum

    from tamnong.divisions.models import Level
    from tamnong.ntm.figures import xa_kinds
    from tamnong.ntm.models import Assessment

    years = list(years)
    rows = (
        Assessment.objects.filter(
            ctx.records_q(),
            year__in=years,
            division__level=Level.COMMUNE,
            division__kind__in=xa_kinds(*years),
            criteria_set__kind="commune_ntm",
        )
        .values("year", "set_key", "criteria_set__title")
        .annotate(n=Count("id"), met=Sum("criteria_met"))
        .order_by("set_key")
    )
    by_set: dict[str, dict] = {}
    for r in rows:
        if not r["n"]:
            continue
        entry = by_set.setdefault(r["set_key"], {"label": r["criteria_set__title"], "years": {}})
        avg = (Decimal(r["met"]) / r["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        # several versions of one set share a key; the title of the latest one names the series
        entry["years"][r["year"]] = avg
    series = sorted(by_set.values(), key=lambda e: min(e["years"]))
    return [
        {
            "label": e["label"],
            "data": [float(e["years"][y]) if y in e["years"] else None for y in years],
        }
        for e in series
    ]
