"""The one upload-with-preview record of every programme's rule documents (`Upload`).

The rule documents themselves live in each programme's models; this app also exists because Django
sends `post_migrate` only to apps with a models module (tamnong.rules.apps)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    """A rule document an administrator uploaded, waiting for confirmation: what loading it would
    change (`changes`, rows of {what, before, after}), every problem found (`problems`, the one
    error shape of tamnong.rules: {file, line, field, message}) and known warnings. Nothing of the
    programme is written until `apply`; `result_id` is then the version it created."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        APPLIED = "applied", _("Đã nạp")
        REJECTED = "rejected", _("Có lỗi, không nạp được")
        DISCARDED = "discarded", _("Đã hủy")

    programme = models.CharField(_("chương trình"), max_length=16)
    file_name = models.CharField(_("tệp"), max_length=255)
    key = models.CharField(_("mã văn bản"), max_length=80, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    content = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    previous_id = models.PositiveBigIntegerField(null=True, blank=True)
    result_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "-created_at"])]
        verbose_name = _("văn bản quy định tải lên")
        verbose_name_plural = _("văn bản quy định tải lên")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
