"""Poverty figures (số liệu hộ nghèo, cận nghèo) kept up to date as records change.

`PovertyFigure` holds one row per unit named by records × year × area. A single edit moves its
record's contribution (`apply_change`); an import rebuilds the rows of the communes and years it
touched with one GROUP BY (`rebuild`). Reading a province, commune or village sums the figure
rows under its path: the cost follows the number of units, never the number of households.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import F

from tamnong.access.actors import require_actor
from tamnong.core import datacache
from tamnong.divisions.models import Division
from tamnong.divisions.services import within_q

from .models import Area, Classification, PovertyFigure, ReviewRecord, Standard, Transition
from .standards import MAX_INDICATORS


@dataclass(frozen=True)
class Contribution:
    """What one review record adds to the figures."""

    division_id: int
    commune_id: int
    year: int
    area: int
    standard_key: str
    classification: str
    deprivations: int
    transition: str

    @classmethod
    def of(cls, record: ReviewRecord, standard_key: str | None = None) -> Contribution:
        return cls(
            record.division_id,
            record.commune_id,
            record.year,
            record.area,
            standard_key or record.standard.key,
            record.classification,
            record.deprivations,
            record.transition,
        )


def _bump(d: dict, key: str, by: int) -> None:
    value = d.get(key, 0) + by
    if value:
        d[key] = value
    else:
        d.pop(key, None)


def apply_change(before: Contribution | None, after: Contribution | None) -> None:
    """Move one record's contribution (call inside the transaction that changes the record)."""
    if before == after:
        return
    for contrib, sign in ((before, -1), (after, 1)):
        if contrib is None:
            continue
        fig, _ = PovertyFigure.objects.select_for_update().get_or_create(
            division_id=contrib.division_id,
            year=contrib.year,
            area=contrib.area,
            defaults={"commune_id": contrib.commune_id, "standard_key": contrib.standard_key},
        )
        fig.households += sign
        if contrib.classification == Classification.POOR:
            fig.poor += sign
            for n in range(1, MAX_INDICATORS + 1):
                if contrib.deprivations >> (n - 1) & 1:
                    _bump(fig.poor_deprived, str(n), sign)
        elif contrib.classification == Classification.NEAR_POOR:
            fig.near_poor += sign
        elif contrib.classification == Classification.MIDDLE:
            fig.middle += sign
        _bump(fig.transitions, contrib.transition, sign)
        if fig.households <= 0:
            fig.delete()
        else:
            fig.save()


def _in(values: list[int]) -> str:
    return ", ".join(str(int(v)) for v in values)


def rebuild(years: Iterable[int], commune_ids: Iterable[int] | None = None) -> int:
    """Recompute the figure rows of some years (and communes) from the records, set-based."""
    years = sorted({int(y) for y in years})
    if not years:
        return 0
    communes = None if commune_ids is None else sorted({int(c) for c in commune_ids})
    rec = ReviewRecord._meta.db_table
    where = f"year IN ({_in(years)})"
    if communes is not None:
        if not communes:
            return 0
        where += f" AND commune_id IN ({_in(communes)})"
    width = max(_indicator_numbers(years), default=0)
    bits = ", ".join(
        f"SUM(CASE WHEN classification = 'poor' AND (deprivations & {1 << (n - 1)}) <> 0 "
        f"THEN 1 ELSE 0 END)"
        for n in range(1, width + 1)
    )
    codes = [t.value for t in Transition]
    trans = ", ".join(f"SUM(CASE WHEN transition = '{code}' THEN 1 ELSE 0 END)" for code in codes)
    keys = dict(Standard.objects.values_list("id", "key"))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT division_id, commune_id, year, area, MAX(standard_id), COUNT(*), "
            f"SUM(CASE WHEN classification = 'poor' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN classification = 'near_poor' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN classification = 'middle' THEN 1 ELSE 0 END), {trans}"
            f"{', ' + bits if bits else ''} "
            f"FROM {rec} WHERE {where} GROUP BY division_id, commune_id, year, area"
        )
        groups = cur.fetchall()
    rows = []
    nt = len(codes)
    for div, commune, year, area, std, n, poor, near, middle, *rest in groups:
        rows.append(
            PovertyFigure(
                division_id=div,
                commune_id=commune,
                year=year,
                area=area,
                standard_key=keys.get(std, ""),
                households=n,
                poor=poor or 0,
                near_poor=near or 0,
                middle=middle or 0,
                poor_deprived={str(i): v for i, v in enumerate(rest[nt:], start=1) if v},
                transitions={c: v for c, v in zip(codes, rest[:nt], strict=True) if v},
            )
        )
    stale = PovertyFigure.objects.filter(year__in=years)
    if communes is not None:
        stale = stale.filter(commune_id__in=communes)
    with transaction.atomic():
        stale.delete()
        PovertyFigure.objects.bulk_create(rows, batch_size=2000)
        datacache.changed("poverty")  # a bulk write sends no model signal
    return len(rows)


