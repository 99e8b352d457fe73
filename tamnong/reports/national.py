"""The central level's roll-up (báo cáo toàn quốc): each province's headline figures side by side,
ranked, and the country's totals.

A province's row is the figures its own summary report states (`province_figures` reads them
through the report's helpers: `sections.poverty.yearly_totals`, `ocop.figures.figures`,
`ntm.results.results`), and the country's totals are sums of the rows (the rates recomputed from
the summed counts, never averaged). `build_national` computes the rows of all provinces together
in a few queries — the poverty figure rows and the OCOP certificates in force counted by province
in the database, the NTM counts stored per province and year by `ntm.rollup` (or computed from one
`Standing` of every xã) — and the tests hold it equal to `province_figures`. Nothing here scans
households: the poverty figures are the per-village aggregates the poverty module keeps up to
date. `refresh()` rebuilds what is stored.

Only the national roles and administrators read it (`require_national`): a province's officer
reads their own province's report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.core import formatting
from tamnong.divisions.models import Division, Level

from .dashboard import Panel
from .summary import Chart, Figure, Period, ReportContext, Table


def may_read_national(user) -> bool:
    scope = Scope.of(user)
    return scope.is_admin or scope.is_national


def require_national(user) -> None:
    if not may_read_national(user):
        raise PermissionDenied(_("Chỉ cấp Trung ương được xem báo cáo toàn quốc."))


@dataclass
class ProvinceFigures:
    """One province's headline figures, as its own summary report states them."""

    division: Division
    households: int = 0
    poor: int = 0
    near_poor: int = 0
    poverty_year: int | None = None
    ocop_valid: int = 0
    ocop_by_stars: dict[int, int] = field(default_factory=dict)
    ntm_communes: int = 0  # xã recognised NTM (or higher) at the year's end
    communes: int = 0  # xã counted (the share's denominator)

    @property
    def poor_rate(self):
        from .sections.poverty import _rate

        return _rate(self.poor, self.households)

    @property
    def near_poor_rate(self):
        from .sections.poverty import _rate

        return _rate(self.near_poor, self.households)

    @property
    def ntm_share(self):
        from .sections.poverty import _rate

        return _rate(self.ntm_communes, self.communes)

    def as_dict(self) -> dict:
        def num(v):
            return None if v is None else float(v)

        return {
            "code": self.division.code,
            "name": self.division.name,
            "poverty": {
                "year": self.poverty_year,
                "households": self.households,
                "poor": self.poor,
                "near_poor": self.near_poor,
                "poor_rate": num(self.poor_rate),
                "near_poor_rate": num(self.near_poor_rate),
            },
            "ocop": {
                "valid_products": self.ocop_valid,
                "by_stars": {
                    str(s): n for s, n in sorted(self.ocop_by_stars.items(), reverse=True)
                },
            },
            "ntm": {
                "communes_recognised": self.ntm_communes,
                "communes": self.communes,
                "share": num(self.ntm_share),
            },
        }


@dataclass
class National:
    period: Period
    on: dt.date
    provinces: list[ProvinceFigures]
    generated_at: dt.datetime

    @property
    def total(self) -> ProvinceFigures:
        """The country: sums of the provinces (rates from the summed counts)."""
        country = Division(code="VN", name=_("Toàn quốc"), level=Level.PROVINCE)
        out = ProvinceFigures(country)
        years = {p.poverty_year for p in self.provinces if p.poverty_year}
        out.poverty_year = max(years) if years else None
        for p in self.provinces:
            out.households += p.households
            out.poor += p.poor
            out.near_poor += p.near_poor
            out.ocop_valid += p.ocop_valid
            for s, n in p.ocop_by_stars.items():
                out.ocop_by_stars[s] = out.ocop_by_stars.get(s, 0) + n
            out.ntm_communes += p.ntm_communes
            out.communes += p.communes
        return out

    @property
    def stars(self) -> tuple[int, ...]:
        """The star ranks counted, highest first: those of the regimes' data, which every
        province's figures carry (`Regime.star_ranks`), never a list written here."""
        return tuple(sorted({s for p in self.provinces for s in p.ocop_by_stars}, reverse=True))

    def as_dict(self) -> dict:
        return {
            "period": {"start": self.period.start, "end": self.period.end},
            "on": self.on.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "total": self.total.as_dict(),
            "provinces": [p.as_dict() for p in self.provinces],
        }


