"""What checking a review file needs from the database, read once before the first row.

`load_context(user)` reads the commune and village codes of every map, the poverty standard of
each year, the rounds already recognised and the communes the user may edit. After it the checking
(`validate.py`) asks the database nothing, so that the connection can belong to a COPY stream or
to the direct writer's thread while the rows are checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F

from tamnong.access.actors import require_actor
from tamnong.access.lookups import editable_units
from tamnong.access.scope import Scope
from tamnong.divisions.models import URBAN_KINDS, Division, Level, MapVersion

from ..models import ReviewRound
from ..standards import Rule, all_rules


@dataclass(frozen=True)
class Unit:
    id: int
    commune_id: int  # current commune
    urban: bool


class Lookups:
    """Commune and village codes → ids, precomputed once per import."""

    def __init__(self) -> None:
        self.maps = list(MapVersion.objects.order_by("valid_from"))
        self.communes: dict[int, dict[str, Unit]] = {}
        for mv in self.maps:
            table: dict[str, Unit] = {}
            for pk, code, kind, cur in Division.objects.filter(
                map=mv, level=Level.COMMUNE
            ).values_list("id", "code", "kind", "current_id"):
                if cur is None:
                    continue
                unit = Unit(pk, cur, kind in URBAN_KINDS)
                table[code] = unit
                table.setdefault(code.lstrip("0"), unit)
            self.communes[mv.pk] = table
        self.villages: dict[str, Unit] = {}
        for pk, code, kind, parent in Division.objects.filter(
            level=Level.VILLAGE, current_id=F("pk")
        ).values_list("id", "code", "kind", "parent_id"):
            self.villages[code] = Unit(pk, parent, kind in URBAN_KINDS)
        self._year_maps: dict[int, list[dict[str, Unit]]] = {}

    def commune_tables(self, year: int) -> list[dict[str, Unit]]:
        tables = self._year_maps.get(year)
        if tables is None:
            end = dt.date(year, 12, 31)
            # Newest first: a change version (xã → phường …) wins over its base map's unit.
            first = sorted(
                (m for m in self.maps if m.is_valid_on(end)),
                key=lambda m: m.valid_from or dt.date.min,
                reverse=True,
            )
            current = [m for m in self.maps if m.valid_to is None]
            order = first + [m for m in current if m not in first]
            tables = [self.communes[m.pk] for m in order]
            self._year_maps[year] = tables
        return tables

    def current_commune(self, code: str) -> Unit | None:
        for m in self.maps:
            if m.valid_to is None:
                return self.communes[m.pk].get(code)
        return None

    def commune(self, code: str, year: int) -> Unit | None:
        for table in self.commune_tables(year):
            unit = table.get(code)
            if unit is not None:
                return unit
        return None


@dataclass
class Context:
    lookups: Lookups
    rules: dict[int, Rule]  # year → the poverty standard that applies
    editable: set[int] | None  # commune ids the user may write; None = every commune
    locked: set[tuple[int, int]]  # (commune id, year) of recognised rounds


def load_context(user) -> Context:
    return Context(
        lookups=Lookups(),
        rules=all_rules(),
        editable=editable_communes(user),
        locked=set(
            ReviewRound.objects.filter(step=ReviewRound.Step.RECOGNISED).values_list(
                "commune_id", "year"
            )
        ),
    )


# The one place the import asks who may write where (answered by the access layer).
def editable_communes(user) -> set[int] | None:
    """Commune ids the user may write; None means every commune, for an administrator or the
    system actor only (a missing user is an error, never "everything")."""
    if Scope.of(require_actor(user)).is_admin:
        return None
    return set(editable_units(user, Level.COMMUNE, with_granted=True).values_list("id", flat=True))