def _indicator_numbers(years: list[int]) -> list[int]:
    out = []
    for s in Standard.objects.filter(last_year__gte=years[0], first_year__lte=years[-1]):
        out.extend(i["no"] for i in s.indicators)
    return out


def reclassify_above_line(standard: Standard) -> int:
    """After an administrator loads a missing middle-income band, re-classify the records that
    were "above the line" under that standard and rebuild the figures of those years."""
    from .standards import Rule, classify

    rule = Rule.of(standard)
    qs = ReviewRecord.objects.filter(
        standard=standard, classification=Classification.ABOVE_LINE
    ).select_related("standard")
    changed, years = 0, set()
    for record in qs.iterator(chunk_size=5000):
        new = classify(rule, record.income, record.area == Area.URBAN, record.deprivation_count)
        if new != record.classification:
            ReviewRecord.objects.filter(pk=record.pk).update(classification=new)
            changed += 1
            years.add(record.year)
    if years:
        rebuild(years)
    return changed


# -- reading --------------------------------------------------------------------------------
def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _empty() -> dict:
    return {
        "households": 0,
        "poor": 0,
        "near_poor": 0,
        "middle": 0,
        "poor_deprived": defaultdict(int),
        "transitions": defaultdict(int),
    }


def _add(total: dict, row: dict) -> None:
    for k in ("households", "poor", "near_poor", "middle"):
        total[k] += row[k]
    for k, v in row["poor_deprived"].items():
        total["poor_deprived"][k] += v
    for k, v in row["transitions"].items():
        total["transitions"][k] += v


def _finish(total: dict) -> dict:
    total["poor_rate"] = _rate(total["poor"], total["households"])
    total["near_poor_rate"] = _rate(total["near_poor"], total["households"])
    total["poor_deprived"] = dict(sorted(total["poor_deprived"].items(), key=lambda x: int(x[0])))
    total["poor_deprived_share"] = {
        k: _rate(v, total["poor"]) for k, v in total["poor_deprived"].items()
    }
    total["transitions"] = dict(total["transitions"])
    return total


def summary(division, year: int, user, by_child: bool = False) -> dict | None:
    """Totals under a unit for a year, split by area and, optionally, by the unit's direct
    children. None when the year has no records there.

    "Under" is the rule of every programme (`divisions.services.within_q`): a current unit
    covers its subtree and the old units counted under it; an old unit (a pre-2025 province)
    covers the records that name its old communes and the later units counted under it."""
    qs = PovertyFigure.objects.filter(within_q(division, "division"), year=year).visible_to(
        require_actor(user)
    )
    rows = list(
        qs.values(
            "id",
            "area",
            "standard_key",
            "households",
            "poor",
            "near_poor",
            "middle",
            "poor_deprived",
            "transitions",
            path=F("division__path"),
        )
    )
    if not rows:
        return None
    child_of: dict[int, int] = {}
    if by_child and not division.is_current:
        # an old unit: its children's records are not below its path; each child's own rule
        # says which rows count under it (a province has a few dozen children)
        ids = {row["id"] for row in rows}
        for child in Division.objects.filter(parent=division):
            for pk in qs.filter(within_q(child, "division")).values_list("id", flat=True):
                if pk in ids:
                    child_of.setdefault(pk, child.pk)
    # Each row is added once, to its (area, child) group; the totals, areas and children are
    # then sums of those few groups (a province: ~1.000 village rows, ~300 groups).
    groups: dict[tuple[int, int | None], dict] = {}
    depth = len(division.path)
    for row in rows:
        child = None
        if by_child and not division.is_current:
            child = child_of.get(row["id"])
        elif by_child and row["path"].startswith(division.path):
            rest = row["path"][depth:]
            head = rest.split("/", 1)[0] if rest else ""
            if head and not head.startswith("h"):
                child = int(head)
        group = groups.get((row["area"], child))
        if group is None:
            group = groups[(row["area"], child)] = _empty()
        _add(group, row)
    total, areas, children = _empty(), defaultdict(_empty), defaultdict(_empty)
    for (area, child), group in groups.items():
        _add(total, group)
        _add(areas[area], group)
        if child is not None:
            _add(children[child], group)
    out = _finish(total)
    out["standard"] = rows[0]["standard_key"]
    out["year"] = year
    out["areas"] = {
        ("urban" if a == Area.URBAN else "rural"): _finish(v) for a, v in sorted(areas.items())
    }
    if by_child:
        out["children"] = {k: _finish(v) for k, v in children.items()}
    return out
