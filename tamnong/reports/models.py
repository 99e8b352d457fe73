"""Funding, mobilised contributions, activities and commendations: the cross-programme records
a provincial summary report (báo cáo tổng kết) needs besides the OCOP, NTM and poverty modules."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet
from tamnong.audit.services import Audited


class CatalogEntry(models.Model):
    """A programme component, funding source or activity kind, loaded from data/reports/funding.yaml."""

    class Group(models.TextChoices):
        COMPONENT = "component", _("Nội dung chương trình")
        SOURCE = "source", _("Nguồn vốn")
        ACTIVITY = "activity", _("Loại hoạt động")

    group = models.CharField(max_length=12, choices=Group.choices)
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    is_budget = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    catalog_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="catalog_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class FundingRecord(Audited):
    """Capital allocated and disbursed (vốn phân bổ, giải ngân) for one component, source, division, year.

    Amounts are in million VND (triệu đồng), as provinces report them."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2010)])
    component = models.ForeignKey(
        CatalogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"group": "component"},
        verbose_name=_("nội dung"),
    )
    source = models.ForeignKey(
        CatalogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"group": "source"},
        verbose_name=_("nguồn vốn"),
    )
    allocated = models.DecimalField(
        _("vốn phân bổ (triệu đồng)"),
        max_digits=16,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
    )
    disbursed = models.DecimalField(
        _("vốn giải ngân (triệu đồng)"),
        max_digits=16,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
        default=Decimal(0),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "division__code"]
        verbose_name = _("nguồn vốn")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "component", "source"], name="funding_unique_line"
            ),
            models.CheckConstraint(
                condition=Q(disbursed__lte=F("allocated")) | Q(allocated=0),
                name="funding_disbursed_within_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} – {self.source} – {self.year}"

    @property
    def disbursement_rate(self) -> Decimal | None:
        return (self.disbursed * 100 / self.allocated) if self.allocated else None


class Contribution(Audited):
    """Resources mobilised for a purpose, e.g. houses for poor households (nhà đại đoàn kết)."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    purpose = models.CharField(_("mục đích"), max_length=200)
    contributor = models.CharField(_("đơn vị, cá nhân đóng góp"), max_length=200, blank=True)
    units = models.PositiveIntegerField(_("số lượng (căn nhà, suất…)"), default=0)
    value = models.DecimalField(
        _("giá trị (triệu đồng)"),
        max_digits=16,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("nguồn lực huy động")

    def __str__(self) -> str:
        return f"{self.purpose} ({self.year})"


class Activity(Audited):
    """A communication event or training course (hoạt động truyền thông, lớp tập huấn)."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("ngày"))
    kind = models.ForeignKey(
        CatalogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"group": "activity"},
        verbose_name=_("loại"),
    )
    component = models.ForeignKey(
        CatalogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"group": "component"},
        verbose_name=_("chương trình"),
    )
    title = models.CharField(_("nội dung"), max_length=300)
    participants = models.PositiveIntegerField(_("số người tham dự"), default=0)
    materials = models.PositiveIntegerField(_("tài liệu phát hành"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("hoạt động")

    def __str__(self) -> str:
        return self.title


class Commendation(Audited):
    """A commendation (khen thưởng: bằng khen, giấy khen) to a collective or an individual."""

    class Recipient(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("ngày"))
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    level = models.CharField(_("cấp khen"), max_length=120)
    recipient_kind = models.CharField(_("đối tượng"), max_length=12, choices=Recipient.choices)
    recipient = models.CharField(_("tên tập thể/cá nhân"), max_length=200)
    component = models.ForeignKey(
        CatalogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"group": "component"},
        verbose_name=_("chương trình"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("khen thưởng")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.decision_number})"
