"""The audit log as a person reads it: a record type by its verbose name, a field by its
verbose name, a choice by its label, a time as dd/mm/yyyy HH:MM in local time, a number in the
Vietnamese format and a code (criteria set key, threshold column) by its display name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from tamnong.core import formatting

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Fields of every audited model without a Vietnamese verbose name of their own.
COMMON_FIELDS = {
    "id": _("mã số"),
    "division": _("đơn vị hành chính"),
    "status": _("trạng thái"),
    "set_key": _("bộ tiêu chí"),
    "criteria_set": _("bộ tiêu chí"),
    "product": _("sản phẩm"),
    "producer": _("chủ thể"),
    "household": _("hộ"),
    "band": _("nhóm theo số tiêu chí đạt"),
    "created_at": _("tạo lúc"),
    "updated_at": _("cập nhật lúc"),
    "commune": _("xã"),
    "decision": _("quyết định"),
}


# Display names of programme codes kept in audited fields ("set_key" → the set's title), registered
# by the app that owns the code (ntm/apps.py) so that the audit trail depends on no programme.
CODE_NAMES: dict[str, Callable[[str], str]] = {}


def register_code_name(field: str, display: Callable[[str], str]) -> None:
    CODE_NAMES[field] = display


def field_name(model, name: str) -> str:
    name = name.removesuffix("_id") if name != "id" else name
    if name in COMMON_FIELDS:
        return str(COMMON_FIELDS[name])
    field = _field(model, name)
    verbose = getattr(field, "verbose_name", None)
    if verbose and str(verbose) != name.replace("_", " "):
        return str(verbose)
    return str(verbose or name.replace("_", " "))


def value(model, name: str, raw) -> str:
    if raw is None or raw == "":
        return "–"
    field = _field(model, name)
    if field is None and name.endswith("_id"):
        field = _field(model, name.removesuffix("_id"))
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(raw) in labels:
            return labels[str(raw)]
    if name in CODE_NAMES and isinstance(raw, str):
        return CODE_NAMES[name](raw)
    if isinstance(raw, list):
        return ", ".join(value(model, name, v) for v in raw)
    if (
        field is not None
        and field.is_relation
        and field.related_model is not None
        and isinstance(raw, int | str)
    ):
        try:
            related = field.related_model.objects.filter(pk=raw).first()
        except (TypeError, ValueError, ValidationError):
            related = None
        if related is not None:
            return str(related)
    if isinstance(raw, bool):
        return formatting.cell(raw)
    if isinstance(raw, int | float):
        return formatting.cell(raw, name)
    if isinstance(raw, str):
        if _ISO_DATETIME.match(raw):
            parsed = parse_datetime(raw)
            if parsed is not None:
                if timezone.is_naive(parsed):
                    parsed = timezone.make_aware(parsed, dt.UTC)
                return timezone.localtime(parsed).strftime("%d/%m/%Y %H:%M")
        if _ISO_DATE.match(raw):
            parsed = parse_date(raw)
            if parsed is not None:
                return formatting.date(parsed)
        if _DECIMAL.match(raw):
            try:
                return formatting.cell(Decimal(raw), name)
            except InvalidOperation:
                pass
        return raw
    if isinstance(raw, dict):
        return "; ".join(f"{k}: {value(model, k, v)}" for k, v in raw.items())
    return str(raw)


def rows(events) -> list[dict]:
    out = []
    for e in events:
        model = _model(e.model)
        out.append(
            {
                "event": e,
                "model_name": model_name(e.model) if e.model else "",
                "changes": [
                    (field_name(model, k), value(model, k, b), value(model, k, a))
                    for k, b, a in e.changes()
                ],
                "changes_url": import_changes_url(e),
            }
        )
    return out


def origin(code: str) -> str:
    """Where an event came from, as a person reads it (an unknown code as it is)."""
    from .context import Origin

    return str(Origin(code).label) if code in Origin.values else code


def import_changes_url(event) -> str:
    """The page of an import's change table, for its import or undo event ("" without one)."""
    from django.urls import reverse

    from . import changes
    from .models import AuditEvent

    if event.action not in (AuditEvent.Action.IMPORT, AuditEvent.Action.UNDO):
        return ""
    if event.action == AuditEvent.Action.IMPORT and changes.has_changes(
        changes.event_run_key(event)
    ):  # an import with no record of its own (funding)
        return reverse("audit:import_changes", args=[changes.EVENT, event.pk])
    if not event.object_id.isdigit() or not changes.has_changes(
        changes.run_key(event.model, event.object_id)
    ):
        return ""
    return reverse("audit:import_changes", args=[event.model, int(event.object_id)])


def run_changes_url(run: str) -> str:
    """The same from a run key (a job's result names its import's)."""
    from django.urls import reverse

    from . import changes

    label, pk = changes.split_key(run or "")
    if not label or not pk.isdigit() or not changes.has_changes(run):
        return ""
    return reverse("audit:import_changes", args=[label, int(pk)])


def _typed(model, name: str, raw):
    """A stored value as its field holds it (SQLite keeps booleans of the change table as 0/1)."""
    from django.db import models as m

    field = _field(model, name.removesuffix("_id")) if name.endswith("_id") else None
    field = field or _field(model, name)
    if isinstance(field, m.BooleanField) and raw in (0, 1):
        return bool(raw)
    return raw


def change_rows(run: str, changes_page) -> list[dict]:
    """The rows of an import's change table as a person reads them: the record (by the name its
    programme gives it), what happened, and for an update each changed field: before → after."""
    from . import changes

    hook = changes.HOOKS.get(changes.split_key(run)[0])
    items = list(changes_page)
    names: dict[tuple[str, int], str] = {}
    by_label: dict[str, list[int]] = {}
    for c in items:
        if c.last_id is None or c.last_id == c.object_id:
            by_label.setdefault(c.model, []).append(c.object_id)
    for label, ids in by_label.items():
        model = _model(label)
        if hook is not None and hook.describe is not None:
            described = hook.describe(label, ids)
        elif model is not None:
            found = {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
            described = [found.get(pk, f"#{pk}") for pk in ids]
        else:
            described = [f"#{pk}" for pk in ids]
        names.update({(label, pk): d for pk, d in zip(ids, described, strict=True)})
    out = []
    for c in items:
        model = _model(c.model)
        if c.last_id is not None and c.last_id != c.object_id:
            what = _("mã số %(first)s–%(last)s (%(n)s bản ghi)") % {
                "first": c.object_id,
                "last": c.last_id,
                "n": formatting.number(c.count),
            }
        else:
            what = names.get((c.model, c.object_id), f"#{c.object_id}")
        before, after = c.before or {}, c.after or {}
        fields = []
        if c.op != "c":
            keys = [k for k in (before if c.op == "d" else after) if k != "batch_id"]
            for k in keys:
                fields.append(
                    (
                        field_name(model, k),
                        value(model, k, _typed(model, k, before.get(k))),
                        value(model, k, _typed(model, k, after.get(k))) if c.op == "u" else "",
                    )
                )
        out.append(
            {
                "change": c,
                "model_name": model_name(c.model),
                "record": what,
                "op": c.get_op_display(),
                "fields": fields,
            }
        )
    return out
