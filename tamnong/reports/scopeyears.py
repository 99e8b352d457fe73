"""The latest year with records in a user's scope: the year a screen opens on when none is asked
for (issue 11: never a year with no data, showing zeros and dashes)."""

from __future__ import annotations

from django.utils import timezone


def _max_year(qs, field: str) -> int | None:
    from django.db.models import Max

    value = qs.aggregate(m=Max(field))["m"]
    if value is None:
        return None
    return value.year if hasattr(value, "year") else int(value)


def latest_year(user, programmes: tuple[str, ...] = ("ntm", "poverty", "ocop", "funding")) -> int:
    """The latest year, up to this year, that has records the user may read; this year if none.
    Kept until the data change, per scope (`datacache.cached_for`): a screen that opens on it
    would otherwise scan the programmes' records on every view."""
    from tamnong.core import datacache

    this_year = timezone.localdate().year
    return datacache.cached_for(
        user,
        "reports.latest-year",
        tuple(sorted(programmes)),
        this_year,
        compute=lambda: _latest_year(user, programmes, this_year),
    )


def _latest_year(user, programmes: tuple[str, ...], this_year: int) -> int:
    from tamnong.ntm.models import Assessment
    from tamnong.ocop.models import Certificate
    from tamnong.poverty.models import ReviewRecord
    from tamnong.reports.models import FundingRecord

    sources = {
        "ntm": (Assessment, "year"),
        "poverty": (ReviewRecord, "year"),
        "ocop": (Certificate, "issued_on"),
        "funding": (FundingRecord, "year"),
    }
    years = []
    for key in programmes:
        model, field = sources[key]
        qs = model.objects.visible_to(user)
        if field == "year":
            qs = qs.filter(year__lte=this_year)
        else:
            qs = qs.filter(**{f"{field}__year__lte": this_year})
        y = _max_year(qs, field)
        if y is not None:
            years.append(y)
    return max(years) if years else this_year
