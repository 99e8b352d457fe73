"""Poverty reduction (giảm nghèo bền vững): standards, households, yearly reviews, figures, support.

- `Standard` (chuẩn nghèo đa chiều) is data loaded from data/poverty/standards.json with the review
  years it governs; every `ReviewRecord` keeps the standard it was classified by.
- `Household` (hộ gia đình) is the registry; `ReviewRecord` (kết quả rà soát) is one per household
  and year, with the transition against the previous record.
- `ReviewRound` (kỳ rà soát) is the commune's yearly procedure (Decision 24/2021/QĐ-TTg); it locks
  the year's records once recognised, later changes are recorded as "phát sinh".
- `PovertyFigure` holds the counts per unit × year × area, kept up to date on every change, so a
  page never scans households.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet
from tamnong.audit.services import Audited
from tamnong.core.storedfiles import StoredFileField, Unguessable
from tamnong.divisions.models import province_id_of


class Area(models.IntegerChoices):
    RURAL = 0, _("Nông thôn")
    URBAN = 1, _("Thành thị")


class Classification(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    MIDDLE = "middle", _("Hộ có mức sống trung bình")
    OTHER = "other", _("Hộ trên mức sống trung bình")
    # Above the line while the standard has no middle-income band yet (351/2025 until loaded).
    ABOVE_LINE = "above_line", _("Trên chuẩn cận nghèo (chưa có chuẩn mức sống trung bình)")


class Transition(models.TextChoices):
    FIRST = "first", _("Rà soát lần đầu")
    NEW_POOR = "new_poor", _("Nghèo phát sinh mới")
    RE_POOR = "re_poor", _("Tái nghèo")
    NEAR_TO_POOR = "near_to_poor", _("Cận nghèo thành nghèo")
    STAY_POOR = "stay_poor", _("Vẫn nghèo")
    POOR_TO_NEAR = "poor_to_near", _("Thoát nghèo thành cận nghèo")
    ESCAPED = "escaped", _("Thoát nghèo")
    NEW_NEAR = "new_near", _("Cận nghèo phát sinh mới")
    STAY_NEAR = "stay_near", _("Vẫn cận nghèo")
    NEAR_ESCAPED = "near_escaped", _("Thoát cận nghèo")
    NONE = "none", _("Không nghèo, không cận nghèo")


class Standard(Audited):
    """A multidimensional poverty standard (chuẩn nghèo đa chiều) for a span of review years."""

    key = models.CharField(_("mã chuẩn"), max_length=40, unique=True)
    title = models.CharField(_("tên"), max_length=300)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"))
    line_rural = models.PositiveIntegerField(_("chuẩn thu nhập nông thôn"))
    line_urban = models.PositiveIntegerField(_("chuẩn thu nhập thành thị"))
    middle_rural_up_to = models.PositiveIntegerField(
        _("mức sống trung bình nông thôn đến"), null=True, blank=True
    )
    middle_urban_up_to = models.PositiveIntegerField(
        _("mức sống trung bình thành thị đến"), null=True, blank=True
    )
    deprivation_threshold = models.PositiveSmallIntegerField(_("ngưỡng số chỉ số thiếu hụt"))
    indicators = models.JSONField(_("chỉ số thiếu hụt"), default=list)
    sources = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("chuẩn nghèo")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="poverty_standard_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.key

    def audit_division(self):
        return None


def ProvinceField():  # noqa: N802 – a field factory, used like a field class
    return models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        editable=False,
    )


def province_of(division) -> int:
    """The id of the province a unit lies in (`divisions.models.province_id_of`)."""
    return province_id_of(division)


def province_q(division, prefix: str = "") -> models.Q:
    """The partition key of the households or records under `division`, for a query that reaches
    them through a join (`prefix`: "household__", "household__reviews__"): their province, when
    `division` is a unit of today's map (what lies under it lies in its province); nothing for an
    old unit (its records may lie in several provinces)."""
    if division.is_current and division.path.strip("/").split("/")[0].isdigit():
        return models.Q(**{f"{prefix}province_id": province_of(division)})
    return models.Q()


class ByProvinceQuerySet(ScopedQuerySet):
    """Households and review records: every scoped query also names the provinces it reads, the
    partition key, so that PostgreSQL reads those provinces' partitions only (partitions.py)."""

    def in_province(self, division):
        return self.filter(province_id=province_of(division))

    def under_province_of(self, division):
        """Narrowed to the province of a current unit (what lies under it lies in its province);
        an old unit's records may lie in several provinces: no narrowing."""
        return self.filter(province_q(division))

    def visible_to(self, user, roles=None):
        from tamnong.access.scope import Scope

        qs = super().visible_to(user, roles)
        scope = Scope.of(user)
        if scope.is_admin:
            return qs
        firsts = {p.strip("/").split("/")[0] for p in scope.paths(roles)}
        if firsts and all(f.isdigit() for f in firsts):
            qs = qs.filter(province_id__in=sorted(int(f) for f in firsts))
        return qs


