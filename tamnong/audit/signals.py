"""Generic create/update/delete capture for models that inherit `Audited`."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import changes
from .models import AuditEvent
from .services import Audited, record, snapshot


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not (isinstance(instance, Audited) or changes.records(sender)):
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old is not None else None


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if not raw and not isinstance(instance, Audited) and changes.records(sender):
        # an import's change table takes every record it writes, audited model or not
        changes.note_save(instance, created, getattr(instance, "_audit_before", None))
    if raw or not isinstance(instance, Audited):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if not created and before == after:
        return
    changes.note_save(instance, created, before)
    record(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        instance,
        before=None if created else before,
        after=after,
    )


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if not isinstance(instance, Audited) and changes.records(sender):
        changes.note_delete(instance)
    if isinstance(instance, Audited):
        changes.note_delete(instance)
        record(AuditEvent.Action.DELETE, instance, before=snapshot(instance), after=None)


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, None, user=user, object_repr=user.get_username())


@receiver(user_login_failed)
def _record_login_failure(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username__iexact=username).first()
    locked = bool(request is not None and getattr(request, "login_locked", False))
    address_locked = bool(request is not None and getattr(request, "login_address_locked", False))
    record(
        AuditEvent.Action.LOGIN_FAILED,
        None,
        user=user,
        object_repr=username[:150],
        note="địa chỉ bị chặn tạm thời"
        if address_locked
        else ("tài khoản bị khóa tạm thời" if locked else ""),
    )
