"""Which recognition levels units hold at the end of a year (the standing of a unit).

A recognition holds from its year until it is revoked: a commune recognised in 2019 counts in the
2023 figures without an assessment in 2023. What it counts for comes from the levels data
(`levels.py`: a kiểu mẫu commune is also nâng cao and NTM). A unit formed by a change of the map
keeps what its predecessors of the same level held the day before the change, by the
`succession` rule of the same data (a village or a commune that only changed its name or its
code keeps everything; merged units by `succession.merged`).

Everything is read in a few queries for a set of units (the units of a province on a day, and
their predecessors), then answered in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from tamnong.divisions.models import Division, Lineage

from .levels import Levels, levels
from .models import Recognition


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    def exists_at_end_of(self, year: int) -> bool:
        end = dt.date(year, 12, 31)
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= end
        )


UNIT_FIELDS = ("id", "code", "name", "kind", "level", "parent_id", "valid_from", "valid_to")


@dataclass(frozen=True)
class Held:
    """One recognition counted for a unit: `unit_id` is the unit it names (the unit itself, or a
    predecessor whose level the unit kept)."""

    recognition_id: int
    unit_id: int
    kind: str
    year: int


class Standing:
    """The levels held by `units` (and by the units before them) at the end of any year."""

    def __init__(self, unit_ids, *, data: Levels | None = None, level: str | None = None) -> None:
        """`level`: the units are many units of that one level (every xã of the country): the
        lineage, units and recognitions of that level are read whole, in three queries without
        lists of ids, and kept for the units reached."""
        self.data = data or levels()
        self.units: dict[int, Unit] = {}
        self.preds: dict[int, list[tuple[int, str, dt.date, bool]]] = defaultdict(list)
        link_fields = (
            "successor_id",
            "predecessor_id",
            "kind",
            "effective_date",
            "partial",
            "successor__level",
            "predecessor__level",
        )
        of_level: dict[int, tuple] = {}
        if level is not None:
            # the units of the level, then the whole lineage kept between two of them (joins to
            # read the levels of both ends cost more than the table)
            of_level = {
                row[0]: row
                for row in Division.objects.filter(level=level).order_by().values_list(*UNIT_FIELDS)
            }
            same_level = defaultdict(list)
            for link in Lineage.objects.order_by().values_list(*link_fields[:5]):
                if link[0] in of_level and link[1] in of_level:
                    same_level[link[0]].append((*link, level, level))

            def links_of(frontier):
                return [link for succ in frontier for link in same_level.get(succ, ())]
        else:

            def links_of(frontier):
                return list(
                    Lineage.objects.filter(successor_id__in=frontier).values_list(*link_fields)
                )

        ids, frontier = set(unit_ids), set(unit_ids)
        # the lineage behind the units, step by step (a map change, then a later change …)
        for _step in range(12):
            if not frontier:
                break
            links = links_of(frontier)
            frontier = set()
            for succ, pred, kind, effective, partial, succ_level, pred_level in links:
                if succ_level != pred_level:  # a dissolved district is no predecessor of a province
                    continue
                self.preds[succ].append((pred, kind, effective, partial))
                if pred not in ids:
                    frontier.add(pred)
            ids |= frontier
        rows = (
            (of_level[i] for i in ids if i in of_level)
            if level is not None
            else Division.objects.filter(pk__in=ids).values_list(*UNIT_FIELDS)
        )
        for row in rows:
            self.units[row[0]] = Unit(*row)
        self.recs: dict[int, list[tuple[int, str, int, int | None]]] = defaultdict(list)
        recs = (
            Recognition.objects.filter(division__level=level).order_by()
            if level
            else Recognition.objects.filter(division_id__in=ids)
        )
        for rid, division_id, kind, year, revoked_year in recs.values_list(
            "id", "division_id", "kind", "year", "revoked_year"
        ):
            if division_id in ids:
                self.recs[division_id].append((rid, kind, year, revoked_year))
        self._memo: dict[tuple[int, int, int | None], dict[str, list[Held]]] = {}

    def held(self, unit_id: int, year: int) -> dict[str, list[Held]]:
        """The levels held at the end of `year`: kind → the recognitions it rests on."""
        return self._held(unit_id, year, None, 0)

    def kinds(self, unit_id: int, year: int) -> set[str]:
        return set(self.held(unit_id, year))

    def _held(self, unit_id: int, year: int, upto: int | None, depth: int) -> dict:
        key = (unit_id, year, upto)
        if key in self._memo:
            return self._memo[key]
        out: dict[str, list[Held]] = defaultdict(list)
        for rid, kind, rec_year, revoked_year in self.recs.get(unit_id, ()):
            if rec_year > year or (upto is not None and rec_year > upto):
                continue
            if revoked_year is not None and revoked_year <= year:
                continue
            for level in self.data.implied(kind, rec_year):
                out[level].append(Held(rid, unit_id, kind, rec_year))
        links = self.preds.get(unit_id)
        unit = self.units.get(unit_id)
        if links and unit is not None and depth < 12:
            effective = min(link[2] for link in links)
            # What the predecessors held the day before the change; a unit asked about a year
            # before it existed stands as its predecessors did then.
            cut = (effective - dt.timedelta(days=1)).year if unit.exists_at_end_of(year) else year
            cut = cut if upto is None else min(cut, upto)
            for level, held in self._inherited(links, year, cut, depth).items():
                out[level] += held
        result = dict(out)
        self._memo[key] = result
        return result

    def _inherited(self, links, year: int, cut: int, depth: int) -> dict[str, list[Held]]:
        if len(links) == 1 and links[0][1] in self.data.identity and not links[0][3]:
            return self._held(links[0][0], year, cut, depth + 1)
        if self.data.merged != "all":
            return {}
        each = [self._held(pred, year, cut, depth + 1) for pred, *_rest in links]
        common = set(each[0]).intersection(*each[1:]) if each else set()
        return {level: [h for held in each for h in held[level]] for level in common}
