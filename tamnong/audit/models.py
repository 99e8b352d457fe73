"""Audit trail (nhật ký thay đổi): who did what to which record, when, from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        TRANSITION = "transition", _("Chuyển bước")
        IMPORT = "import", _("Nhập dữ liệu")
        UNDO = "undo", _("Hoàn tác lần nhập")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
        DENIED = "denied", _("Truy cập bị từ chối")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=16, choices=Action.choices)
    model = models.CharField(_("loại bản ghi"), max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("bản ghi"), max_length=255, blank=True)
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    origin = models.CharField(_("nguồn"), max_length=10, blank=True)  # web, api, cli, job
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    path = models.CharField(max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sự kiện nhật ký")
        indexes = [models.Index(fields=["model", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ImportChange(models.Model):
    """One record an import created, updated or deleted (thay đổi của một lần nhập), written in
    bulk inside the import's transaction: a compact table, not an audit event per row.

    `run` names the import (its audit event's model and object id, "poverty.ImportBatch:47").
    An update keeps the previous and the new values of the changed fields only; a deletion
    keeps the whole previous row; a creation keeps nothing but the id, or a range of ids
    `object_id`…`last_id` (a province's first file: a few rows for a million households)."""

    class Op(models.TextChoices):
        CREATE = "c", _("Tạo mới")
        UPDATE = "u", _("Cập nhật")
        DELETE = "d", _("Xóa")

    run = models.CharField(max_length=80)
    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    last_id = models.BigIntegerField(null=True, blank=True)
    op = models.CharField(max_length=1, choices=Op.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("thay đổi của lần nhập")
        indexes = [
            models.Index(fields=["run", "op"], name="import_change_run_idx"),
            models.Index(fields=["model", "object_id"], name="import_change_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.op} {self.model}:{self.object_id}"

    @property
    def count(self) -> int:
        return (self.last_id - self.object_id + 1) if self.last_id is not None else 1
