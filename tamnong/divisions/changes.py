"""Changes of the administrative map loaded from a file (thay đổi đơn vị hành chính).

Units change between the big reorganisations (in 2026: communes turned into wards, provinces into
centrally-governed cities). A change file (YAML, shape in data/divisions/README.md) names the
resolution, its effective date and its events; applying it creates a *change version* of the map
on top of the map in force (`MapVersion.base`) holding only the new units, ends the replaced units
the day before, and links each to its successor (`Lineage`, kind `reclassify`, `rename`,
`recode`, `merge` or `split`). Records keep the unit they name: a report as of a day before the
change names the old unit, one as of a later day the new one (`services.as_of`), and scopes follow
(`services.refresh_paths`). Villages and memberships of a replaced unit move to its successor.

One service for every path: `preview_upload` / `apply_upload` (the administrator's page, with a
preview to confirm), `apply_file` (the command `tamnong divisions apply-change FILE
[--dry-run]`) and `apply_shipped` (changes listed in data/divisions/MANIFEST.json).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from tamnong.core import safeparse
from tamnong.core.formatting import date as vn_date

from .models import KIND_LABELS, Division, Level, Lineage, MapChangeUpload, MapVersion

MAX_FILE = 1024 * 1024
EVENT_KINDS = {
    Lineage.Kind.RECLASSIFY: "chuyển loại",
    Lineage.Kind.RENAME: "đổi tên",
    Lineage.Kind.RECODE: "đổi mã",
    Lineage.Kind.MERGE: "sáp nhập",
    Lineage.Kind.SPLIT: "chia tách",
}
COMMUNE_KINDS = ("xa", "phuong", "thi_tran", "dac_khu")
ONE_TO_ONE = {Lineage.Kind.RECLASSIFY, Lineage.Kind.RENAME, Lineage.Kind.RECODE}


class ChangeError(ValueError):
    """A change file that cannot be applied; `errors` lists every problem, in Vietnamese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Target:
    code: str
    name: str
    kind: str
    parent: Division
    primary: bool = True


@dataclass
class Event:
    kind: str
    sources: list[Division]
    targets: list[Target]

    def line(self) -> str:
        src = ", ".join(f"{d.name} ({d.code})" for d in self.sources)
        dst = ", ".join(f"{t.name} ({t.code})" for t in self.targets)
        what = EVENT_KINDS[self.kind]
        if self.kind == Lineage.Kind.RECLASSIFY:
            what += f" {self.sources[0].kind_label.lower()} → {label(self.targets[0].kind).lower()}"
        return f"{src} → {dst}: {what}"


@dataclass
class ChangePlan:
    """What applying a change file would do; `errors` empty means it can be applied."""

    key: str = ""
    name: str = ""
    basis: str = ""
    source: str = ""
    issued: str = ""
    effective: dt.date | None = None
    base: MapVersion | None = None
    checksum: str = ""
    events: list[Event] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    already: MapVersion | None = None
    villages: int = 0
    memberships: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def sources(self) -> list[Division]:
        return [d for e in self.events for d in e.sources]

    def lines(self) -> list[str]:
        if self.already is not None:
            return [
                f"Thay đổi «{self.key}» đã được áp dụng ({self.already.name}); không làm gì thêm."
            ]
        if not self.ok:
            return []
        day_before = self.effective - dt.timedelta(days=1)
        out = [e.line() for e in self.events]
        out.append(
            f"{sum(len(e.targets) for e in self.events)} đơn vị mới có hiệu lực từ "
            f"{vn_date(self.effective)}; {len(self.sources)} đơn vị hết hiệu lực sau "
            f"{vn_date(day_before)}."
        )
        out.append(
            f"{self.villages} thôn, tổ dân phố chuyển sang đơn vị kế thừa (giữ nguyên định danh); "
            f"{self.memberships} phân quyền người dùng chuyển sang đơn vị kế thừa."
        )
        out.append(
            "Các bản ghi đã có giữ nguyên đơn vị đã ghi: báo cáo đến ngày "
            f"{vn_date(day_before)} gọi tên đơn vị cũ, từ ngày {vn_date(self.effective)} gọi tên "
            "đơn vị mới; phạm vi và số liệu hiện hành tính cho đơn vị mới."
        )
        return out

    def summary(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "basis": self.basis,
            "effective": self.effective.isoformat() if self.effective else "",
            "base": self.base.key if self.base else "",
            "events": len(self.events),
            "units": sum(len(e.targets) for e in self.events),
            "villages": self.villages,
            "memberships": self.memberships,
            "already": self.already.key if self.already else "",
        }


