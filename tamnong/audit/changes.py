"""The change table of an import (thay đổi của một lần nhập) and "undo this import" (hoàn tác).

An import writes in bulk, so the per-save audit signals never see its rows. Instead, inside the
import's own transaction, it writes one `ImportChange` row per record it updated (the previous
and new values of the changed fields only) or deleted (the whole previous row), and for the
records it created their ids, as ranges where the ids are consecutive: a province's first file
of a million households is a few rows. The writers call:

- `record_updates(cursor, run, label, from_sql, pairs)`: one INSERT … SELECT comparing the rows
  about to be written with the stored ones (before the upsert);
- `record_created(cursor, run, label, ids_sql)`: the ids a SELECT returns, as ranges;
- `add_ranges(run, label, ranges)`: ranges the writer already knows (the direct PostgreSQL path);
- `Recorder`: the same for an importer that writes through the ORM (bulk_create in chunks).

`undo(run, user)` checks that nothing has changed those records since (the current values equal
the import's new ones, no later audit event and no later import touched them), then restores the
previous values, deletes what was created and recreates what was deleted, in one transaction,
and lets the programme rebuild its derived figures (`register` a hook per import source).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.core import formatting

from .models import AuditEvent, ImportChange

TABLE = ImportChange._meta.db_table
CHUNK = 5000
# Above this many changes the page queues the undo as a job.
JOB_ABOVE = 20_000


class UndoRefused(Exception):
    """The import cannot be undone (a Vietnamese message for the person who asked)."""


def run_key(label: str, pk) -> str:
    return f"{label}:{pk}"


def split_key(run: str) -> tuple[str, str]:
    label, _sep, pk = run.rpartition(":")
    return label, pk


def _pg() -> bool:
    return connection.vendor == "postgresql"


# -- writing ----------------------------------------------------------------------------------
def record_updates(
    cur,
    run: str,
    label: str,
    *,
    from_sql: str,
    id_expr: str,
    pairs: list[tuple[str, str, str]],
    carry: list[tuple[str, str, str]] = (),
    params: Iterable = (),
) -> None:
    """Record the rows `from_sql` (a FROM … WHERE clause joining the stored row to its new
    values) will change: `pairs` are (key, stored expression, new expression); a row is changed
    when any pair differs, and keeps only the differing keys. `carry` keys (a batch id) are kept
    when the row changed but never make it changed."""
    pg = _pg()
    same = (lambda a, b: f"{a} IS NOT DISTINCT FROM {b}") if pg else (lambda a, b: f"{a} IS {b}")

    def obj(which: int) -> str:
        items = [*pairs, *carry]
        if pg:
            built = "jsonb_build_object(" + ", ".join(f"'{k}', {p[which]}" for k, *p in items) + ")"
            drop = ", ".join(f"CASE WHEN {same(a, b)} THEN '{k}' ELSE '' END" for k, a, b in pairs)
            return f"({built} - ARRAY[{drop}]::text[])"
        built = "json_object(" + ", ".join(f"'{k}', {p[which]}" for k, *p in items) + ")"
        drop = ", ".join(f"CASE WHEN {same(a, b)} THEN '$.{k}' ELSE '$.~' END" for k, a, b in pairs)
        return f"json_remove({built}, {drop})"

    changed = " OR ".join(f"NOT ({same(a, b)})" for _k, a, b in pairs)
    cur.execute(
        f"INSERT INTO {TABLE} (run, model, object_id, last_id, op, before, after) "
        f"SELECT %s, %s, {id_expr}, NULL, 'u', {obj(0)}, {obj(1)} {from_sql} AND ({changed})",
        [run, label, *params],
    )


def record_created(cur, run: str, label: str, ids_sql: str, params: Iterable = ()) -> None:
    """Record the ids `ids_sql` (a SELECT of one column `id`) returns as created, one row per
    run of consecutive ids (gaps and islands)."""
    cur.execute(
        f"INSERT INTO {TABLE} (run, model, object_id, last_id, op) "
        f"SELECT %s, %s, MIN(id), MAX(id), 'c' FROM ("
        f"  SELECT id, id - ROW_NUMBER() OVER (ORDER BY id) AS grp FROM ({ids_sql}) ids"
        f") x GROUP BY grp",
        [run, label, *params],
    )


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def add_ranges(run: str, label: str, ranges: Iterable[tuple[int, int]]) -> None:
    ImportChange.objects.bulk_create(
        [
            ImportChange(run=run, model=label, object_id=a, last_id=b, op=ImportChange.Op.CREATE)
            for a, b in merge_ranges(ranges)
        ],
        batch_size=CHUNK,
    )


def json_safe(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def _values(instance: models.Model) -> dict:
    return {f.attname: json_safe(getattr(instance, f.attname)) for f in _fields(type(instance))}


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


class Recorder:
    """The change table of an importer that writes through the ORM: `created(obj)`,
    `updated(obj, before)` (`before` from `snapshot(obj)` taken before the change), `deleted(obj)`
    (before the delete), then `flush()` (bulk_create in chunks, inside the import's transaction)."""

    IGNORED = frozenset({"updated_at", "created_at"})

    def __init__(self, run: str) -> None:
        self.run = run
        self.rows: list[ImportChange] = []
        self.created_ids: dict[str, list[int]] = {}

    def snapshot(self, instance: models.Model) -> dict:
        return _values(instance)

    def created(self, instance: models.Model) -> None:
        self.created_ids.setdefault(instance._meta.label, []).append(instance.pk)

    def updated(self, instance: models.Model, before: dict) -> None:
        after = _values(instance)
        keys = [k for k in after if k not in self.IGNORED and before.get(k) != after[k]]
        if keys:
            self._add(
                instance,
                ImportChange.Op.UPDATE,
                {k: before.get(k) for k in keys},
                {k: after[k] for k in keys},
            )

    def deleted(self, instance: models.Model) -> None:
        self._add(instance, ImportChange.Op.DELETE, _values(instance), None)

    def _add(self, instance, op, before, after) -> None:
        self.rows.append(
            ImportChange(
                run=self.run,
                model=instance._meta.label,
                object_id=instance.pk,
                op=op,
                before=before,
                after=after,
            )
        )
        if len(self.rows) >= CHUNK:
            self._write()

    def _write(self) -> None:
        ImportChange.objects.bulk_create(self.rows, batch_size=CHUNK)
        self.rows = []

    def flush(self) -> None:
        self._write()
        for label, ids in self.created_ids.items():
            add_ranges(self.run, label, ((i, i) for i in ids))
        self.created_ids = {}


_recording: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "tamnong_import_changes", default=None
)


