"""Role dashboards: headline figures of the three programmes for the user's scope, trends by year,
a ranking of communes, certificates expiring soon, review rounds not yet recognised.

Panels come from providers registered with `@provider(key, order, kind="panel")`
(`tamnong/reports/registry.py`; the providers are in `tamnong/reports/panels.py`); each reads its module's figures
(never scanning households) and returns figures, an optional chart (with its data table) and an
optional table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .registry import providers
from .summary import Chart, Figure, Period, ReportContext, Table


@dataclass
class Panel:
    key: str
    title: str
    figures: list[tuple[str, Figure]] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    link: str | None = None
    empty: str = ""


def build_dashboard(user, division, year: int, trend_years: int = 5) -> list[Panel]:
    ctx = ReportContext(user=user, division=division, period=Period(year - trend_years + 1, year))
    out = []
    for p in providers("panel"):
        result = p.func(ctx)
        if result is not None:
            out.append(result)
    return out


def cached_dashboard(user, division, year: int) -> list[Panel]:
    """`build_dashboard` for the page: kept until the data change (core.datacache)."""
    from tamnong.core import datacache

    return datacache.cached_for(
        user,
        "reports.dashboard",
        division.pk,
        year,
        compute=lambda: build_dashboard(user, division, year),
    )


def chart_csv(chart: Chart) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    from tamnong.tabular import escape_formula  # a unit or product name never runs as a formula

    writer.writerow(["", *[escape_formula(ds["label"]) for ds in chart.datasets]])
    for label, values in chart.rows:
        writer.writerow([escape_formula(label), *values])
    return "\ufeff" + buf.getvalue()