class Household(Audited):
    """A household (hộ gia đình) in the poverty registry; `code` is its permanent key."""

    code = models.CharField(_("mã hộ"), max_length=40)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=150)
    members = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=1)
    # The current commune; `division` is the finest unit named (village, else commune, possibly
    # a pre-2025 unit whose path lies under its current successor).
    # Households and review records are province-size tables filled by bulk imports: their
    # foreign keys are enforced by Django (PROTECT/CASCADE) and by the importer, which writes
    # only ids it has just read, not by per-row database triggers (2 M trigger calls per import).
    commune = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="households",
        db_constraint=False,
    )
    # The province of `commune` (the first id of its path): the partition key on PostgreSQL,
    # where households and review records are partitioned by province (partitions.py). Set by
    # save() and by the importer; a code is unique within its province's registry.
    province = ProvinceField()
    area = models.PositiveSmallIntegerField(_("khu vực"), choices=Area.choices)
    ethnic_minority = models.BooleanField(_("dân tộc thiểu số"), default=False)
    policy_household = models.BooleanField(_("hộ chính sách"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ByProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], name="poverty_household_code_per_province"
            )
        ]
        indexes = [models.Index(fields=["code"], name="poverty_household_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"

    def save(self, *args, **kwargs) -> None:
        if self.commune_id is not None:
            self.province_id = province_of(self.commune)
        fields = kwargs.get("update_fields")
        if fields is not None and ("commune" in fields or "commune_id" in fields):
            kwargs["update_fields"] = {*fields, "province"}
        super().save(*args, **kwargs)


class HouseholdMember(Audited):
    """A member (nhân khẩu) of a household; optional detail beside `Household.members`."""

    class Sex(models.TextChoices):
        MALE = "m", _("Nam")
        FEMALE = "f", _("Nữ")

    # No database constraint: a foreign key to a partitioned table needs a unique key holding
    # the partition key (see Household.province); Django enforces CASCADE.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="member_rows", db_constraint=False
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    id_number = models.CharField(_("số định danh"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("nhân khẩu")

    def __str__(self) -> str:
        return self.full_name

    def audit_division(self):
        return self.household.division


class ReviewRoundQuerySet(ScopedQuerySet):
    scope_path_field = "commune__path"


class ReviewRound(Audited):
    """The yearly review (rà soát hộ nghèo, hộ cận nghèo) of a commune, Decision 24/2021/QĐ-TTg."""

    class Step(models.TextChoices):
        PLANNED = "planned", _("Chưa bắt đầu")
        LISTED = "listed", _("Lập danh sách hộ cần rà soát")
        SURVEYED = "surveyed", _("Điều tra, rà soát")
        MEETING = "meeting", _("Họp dân thôn")
        POSTED = "posted", _("Niêm yết công khai")
        RECOGNISED = "recognised", _("Chủ tịch UBND xã công nhận")

    commune = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    step = models.CharField(_("bước"), max_length=12, choices=Step.choices, default=Step.PLANNED)
    listed_on = models.DateField(_("ngày lập danh sách"), null=True, blank=True)
    surveyed_on = models.DateField(_("ngày điều tra"), null=True, blank=True)
    meeting_on = models.DateField(_("ngày họp dân"), null=True, blank=True)
    posted_on = models.DateField(_("ngày niêm yết"), null=True, blank=True)
    recognised_on = models.DateField(_("ngày công nhận"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    document = StoredFileField(
        _("hồ sơ"), upload_to=Unguessable("poverty/rounds"), name_field="document_name", blank=True
    )
    document_name = models.CharField(max_length=255, blank=True)  # the original name
    notes = models.TextField(_("ghi chú"), blank=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "commune__code"]
        verbose_name = _("kỳ rà soát")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="poverty_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.year}"

    @property
    def locked(self) -> bool:
        return self.step == self.Step.RECOGNISED

    def audit_division(self):
        return self.commune


class ImportBatch(models.Model):
    """One imported file (tệp nhập): who, what, the outcome and where the error report is."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang nhập")
        REJECTED = "rejected", _("Bị từ chối (có lỗi)")
        DONE = "done", _("Đã nhập")

    file_name = models.CharField(_("tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.CharField(max_length=255, blank=True)
    years = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("lần nhập hộ")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ReviewRecord(Audited):
    """The result of one year's review for a household (kết quả rà soát hằng năm)."""

    # Foreign keys without database triggers: see Household.
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="reviews",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    commune = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    province = ProvinceField()  # the household's (partition key, see Household)
    area = models.PositiveSmallIntegerField(_("khu vực"), choices=Area.choices)
    members = models.PositiveSmallIntegerField(_("số nhân khẩu"))
    income = models.PositiveIntegerField(_("thu nhập bình quân (đồng/người/tháng)"))
    housing_area = models.FloatField(_("diện tích nhà ở (m²)"), null=True, blank=True)
    # Bit n-1 set = deprived on indicator n of the standard (numbering of `standard.indicators`).
    deprivations = models.PositiveIntegerField(_("chỉ số thiếu hụt"), default=0)
    deprivation_count = models.PositiveSmallIntegerField(_("số chỉ số thiếu hụt"), default=0)
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    classification = models.CharField(_("phân loại"), max_length=12, choices=Classification.choices)
    transition = models.CharField(
        _("biến động"), max_length=14, choices=Transition.choices, default=Transition.FIRST
    )
    arising = models.BooleanField(_("phát sinh trong năm"), default=False)
    arising_on = models.DateField(_("ngày phát sinh"), null=True, blank=True)
    arising_reason = models.CharField(_("lý do phát sinh"), max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ByProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kết quả rà soát")
        constraints = [
            # (the province is the household's: the partition key must be in every unique key)
            models.UniqueConstraint(
                fields=["province", "household", "year"], name="poverty_record_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "year"], name="poverty_record_commune_year"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} – {self.year}"

    def save(self, *args, **kwargs) -> None:
        if self.household_id is not None:
            self.province_id = self.household.province_id
        super().save(*args, **kwargs)

    def deprived_numbers(self) -> list[int]:
        return [n for n in range(1, 32) if self.deprivations >> (n - 1) & 1]


class PovertyFigure(models.Model):
    """Counts for the records naming one unit in one year and area; pages sum these rows."""

    division = models.ForeignKey("divisions.Division", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(
        "divisions.Division", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    area = models.PositiveSmallIntegerField(choices=Area.choices)
    standard_key = models.CharField(max_length=40)
    households = models.PositiveIntegerField(default=0)
    poor = models.PositiveIntegerField(default=0)
    near_poor = models.PositiveIntegerField(default=0)
    middle = models.PositiveIntegerField(default=0)
    # {"3": 12, …}: poor households deprived on indicator 3, …
    poor_deprived = models.JSONField(default=dict)
    # {"escaped": 4, …}: records per transition code
    transitions = models.JSONField(default=dict)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu hộ nghèo")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "area"], name="poverty_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "commune"], name="poverty_figure_year_commune")]

    def __str__(self) -> str:
        return f"{self.division_id} – {self.year} – {self.households}"


class SupportRecord(Audited):
    """Support given to a household (hỗ trợ): housing, livelihood, credit, insurance, training…"""

    class Kind(models.TextChoices):
        HOUSE_NEW = "house_new", _("Xây mới nhà ở")
        HOUSE_REPAIR = "house_repair", _("Sửa chữa nhà ở")
        LIVELIHOOD = "livelihood", _("Mô hình, dự án sinh kế")
        CREDIT = "credit", _("Tín dụng ưu đãi")
        HEALTH_INSURANCE = "health_insurance", _("Thẻ bảo hiểm y tế")
        TRAINING = "training", _("Đào tạo nghề")
        EDUCATION = "education", _("Hỗ trợ giáo dục")
        OTHER = "other", _("Hỗ trợ khác")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="supports", db_constraint=False
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("nội dung"), max_length=300, blank=True)
    amount = models.DecimalField(_("kinh phí (đồng)"), max_digits=14, decimal_places=0, default=0)
    funding_source = models.CharField(_("nguồn vốn"), max_length=150, blank=True)
    given_on = models.DateField(_("ngày hỗ trợ"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("hỗ trợ hộ")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="poverty_support_amount")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.household_id} – {self.year}"

    def audit_division(self):
        return self.household.division


class SponsorUnit(Audited):
    """A unit assigned to help poor households (đơn vị nhận giúp đỡ), within a division."""

    name = models.CharField(_("tên đơn vị"), max_length=200)
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("đơn vị nhận giúp đỡ")
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="poverty_sponsor_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SponsorTarget(Audited):
    """A unit's yearly target: how many assigned households should escape poverty that year."""

    unit = models.ForeignKey(SponsorUnit, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    households_to_escape = models.PositiveIntegerField(_("số hộ thoát nghèo (chỉ tiêu)"))

    class Meta:
        verbose_name = _("chỉ tiêu giúp đỡ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="poverty_sponsor_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}: {self.households_to_escape}"

    def audit_division(self):
        return self.unit.division


class Sponsorship(Audited):
    """Assignment of a household to a sponsor unit (phân công giúp đỡ) from a year."""

    unit = models.ForeignKey(SponsorUnit, on_delete=models.CASCADE, related_name="assignments")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="sponsorships", db_constraint=False
    )
    from_year = models.PositiveSmallIntegerField(_("từ năm"))
    to_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công giúp đỡ")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "household", "from_year"], name="poverty_sponsorship_unique"
            )
        ]

    def audit_division(self):
        return self.household.division