def provinces() -> list[Division]:
    """The provinces of the map records are counted under today (34 from 01/07/2025)."""
    return list(Division.objects.resolved().provinces().select_related("map").order_by("code"))


def province_figures(user, division: Division, period: Period) -> ProvinceFigures:
    """`division`'s figures for `period`, read as its summary report reads them."""
    from .sections.ntm import ntm_figures  # noqa: F401 (the module the report uses)
    from .sections.ocop import _today, ocop_figures
    from .sections.poverty import yearly_totals

    ctx = ReportContext(user=user, division=division, period=period)
    out = ProvinceFigures(division)
    totals = yearly_totals(ctx, list(period.years))
    if totals:
        out.poverty_year = max(totals)
        t = totals[out.poverty_year]
        out.households, out.poor, out.near_poor = t["households"], t["poor"], t["near_poor"]
    on = min(period.last_day, _today())
    ocop = ocop_figures(ctx, on, period.first_day)
    if ocop is not None:
        out.ocop_valid = ocop["valid_products"]["total"]
        out.ocop_by_stars = {int(s): n for s, n in ocop["valid_products"]["by_stars"].items()}
    try:
        from tamnong.ntm.results import results
    except ImportError:
        return out
    levels = {s["scale"]: s for s in results(division, period.end)["levels"]}
    communes = levels.get("commune")
    if communes and communes["rows"]:
        out.ntm_communes, out.communes = communes["rows"][0]["count"], communes["total"]
    return out


def build_national(user, period: Period) -> National:
    """Every province's `province_figures` for `period`, computed for all provinces together:
    the poverty figure rows and the OCOP certificates in force counted in the database grouped by
    province, the NTM standing of every xã of the country from one `Standing` — a few queries
    whatever the number of provinces, never 34 copies of a province's report."""
    require_national(user)
    from .sections.ocop import _today

    on = min(period.last_day, _today())
    divisions = provinces()
    rows = {d.pk: ProvinceFigures(d) for d in divisions}
    _poverty_by_province(user, rows, period)
    _ocop_by_province(user, rows, on, period)
    _ntm_by_province(rows, period.end)
    return National(period, on, list(rows.values()), timezone.now())


def _province_key(field: str):
    """The first id of a records' division path ("/12/345/" → "12"), the province it counts
    under (a current province's `within_q` is a prefix test on that path)."""
    from django.db.models import F, Value
    from django.db.models.functions import StrIndex, Substr

    rest = Substr(F(field), 2)
    return Substr(F(field), 2, StrIndex(rest, Value("/")) - 1)


def _by_key(rows: dict[int, ProvinceFigures]) -> dict[str, ProvinceFigures]:
    return {p.division.path.strip("/"): p for p in rows.values()}


def _poverty_by_province(user, rows: dict[int, ProvinceFigures], period: Period) -> None:
    """`yearly_totals` of each province, its latest year of the period: one grouped query."""
    from django.db.models import Sum

    try:
        from tamnong.poverty.models import PovertyFigure
    except ImportError:
        return
    qs = PovertyFigure.objects.filter(year__in=list(period.years))
    scope_q = Scope.of(user).q(path_field="division__path")
    if scope_q is not None:
        qs = qs.filter(scope_q)
    by_key = _by_key(rows)
    for r in (
        qs.annotate(province_key=_province_key("division__path"))
        .values("province_key", "year")
        .annotate(households=Sum("households"), poor=Sum("poor"), near_poor=Sum("near_poor"))
        .order_by()
    ):
        p = by_key.get(r["province_key"])
        if p is None or (p.poverty_year is not None and p.poverty_year > r["year"]):
            continue
        p.poverty_year = r["year"]
        p.households, p.poor, p.near_poor = r["households"], r["poor"], r["near_poor"]


