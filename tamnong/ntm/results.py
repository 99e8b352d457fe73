"""NTM results (kết quả công nhận) of a unit at the end of a year, as provinces report them.

- The units are those in force on 31/12 of the year that count under the unit (`within_q`, on
  either map): a province's 2024 results are those of the old communes and districts inside it,
  its 2025 results those of the new communes.
- Shares are over the unit kinds of each scale in the levels data (xã for the commune scale):
  phường, thị trấn and đặc khu are counted apart.
- A level counts when a recognition holds at year end (until revoked), nested by the levels data,
  without an assessment that year; the year's assessments say separately whether recognised
  units kept the standard ("giữ vững") or not ("chưa đạt lại").
- Plan against result in both readings: the units that reached a level in the year against the
  year's target, the running total against the cumulative target.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from tamnong.divisions.models import KIND_LABELS, Division, Level, MapVersion
from tamnong.divisions.services import within_q

from .levels import PHRASES, UNIT_WORDS, levels
from .models import (
    Assessment,
    Recognition,
    RecognitionKind,
    Reexamination,
    Target,
    TargetMetric,
    TargetReading,
)
from .services._base import STATUS_OF_KIND
from .services.targets import METRIC_KIND
from .standing import UNIT_FIELDS, Standing, Unit

LISTED_SCALES = ("district", "town", "province")  # units named one by one in the sentences


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def map_on(day: dt.date) -> MapVersion | None:
    """The full map in force on a day (change versions only amend it)."""
    return (
        MapVersion.objects.filter(base__isnull=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def units_on(division: Division, day: dt.date) -> list[Unit]:
    """The units in force on `day` counted under `division` (itself included when in force)."""
    rows = (
        Division.objects.current(on=day)
        .filter(within_q(division, ""))
        .values(*UNIT_FIELDS)
        .order_by("level", "code")
    )
    return [Unit(**row) for row in rows]


def scale_counts(
    divisions: list[Division], years, scale: str = "commune", whole_level: bool = True
) -> dict[int, dict[int, tuple[int, int]]]:
    """For each year and each of `divisions` (units of today's map, e.g. the provinces): (units of
    `scale` holding its first level at the end of the year, units of `scale` counted), the first
    row of that scale in `results(division, year)` — for all of them from one query on the units
    per year and one `Standing` (`whole_level`: read by level, for many divisions), not one
    `results` per division and year. A year without that scale has no entry."""
    data = levels()
    by_path = {d.path: d.pk for d in divisions if d.is_current}
    if len(by_path) != len(divisions):
        raise ValueError("scale_counts: divisions of today's map only")
    specs = {y: data.period(y).scales.get(scale) for y in years}
    specs = {y: spec for y, spec in specs.items() if spec is not None and spec.chain}
    under: dict[int, dict[int, list[int]]] = {}  # year → division → its units of the scale
    for year, spec in specs.items():
        rows = (
            Division.objects.current(on=year_end(year))
            .filter(level=spec.level, kind__in=list(spec.kinds))
            .filter(_any_prefix(list(by_path)))
            .order_by()
            .values_list("id", "path")
        )
        under[year] = defaultdict(list)
        for uid, path in rows:
            # every prefix of the unit's path that is one of the divisions' (`within_q`)
            cut = 0
            while (cut := path.find("/", cut + 1)) != -1:
                pk = by_path.get(path[: cut + 1])
                if pk is not None:
                    under[year][pk].append(uid)
    standings = {}
    for level in {spec.level for spec in specs.values()}:
        ids = {
            u
            for year, spec in specs.items()
            if spec.level == level
            for units in under[year].values()
            for u in units
        }
        standings[level] = Standing(ids, data=data, level=level if whole_level else None)
    out: dict[int, dict[int, tuple[int, int]]] = {}
    for year, spec in specs.items():
        standing, first = standings[spec.level], spec.chain[0]
        out[year] = {}
        for d in divisions:
            units = under[year].get(d.pk, [])
            held = sum(1 for u in units if first in standing.held(u, year))
            out[year][d.pk] = (held, len(units))
    return out


def _any_prefix(paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def _share(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def results_by_year(division: Division, years) -> dict[int, dict]:
    """`results(division, y)` for each of `years`, reading the lineage and the recognitions once:
    one Standing over the units of every year (a unit's levels do not depend on the others)."""
    data = levels()
    units = {y: units_on(division, year_end(y)) for y in years}
    standing = Standing(sorted({u.id for us in units.values() for u in us}), data=data)
    return {y: results(division, y, units=units[y], standing=standing) for y in years}


def results(
    division: Division,
    year: int,
    *,
    units: list[Unit] | None = None,
    standing: Standing | None = None,
) -> dict:
    """The recognition figures of `division` at the end of `year` (see the module docstring).
    `units` and `standing` are given by `results_by_year`, which shares them across years."""
    data = standing.data if standing is not None else levels()
    period = data.period(year)
    day = year_end(year)
    if units is None:
        units = units_on(division, day)
    if standing is None:
        standing = Standing([u.id for u in units], data=data)
    held = {u.id: standing.held(u.id, year) for u in units}
    before = {u.id: standing.kinds(u.id, year - 1) for u in units}
    reassessed = _reassessment(units, year, held)
    names = {u.id: u for u in units}
    decisions = _decisions(
        {h.recognition_id for hs in held.values() for v in hs.values() for h in v}
    )

    scales = []
    for scale in period.scales.values():
        members = [u for u in units if u.level == scale.level and u.kind in scale.kinds]
        rows = []
        for kind in scale.chain:
            holders = [u for u in members if kind in held[u.id]]
            row = {
                "kind": kind,
                "label": str(RecognitionKind(kind).label),
                "phrase": str(PHRASES.get(kind, RecognitionKind(kind).label)),
                "count": len(holders),
                "share": _share(len(holders), len(members)),
                "reached": sum(1 for u in holders if kind not in before[u.id]),
                "earlier": sum(1 for u in holders if kind in before[u.id]),
                "reassessed": dict(
                    Counter(
                        reassessed.get((u.id, kind), "not_assessed")
                        for u in holders
                        if kind in before[u.id]
                    )
                ),  # fmt: skip
            }
            if scale.name in LISTED_SCALES:
                row["units"] = [
                    {
                        "id": u.id,
                        "code": u.code,
                        "name": u.name,
                        "since": min(h.year for h in held[u.id][kind]),
                        "decisions": sorted(
                            {decisions.get(h.recognition_id, "") for h in held[u.id][kind]}
                        ),
                        "kept_from": sorted(
                            {
                                names[h.unit_id].name if h.unit_id in names else ""
                                for h in held[u.id][kind]
                                if h.unit_id != u.id
                            }
                            - {""}
                        ),  # fmt: skip
                    }
                    for u in holders
                ]
            rows.append(row)
        scales.append(
            {
                "scale": scale.name,
                "unit_word": str(UNIT_WORDS.get(scale.name, scale.name)),
                "level": scale.level,
                "kinds": list(scale.kinds),
                "total": len(members),
                "rows": rows,
            }
        )

    commune_scale = period.scales.get("commune")
    xa_kinds = set(commune_scale.kinds) if commune_scale else set()
    xa = [u for u in units if u.level == Level.COMMUNE and u.kind in xa_kinds]
    others = Counter(u.kind for u in units if u.level == Level.COMMUNE and u.kind not in xa_kinds)
    in_force = map_on(day)
    denominator = {
        "scale": "commune",
        "date": day.isoformat(),
        "map": in_force.key if in_force else None,
        "map_name": in_force.name if in_force else "",
        "kinds": sorted(xa_kinds),
        "total": len(xa),
        "others": [
            {"kind": kind, "label": str(KIND_LABELS.get(kind, kind)), "count": n}
            for kind, n in sorted(others.items())
        ],
        "note": _(
            "Tỷ lệ tính trên %(n)s xã của %(d)s tại ngày %(day)s (bản đồ hành chính có hiệu lực "
            "ngày đó); phường, thị trấn, đặc khu không tính vào số xã."
        )
        % {"n": len(xa), "d": division.name, "day": day.strftime("%d/%m/%Y")},
    }
    statuses = Counter()
    chain = commune_scale.chain if commune_scale else ()
    for u in xa:
        top = next((k for k in reversed(chain) if k in held[u.id] and k in STATUS_OF_KIND), None)
        statuses[STATUS_OF_KIND[top] if top else "not_yet"] += 1
    return {
        "date": day.isoformat(),
        "denominator": denominator,
        "levels": scales,
        "status_counts": dict(statuses),
        "by_unit": _by_unit(units, held, period),
    }


def _decisions(ids: set[int]) -> dict[int, str]:
    return {
        pk: f"{number} ({signed_on:%d/%m/%Y}, {issuer})"
        for pk, number, signed_on, issuer in Recognition.objects.filter(pk__in=ids).values_list(
            "pk", "decision__number", "decision__signed_on", "decision__issuer"
        )
    }


def _reassessment(units: list[Unit], year: int, held: dict) -> dict[tuple[int, str], str]:
    """(unit, level) → maintained | not_again, from the year's re-examinations of the
    recognitions it rests on, else from its assessment that year against the set of that level."""
    out: dict[tuple[int, str], str] = {}
    ids = [u.id for u in units if u.level in (Level.COMMUNE, Level.VILLAGE)]
    for division_id, kind, meets in Assessment.objects.filter(
        division_id__in=ids, year=year
    ).values_list("division_id", "criteria_set__kind", "meets"):
        out[(division_id, kind)] = "maintained" if meets else "not_again"
    by_rec = defaultdict(list)
    for uid in ids:
        for kind, hs in held[uid].items():
            for h in hs:
                by_rec[h.recognition_id].append((uid, kind))
    for rec_id, still in (
        Reexamination.objects.filter(recognition_id__in=list(by_rec), year=year)
        .order_by("examined_on", "pk")
        .values_list("recognition_id", "still_meets")
    ):
        for uid, kind in by_rec[rec_id]:
            out[(uid, kind)] = "maintained" if still else "not_again"
    return out


def _by_unit(units: list[Unit], held: dict, period) -> list[dict]:
    """Counts by district (when the map of the day has districts) or by commune: the xã and their
    levels, the villages and theirs."""
    commune_scale = period.scales.get("commune")
    village_scale = period.scales.get("village")
    districts = [u for u in units if u.level == Level.DISTRICT]
    communes = {u.id: u for u in units if u.level == Level.COMMUNE}
    group_level = Level.DISTRICT if districts else Level.COMMUNE
    groups = districts if districts else list(communes.values())
    rows = {
        g.id: {
            "id": g.id,
            "code": g.code,
            "name": g.name,
            "kind": g.kind,
            "xa": 0,
            "communes": Counter(),
            "villages_total": 0,
            "villages": Counter(),
        }
        for g in groups
    }

    def group_of(commune: Unit | None) -> int | None:
        if commune is None:
            return None
        return commune.id if group_level == Level.COMMUNE else commune.parent_id

    for u in units:
        if u.level == Level.COMMUNE and commune_scale and u.kind in commune_scale.kinds:
            row = rows.get(group_of(u))
            if row is not None:
                row["xa"] += 1
                row["communes"].update(k for k in commune_scale.chain if k in held[u.id])
        elif u.level == Level.VILLAGE and village_scale and u.kind in village_scale.kinds:
            row = rows.get(group_of(communes.get(u.parent_id)))
            if row is not None:
                row["villages_total"] += 1
                row["villages"].update(k for k in village_scale.chain if k in held[u.id])
    return [
        {**row, "communes": dict(row["communes"]), "villages": dict(row["villages"])}
        for row in rows.values()
    ]


def plan(division: Division, year: int, recognised: dict, average: str | None) -> list[dict]:
    """Each target of the unit for the year with its result, in the target's reading."""
    rows = {row["kind"]: row for scale in recognised["levels"] for row in scale["rows"]}
    units = {
        row["kind"]: scale["unit_word"] for scale in recognised["levels"] for row in scale["rows"]
    }
    out = []
    targets = Target.objects.filter(division=division, year=year)
    order = {TargetReading.YEAR: 0, TargetReading.CUMULATIVE: 1}  # the year's plan first
    for target in sorted(targets, key=lambda t: (t.metric, order.get(t.reading, 2))):
        kind = METRIC_KIND.get(target.metric)
        if target.metric == TargetMetric.AVERAGE_CRITERIA:
            result, planned = average, f"{target.value:.2f}"
        else:
            row = rows.get(kind)
            planned = str(int(target.value))
            if row is None:
                result = None
            elif target.reading == TargetReading.YEAR:
                result = str(row["reached"])
            else:
                result = str(row["count"])
        reached = None
        if result is not None:
            reached = Decimal(result) >= Decimal(planned)
        out.append(
            {
                "metric": target.metric,
                "label": target.get_metric_display(),
                "kind": kind,
                "unit_word": units.get(kind, ""),
                "phrase": str(PHRASES.get(kind, "")) if kind else "",
                "reading": target.reading,
                "reading_label": target.get_reading_display(),
                "plan": planned,
                "decimals": 2 if target.metric == TargetMetric.AVERAGE_CRITERIA else 0,
                "result": result,
                "reached": reached,
            }
        )
    return out