@contextmanager
def recording(run: str):
    """While an importer writes through the ORM, every audited save and delete also goes to the
    change table of `run` (written in bulk when the block ends, inside its transaction)."""
    recorder = Recorder(run)
    token = _recording.set(recorder)
    try:
        yield recorder
        recorder.flush()
    finally:
        _recording.reset(token)


# what an import's change table never takes: the trail itself, the queue, sessions
_NOT_RECORDED = frozenset({"audit", "jobs", "sessions", "contenttypes", "admin", "auth"})


def records(model) -> bool:
    """True while an import records its changes, for a model the change table takes."""
    return _recording.get() is not None and model._meta.app_label not in _NOT_RECORDED


def note_save(instance: models.Model, created: bool, before: dict | None) -> None:
    """Called by the audit signals for every audited save."""
    recorder = _recording.get()
    if recorder is None:
        return
    if created:
        recorder.created(instance)
    elif before is not None:
        recorder.updated(instance, before)


def note_delete(instance: models.Model) -> None:
    recorder = _recording.get()
    if recorder is not None:
        recorder.deleted(instance)


# -- reading ----------------------------------------------------------------------------------
def for_run(run: str, op: str | None = None):
    qs = ImportChange.objects.filter(run=run).order_by("id")
    return qs.filter(op=op) if op else qs


def has_changes(run: str) -> bool:
    return ImportChange.objects.filter(run=run).exists()


def created_ids(run: str, label: str) -> list[int]:
    out: list[int] = []
    for a, b in (
        for_run(run, ImportChange.Op.CREATE).filter(model=label).values_list("object_id", "last_id")
    ):
        out.extend(range(a, (b if b is not None else a) + 1))
    return out


def counts(run: str) -> dict[str, int]:
    """Records created, updated, deleted (a range counts its ids)."""
    out = dict.fromkeys(ImportChange.Op.values, 0)
    for op, a, b in for_run(run).values_list("op", "object_id", "last_id").iterator(CHUNK):
        out[op] += (b - a + 1) if b is not None else 1
    return out


EVENT = "audit.AuditEvent"


def event_run_key(event: AuditEvent) -> str:
    """The run key of an import with no record of its own: its audit event."""
    return run_key(EVENT, event.pk)


def rekey(provisional: str, run: str) -> None:
    ImportChange.objects.filter(run=provisional).update(run=run)


def import_event(run: str) -> AuditEvent | None:
    label, pk = split_key(run)
    if label == EVENT:
        return AuditEvent.objects.filter(pk=pk, action=AuditEvent.Action.IMPORT).first()
    return (
        AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, model=label, object_id=pk)
        .order_by("id")
        .first()
    )