def _ocop_by_province(user, rows: dict[int, ProvinceFigures], on, period: Period) -> None:
    """`ocop.figures.figures(...)["valid_products"]` of each province: the products with a
    certificate in force on `on` (by the certificate's unit), counted in the database by province
    and by stars. A product in force under two star ranks at once (a data anomaly) is counted as
    `figures` counts it: such a province is read through `figures`."""
    from django.db.models import Count, Q

    try:
        from tamnong.ocop.models import Certificate, Regime
    except ImportError:
        return
    ranks = [int(s) for s in Regime.star_ranks()]

    def products(**where):
        return Count("product", distinct=True, filter=Q(**where) if where else None)

    counts = (
        Certificate.objects.valid_on(on)
        .annotate(province_key=_province_key("division__path"))
        .values("province_key")
        .annotate(
            total=products(),
            unranked=(
                Count("product", distinct=True, filter=~Q(stars__in=ranks)) if ranks else products()
            ),
            **{f"s{s}": products(stars=s) for s in ranks},
        )
        .order_by()
    )
    found = {r["province_key"]: r for r in counts}
    for key, p in _by_key(rows).items():
        r = found.get(key)
        if r is None:
            p.ocop_valid, p.ocop_by_stars = 0, dict.fromkeys(ranks, 0)
        elif r["unranked"] + sum(r[f"s{s}"] for s in ranks) != r["total"]:
            p.ocop_valid, p.ocop_by_stars = _ocop_of(user, p.division, on, period)
        else:
            p.ocop_valid, p.ocop_by_stars = r["total"], {s: r[f"s{s}"] for s in ranks}


def _ocop_of(user, division: Division, on, period: Period) -> tuple[int, dict[int, int]]:
    from .sections.ocop import ocop_figures

    ctx = ReportContext(user=user, division=division, period=period)
    ocop = ocop_figures(ctx, on, period.first_day)
    if ocop is None:
        return 0, {}
    by_stars = {int(s): n for s, n in ocop["valid_products"]["by_stars"].items()}
    return ocop["valid_products"]["total"], by_stars


def _ntm_by_province(rows: dict[int, ProvinceFigures], year: int) -> None:
    """The xã recognised NTM (or higher) at the end of `year` and the xã counted, for every
    province: the counts NTM stores per province and year (`ntm.rollup`), else computed from one
    `Standing` of every xã (`ntm.results.scale_counts`)."""
    try:
        from tamnong.ntm import rollup
        from tamnong.ntm.results import scale_counts
    except ImportError:
        return
    divisions = [p.division for p in rows.values()]
    counts = rollup.stored(year, divisions)
    if counts is None:
        counts = scale_counts(divisions, [year], rollup.SCALE).get(year, {})
    for pk, (recognised, communes) in counts.items():
        rows[pk].ntm_communes, rows[pk].communes = recognised, communes


def refresh() -> dict:
    """Rebuild what the roll-up stores: the NTM counts per province and year (`ntm.rollup`; the
    poverty and OCOP columns are counted from their tables at each reading)."""
    from tamnong.ntm import rollup

    return rollup.refresh()


def cached_national(user, period: Period) -> National:
    """`build_national` for pages and the API: kept until the data change (core.datacache)."""
    from tamnong.core import datacache

    require_national(user)
    return datacache.cached_for(
        user,
        "reports.national",
        period.start,
        period.end,
        compute=lambda: build_national(user, period),
    )


# -- presentation: ranking tables and charts -----------------------------------------------------
def _n(value, decimals: int = 0) -> Figure:
    return Figure(value, formatting.number(value, decimals))


def _pct(value) -> Figure:
    return Figure(value, formatting.percent(value))


