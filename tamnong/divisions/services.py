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
    say("tính đơn vị hiện hành và đường dẫn phạm vi")
    report.unresolved = refresh_paths(latest)
    if _carry_villages(latest):
        report.unresolved = refresh_paths(latest)
    return report


def _previous_key(maps: dict[str, MapVersion], latest: MapVersion) -> str:
    older = [m for m in maps.values() if m.key != latest.key]
    return max(older, key=lambda m: m.valid_from or dt.date.min).key


def _upsert_units(
    mv: MapVersion, rows: list[dict[str, str]], report: LoadReport
) -> dict[tuple[str, str], Division]:
    levels = {choice.value for choice in Level}
    existing = {(d.level, d.code): d for d in Division.objects.filter(map=mv)}
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
        if unit is None:
            unit = Division(map=mv, code=row["code"], level=row["level"], path="")
            new.append(unit)
        elif (unit.name, unit.kind, unit.valid_from, unit.valid_to) != (
            row["name"],
            row["kind"],
            mv.valid_from,
            mv.valid_to,
        ):
            changed.append(unit)
        unit.name, unit.kind = row["name"], row["kind"]
        unit.valid_from, unit.valid_to = mv.valid_from, mv.valid_to
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


def _carry_villages(latest: MapVersion) -> int:
    """Villages are entered by provinces, not shipped in the map files: when their commune is
    replaced by a new map, they move under the commune it resolves to (same village, same id)."""
    moved = []
    taken = set(
        Division.objects.filter(map=latest, level=Level.VILLAGE).values_list("code", flat=True)
    )
    stale = (
        Division.objects.filter(level=Level.VILLAGE)
        .exclude(map=latest)
        .select_related("parent__current")
    )
    for village in stale:
        commune = village.parent.current if village.parent else None
        if commune is None:
            continue
        code, n = village.code, 1
        while code in taken:
            code, n = f"{village.code}-{n}", n + 1
        taken.add(code)
        village.map, village.parent, village.code = latest, commune, code
        village.valid_from = latest.valid_from
        moved.append(village)
    Division.objects.bulk_update(moved, ["map", "parent", "code", "valid_from"], batch_size=2000)
    return len(moved)


def refresh_paths(latest: MapVersion) -> list[str]:
    """Recompute `current` and `path` for every unit. Returns old units that resolve nowhere."""
    units = {d.pk: d for d in Division.objects.all()}
    children = defaultdict(list)
    for d in units.values():
        children[d.parent_id].append(d)
    primary = dict(
        Lineage.objects.filter(primary=True).values_list("predecessor_id", "successor_id")
    )

    def current_of(d: Division, depth: int = 0) -> Division | None:
        if d.map_id == latest.pk:
            return d
        nxt = primary.get(d.pk)
        if nxt is None or depth > 10:
            return None
        return current_of(units[nxt], depth + 1)

    # Current units first, top-down, so that old units can append to their successor's path.
    def walk(d: Division, prefix: str) -> None:
        d.path, d.current_id = f"{prefix}{d.pk}/", d.pk
        for child in children[d.pk]:
            walk(child, d.path)

    for root in children[None]:
        if root.map_id == latest.pk:
            walk(root, "/")
    unresolved = []
    for d in units.values():
        if d.map_id == latest.pk:
            continue
        cur = current_of(d)
        if cur is None:
            d.current_id, d.path = None, f"/h{d.pk}/"
            unresolved.append(f"{d.level} {d.code} {d.name}")
        else:
            d.current_id, d.path = cur.pk, f"{cur.path}h{d.pk}/"
    Division.objects.bulk_update(list(units.values()), ["current", "path"], batch_size=2000)
    return sorted(unresolved)


def current_map() -> MapVersion:
    return MapVersion.objects.filter(valid_to__isnull=True).order_by("-valid_from").first()


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


