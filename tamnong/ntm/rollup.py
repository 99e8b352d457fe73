"""The NTM columns of the national roll-up, stored per province and year (`StandingCount`), so
that the central level's report reads 34 × years rows instead of the standing of every xã.

- `refresh(provinces=None)` computes them (`results.scale_counts`, one Standing) for every year
  from the first of the levels data to next year, for the given provinces or all of them.
- Every change to a recognition (saved or deleted, by any service, the admin or the demo)
  deletes its province's rows in the writing transaction and rebuilds them once it commits; a
  change of the map (`divisions_changed`) does so for every province. Until they are rebuilt
  (and if rebuilding fails) the roll-up computes them live, so the rows never lag the data.
- `stored(year, provinces)` answers the rows only when every province has its row of the levels
  data in force (`stamp`), else None: the caller computes them live.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

SCALE = "commune"
ALL = 0  # in the pending set: every province

_state = threading.local()
logger = logging.getLogger(__name__)


def stamp() -> str:
    """The levels data the rows were counted by: a checksum of the manifest's content (the same on
    every server and after a new checkout, unlike the file's time)."""
    from .levels import manifest_path

    return _stamp(str(manifest_path()), manifest_path().stat().st_mtime_ns)


@functools.cache
def _stamp(path: str, mtime_ns: int) -> str:
    import yaml

    from tamnong.rules import checksum

    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return checksum(document)[:32]


def years() -> range:
    from .levels import levels

    data = levels()
    return range(data.periods[0].year_from, timezone.localdate().year + 2)


def _provinces(pks=None):
    from tamnong.divisions.models import Division

    qs = Division.objects.resolved().provinces()
    return list(qs if pks is None else qs.filter(pk__in=pks))


def refresh(provinces=None) -> dict:
    """Rebuild the stored counts of `provinces` (ids; None: every province) for `years()`."""
    from .models import StandingCount
    from .results import scale_counts

    divisions = _provinces(provinces)
    span = list(years())
    counts = scale_counts(
        divisions, span, SCALE, whole_level=provinces is None or len(divisions) > 3
    )
    mark = stamp()
    rows = [
        StandingCount(
            division_id=d.pk,
            year=year,
            scale=SCALE,
            recognised=counts.get(year, {}).get(d.pk, (0, 0))[0],
            units=counts.get(year, {}).get(d.pk, (0, 0))[1],
            stamp=mark,
        )
        for d in divisions
        for year in span
    ]
    with transaction.atomic():
        old = StandingCount.objects.filter(scale=SCALE)
        (old if provinces is None else old.filter(division__in=divisions)).delete()
        StandingCount.objects.bulk_create(rows)
    return {"provinces": len(divisions), "years": len(span), "rows": len(rows)}


def stored(year: int, provinces) -> dict[int, tuple[int, int]] | None:
    """{province id: (recognised, units)} for `year`, when stored for every one of `provinces`
    with today's levels data; else None."""
    from .models import StandingCount

    wanted = {p.pk for p in provinces}
    found = {
        pk: (recognised, units)
        for pk, recognised, units in StandingCount.objects.filter(
            year=year, scale=SCALE, stamp=stamp(), division_id__in=wanted
        ).values_list("division_id", "recognised", "units")
    }
    return found if set(found) == wanted else None


# -- keeping them up to date -----------------------------------------------------------------
def _pending() -> set[int]:
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = set()
    return pending


def _touched(province_pk: int) -> None:
    """A change to the province's recognitions (ALL: the map): its rows go at once, in the
    writing transaction (until they are rebuilt the roll-up computes them live, and this
    transaction reads its own change), and are rebuilt once it commits."""
    from .models import StandingCount

    try:
        with transaction.atomic():  # (a savepoint: before the table exists, e.g. in migrate)
            rows = StandingCount.objects.all()
            (rows if province_pk == ALL else rows.filter(division_id=province_pk)).delete()
    except DatabaseError:
        return
    _pending().add(province_pk)
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = _pending()
    if not pending:
        return
    todo = set(pending)
    pending.clear()
    try:
        refresh(None if ALL in todo else sorted(todo))
    except Exception:  # the rows stay missing: the roll-up computes them live
        logger.exception("ntm.rollup: refreshing %s failed", sorted(todo))


def on_recognition_change(sender, instance, **kwargs) -> None:
    from tamnong.divisions.models import Division, province_id_of

    division = Division.objects.filter(pk=instance.division_id).first()
    _touched(province_id_of(division) if division is not None else ALL)


def after_migrate(sender, **kwargs) -> None:
    """After every `migrate`: the rows of every province, when they are missing or were counted by
    other levels data (a new deployment, a new MANIFEST), so the central report never starts live."""
    from django.db.utils import OperationalError, ProgrammingError

    from .models import StandingCount

    try:
        current = StandingCount.objects.filter(scale=SCALE, stamp=stamp()).exists()
        if not current and _provinces():
            refresh()
    except (OperationalError, ProgrammingError):  # a partial migrate: the table is not there yet
        return


def on_divisions_changed(sender, **kwargs) -> None:
    _touched(ALL)
