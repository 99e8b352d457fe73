"""The programme summary report (báo cáo tổng kết): figures computed from records, never retyped.

A report is a list of sections; each section comes from a provider registered with
`@provider(key, order, kind="section")` (`tamnong/reports/registry.py`; the providers are in
`tamnong/reports/sections/`). A figure carries its value, its Vietnamese text and a link to
the records behind it, so the HTML can link every number and the PDF/Excel/JSON can show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tamnong.access.scope import Scope
from tamnong.core import formatting
from tamnong.divisions.models import Division
from tamnong.divisions.services import within_q

from .registry import providers


@dataclass
class Figure:
    value: int | Decimal | float | None
    text: str
    link: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]  # cells: str, int, Decimal or Figure
    numeric: list[int] = field(default_factory=list)

    @property
    def collapsed(self) -> bool:
        """Long tables (a ranking of every commune) start folded on screen."""
        return len(self.rows) > 15


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    datasets: list[dict]  # {"label": str, "data": [numbers]}
    kind: str = "bar"
    unit: str = ""
    decimals: int = 0

    @property
    def data(self) -> dict:
        return asdict(self)

    @property
    def rows(self) -> list[tuple[str, list]]:
        """The chart as a table: one row per label, one value per dataset."""
        return [
            (label, [ds["data"][i] for ds in self.datasets]) for i, label in enumerate(self.labels)
        ]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[list]  # each paragraph: list of str | Figure
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""


@dataclass
class Period:
    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Period:
        parts = str(text).replace("–", "-").split("-")
        try:
            start, end = int(parts[0]), int(parts[-1])
        except ValueError:
            raise ValueError(
                f"Kỳ báo cáo «{text}» không hợp lệ (ví dụ 2025 hoặc 2021-2025)"
            ) from None
        if len(parts) > 2 or not 2000 <= start <= end <= 2100:
            raise ValueError(f"Kỳ báo cáo «{text}» không hợp lệ (ví dụ 2025 hoặc 2021-2025)")
        return cls(start, end)

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)

    @property
    def previous(self) -> Period:
        n = self.end - self.start + 1
        return Period(self.start - n, self.end - n)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.end, 12, 31)

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"


@dataclass
class ReportContext:
    user: object
    division: Division
    period: Period
    base_url: str = ""

    def records_q(self, field: str = "division") -> Q:
        """Records counted under the report's division (with lineage, on either map), limited to
        what the user may see."""
        scope_q = Scope.of(self.user).q(path_field=f"{field}__path" if field else "path")
        q = within_q(self.division, field)
        return q if scope_q is None else q & scope_q

    def link(self, records: str, /, **params) -> str:
        query = {
            "division": self.division.pk,
            "from": self.period.start,
            "to": self.period.end,
            **params,
        }
        return f"{self.base_url}{reverse('reports:records', args=[records])}?{urlencode(query)}"

    def n(self, value, link: str | None = None, decimals: int = 0, unit: str = "") -> Figure:
        text = formatting.number(value, decimals) + (f" {unit}" if unit else "")
        return Figure(value, text, link)

    def pct(self, value, link: str | None = None) -> Figure:
        return Figure(value, formatting.percent(value), link)


@dataclass
class Summary:
    division: Division
    period: Period
    generated_at: dt.datetime
    sections: list[Section]

    @property
    def province(self) -> Division | None:
        return self.division.province

    def as_dict(self) -> dict:
        def clean(value):
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        return {
            "division": {
                "id": self.division.pk,
                "code": self.division.code,
                "name": self.division.name,
                "map": self.division.map.key,
            },
            "period": {"start": self.period.start, "end": self.period.end},
            "generated_at": self.generated_at.isoformat(),
            "sections": [clean(asdict(s)) for s in self.sections],
        }


def report_unit(user, division, map_key: str | None = None) -> Division:
    """The unit of a summary report: `division` is its id, or its code on map `map_key` (the
    rule of every programme, `access.lookups.resolve_division`: ``?division=96&map=vn-2008``
    is old Cà Mau). 404 if unknown, 403 outside the user's scope."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from tamnong.access.lookups import require_unit, resolve_division

    if map_key:
        return resolve_division(user, division, map_key=map_key, exclude_levels=())
    if not str(division).isdigit():
        raise Http404
    unit = get_object_or_404(Division.objects.select_related("map"), pk=int(division))
    return require_unit(user, unit)


def build_summary(
    user, division: Division, period: Period, only: set[str] | None = None, base_url: str = ""
) -> Summary:
    ctx = ReportContext(user=user, division=division, period=period, base_url=base_url)
    out = []
    for p in providers("section"):
        if only and p.key not in only:
            continue
        result = p.func(ctx)
        if result is not None:
            out.append(result)
    return Summary(division=division, period=period, generated_at=timezone.now(), sections=out)


def cached_summary(user, division: Division, period: Period, base_url: str = "") -> Summary:
    """`build_summary` for pages and the API: kept until the data change (core.datacache)."""
    from tamnong.core import datacache

    return datacache.cached_for(
        user,
        "reports.summary",
        division.pk,
        period.start,
        period.end,
        base_url,
        compute=lambda: build_summary(user, division, period, base_url=base_url),
    )


def paragraph_text(parts: list) -> str:
    return "".join(str(p) for p in parts)


def change_text(current, previous, decimals: int = 0, unit: str = "") -> str:
    """'tăng 12 so với kỳ trước' / 'giảm 0,36' / 'bằng kỳ trước'."""
    if previous is None or current is None:
        return ""
    delta = Decimal(str(current)) - Decimal(str(previous))
    if delta == 0:
        return "bằng kỳ trước"
    word = "tăng" if delta > 0 else "giảm"
    return f"{word} {formatting.number(abs(delta), decimals)}{(' ' + unit) if unit else ''} so với kỳ trước"