def in_force() -> models.QuerySet:
    """Units in force now, read from the maps and the lineage (not from `current`, which the
    loader computes after the changes)."""
    return Division.objects.filter(map__valid_to__isnull=True).exclude(
        successor_links__primary=True
    )


def label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_change(name: str, data: bytes) -> dict:
    """The document of a change file (.yaml, .yml or .json)."""
    if not name.lower().endswith((".yaml", ".yml", ".json")):
        raise ChangeError(["Tệp thay đổi phải là .yaml, .yml hoặc .json."])
    if len(data) > MAX_FILE:
        raise ChangeError([f"Tệp quá lớn (tối đa {MAX_FILE // 1024} KB)."])
    try:
        doc = safeparse.yaml_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ChangeError([f"Không đọc được tệp (YAML/JSON, UTF-8): {exc}"]) from exc
    if not isinstance(doc, dict):
        raise ChangeError(["Tệp thay đổi phải có các mục key, name, effective_date, events."])
    return doc


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _code(value: Any) -> str:
    """A commune code; written unquoted in YAML it is a number that lost its leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:05d}"
    return _text(value)


def plan_change(doc: dict, digest: str = "") -> ChangePlan:
    """Check a change document against the map in the database (nothing is written)."""
    from .services import current_map

    plan = ChangePlan(checksum=digest)
    errors = plan.errors
    plan.key = _text(doc.get("key"))
    plan.name = _text(doc.get("name"))
    plan.basis = _text(doc.get("basis"))
    plan.source = _text(doc.get("source"))
    plan.issued = _text(doc.get("issued"))
    if not plan.key or len(plan.key) > 32 or not all(c.isalnum() or c in "-_" for c in plan.key):
        errors.append("Mã thay đổi (key) bắt buộc: chữ, số, «-» hoặc «_», tối đa 32 ký tự.")
    if not plan.name:
        errors.append("Thiếu tên thay đổi (name).")
    if not plan.basis:
        errors.append("Thiếu căn cứ pháp lý (basis), ví dụ số nghị quyết.")
    try:
        plan.effective = dt.date.fromisoformat(_text(doc.get("effective_date")))
    except ValueError:
        errors.append(
            f"Ngày hiệu lực (effective_date) «{_text(doc.get('effective_date'))}» không hợp lệ "
            "(YYYY-MM-DD)."
        )
    existing = MapVersion.objects.filter(key=plan.key).first() if plan.key else None
    if existing is not None:
        if digest and existing.checksum == digest:
            plan.already = existing
            return plan
        errors.append(f"Mã thay đổi «{plan.key}» đã được dùng cho một tệp khác; hãy đặt mã mới.")
    base_key = _text(doc.get("base_map"))
    plan.base = (
        MapVersion.objects.filter(key=base_key, base__isnull=True).first()
        if base_key
        else current_map()
    )
    if plan.base is None:
        errors.append(f"Không có bản đồ gốc «{base_key or '(hiện hành)'}».")
    events = doc.get("events")
    if not isinstance(events, list) or not events:
        errors.append("Tệp không có sự kiện nào (events).")
        events = []
    used_sources: set[int] = set()
    target_codes: set[str] = set()
    for n, raw in enumerate(events, start=1):
        event = _event(n, raw, plan, errors, used_sources, target_codes)
        if event is not None:
            plan.events.append(event)
    # A new unit's code may be one of the units it replaces, never another unit in force.
    replaced = {(d.level, d.code) for d in plan.sources}
    taken = set(
        in_force().filter(level=Level.COMMUNE, code__in=target_codes).values_list("level", "code")
    )
    for _level, code in sorted(taken - replaced):
        errors.append(f"Mã {code} đang là của một đơn vị khác còn hiệu lực.")
    if plan.errors:
        plan.events = []
        return plan
    Membership = _membership_model()
    sources = plan.sources
    plan.villages = Division.objects.filter(level=Level.VILLAGE, parent__in=sources).count()
    plan.memberships = Membership.objects.filter(division__in=sources).count()
    return plan


def _event(n, raw, plan, errors, used_sources, target_codes) -> Event | None:
    where = f"Sự kiện {n}"
    if not isinstance(raw, dict):
        errors.append(f"{where}: không đúng định dạng.")
        return None
    kind = _text(raw.get("kind"))
    if kind not in EVENT_KINDS:
        errors.append(
            f"{where}: loại «{kind}» không hợp lệ (có: {', '.join(sorted(EVENT_KINDS))})."
        )
        return None
    level = _text(raw.get("level") or Level.COMMUNE)
    if level != Level.COMMUNE:
        errors.append(f"{where}: hiện chỉ nạp được thay đổi cấp xã (level: commune).")
        return None
    codes = raw.get("from")
    codes = [_code(c) for c in (codes if isinstance(codes, list) else [codes]) if _code(c)]
    targets_raw = raw.get("to")
    targets_raw = targets_raw if isinstance(targets_raw, list) else [targets_raw]
    if not codes:
        errors.append(f"{where}: thiếu đơn vị cũ (from).")
        return None
    expected = {"merge": (2, 1), "split": (1, 2)}.get(kind, (1, 1))
    if (len(codes) < expected[0] if kind == "merge" else len(codes) != expected[0]) or (
        len(targets_raw) < expected[1] if kind == "split" else len(targets_raw) != expected[1]
    ):
        shape = {
            "merge": "ít nhất hai đơn vị cũ, một đơn vị mới",
            "split": "một đơn vị cũ, ít nhất hai đơn vị mới",
        }.get(kind, "một đơn vị cũ, một đơn vị mới")
        errors.append(f"{where} ({EVENT_KINDS[kind]}): cần {shape}.")
        return None
    sources = []
    for code in codes:
        unit = in_force().filter(level=level, code=code).select_related("parent", "map").first()
        if unit is None:
            errors.append(f"{where}: không có xã/phường mã {code} đang có hiệu lực.")
            continue
        if unit.pk in used_sources:
            errors.append(f"{where}: đơn vị {code} đã có trong một sự kiện khác.")
            continue
        if plan.effective and unit.valid_from and unit.valid_from >= plan.effective:
            errors.append(
                f"{where}: {unit.name} ({code}) có hiệu lực từ {vn_date(unit.valid_from)}, "
                f"không trước ngày hiệu lực {vn_date(plan.effective)} của thay đổi."
            )
            continue
        used_sources.add(unit.pk)
        sources.append(unit)
    if len(sources) != len(codes):
        return None
    targets = []
    primaries = 0
    for i, t in enumerate(targets_raw, start=1):
        if not isinstance(t, dict):
            errors.append(f"{where}: đơn vị mới {i} không đúng định dạng.")
            return None
        first = sources[0]
        one_to_one = kind in ONE_TO_ONE
        code = _code(t.get("code")) or (first.code if one_to_one else "")
        name = _text(t.get("name")) or (first.name if kind == Lineage.Kind.RECODE else "")
        unit_kind = _text(t.get("kind")) or first.kind
        parent_code = _text(t.get("parent")) or (first.parent.code if first.parent else "")
        parent = (
            in_force().filter(level=Level.PROVINCE, code=parent_code).first()
            if parent_code
            else None
        )
        primary = bool(t.get("primary", kind != Lineage.Kind.SPLIT))
        primaries += primary
        label_ = f"{where}, đơn vị mới {i}"
        if not (code.isdigit() and len(code) == 5):
            errors.append(f"{label_}: mã «{code}» phải gồm 5 chữ số (mã cấp xã theo QĐ 19/2025).")
        if code in target_codes:
            errors.append(f"{label_}: mã {code} trùng với một đơn vị mới khác trong tệp.")
        target_codes.add(code)
        if not name:
            errors.append(f"{label_}: thiếu tên đầy đủ (name), ví dụ «Phường Lộc Ninh».")
        if unit_kind not in COMMUNE_KINDS:
            errors.append(
                f"{label_}: loại «{unit_kind}» không hợp lệ (có: {', '.join(COMMUNE_KINDS)})."
            )
        if parent is None:
            errors.append(f"{label_}: không có tỉnh/thành phố mã «{parent_code}» đang có hiệu lực.")
        if kind == Lineage.Kind.RECLASSIFY and unit_kind == first.kind:
            errors.append(
                f"{label_}: chuyển loại nhưng loại mới giống loại cũ ({label(unit_kind)})."
            )
        if kind == Lineage.Kind.RENAME and name == first.name:
            errors.append(f"{label_}: đổi tên nhưng tên mới giống tên cũ.")
        if kind == Lineage.Kind.RECODE and code == first.code:
            errors.append(f"{label_}: đổi mã nhưng mã mới giống mã cũ.")
        targets.append(Target(code, name, unit_kind, parent, primary))
    if kind == Lineage.Kind.SPLIT and primaries != 1:
        errors.append(f"{where} (chia tách): đúng một đơn vị mới có «primary: true».")
    return Event(kind, sources, targets)


def _membership_model():
    """Memberships move with their units; `accounts` sits above `divisions`, so the model is
    taken from the app registry rather than imported (no accounts <-> divisions cycle)."""
    from django.apps import apps

    return apps.get_model("accounts", "Membership")


def _require_admin(actor) -> None:
    from tamnong.access.roles import Role
    from tamnong.access.scope import Scope

    scope = Scope.of(actor)
    if not (scope.is_admin or scope.has_role(Role.ADMIN)):
        raise PermissionDenied("Chỉ quản trị hệ thống được nạp thay đổi đơn vị hành chính.")


@transaction.atomic
def apply_plan(actor, plan: ChangePlan, *, file_name: str = "", refresh: bool = True) -> MapVersion:
    """Write a checked plan: the change version, its units, the lineage, the end dates of the
    replaced units, then villages and memberships move to the successors; audited."""
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record
    from tamnong.core import datacache

    from .services import _carry_villages, refresh_paths

    _require_admin(actor)
    if plan.already is not None:
        return plan.already
    if not plan.ok:
        raise ChangeError(plan.errors)
    day_before = plan.effective - dt.timedelta(days=1)
    mv = MapVersion.objects.create(
        key=plan.key,
        name=plan.name,
        valid_from=plan.effective,
        valid_to=None,
        source="; ".join(x for x in (plan.basis, plan.source) if x),
        data_date=plan.issued,
        checksum=plan.checksum,
        base=plan.base,
    )
    successor_of: dict[int, Division] = {}
    closed = []
    for event in plan.events:
        created = [
            Division.objects.create(
                map=mv,
                code=t.code,
                name=t.name,
                kind=t.kind,
                level=Level.COMMUNE,
                parent=t.parent,
                valid_from=plan.effective,
                path="",
            )
            for t in event.targets
        ]
        for src in event.sources:
            for t, unit in zip(event.targets, created, strict=True):
                Lineage.objects.create(
                    predecessor=src,
                    successor=unit,
                    kind=event.kind,
                    effective_date=plan.effective,
                    partial=event.kind == Lineage.Kind.SPLIT,
                    primary=t.primary,
                    basis=plan.basis[:500],
                )
                if t.primary:
                    successor_of[src.pk] = unit
            src.valid_to = day_before
            closed.append(src)
    Division.objects.bulk_update(closed, ["valid_to"])
    if refresh:
        refresh_paths()
        if _carry_villages():
            refresh_paths()
    moved = 0
    Membership = _membership_model()
    for m in Membership.objects.filter(division__in=closed).select_related("division", "user"):
        new = successor_of[m.division_id]
        before = {"division": m.division_id, "code": m.division.code}
        duplicate = Membership.objects.filter(
            user=m.user, division=new, role=m.role, producer_ref=m.producer_ref
        ).exists()
        if duplicate:
            m.delete()
        else:
            m.division = new
            m.save(update_fields=["division"])
        moved += 1
        record(
            AuditEvent.Action.DELETE if duplicate else AuditEvent.Action.UPDATE,
            m,
            before=before,
            after={"division": new.pk, "code": new.code},
            note=f"Thay đổi đơn vị hành chính {plan.key}",
            division=new,
            user=actor,
        )
    record(
        AuditEvent.Action.IMPORT,
        mv,
        after=dict(plan.summary(), memberships=moved, file=file_name),
        note=f"Áp dụng thay đổi đơn vị hành chính «{plan.name}» từ {file_name or plan.key}"[:500],
        division=None,
        user=actor,
    )
    datacache.changed("divisions")
    return mv


def preview_upload(actor, name: str, data: bytes) -> MapChangeUpload:
    """Check an uploaded change file and record what applying it would do (nothing applied)."""
    _require_admin(actor)
    upload = MapChangeUpload(
        file_name=name[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
        checksum=checksum(data),
    )
    try:
        doc = read_change(name, data)
    except ChangeError as exc:
        upload.errors = exc.errors
    else:
        upload.text = data.decode("utf-8")
        plan = plan_change(doc, upload.checksum)
        upload.errors, upload.changes, upload.summary = plan.errors, plan.lines(), plan.summary()
        if plan.already is not None:
            upload.status = MapChangeUpload.Status.APPLIED
            upload.result = plan.already
    if upload.errors:
        upload.status = MapChangeUpload.Status.REJECTED
    upload.save()
    return upload


@transaction.atomic
def apply_upload(actor, upload: MapChangeUpload) -> MapVersion:
    """Apply a previewed upload; the file is checked again against the map as it is now."""
    _require_admin(actor)
    upload = MapChangeUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != MapChangeUpload.Status.PENDING:
        raise ChangeError(["Tệp này đã được xử lý hoặc có lỗi."])
    plan = plan_change(read_change(upload.file_name, upload.text.encode("utf-8")), upload.checksum)
    if not plan.ok:
        raise ChangeError(plan.errors)
    mv = apply_plan(actor, plan, file_name=upload.file_name)
    upload.status, upload.result = MapChangeUpload.Status.APPLIED, mv
    upload.save(update_fields=["status", "result"])
    return mv


def plan_file(path: Path) -> ChangePlan:
    data = Path(path).read_bytes()
    return plan_change(read_change(Path(path).name, data), checksum(data))


def apply_file(actor, path: Path, *, dry_run: bool = False) -> tuple[ChangePlan, MapVersion | None]:
    """The command line's path: check the file, and unless `dry_run`, apply it."""
    _require_admin(actor)
    plan = plan_file(path)
    if not plan.ok:
        raise ChangeError(plan.errors)
    if dry_run or plan.already is not None:
        return plan, plan.already
    return plan, apply_plan(actor, plan, file_name=Path(path).name)


def apply_shipped(path: Path) -> bool:
    """A change listed in data/divisions/MANIFEST.json (the loader refreshes paths after)."""
    from tamnong.access.actors import SYSTEM

    plan = plan_file(path)
    if plan.already is not None:
        return False
    if not plan.ok:
        from .services import DivisionDataError

        raise DivisionDataError(f"{Path(path).name}: " + "; ".join(plan.errors))
    apply_plan(SYSTEM, plan, file_name=Path(path).name, refresh=False)
    return True