def undo_event(run: str) -> AuditEvent | None:
    label, pk = split_key(run)
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.UNDO, model=label, object_id=pk
    ).first()


# -- undo -------------------------------------------------------------------------------------
@dataclass
class Hook:
    """What an import source adds to the generic undo: the order to delete created records in
    (children first), a check of its own (records created by the import that something else now
    depends on), how to name a record in a message, and what to rebuild afterwards."""

    delete_order: list[str] = field(default_factory=list)
    check: Callable[[str], list[tuple[str, int]]] | None = None
    describe: Callable[[str, list[int]], list[str]] | None = None
    before: Callable[[str], object] | None = None
    after: Callable[[str, object], None] | None = None


HOOKS: dict[str, Hook] = {}


def register(source_label: str, hook: Hook) -> None:
    HOOKS[source_label] = hook


def may_undo(user, run: str) -> bool:
    """The owner of the import, or an administrator (of the province) of its unit."""
    from tamnong.access.roles import Role
    from tamnong.access.scope import Scope

    event = import_event(run)
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    if event.actor_id is not None and event.actor_id == user.pk:
        return True
    scope = Scope.of(user)
    if scope.is_admin:
        return True
    return event.division is not None and scope.covers(
        event.division, {Role.ADMIN, Role.COORDINATOR}
    )


def _models_of(run: str) -> list[str]:
    return sorted(set(for_run(run).values_list("model", flat=True).distinct()))


def _ids_chunks(run: str, label: str, op: str):
    """(ids, [ImportChange of those ids]) in chunks; ranges are expanded chunk by chunk."""
    rows = (
        for_run(run, op)
        .filter(model=label)
        .values_list("object_id", "last_id", "after")
        .iterator(CHUNK)
    )
    ids: list[int] = []
    afters: list[dict | None] = []
    for a, b, after in rows:
        for i in range(a, (b if b is not None else a) + 1):
            ids.append(i)
            afters.append(after)
            if len(ids) >= CHUNK:
                yield ids, afters
                ids, afters = [], []
    if ids:
        yield ids, afters


def changed_since(run: str) -> list[tuple[str, int]]:
    """The (model, id) of the records of `run` changed after it, by a person or another import."""
    event = import_event(run)
    after_event = event.pk if event is not None else 0
    bad: list[tuple[str, int]] = []
    labels = _models_of(run)
    # 1. the current values of updated records are still the import's new values
    for label in labels:
        model = apps.get_model(label)
        for ids, afters in _ids_chunks(run, label, ImportChange.Op.UPDATE):
            keys = sorted({k for a in afters for k in (a or {})})
            current = {
                row["pk"]: row for row in model._default_manager.filter(pk__in=ids).values(
                    "pk", *keys
                )
            }  # fmt: skip
            for pk, after in zip(ids, afters, strict=True):
                now = current.get(pk)
                if now is None or any(
                    _norm(json_safe(now[k])) != _norm(v) for k, v in (after or {}).items()
                ):
                    bad.append((label, pk))
    # 2. a later audit event on one of its records (a person's edit, delete, transition)
    later = (
        AuditEvent.objects.filter(pk__gt=after_event, model__in=labels)
        .exclude(object_id="")
        .exclude(action__in=[AuditEvent.Action.IMPORT, AuditEvent.Action.UNDO])
        .values_list("model", "object_id")
    )
    touched: dict[str, set[int]] = {}
    for label, oid in later.iterator(CHUNK):
        if oid.isdigit():
            touched.setdefault(label, set()).add(int(oid))
    # 3. a later import (not undone) that recorded a change of one of its records
    last = for_run(run).order_by("-id").values_list("id", flat=True).first() or 0
    undone = set(
        AuditEvent.objects.filter(action=AuditEvent.Action.UNDO).values_list("model", "object_id")
    )
    # (three joins, so that each can use an index: single ids meet by equality; ranges are few)
    cols = "c2.run, c2.model, c.object_id, c.last_id, c2.object_id, c2.last_id"
    later = "c2.model = c.model AND c2.id > %s AND c2.run <> c.run"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT {cols} FROM {TABLE} c JOIN {TABLE} c2 ON {later} "
            "AND c2.object_id = c.object_id AND c2.last_id IS NULL "
            "WHERE c.run = %s AND c.last_id IS NULL "
            f"UNION SELECT DISTINCT {cols} FROM {TABLE} c JOIN {TABLE} c2 ON {later} "
            "AND c2.object_id <= c.last_id AND COALESCE(c2.last_id, c2.object_id) >= c.object_id "
            "WHERE c.run = %s AND c.last_id IS NOT NULL "
            f"UNION SELECT DISTINCT {cols} FROM {TABLE} c2 JOIN {TABLE} c ON c.run = %s "
            "AND c.model = c2.model AND c.last_id IS NULL "
            "AND c.object_id BETWEEN c2.object_id AND c2.last_id "
            "WHERE c2.id > %s AND c2.run <> c.run AND c2.last_id IS NOT NULL",
            [last, run, last, run, run, last],
        )
        for run2, label, a, b, a2, b2 in cur.fetchall():
            if split_key(run2) in undone:
                continue
            lo, hi = max(a, a2), min(b if b is not None else a, b2 if b2 is not None else a2)
            touched.setdefault(label, set()).update(range(lo, min(hi, lo + 1000) + 1))
    for label, ids in touched.items():
        mine = set()
        for chunk, _afters in _ids_chunks(run, label, ImportChange.Op.CREATE):
            mine.update(i for i in chunk if i in ids)
        for chunk, _afters in _ids_chunks(run, label, ImportChange.Op.UPDATE):
            mine.update(i for i in chunk if i in ids)
        for chunk, _afters in _ids_chunks(run, label, ImportChange.Op.DELETE):
            mine.update(i for i in chunk if i in ids)
        bad.extend((label, i) for i in sorted(mine) if (label, i) not in bad)
    hook = HOOKS.get(split_key(run)[0])
    if hook is not None and hook.check is not None:
        bad.extend(x for x in hook.check(run) if x not in bad)
    return bad


