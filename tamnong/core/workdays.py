"""Working days (ngày làm việc) in Việt Nam: Monday to Friday, less the public holidays,
compensatory days off and swapped days off of data/calendar/holidays-vn.yaml, plus the Saturdays
worked in exchange (kind `working_day`). Used for periods counted in working days, e.g. the
commune's 15 working days to check an OCOP dossier (Decision 26/2026 Điều 7.2).

A period of N working days "from" a day starts the day after it (Bộ luật Dân sự 2015 Điều 147):
`add_working_days(day, n)` is the N-th working day after `day`. A year the file does not cover
counts weekends only (`covers` says whether a day is covered)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

HOLIDAYS_FILE = Path(settings.BASE_DIR) / "data" / "calendar" / "holidays-vn.yaml"
OFF_KINDS = {"holiday", "compensatory", "day_off"}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


@lru_cache(maxsize=2)
def _calendar(mtime: float) -> tuple[frozenset, frozenset, frozenset, tuple[int, int]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(HOLIDAYS_FILE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    off, worked = set(), set()
    for entry in data["days"]:
        day = dt.date.fromisoformat(str(entry["date"]))
        (worked if entry["kind"] == "working_day" else off).add(day)
        if entry["kind"] not in OFF_KINDS | {"working_day"}:
            raise ValueError(f"{HOLIDAYS_FILE.name}: unknown kind {entry['kind']!r}")
    rest = frozenset(WEEKDAYS[d] for d in data.get("weekly_rest") or ["saturday", "sunday"])
    first, last = (int(y) for y in data["years"])
    return frozenset(off), frozenset(worked), rest, (first, last)


def _data():
    return _calendar(HOLIDAYS_FILE.stat().st_mtime)


def covers(day: dt.date) -> bool:
    first, last = _data()[3]
    return first <= day.year <= last


def is_working_day(day: dt.date) -> bool:
    off, worked, rest, _years = _data()
    if day in worked:
        return True
    return day.weekday() not in rest and day not in off


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n ≥ 1); `day` itself is never counted."""
    if n < 1:
        raise ValueError("n must be at least 1")
    current, left = day, n
    while left:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall after `start`, up to and including `end` (0 if end ≤ start)."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += int(is_working_day(current))
    return count