def comparison_table(data: National) -> Table:
    """Every province on one row with the country's totals last: the summary report's table."""
    from urllib.parse import urlencode

    from django.urls import reverse

    period = {"period": str(data.period).replace("–", "-")}
    rows = []
    for p in [*data.provinces, data.total]:
        link = (
            f"{reverse('reports:summary')}?{urlencode({'division': p.division.pk, **period})}"
            if p.division.pk
            else None
        )
        rows.append(
            [
                Figure(None, p.division.name, link),
                _n(p.households),
                _n(p.poor),
                _pct(p.poor_rate),
                _n(p.near_poor),
                _pct(p.near_poor_rate),
                _n(p.ocop_valid),
                *(_n(p.ocop_by_stars.get(s, 0)) for s in data.stars),
                _n(p.ntm_communes),
                _n(p.communes),
                _pct(p.ntm_share),
            ]
        )
    return Table(
        _("Số liệu các tỉnh, thành phố"),
        [
            _("Tỉnh, thành phố"),
            _("Số hộ"),
            _("Hộ nghèo"),
            _("Tỷ lệ hộ nghèo"),
            _("Hộ cận nghèo"),
            _("Tỷ lệ hộ cận nghèo"),
            _("Sản phẩm OCOP còn hiệu lực"),
            *(_("%(s)s sao") % {"s": s} for s in data.stars),
            _("Xã đạt chuẩn NTM"),
            _("Số xã"),
            _("Tỷ lệ xã đạt chuẩn NTM"),
        ],
        rows,
        numeric=list(range(1, 14)),
    )


def _ranked(items, key) -> list:
    return sorted(items, key=lambda p: (key(p), p.division.code))


@dataclass(frozen=True)
class Ranking:
    """One ranking panel of the national dashboard: the provinces in `order`, a chart of
    `series` (label, value of a province) and a table of `columns` (header, Figure of a province)
    after the rank and the province's name."""

    key: str
    title: Callable[[National], str]
    chart_title: Callable[[], str]
    table_title: Callable[[], str]
    order: Callable[[ProvinceFigures], tuple]
    series: Callable[[National], list[tuple[str, Callable[[ProvinceFigures], float]]]]
    columns: Callable[[National], list[tuple[str, Callable[[ProvinceFigures], Figure]]]]
    percent: bool = False  # the chart's values are percentages (2 decimals)
    counted: Callable[[ProvinceFigures], bool] = lambda p: True  # noqa: E731
    empty: tuple[Callable[[], str], Callable[[], str]] | None = None  # (title, text) when none

    def panel(self, data: National) -> Panel:
        ranked = _ranked([p for p in data.provinces if self.counted(p)], self.order)
        if not ranked and self.empty:
            title, text = self.empty
            return Panel(self.key, title(), empty=text())
        columns = self.columns(data)
        return Panel(
            self.key,
            self.title(data),
            chart=Chart(
                self.key,
                self.chart_title(),
                [p.division.name for p in ranked],
                [
                    {"label": label, "data": [value(p) for p in ranked]}
                    for label, value in self.series(data)
                ],
                **({"decimals": 2, "unit": "%"} if self.percent else {}),
            ),
            table=Table(
                self.table_title(),
                ["#", _("Tỉnh, thành phố"), *(header for header, _cell in columns)],
                [
                    [i + 1, p.division.name, *(cell(p) for _header, cell in columns)]
                    for i, p in enumerate(ranked)
                ],
                numeric=[0, *range(2, 2 + len(columns))],
            ),
        )


def _stars_label(s: int) -> str:
    return _("%(s)s sao") % {"s": s}


