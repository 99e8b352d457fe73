"""Issued documents (văn bản đã ban hành): decisions now, certificates in the OCOP app.

Once issued a document never changes. A correction is a new version that points to the one
it replaces (`supersedes`); the old version stays on record, marked as superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet
from tamnong.audit.services import Audited
from tamnong.core.storedfiles import StoredFileField, Unguessable


class ImmutableError(ValidationError):
    pass


class Issued(Audited):
    """Base for issued, immutable documents with versioned corrections."""

    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay thế cho"),
    )
    correction_reason = models.CharField(_("lý do đính chính/thay thế"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ImmutableError(
                _("Văn bản đã ban hành không được sửa; hãy ban hành bản thay thế.")
            )
        if self.supersedes_id and not self.correction_reason:
            raise ValidationError({"correction_reason": _("Bản thay thế phải nêu lý do.")})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Văn bản đã ban hành không được xóa."))

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")

    def versions(self) -> list:
        """This document's chain, oldest first."""
        chain, node = [], self
        while node.supersedes_id:
            node = node.supersedes
            chain.insert(0, node)
        chain.append(self)
        node = self
        while hasattr(node, "superseded_by"):
            node = node.superseded_by
            chain.append(node)
        return chain


# What a decision does (`Decision.kind`), as the programmes record it.
KINDS = {
    "ocop_recognition": _("công nhận sản phẩm OCOP"),
    "ocop_revocation": _("thu hồi giấy chứng nhận OCOP"),
    "ntm_recognition": _("công nhận nông thôn mới"),
    "ntm_revocation": _("thu hồi công nhận nông thôn mới"),
}


class Decision(Issued):
    """A decision (quyết định) of a People's Committee or ministry: recognition, revocation, …

    One document is one row: its issuer, number and signing date identify it
    (`decision_unique_number`). A document may recognise several products or communes, so every
    record it covers (certificates, recognitions) points to the same row. Rows are written only
    through `tamnong.decisions.services.record_decision`, which reuses the row when the same
    document is recorded again with the same kind and signer, and refuses a conflicting reuse
    (another kind, another signer, the same number signed on another day of the year). The
    subject and unit are those of the first record.
    """

    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    effective_on = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=40)
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="decisions"
    )
    attachment = StoredFileField(
        _("tệp đính kèm"),
        upload_to=Unguessable("decisions"),
        name_field="attachment_name",
        blank=True,
    )
    attachment_name = models.CharField(max_length=255, blank=True)  # the original name

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("quyết định")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number", "signed_on"], name="decision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"Quyết định số {self.number} ngày {self.signed_on:%d/%m/%Y}"