def _norm(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _describe(run: str, bad: list[tuple[str, int]], first: int = 5) -> list[str]:
    hook = HOOKS.get(split_key(run)[0])
    out: list[str] = []
    by_label: dict[str, list[int]] = {}
    for label, pk in bad[:first]:
        by_label.setdefault(label, []).append(pk)
    for label, ids in by_label.items():
        if hook is not None and hook.describe is not None:
            out.extend(hook.describe(label, ids))
            continue
        model = apps.get_model(label)
        names = {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
        out.extend(names.get(pk, f"#{pk}") for pk in ids)
    return out


def undo(run: str, user) -> dict:
    """Undo one import: refused (UndoRefused, nothing written) when any of its records changed
    since; otherwise every change is reversed in one transaction and audited as one event."""
    from .services import record

    label, pk = split_key(run)
    if import_event(run) is None or not has_changes(run):
        raise UndoRefused(_("Lần nhập này không có thay đổi nào để hoàn tác."))
    hook = HOOKS.get(label) or Hook()
    with transaction.atomic():
        # one undo at a time for one import: the event row of the import is the lock
        list(AuditEvent.objects.select_for_update().filter(pk=import_event(run).pk))
        if undo_event(run) is not None:
            raise UndoRefused(_("Lần nhập này đã được hoàn tác."))
        bad = changed_since(run)
        if bad:
            names = _describe(run, bad)
            raise UndoRefused(
                _(
                    "Không hoàn tác được: %(n)s bản ghi đã thay đổi sau lần nhập này "
                    "(%(which)s%(more)s). Hãy sửa lại các bản ghi đó trước."
                )
                % {
                    "n": formatting.number(len(bad)),
                    "which": "; ".join(names),
                    "more": "; …" if len(bad) > len(names) else "",
                }
            )
        state = hook.before(run) if hook.before else None
        done = counts(run)
        labels = _models_of(run)
        order = [m for m in hook.delete_order if m in labels]
        order += [m for m in _children_first(labels) if m not in order]
        try:
            with transaction.atomic(), connection.cursor() as cur:
                for lbl in labels:
                    _restore_updates(cur, run, apps.get_model(lbl))
                for lbl in order:
                    _delete_created(cur, run, apps.get_model(lbl))
                for lbl in reversed(order):
                    _recreate_deleted(run, apps.get_model(lbl))
                # a record made since that points at one the import created: refuse, not 500
                connection.check_constraints(table_names=_tables_around(labels))
        except IntegrityError:
            raise UndoRefused(
                _(
                    "Không hoàn tác được: có bản ghi khác được tạo sau lần nhập này đang dựa vào "
                    "các bản ghi của lần nhập. Hãy xóa hoặc sửa các bản ghi đó trước."
                )
            ) from None
        if hook.after:
            hook.after(run, state)
        event = import_event(run)
        record(
            AuditEvent.Action.UNDO,
            None,
            after={"created": done["c"], "updated": done["u"], "deleted": done["d"]},
            note=_(
                "Hoàn tác lần nhập %(what)s: xóa %(c)s bản ghi đã tạo, khôi phục %(u)s bản ghi, "
                "tạo lại %(d)s bản ghi đã xóa."
            )
            % {
                "what": event.object_repr if event else run,
                "c": formatting.number(done["c"]),
                "u": formatting.number(done["u"]),
                "d": formatting.number(done["d"]),
            },
            user=user,
            division=event.division if event else None,
            model_label=label,
            object_repr=(event.object_repr if event else run),
            object_id=pk,
        )
    from tamnong.core import datacache

    datacache.changed(*datacache.TOPICS)  # written in bulk: no model signal
    return done


def _children_first(labels: list[str]) -> list[str]:
    """The models in an order to delete their rows in: those pointing at others first."""
    remaining = list(labels)
    out: list[str] = []
    while remaining:
        for label in remaining:
            model = apps.get_model(label)
            referenced = any(
                f.is_relation and f.related_model is model
                for other in remaining
                if other != label
                for f in apps.get_model(other)._meta.concrete_fields
            )
            if not referenced:
                out.append(label)
                remaining.remove(label)
                break
        else:  # a cycle: keep the rest as they are
            out.extend(remaining)
            break
    return out


def _tables_around(labels: list[str]) -> list[str]:
    """The tables of the models and of every model pointing at them (foreign key checks)."""
    tables = set()
    for label in labels:
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
        for rel in model._meta.related_objects:
            tables.add(rel.related_model._meta.db_table)
    return sorted(tables)


def _restore_updates(cur, run: str, model) -> None:
    t = model._meta.db_table
    pk = model._meta.pk.column
    cols = {f.attname: f for f in _fields(model)}
    if _pg():
        cur.execute(
            f"SELECT DISTINCT jsonb_object_keys(before) FROM {TABLE} "
            "WHERE run = %s AND model = %s AND op = 'u'",
            [run, model._meta.label],
        )
    else:
        cur.execute(
            f"SELECT DISTINCT j.key FROM {TABLE} c, json_each(c.before) j "
            "WHERE c.run = %s AND c.model = %s AND c.op = 'u'",
            [run, model._meta.label],
        )
    keys = [k for (k,) in cur.fetchall() if k in cols]
    if not keys:
        return
    sets = []
    for k in keys:
        col = connection.ops.quote_name(cols[k].column)
        if _pg():
            kind = cols[k].db_type(connection).split("(")[0]
            kind = {"serial": "integer", "bigserial": "bigint"}.get(kind, kind)
            sets.append(
                f"{col} = CASE WHEN c.before ? '{k}' THEN (c.before ->> '{k}')::{kind} "
                f"ELSE {t}.{col} END"
            )
        else:
            sets.append(
                f"{col} = CASE WHEN json_type(c.before, '$.{k}') IS NOT NULL "
                f"THEN json_extract(c.before, '$.{k}') ELSE {t}.{col} END"
            )
    if "updated_at" in cols and "updated_at" not in keys:
        sets.append(f"{connection.ops.quote_name(cols['updated_at'].column)} = %s")
    params = [timezone.now()] if "updated_at" in cols and "updated_at" not in keys else []
    cur.execute(
        f"UPDATE {t} SET {', '.join(sets)} FROM {TABLE} c "
        f"WHERE c.run = %s AND c.model = %s AND c.op = 'u' AND c.object_id = {t}.{pk}",
        [*params, run, model._meta.label],
    )


def _delete_created(cur, run: str, model) -> None:
    t, pk = model._meta.db_table, model._meta.pk.column
    label = model._meta.label
    for a, b in (
        for_run(run, "c")
        .filter(model=label, last_id__isnull=False)
        .values_list("object_id", "last_id")
    ):
        cur.execute(f"DELETE FROM {t} WHERE {pk} BETWEEN %s AND %s", [a, b])
    cur.execute(
        f"DELETE FROM {t} WHERE {pk} IN (SELECT object_id FROM {TABLE} "
        "WHERE run = %s AND model = %s AND op = 'c' AND last_id IS NULL)",
        [run, label],
    )


def _recreate_deleted(run: str, model) -> None:
    fields = {f.attname for f in model._meta.concrete_fields}
    batch = []
    rows = for_run(run, "d").filter(model=model._meta.label).values_list("object_id", "before")
    for oid, before in rows.iterator(CHUNK):
        values = {k: v for k, v in (before or {}).items() if k in fields}
        values[model._meta.pk.attname] = oid
        batch.append(model(**values))
        if len(batch) >= CHUNK:
            model._default_manager.bulk_create(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch)
