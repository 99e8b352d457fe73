"""What checking a review file needs from the database, read once before the first row.

`load_context(user)` reads the commune and village codes of every map, the poverty standard of
each year, the rounds already recognised and the communes the user may edit. After it the checking
(`validate.py`) asks the database nothing, so that the connection can belong to a COPY stream or
to the direct writer's thread while the rows are checked.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _

from tamnong.access.actors import require_actor
from tamnong.access.lookups import editable_units
from tamnong.access.scope import Scope
from tamnong.divisions.models import URBAN_KINDS, Division, Level, MapVersion
from tamnong.tabular.mapping import name_key

from ..models import ReviewRound
from ..standards import Rule, all_rules


@dataclass(frozen=True)
class Unit:
    id: int
    commune_id: int  # current commune
    urban: bool


class Lookups:
    """Commune and village codes → ids, and their names (`tabular.mapping.name_key`) for files
    that give a unit by name, precomputed once per import."""

    def __init__(self) -> None:
        self.maps = list(MapVersion.objects.order_by("valid_from"))
        self.communes: dict[int, dict[str, Unit]] = {}
        # map → name key → the communes of that name (two communes of a map can share one)
        self.commune_names: dict[int, dict[str, list[Unit]]] = {}
        self.labels: dict[int, str] = {}  # unit id → "Xã Châu (Huyện Một, mã 10003)"
        parents = dict(
            Division.objects.exclude(level__in=(Level.COMMUNE, Level.VILLAGE)).values_list(
                "id", "name"
            )
        )
        for mv in self.maps:
            table: dict[str, Unit] = {}
            names: dict[str, list[Unit]] = defaultdict(list)
            for pk, code, name, kind, cur, parent in Division.objects.filter(
                map=mv, level=Level.COMMUNE
            ).values_list("id", "code", "name", "kind", "current_id", "parent_id"):
                if cur is None:
                    continue
                unit = Unit(pk, cur, kind in URBAN_KINDS)
                table[code] = unit
                table.setdefault(code.lstrip("0"), unit)
                names[name_key(name)].append(unit)
                above = parents.get(parent)
                self.labels[pk] = f"{name} ({above}, {_('mã')} {code})" if above else name
            self.communes[mv.pk] = table
            self.commune_names[mv.pk] = dict(names)
        self.villages: dict[str, Unit] = {}
        # (commune id, name key) → village; None when two villages of the commune share it
        self.village_names: dict[tuple[int, str], Unit | None] = {}
        for pk, code, name, kind, parent in Division.objects.filter(
            level=Level.VILLAGE, current_id=F("pk")
        ).values_list("id", "code", "name", "kind", "parent_id"):
            unit = Unit(pk, parent, kind in URBAN_KINDS)
            self.villages[code] = unit
            key = (parent, name_key(name))
            self.village_names[key] = None if key in self.village_names else unit
        self._year_maps: dict[int, list[dict[str, Unit]]] = {}
        self._year_names: dict[int, list[dict[str, list[Unit]]]] = {}

    def commune_tables(self, year: int) -> list[dict[str, Unit]]:
        tables = self._year_maps.get(year)
        if tables is None:
            # Newest first: a change version (xã → phường …) wins over its base map's unit.
            tables = [self.communes[m] for m in self.communes_map_ids(year)]
            self._year_maps[year] = tables
        return tables

    def commune_by_name(
        self, text: str, year: int, editable: set[int] | None
    ) -> tuple[Unit | None, str | None]:
        """A commune given by name ("Xã An Bình", "an binh", "AN BÌNH") on the map in force at the
        end of `year` (then the current map), among the communes the user may edit: (unit, None)
        or (None, a Vietnamese reason listing the candidates). Never a guess."""
        key = name_key(text.split(",")[0])
        tables = self._year_names.get(year)
        if tables is None:
            ids = self.communes_map_ids(year)
            tables = self._year_names[year] = [self.commune_names[m] for m in ids]
        outside = False
        for names in tables:
            found = names.get(key)
            if not found:
                continue
            mine = [u for u in found if editable is None or u.commune_id in editable]
            if not mine:
                outside = True
                continue
            if len(mine) == 1:
                return mine[0], None
            return None, _("Tên xã «%(name)s» ứng với nhiều đơn vị: %(list)s. Hãy dùng mã xã.") % {
                "name": text,
                "list": "; ".join(self.labels[u.id] for u in mine[:10]),
            }
        if outside:
            return None, _("Xã «%(name)s» nằm ngoài phạm vi của bạn.") % {"name": text}
        keys = {k: units for names in tables for k, units in names.items()}
        close = difflib.get_close_matches(key, list(keys), n=5, cutoff=0.6)
        labels = sorted(
            {
                self.labels[u.id]
                for k in close
                for u in keys[k]
                if editable is None or u.commune_id in editable
            }
        )
        if labels:
            return None, _("Không tìm thấy xã «%(name)s»; có phải: %(list)s?") % {
                "name": text,
                "list": "; ".join(labels),
            }
        return None, _("Không tìm thấy xã «%(name)s» trong danh mục.") % {"name": text}

    def communes_map_ids(self, year: int) -> list[int]:
        end = dt.date(year, 12, 31)
        first = sorted(
            (m for m in self.maps if m.is_valid_on(end)),
            key=lambda m: m.valid_from or dt.date.min,
            reverse=True,
        )
        current = [m for m in self.maps if m.valid_to is None]
        return [m.pk for m in first + [m for m in current if m not in first]]

    def village_by_name(self, commune_id: int, text: str) -> Unit | None:
        return self.village_names.get((commune_id, name_key(text)))

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
    # standard id → {indicator column key: indicator number}, for the forms that give a column
    # per indicator marked "x" (`columns.indicator_columns`)
    indicators: dict[int, dict[str, int]] = field(default_factory=dict)


def load_context(user) -> Context:
    from .columns import indicator_numbers

    return Context(
        lookups=Lookups(),
        rules=all_rules(),
        indicators=indicator_numbers(),
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
