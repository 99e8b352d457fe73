"""Loading the division data files and resolving units across maps.

The data files (data/divisions/, see its README) are the source of truth; `load_divisions`
is idempotent, so re-running it after a data update only applies the differences.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from tamnong.core.signals import divisions_changed

from .models import Division, Level, Lineage, MapVersion

UNIT_COLUMNS = ["code", "name", "kind", "level", "parent_code"]
LINEAGE_COLUMNS = ["kind", "from_level", "from_code", "to_level", "to_code", "partial", "primary"]


class DivisionDataError(ValueError):
    """The data files are inconsistent; nothing was written."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    lineage: int = 0
    unresolved: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{key}: {self.created[key]} mới, {self.updated[key]} cập nhật"
            for key in sorted(set(self.created) | set(self.updated))
        ]
        out.append(f"quan hệ kế thừa: {self.lineage}")
        if self.unresolved:
            out.append(f"không xác định được đơn vị hiện hành: {len(self.unresolved)}")
        return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_csv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise DivisionDataError(
                f"{path.name}: cột phải là {','.join(columns)}, có {reader.fieldnames}"
            )
        return list(reader)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@transaction.atomic
def load_divisions(
    data_dir: Path | None = None, progress: Callable[[str], None] | None = None
) -> LoadReport:
    """Load every map and lineage file listed in MANIFEST.json; all or nothing."""
    data_dir = Path(data_dir or settings.DIVISIONS_DATA_DIR)
    manifest = json.loads((data_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    say = progress or (lambda _msg: None)
    report = LoadReport()

    maps: dict[str, MapVersion] = {}
    units_by_map: dict[str, dict[tuple[str, str], Division]] = {}
    for spec in manifest["maps"]:
        path = data_dir / spec["file"]
        checksum = _sha256(path)
        if spec.get("sha256") and spec["sha256"] != checksum:
            raise DivisionDataError(f"{spec['file']}: sha256 không khớp với MANIFEST.json")
        mv, _ = MapVersion.objects.update_or_create(
            key=spec["key"],
            defaults={
                "name": spec["name"],
                "valid_from": _date(spec.get("valid_from")),
                "valid_to": _date(spec.get("valid_to")),
                "source": spec.get("source", ""),
                "data_date": spec.get("data_date", ""),
                "checksum": checksum,
            },
        )
        maps[mv.key] = mv
        say(f"{mv.key}: đọc {spec['file']}")
        units_by_map[mv.key] = _upsert_units(mv, _read_csv(path, UNIT_COLUMNS), report)

    latest = max(maps.values(), key=lambda m: m.valid_from or dt.date.min)
    for spec in manifest.get("lineage", []):
        path = data_dir / spec["file"]
        say(f"quan hệ kế thừa: đọc {spec['file']}")
        report.lineage += _upsert_lineage(
            _read_csv(path, LINEAGE_COLUMNS),
            old=units_by_map[spec.get("from_map", _previous_key(maps, latest))],
            new=units_by_map[spec.get("to_map", latest.key)],
            effective=_date(spec["effective_date"]),
            basis=spec.get("basis", ""),
        )
    # Changes on top of the maps (data/divisions/changes/): applied once, in order, through the
    # same service as an administrator's upload.
    from .changes import apply_shipped

    for spec in manifest.get("changes", []):
        path = data_dir / spec["file"]
        if spec.get("sha256") and spec["sha256"] != _sha256(path):
            raise DivisionDataError(f"{spec['file']}: sha256 không khớp với MANIFEST.json")
        say(f"thay đổi: đọc {spec['file']}")
        if apply_shipped(path):
            report.created["changes"] += 1
    say("tính đơn vị hiện hành và đường dẫn phạm vi")
    report.unresolved = refresh_paths()
    if _carry_villages():
        report.unresolved = refresh_paths()
    return report


def _previous_key(maps: dict[str, MapVersion], latest: MapVersion) -> str:
    older = [m for m in maps.values() if m.key != latest.key]
    return max(older, key=lambda m: m.valid_from or dt.date.min).key


def _upsert_units(
    mv: MapVersion, rows: list[dict[str, str]], report: LoadReport
) -> dict[tuple[str, str], Division]:
    levels = {choice.value for choice in Level}
    existing = {(d.level, d.code): d for d in Division.objects.filter(map=mv)}
    # Units a change version replaced end the day before it (not with their map).
    closed = dict(
        Lineage.objects.filter(predecessor__map=mv, successor__map__base__isnull=False)
        .values_list("predecessor_id", "effective_date")
        .distinct()
    )
    seen: set[tuple[str, str]] = set()
    new, changed = [], []
    for lineno, row in enumerate(rows, start=2):
        key = (row["level"], row["code"])
        if row["level"] not in levels or not row["code"] or not row["name"]:
            raise DivisionDataError(f"{mv.key} dòng {lineno}: cấp, mã hoặc tên không hợp lệ")
        if key in seen:
            raise DivisionDataError(f"{mv.key} dòng {lineno}: mã {row['code']} trùng")
        seen.add(key)
        unit = existing.get(key)
        valid_to = mv.valid_to
        if unit is not None and unit.pk in closed:
            valid_to = closed[unit.pk] - dt.timedelta(days=1)
        if unit is None:
            unit = Division(map=mv, code=row["code"], level=row["level"], path="")
            new.append(unit)
        elif (unit.name, unit.kind, unit.valid_from, unit.valid_to) != (
            row["name"],
            row["kind"],
            mv.valid_from,
            valid_to,
        ):
            changed.append(unit)
        unit.name, unit.kind = row["name"], row["kind"]
        unit.valid_from, unit.valid_to = mv.valid_from, valid_to
        existing[key] = unit
    Division.objects.bulk_create(new, batch_size=2000)
    Division.objects.bulk_update(
        changed, ["name", "kind", "valid_from", "valid_to"], batch_size=2000
    )
    report.created[mv.key] += len(new)
    report.updated[mv.key] += len(changed)

    parent_level = {Level.DISTRICT: Level.PROVINCE, Level.VILLAGE: Level.COMMUNE}
    has_districts = any(level == Level.DISTRICT for level, _ in seen)
    reparent = []
    for lineno, row in enumerate(rows, start=2):
        unit = existing[(row["level"], row["code"])]
        parent = None
        if row["parent_code"]:
            level = parent_level.get(row["level"]) or (
                Level.DISTRICT if has_districts else Level.PROVINCE
            )
            parent = existing.get((level, row["parent_code"]))
            if parent is None:
                raise DivisionDataError(
                    f"{mv.key} dòng {lineno}: đơn vị cấp trên {row['parent_code']} không có"
                )
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            reparent.append(unit)
    Division.objects.bulk_update(reparent, ["parent"], batch_size=2000)
    return existing


def _upsert_lineage(rows, old, new, effective, basis) -> int:
    links = []
    for lineno, row in enumerate(rows, start=2):
        pred = old.get((row["from_level"], row["from_code"]))
        succ = new.get((row["to_level"], row["to_code"]))
        if pred is None or succ is None:
            raise DivisionDataError(
                f"lineage dòng {lineno}: không tìm thấy {row['from_level']} {row['from_code']} "
                f"hoặc {row['to_level']} {row['to_code']}"
            )
        links.append(
            Lineage(
                predecessor=pred,
                successor=succ,
                kind=row["kind"],
                effective_date=effective,
                partial=row["partial"] == "1",
                primary=row["primary"] == "1",
                basis=basis,
            )
        )
    preds = {link.predecessor_id for link in links}
    Lineage.objects.filter(predecessor_id__in=preds).delete()
    Lineage.objects.bulk_create(links, batch_size=2000)
    return len(links)


def _carry_villages(latest: MapVersion | None = None) -> int:
    """Villages are entered by provinces, not shipped in the map files: when their commune is
    replaced (a new map, or a change version), they move under the commune it resolves to (same
    village, same id, same validity). `latest` is accepted for compatibility and not used."""
    moved = []
    taken = set(
        Division.objects.filter(level=Level.VILLAGE).values_list("map_id", "code").distinct()
    )
    stale = (
        Division.objects.filter(level=Level.VILLAGE)
        .exclude(parent__current_id=models.F("parent_id"))
        # a village of an old map keeps its place there and has a successor of its own
        .exclude(successor_links__primary=True)
        .select_related("parent__current")
    )
    for village in stale:
        commune = village.parent.current if village.parent else None
        if commune is None or commune.pk == village.parent_id:
            continue
        code, n = village.code, 1
        while (commune.map_id, code) in taken:
            code, n = f"{village.code}-{n}", n + 1
        taken.add((commune.map_id, code))
        village.map_id, village.parent, village.code = commune.map_id, commune, code
        if village.valid_from is None:
            village.valid_from = commune.valid_from
        moved.append(village)
    Division.objects.bulk_update(moved, ["map", "parent", "code", "valid_from"], batch_size=2000)
    return len(moved)


def refresh_paths(latest: MapVersion | None = None) -> list[str]:
    """Recompute `current` and `path` for every unit; returns old units that resolve nowhere.

    A unit is current when it belongs to a map still in force (no `valid_to`) and has no primary
    successor; any other unit is counted under the end of its chain of primary successors, and
    its path is its successor's path plus its own marker ("/12/345/h678/", "/12/345/h678/h90/"),
    so a prefix test finds every unit counted under a current one, and under an old one the
    units that went through it. Only rows whose current or path changed are written.
    `latest` is accepted for compatibility and not used."""
    units = {
        d.pk: d for d in Division.objects.only("id", "map_id", "parent_id", "current_id", "path")
    }
    before = {pk: (d.current_id, d.path) for pk, d in units.items()}
    open_maps = set(MapVersion.objects.filter(valid_to__isnull=True).values_list("pk", flat=True))
    primary = dict(
        Lineage.objects.filter(primary=True).values_list("predecessor_id", "successor_id")
    )
    is_current = {pk for pk, d in units.items() if d.map_id in open_maps and pk not in primary}
    children = defaultdict(list)
    for d in units.values():
        children[d.parent_id].append(d)

    def walk(d: Division, prefix: str) -> None:
        d.path, d.current_id = f"{prefix}{d.pk}/", d.pk
        for child in children[d.pk]:
            if child.pk in is_current:
                walk(child, d.path)

    for pk in is_current:
        d = units[pk]
        if d.parent_id is None or d.parent_id not in is_current:
            walk(d, "/")

    done: dict[int, bool] = dict.fromkeys(is_current, True)

    def chain(d: Division, depth: int = 0) -> bool:
        if d.pk in done:
            return done[d.pk]
        nxt = primary.get(d.pk)
        ok = nxt is not None and depth <= 20 and chain(units[nxt], depth + 1)
        if ok:
            succ = units[nxt]
            d.current_id, d.path = succ.current_id, f"{succ.path}h{d.pk}/"
        else:
            d.current_id, d.path = None, f"/h{d.pk}/"
        done[d.pk] = ok
        return ok

    unresolved = []
    for d in units.values():
        if not chain(d):
            unresolved.append(d.pk)
    changed = [d for pk, d in units.items() if (d.current_id, d.path) != before[pk]]
    Division.objects.bulk_update(changed, ["current", "path"], batch_size=2000)
    divisions_changed.send(sender=Division)
    return sorted(
        f"{lv} {code} {name}"
        for lv, code, name in Division.objects.filter(pk__in=unresolved).values_list(
            "level", "code", "name"
        )
    )


def current_map() -> MapVersion:
    """The map in force: the newest full map (change versions only amend it)."""
    return (
        MapVersion.objects.filter(valid_to__isnull=True, base__isnull=True)
        .order_by("-valid_from")
        .first()
    )


def find_current(code: str, level: str | None = None) -> Division | None:
    """The unit in force today with this code (a change version's unit before its base unit)."""
    units = Division.objects.filter(code=code, current_id=models.F("pk")).exclude(
        level=Level.VILLAGE
    )
    if level:
        units = units.filter(level=level)
    return units.select_related("map").order_by("level").first()


class UnknownMap(LookupError):
    """A map key that names no map version."""

    def __init__(self, key: str) -> None:
        super().__init__(f"Không có bản đồ «{key}».")
        self.key = key


def find_unit(
    code_or_id,
    *,
    map_key: str | None = None,
    on: dt.date | None = None,
    exclude_levels=(Level.DISTRICT,),
    ids: bool = False,
) -> Division | None:
    """The unit a code names, "as of either map": the one rule of every programme's page, API
    and command (`access.lookups.resolve_division` adds the scope check).

    - `map_key` (e.g. ``vn-2008``): the unit of that map (an old province, an old district, a
      code both maps have); for a change version, its unit or else the unit of the map it
      amends. `UnknownMap` when no map has that key.
    - otherwise the unit in force on `on` (default: today's units, i.e. records are counted
      under it now), else the newest unit with that code: an old code (Bạc Liêu, 95) names the
      old unit, and the records under it are `within_q` of it.
    `ids`: a code that matches nothing is tried as an id. Districts only exist on the old map: they are
    found with `map_key` (or when `exclude_levels` allows them)."""
    text = str(code_or_id or "").strip()
    if not text:
        return None
    qs = Division.objects.select_related("map")
    if map_key:
        mv = MapVersion.objects.filter(key=map_key).select_related("base").first()
        if mv is None:
            raise UnknownMap(map_key)
        chain = []
        while mv is not None and len(chain) < 10:
            chain.append(mv)
            mv = mv.base
        for version in chain:
            unit = qs.filter(map=version, code=text).order_by("level").first()
            if unit is not None:
                return unit
        return None
    qs = qs.exclude(level__in=exclude_levels)
    if on is None:
        first = models.Case(
            models.When(current_id=models.F("pk"), then=0),
            default=1,
            output_field=models.IntegerField(),
        )
    else:
        in_force = (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)) & (
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )
        first = models.Case(
            models.When(in_force, then=0), default=1, output_field=models.IntegerField()
        )
    unit = (
        qs.filter(code=text)
        .annotate(_first=first)
        .order_by("_first", models.F("map__valid_from").desc(nulls_last=True), "level")
        .first()
    )
    if unit is None and ids and text.isdigit():
        unit = Division.objects.select_related("map").filter(pk=int(text)).first()
    return unit


def resolve(division: Division, level: str | None = None) -> Division | None:
    """The current unit a record naming `division` counts under, optionally lifted to a level."""
    unit = division if division.current_id == division.pk else division.current
    if unit is None or level is None:
        return unit
    return (
        unit
        if unit.level == level
        else next((a for a in unit.ancestors() if a.level == level), None)
    )


def _predecessor(unit: Division) -> Division | None:
    """The unit of the previous map a later unit is named after in a report "as of" that map:
    the same-level predecessor that kept its code (Decision 19/2025 gives each new commune one
    predecessor's code), else the predecessor with the smallest code."""
    preds = list(
        Division.objects.filter(successor_links__successor=unit, level=unit.level).order_by("code")
    )
    return next((p for p in preds if p.code == unit.code), preds[0] if preds else None)


def as_of(division: Division, day: dt.date, level: str | None = None) -> Division | None:
    """The unit in force on `day` that `division` is counted under in a report as of that day.

    Forward (older unit, later day) follows the primary successors whose change took effect by
    then; backward (newer unit, earlier day) picks the predecessor of `_predecessor`, climbing
    from a village without one to its commune. A record keeps its unit: this only names it."""
    unit: Division | None = division
    seen = 0
    while unit is not None and seen < 20:
        seen += 1
        if unit.valid_from is not None and unit.valid_from > day:
            # a village with a predecessor of its own (created under an old commune) goes back
            # to it, like a commune; others climb to their commune
            before = _predecessor(unit)
            unit = before if before is not None or unit.level != Level.VILLAGE else unit.parent
            continue
        link = (
            Lineage.objects.filter(predecessor=unit, primary=True, effective_date__lte=day)
            .select_related("successor")
            .first()
        )
        if link is None:
            break
        unit = link.successor
    if unit is None or level is None or unit.level == level:
        return unit
    return next((a for a in unit.ancestors() if a.level == level), None)


def as_of_map(division: Division, map_key: str, level: str | None = None) -> Division | None:
    """The unit of map `map_key` that `division` is counted under in a report "as of" that map,
    i.e. as of the day the map took effect (`as_of`). For a change version that is the changed
    unit, or the base map's unit where nothing changed."""
    target = MapVersion.objects.get(key=map_key)
    if division.map_id == target.pk and (level is None or division.level == level):
        return division
    return as_of(division, target.valid_from or dt.date.min, level)


class VillageError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def add_village(
    actor,
    commune: Division,
    *,
    name: str,
    kind: str,
    code: str = "",
    successor: Division | None = None,
) -> Division:
    """Add a village (thôn, ấp, bản, tổ dân phố) below a commune; audited.

    Below a commune of an earlier map (a village recognised in 2020 under its old commune), the
    village is created on that map, ends with its commune, and keeps its identity through a
    lineage link to its successor below the commune the old one became: `successor` (a village
    already there, e.g. two old villages merged into one) or a new one of the same name."""
    from tamnong.access.scope import Scope

    Scope.of(actor).require_edit(commune)
    if commune.level != Level.COMMUNE:
        raise VillageError("name", "Chỉ thêm thôn vào xã/phường.")
    if commune.is_current:
        if successor is not None:
            raise VillageError("successor", "Thôn của xã hiện hành không có thôn kế thừa.")
        return _create_village(actor, commune, name=name, kind=kind, code=code)
    link = (
        Lineage.objects.filter(predecessor=commune, primary=True)
        .select_related("successor")
        .first()
    )
    if link is None or link.successor.level != Level.COMMUNE:
        raise VillageError("name", f"{commune.name} không có xã kế thừa: không thêm thôn được.")
    after = link.successor
    if successor is not None:
        if successor.level != Level.VILLAGE or successor.parent_id not in (
            after.pk,
            after.current_id,
        ):
            raise VillageError("successor", f"Thôn kế thừa phải thuộc {after.name}.")
    else:
        same = Division.objects.filter(
            parent_id__in={after.pk, after.current_id}, level=Level.VILLAGE, name__iexact=name
        ).first()
        if same is not None:
            raise VillageError(
                "successor",
                f"{after.name} đã có «{same.name}» (mã {same.code}): chọn thôn đó làm thôn kế "
                "thừa nếu là cùng một thôn, hoặc đặt tên khác.",
            )
    village = _create_village(actor, commune, name=name, kind=kind, code=code)
    if successor is None:
        # below the commune in force now (a later change may have replaced `after`), in force
        # since `after` took over, like the villages that changes carry (_carry_villages)
        successor = _create_village(
            actor,
            after if after.is_current else after.current,
            name=name,
            kind=kind,
            code=village.code,
            valid_from=after.valid_from,
            taken_ok=True,
        )
    merged = Lineage.objects.filter(successor=successor).exists()
    Lineage.objects.create(
        predecessor=village,
        successor=successor,
        kind=Lineage.Kind.MERGE if merged else Lineage.Kind.KEEP,
        effective_date=link.effective_date,
        primary=True,
        basis=link.basis,
    )
    village.current_id = successor.current_id
    village.path = f"{successor.path}h{village.pk}/"
    village.save(update_fields=["path", "current"])
    return village


def _create_village(
    actor,
    commune: Division,
    *,
    name: str,
    kind: str,
    code: str,
    valid_from: dt.date | None = None,
    taken_ok: bool = False,
) -> Division:
    """One village row below `commune`, audited. `taken_ok`: a successor keeps its predecessor's
    code, with a suffix when that map already has it."""
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record, snapshot

    siblings = Division.objects.filter(parent=commune, level=Level.VILLAGE)
    if siblings.filter(name__iexact=name).exists():
        raise VillageError("name", f"Xã đã có «{name}».")
    taken = Division.objects.filter(map=commune.map, level=Level.VILLAGE)
    if not code:
        used = set(siblings.values_list("code", flat=True))
        n = siblings.count() + 1
        while f"{commune.code}.{n:03d}" in used:
            n += 1
        code = f"{commune.code}.{n:03d}"
    elif taken.filter(code=code).exists():
        if not taken_ok:
            raise VillageError("code", f"Mã {code} đã được dùng.")
        n = 1
        while taken.filter(code=f"{code}-{n}").exists():
            n += 1
        code = f"{code}-{n}"
    village = Division.objects.create(
        map=commune.map,
        code=code,
        name=name,
        kind=kind,
        level=Level.VILLAGE,
        parent=commune,
        valid_from=valid_from or commune.valid_from,
        valid_to=commune.valid_to,
        path="",
    )
    if commune.is_current:
        village.path, village.current_id = f"{commune.path}{village.pk}/", village.pk
        village.save(update_fields=["path", "current"])
    record(AuditEvent.Action.CREATE, village, after=snapshot(village), division=village, user=actor)
    return village


def within_q(division: Division, field: str = "division") -> models.Q:
    """Records whose `field` (a Division foreign key) count under `division`.

    A current unit covers its subtree and the old units that resolve into it (path prefix). A unit
    of an older map ("as of the old map") covers its own subtree on that map, the older units that
    resolved through it (their path extends its own), and the later units that `as_of` counts
    under it, step by step (2025 map → a later change), with the villages of the current ones but
    without their own old units (those are counted where they belonged), so nothing is counted
    twice."""
    path = f"{field}__path" if field else "path"
    if division.is_current:
        return models.Q(**{f"{path}__startswith": division.path})
    ids, frontier = {division.pk}, [division.pk]
    while frontier:
        frontier = list(
            Division.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    key = f"{field}_id" if field else "pk"
    cond = models.Q(**{f"{key}__in": ids}) | models.Q(**{f"{path}__startswith": division.path})
    # The later communes counted under this unit are those whose backward choice (the rule of
    # `as_of`: the same-level predecessor that kept the code, else the smallest code) is counted
    # here; decided for all of them from one query on the lineage per step.
    counted, frontier, seen = set(ids), set(ids), set()
    while frontier:
        links = (
            Lineage.objects.filter(
                successor__in=Lineage.objects.filter(predecessor_id__in=frontier).values(
                    "successor_id"
                ),
                successor__level=Level.COMMUNE,
                predecessor__level=Level.COMMUNE,
            )
            .exclude(successor__map=division.map)
            .exclude(successor_id__in=seen)
            .values_list(
                "successor_id",
                "successor__code",
                "successor__path",
                "successor__current_id",
                "predecessor_id",
                "predecessor__code",
            )
        )
        choice: dict[int, tuple[tuple[bool, str], str, bool, int]] = {}
        for succ_id, succ_code, succ_path, succ_current, pred_id, pred_code in links:
            rank = (pred_code != succ_code, pred_code)
            best = choice.get(succ_id)
            if best is None or rank < best[0]:
                choice[succ_id] = (rank, succ_path, succ_current == succ_id, pred_id)
        seen.update(choice)
        frontier = set()
        for succ_id, (_rank, succ_path, current, pred_id) in choice.items():
            if pred_id not in counted:
                continue
            frontier.add(succ_id)
            if current:
                cond |= models.Q(**{f"{path}__startswith": succ_path}) & ~models.Q(
                    **{f"{path}__contains": "h"}
                )
            else:
                cond |= models.Q(**{key: succ_id})
        counted |= frontier
    return cond
