"""The central level's roll-up (báo cáo toàn quốc): each province's headline figures side by side,
ranked, and the country's totals.

Each province row is read through the very helpers its own summary report uses
(`sections.poverty.yearly_totals` over the poverty figure rows, `ocop.figures.figures`,
`ntm.results.results`), for the same period and the same day, so a province's row is its report's
figures and the country's totals are sums of the rows (the rates recomputed from the summed
counts, never averaged). Nothing here scans households: the poverty figures are the per-village
aggregates the poverty module keeps up to date.

Only the national roles and administrators read it (`require_national`): a province's officer
reads their own province's report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.core import formatting
from tamnong.divisions.models import Division, Level

from .dashboard import Panel
from .summary import Chart, Figure, Period, ReportContext, Table

STARS = (5, 4, 3)


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
                "by_stars": {str(s): self.ocop_by_stars.get(s, 0) for s in STARS},
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
            for s in STARS:
                out.ocop_by_stars[s] = out.ocop_by_stars.get(s, 0) + p.ocop_by_stars.get(s, 0)
            out.ntm_communes += p.ntm_communes
            out.communes += p.communes
        return out

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
    require_national(user)
    from .sections.ocop import _today

    rows = [province_figures(user, p, period) for p in provinces()]
    return National(period, min(period.last_day, _today()), rows, timezone.now())


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
                *(_n(p.ocop_by_stars.get(s, 0)) for s in STARS),
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
            *(_("%(s)s sao") % {"s": s} for s in STARS),
            _("Xã đạt chuẩn NTM"),
            _("Số xã"),
            _("Tỷ lệ xã đạt chuẩn NTM"),
        ],
        rows,
        numeric=list(range(1, 14)),
    )


def _ranked(items, key) -> list:
    return sorted(items, key=lambda p: (key(p), p.division.code))


def panels(data: National) -> list[Panel]:
    """The national dashboard: the country's headline figures, then one ranking per programme
    (table and chart, the chart's data beside it as a table)."""
    total = data.total
    year = total.poverty_year
    out = [
        Panel(
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
    ]
    provinces_ = data.provinces
    if any(p.households for p in provinces_):
        ranked = _ranked([p for p in provinces_ if p.households], lambda p: -(p.poor_rate or 0))
        out.append(
            Panel(
                "national-poverty",
                _("Xếp hạng tỷ lệ hộ nghèo (cao nhất trước)"),
                chart=Chart(
                    "national-poverty",
                    _("Tỷ lệ hộ nghèo, cận nghèo theo tỉnh (%)"),
                    [p.division.name for p in ranked],
                    [
                        {"label": _("Hộ nghèo"), "data": [float(p.poor_rate or 0) for p in ranked]},
                        {
                            "label": _("Hộ cận nghèo"),
                            "data": [float(p.near_poor_rate or 0) for p in ranked],
                        },
                    ],
                    decimals=2,
                    unit="%",
                ),
                table=Table(
                    _("Xếp hạng tỷ lệ hộ nghèo"),
                    ["#", _("Tỉnh, thành phố"), _("Số hộ"), _("Hộ nghèo"), _("Tỷ lệ hộ nghèo")],
                    [
                        [i + 1, p.division.name, _n(p.households), _n(p.poor), _pct(p.poor_rate)]
                        for i, p in enumerate(ranked)
                    ],
                    numeric=[0, 2, 3, 4],
                ),
            )
        )
    else:
        out.append(Panel("national-poverty", _("Giảm nghèo"), empty=_("Chưa có kết quả rà soát.")))
    ranked = _ranked(provinces_, lambda p: (-p.ocop_valid, -p.ocop_by_stars.get(5, 0)))
    out.append(
        Panel(
            "national-ocop",
            _("Xếp hạng sản phẩm OCOP còn hiệu lực"),
            chart=Chart(
                "national-ocop",
                _("Sản phẩm OCOP còn hiệu lực theo hạng sao"),
                [p.division.name for p in ranked],
                [
                    {
                        "label": _("%(s)s sao") % {"s": s},
                        "data": [p.ocop_by_stars.get(s, 0) for p in ranked],
                    }
                    for s in STARS
                ],
            ),
            table=Table(
                _("Xếp hạng sản phẩm OCOP"),
                ["#", _("Tỉnh, thành phố"), _("Sản phẩm"), *(f"{s}★" for s in STARS)],
                [
                    [
                        i + 1,
                        p.division.name,
                        _n(p.ocop_valid),
                        *(_n(p.ocop_by_stars.get(s, 0)) for s in STARS),
                    ]
                    for i, p in enumerate(ranked)
                ],
                numeric=[0, 2, 3, 4, 5],
            ),
        )
    )
    ranked = _ranked(provinces_, lambda p: (-(p.ntm_share or 0), -p.ntm_communes))
    out.append(
        Panel(
            "national-ntm",
            _("Xếp hạng tỷ lệ xã đạt chuẩn nông thôn mới năm %(y)s") % {"y": data.period.end},
            chart=Chart(
                "national-ntm",
                _("Tỷ lệ xã đạt chuẩn nông thôn mới theo tỉnh (%)"),
                [p.division.name for p in ranked],
                [
                    {
                        "label": _("Xã đạt chuẩn NTM"),
                        "data": [float(p.ntm_share or 0) for p in ranked],
                    }
                ],
                decimals=2,
                unit="%",
            ),
            table=Table(
                _("Xếp hạng xã đạt chuẩn nông thôn mới"),
                ["#", _("Tỉnh, thành phố"), _("Xã đạt chuẩn"), _("Số xã"), _("Tỷ lệ")],
                [
                    [i + 1, p.division.name, _n(p.ntm_communes), _n(p.communes), _pct(p.ntm_share)]
                    for i, p in enumerate(ranked)
                ],
                numeric=[0, 2, 3, 4],
            ),
        )
    )
    return out


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
        for i, s in enumerate(STARS)
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
