"""What the import layer keeps: the column mappings users saved, and uploads waiting for their
preview to be confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """Headers of one file shape matched to an import's columns, saved by an organisation.

    `import_key` names the import ("ocop", "poverty"); `unit` is the organisation (the uploader's
    province unit; None for a system-wide mapping); `shape` is the hash of the normalised header
    row (`mapping.shape_of`), so that the next file laid out the same way is read the same way;
    `mapping` is {header as in the file: column key}."""

    import_key = models.CharField(max_length=40)
    unit = models.ForeignKey(
        "divisions.Division", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    shape = models.CharField(max_length=64)
    headers = models.JSONField(default=list)  # the header row as read, for the page
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ánh xạ cột")
        constraints = [
            models.UniqueConstraint(
                fields=["import_key", "unit", "shape"], name="tabular_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.import_key} {self.shape[:8]}"


class PendingImport(models.Model):
    """An uploaded file shown in its preview; nothing is written until the user confirms."""

    class State(models.TextChoices):
        PENDING = "pending", _("chờ xác nhận")
        CONFIRMED = "confirmed", _("đã xác nhận")
        DISCARDED = "discarded", _("đã hủy")

    import_key = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    mapping = models.JSONField(default=dict, blank=True)  # {header: column key} of the preview
    # what the upload form asked besides the file (the NTM criteria set and year), passed to the
    # preview and commit jobs
    params = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(  # the preview's dry run
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp chờ nhập")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
