"""Writing audit events. Domain models inherit `Audited` and get create/update/delete events
for free; workflow steps call `record_transition`; denied access calls `record_denied`."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.db import models

from . import context
from .models import AuditEvent


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of a row, JSON-safe."""
    data = {}
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if isinstance(value, dt.date | dt.datetime | dt.time):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        elif hasattr(value, "name") and isinstance(f, models.FileField):
            value = value.name or ""
        data[f.attname] = value
    return data


def record(
    action: str,
    instance: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    division=None,
    user=None,
    model_label: str = "",
    object_repr: str = "",
    object_id: str | int = "",
) -> AuditEvent:
    actor = context.current()
    user = user if user is not None else actor.user
    if division is None and instance is not None:
        division = audit_division(instance)
    return AuditEvent.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        actor_name=_actor_name(user, actor)[:150],
        action=action,
        model=model_label or (instance._meta.label if instance is not None else ""),
        object_id=str(instance.pk)
        if instance is not None and instance.pk is not None
        else str(object_id),
        object_repr=(object_repr or (str(instance) if instance is not None else ""))[:255],
        division=division,
        before=before,
        after=after,
        note=note[:500],
        origin=actor.origin,
        ip=actor.ip,
        user_agent=actor.user_agent,
        path=actor.path,
    )


def _actor_name(user, actor: context.Actor) -> str:
    """The person named in the trail: the user, or for a command (no account, or the SYSTEM
    actor) the operator's OS account that `context.cli_actor` names."""
    from tamnong.access.actors import is_system

    if user is None or is_system(user):
        return actor.name or (str(user) if user is not None else actor.origin)
    return str(user)


def audit_division(instance: models.Model):
    getter = getattr(instance, "audit_division", None)
    if callable(getter):
        return getter()
    return getattr(instance, "division", None)


def record_transition(
    instance: models.Model, from_state: str, to_state: str, note: str = ""
) -> AuditEvent:
    return record(
        AuditEvent.Action.TRANSITION,
        instance,
        before={"state": from_state},
        after={"state": to_state},
        note=note,
    )


def record_denied(request, what: str, division=None) -> AuditEvent:
    user = request.user if request.user.is_authenticated else None
    return record(
        AuditEvent.Action.DENIED,
        None,
        note=what,
        division=division,
        user=user,
        object_repr=request.path[:255],
    )


def denials_recorded(view, prefix: str = ""):
    """A view whose PermissionDenied (raised by the services on an out-of-scope write) is logged
    as a refusal (`<prefix><METHOD> <path>`) before it becomes the 403."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            record_denied(request, f"{prefix}{request.method} {request.path}")
            raise

    return wrapper


class Audited(models.Model):
    """Base for domain records: every save and delete writes an audit event with before/after."""

    class Meta:
        abstract = True

    def audit_division(self):
        return getattr(self, "division", None)