def as_of_map(division: Division, map_key: str, level: str | None = None) -> Division | None:
    """The unit of map `map_key` that `division` is counted under in a report "as of" that map.

    Forward (old → new) follows the primary successor. Backward (new → old) picks the
    predecessor that kept the new unit's code (Decision 19/2025 gives each new commune one
    predecessor's code), else the predecessor with the smallest code.
    """
    unit: Division | None = division
    if unit.map.key != map_key:
        target = MapVersion.objects.get(key=map_key)
        if (target.valid_from or dt.date.min) > (division.map.valid_from or dt.date.min):
            unit = resolve(division)
        else:
            while unit is not None and unit.map_id != target.pk:
                if unit.level == Level.VILLAGE:
                    unit = unit.parent
                    continue
                preds = list(
                    Division.objects.filter(
                        successor_links__successor=unit, level=unit.level
                    ).order_by("code")
                )
                unit = next((p for p in preds if p.code == unit.code), preds[0] if preds else None)
    if unit is None or level is None or unit.level == level:
        return unit
    return next((a for a in unit.ancestors() if a.level == level), None)


class VillageError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def add_village(actor, commune: Division, *, name: str, kind: str, code: str = "") -> Division:
    """Add a village (thôn, ấp, bản, tổ dân phố) below a current commune; audited."""
    from tamnong.access.scope import Scope
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record, snapshot

    Scope.of(actor).require_edit(commune)
    if commune.level != Level.COMMUNE or not commune.is_current:
        raise VillageError("name", "Chỉ thêm thôn vào xã/phường hiện hành.")
    siblings = Division.objects.filter(parent=commune, level=Level.VILLAGE)
    if siblings.filter(name__iexact=name).exists():
        raise VillageError("name", f"Xã đã có «{name}».")
    if not code:
        used = set(siblings.values_list("code", flat=True))
        n = siblings.count() + 1
        while f"{commune.code}.{n:03d}" in used:
            n += 1
        code = f"{commune.code}.{n:03d}"
    elif Division.objects.filter(map=commune.map, level=Level.VILLAGE, code=code).exists():
        raise VillageError("code", f"Mã {code} đã được dùng.")
    village = Division.objects.create(
        map=commune.map,
        code=code,
        name=name,
        kind=kind,
        level=Level.VILLAGE,
        parent=commune,
        valid_from=commune.valid_from,
        path="",
    )
    village.path, village.current_id = f"{commune.path}{village.pk}/", village.pk
    village.save(update_fields=["path", "current"])
    record(AuditEvent.Action.CREATE, village, after=snapshot(village), division=village, user=actor)
    return village


def within_q(division: Division, field: str = "division") -> models.Q:
    """Records whose `field` (a Division foreign key) count under `division`.

    A current unit covers its subtree and the old units that resolve into it (path prefix). A unit
    of an older map ("as of the old map") covers its own subtree on that map plus the later units
    that `as_of_map` counts under it, with their villages but without their own old units (those
    are already in the subtree of the old unit they belonged to), so nothing is counted twice."""
    path = f"{field}__path" if field else "path"
    if division.is_current:
        return models.Q(**{f"{path}__startswith": division.path})
    ids, frontier = {division.pk}, [division.pk]
    while frontier:
        frontier = list(
            Division.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    cond = models.Q(**{f"{field}_id__in" if field else "pk__in": ids})
    # The later communes counted under this unit are those whose backward choice (the rule of
    # `as_of_map`: the same-level predecessor that kept the code, else the smallest code) lies in
    # the subtree; decided for all of them from one query on the lineage.
    links = (
        Lineage.objects.filter(
            successor__in=Lineage.objects.filter(predecessor_id__in=ids).values("successor_id"),
            successor__level=Level.COMMUNE,
            predecessor__level=Level.COMMUNE,
        )
        .exclude(successor__map=division.map)
        .values_list(
            "successor_id",
            "successor__code",
            "successor__path",
            "predecessor_id",
            "predecessor__code",
        )
    )
    choice: dict[int, tuple[tuple[bool, str], str, int]] = {}
    for succ_id, succ_code, succ_path, pred_id, pred_code in links:
        rank = (pred_code != succ_code, pred_code)
        best = choice.get(succ_id)
        if best is None or rank < best[0]:
            choice[succ_id] = (rank, succ_path, pred_id)
    for _rank, succ_path, pred_id in choice.values():
        if pred_id in ids:
            cond |= models.Q(**{f"{path}__startswith": succ_path}) & ~models.Q(
                **{f"{path}__contains": "h"}
            )
    return cond