RANKINGS = (
    Ranking(
        "national-poverty",
        title=lambda data: _("Xếp hạng tỷ lệ hộ nghèo (cao nhất trước)"),
        chart_title=lambda: _("Tỷ lệ hộ nghèo, cận nghèo theo tỉnh (%)"),
        table_title=lambda: _("Xếp hạng tỷ lệ hộ nghèo"),
        order=lambda p: -(p.poor_rate or 0),
        series=lambda _data: [
            (_("Hộ nghèo"), lambda p: float(p.poor_rate or 0)),
            (_("Hộ cận nghèo"), lambda p: float(p.near_poor_rate or 0)),
        ],
        columns=lambda _data: [
            (_("Số hộ"), lambda p: _n(p.households)),
            (_("Hộ nghèo"), lambda p: _n(p.poor)),
            (_("Tỷ lệ hộ nghèo"), lambda p: _pct(p.poor_rate)),
        ],
        percent=True,
        counted=lambda p: bool(p.households),
        empty=(lambda: _("Giảm nghèo"), lambda: _("Chưa có kết quả rà soát.")),
    ),
    Ranking(
        "national-ocop",
        title=lambda data: _("Xếp hạng sản phẩm OCOP còn hiệu lực"),
        chart_title=lambda: _("Sản phẩm OCOP còn hiệu lực theo hạng sao"),
        table_title=lambda: _("Xếp hạng sản phẩm OCOP"),
        order=lambda p: (-p.ocop_valid, -p.ocop_by_stars.get(max(p.ocop_by_stars, default=0), 0)),
        series=lambda data: [
            (_stars_label(s), lambda p, s=s: p.ocop_by_stars.get(s, 0)) for s in data.stars
        ],
        columns=lambda data: [
            (_("Sản phẩm"), lambda p: _n(p.ocop_valid)),
            *((f"{s}★", lambda p, s=s: _n(p.ocop_by_stars.get(s, 0))) for s in data.stars),
        ],
    ),
    Ranking(
        "national-ntm",
        title=lambda data: (
            _("Xếp hạng tỷ lệ xã đạt chuẩn nông thôn mới năm %(y)s") % {"y": data.period.end}
        ),
        chart_title=lambda: _("Tỷ lệ xã đạt chuẩn nông thôn mới theo tỉnh (%)"),
        table_title=lambda: _("Xếp hạng xã đạt chuẩn nông thôn mới"),
        order=lambda p: (-(p.ntm_share or 0), -p.ntm_communes),
        series=lambda _data: [(_("Xã đạt chuẩn NTM"), lambda p: float(p.ntm_share or 0))],
        columns=lambda _data: [
            (_("Xã đạt chuẩn"), lambda p: _n(p.ntm_communes)),
            (_("Số xã"), lambda p: _n(p.communes)),
            (_("Tỷ lệ"), lambda p: _pct(p.ntm_share)),
        ],
        percent=True,
    ),
)


def panels(data: National) -> list[Panel]:
    """The national dashboard: the country's headline figures, then one ranking per programme
    (table and chart, the chart's data beside it as a table), from `RANKINGS`."""
    total = data.total
    year = total.poverty_year
    headline = Panel(
        "national",
        _("Toàn quốc"),
        figures=[
            (_("Tỉnh, thành phố"), _n(len(data.provinces))),
            (
                _("Số hộ (rà soát năm %(y)s)") % {"y": year or data.period.end},
                _n(total.households),
            ),
            (_("Tỷ lệ hộ nghèo"), _pct(total.poor_rate)),
            (_("Sản phẩm OCOP còn hiệu lực"), _n(total.ocop_valid)),
            (_("Xã đạt chuẩn NTM"), _n(total.ntm_communes)),
        ],
    )
    return [headline, *(ranking.panel(data) for ranking in RANKINGS)]


def paragraphs(data: National) -> list[list]:
    """The report's opening sentences: the country's totals (str and Figure parts)."""
    t, p = data.total, data.period
    out = []
    if t.households:
        out.append(
            [
                _("Kết quả rà soát năm %(y)s của %(n)s tỉnh, thành phố: ")
                % {"y": t.poverty_year, "n": len([x for x in data.provinces if x.households])},
                _n(t.households),
                _(" hộ, trong đó "),
                _n(t.poor),
                _(" hộ nghèo, chiếm "),
                _pct(t.poor_rate),
                "; ",
                _n(t.near_poor),
                _(" hộ cận nghèo, chiếm "),
                _pct(t.near_poor_rate),
                ".",
            ]
        )
    else:
        out.append([_("Chưa có kết quả rà soát hộ nghèo trong kỳ %(p)s.") % {"p": p}])
    stars = [
        part
        for i, s in enumerate(data.stars)
        for part in ([", "] if i else [])
        + [_n(t.ocop_by_stars.get(s, 0)), _(" sản phẩm %(s)s sao") % {"s": s}]
    ]
    out.append(
        [
            _("Đến ngày %(d)s, cả nước có ") % {"d": formatting.date(data.on)},
            _n(t.ocop_valid),
            _(" sản phẩm OCOP còn hiệu lực ("),
            *stars,
            ").",
        ]
    )
    out.append(
        [
            _("Đến hết năm %(y)s, ") % {"y": p.end},
            _n(t.ntm_communes),
            "/",
            _n(t.communes),
            _(" xã đạt chuẩn nông thôn mới, chiếm "),
            _pct(t.ntm_share),
            ".",
        ]
    )
    return out
