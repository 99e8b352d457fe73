"""Nông thôn mới (NTM, new countryside): criteria sets, commune profiles, yearly assessments,
recognition, targets.

The criteria (bộ tiêu chí) are versioned data loaded from files (data/ntm/) or uploaded by an
administrator: a correction creates a new version and every assessment keeps the version it was
judged by. A threshold that the data does not give is stored as missing (null) and an indicator
without a threshold is never judged met ("chưa có ngưỡng").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet
from tamnong.audit.services import Audited
from tamnong.core.storedfiles import StoredFileField, Unguessable, original_name


class SetKind(models.TextChoices):
    """What a criteria set recognises."""

    COMMUNE_NTM = "commune_ntm", _("Xã nông thôn mới")
    COMMUNE_ADVANCED = "commune_advanced", _("Xã nông thôn mới nâng cao")
    COMMUNE_MODEL = "commune_model", _("Xã nông thôn mới kiểu mẫu")
    COMMUNE_MODERN = "commune_modern", _("Xã nông thôn mới hiện đại (thí điểm)")
    VILLAGE_NTM = "village_ntm", _("Thôn nông thôn mới")
    VILLAGE_MODEL = "village_model", _("Thôn nông thôn mới kiểu mẫu")


class IndicatorKind(models.TextChoices):
    NUMBER = "number", _("Số")
    PERCENT = "percent", _("Tỷ lệ (%)")
    YES_NO = "yes_no", _("Đạt/không đạt")


class Operator(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"


class CommuneStatus(models.TextChoices):
    """Recognition status of a commune in a year (ordered: a higher status implies the lower)."""

    NOT_YET = "not_yet", _("Chưa đạt chuẩn")
    NTM = "ntm", _("Đạt chuẩn nông thôn mới")
    ADVANCED = "advanced", _("Đạt chuẩn nông thôn mới nâng cao")
    MODEL = "model", _("Đạt chuẩn nông thôn mới kiểu mẫu")
    MODERN = "modern", _("Nông thôn mới hiện đại (thí điểm)")


class CriteriaSet(Audited):
    """One version of a criteria set (bộ tiêu chí), national or issued by a province."""

    key = models.SlugField(_("mã bộ tiêu chí"), max_length=60)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên"), max_length=300)
    decision = models.CharField(_("văn bản ban hành"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=SetKind.choices)
    level = models.CharField(_("cấp áp dụng"), max_length=10)  # commune | village
    # Null: a national set; otherwise the province that issued it (provincial sets).
    province = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh ban hành"),
    )
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    classification = models.CharField(_("phân loại xã theo"), max_length=10)  # region|group|none
    columns = models.JSONField(_("các cột ngưỡng"), default=list)  # [{code, name}]
    special_column = models.CharField(max_length=20, blank=True)
    bands = models.JSONField(_("nhóm số tiêu chí đạt"), default=list)  # [{code,label,min,max}]
    satisfaction_min = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    synthetic = models.BooleanField(_("dữ liệu minh họa"), default=False)
    based_on = models.CharField(_("dựa trên bộ tiêu chí"), max_length=60, blank=True)
    status_note = models.TextField(_("tình trạng dữ liệu"), blank=True)
    source = models.JSONField(_("nguồn"), default=dict, blank=True)
    payload = models.JSONField(default=dict)  # the normalised specification, for diffs and exports
    checksum = models.CharField(max_length=64)
    change_note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year_from", "kind", "key", "-version"]
        verbose_name = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="ntm_set_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def audit_division(self):
        return self.province

    @property
    def column_codes(self) -> list[str]:
        return [c["code"] for c in self.columns]

    def band_for(self, met: int) -> str:
        for band in self.bands:
            if band["min"] <= met <= band["max"]:
                return band["code"]
        return ""


class Criterion(models.Model):
    """A criterion (tiêu chí) of a set, e.g. 11 "Nghèo đa chiều"."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên"), max_length=600)
    group = models.CharField(_("nhóm"), max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="ntm_criterion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    """An indicator (chỉ tiêu) with its threshold per region or commune group.

    `thresholds` maps a column code to a decimal string, "yes" for yes/no indicators, or null
    when the value is not in the data (missing, never guessed). `source` names where a derived
    value comes from, e.g. "poverty.poor_rate" or "ocop.valid_products(min_stars=3)".
    """

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="indicators"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=600)
    unit = models.CharField(_("đơn vị"), max_length=60, blank=True)
    kind = models.CharField(_("kiểu"), max_length=10, choices=IndicatorKind.choices, blank=True)
    operator = models.CharField(_("so sánh"), max_length=2, choices=Operator.choices, blank=True)
    source = models.CharField(_("nguồn dữ liệu tự động"), max_length=120, blank=True)
    thresholds = models.JSONField(_("ngưỡng"), default=dict)
    threshold_texts = models.JSONField(default=dict, blank=True)  # unparsed wording per column
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="ntm_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CommuneProfile(Audited):
    """A commune's classification for a year: region (vùng, 2021–2025) or group (nhóm, 2026–2030)."""

    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="ntm_profiles"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    classification = models.CharField(_("phân loại theo"), max_length=10)  # region | group
    column = models.CharField(_("vùng/nhóm"), max_length=20)
    # ĐBKK / ATK communes of poor districts use the TDMNPB column (318/QĐ-TTg).
    special = models.BooleanField(_("xã ĐBKK/ATK áp dụng mức vùng TDMNPB"), default=False)
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quyết định phân loại"),
    )
    decision_ref = models.CharField(_("số hiệu văn bản phân loại"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["division", "year"]
        verbose_name = _("hồ sơ phân loại xã")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "classification"], name="ntm_profile_unique_year"
            )
        ]

    def __str__(self) -> str:
        from .templatetags.ntm import ntm_column

        return f"{self.division} {self.year}: {ntm_column(self.column)}"


class Assessment(Audited):
    """A yearly assessment (đánh giá) of a commune or village against one criteria-set version.

    The summary columns (criteria met, band, missing criteria, status) are recomputed on every
    change so that the province figures are one grouped query.
    """

    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="ntm_assessments"
    )
    # The current-map unit this record counts under (lineage across the 2025 reorganisation).
    commune = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, null=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    set_key = models.SlugField(max_length=60)
    column = models.CharField(_("vùng/nhóm áp dụng"), max_length=20, blank=True)
    reference_date = models.DateField(_("ngày tính số liệu"))
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    criteria_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"), default=0)
    unjudged = models.PositiveSmallIntegerField(_("số tiêu chí chưa đánh giá được"), default=0)
    band = models.CharField(max_length=20, blank=True)
    missing = models.JSONField(_("tiêu chí chưa đạt"), default=list)
    meets = models.BooleanField(_("đạt toàn bộ bộ tiêu chí"), default=False)
    status = models.CharField(
        max_length=10, choices=CommuneStatus.choices, default=CommuneStatus.NOT_YET
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "division__code"]
        verbose_name = _("đánh giá tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "set_key"], name="ntm_assessment_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "set_key", "band"], name="ntm_assessment_fig_idx")]

    def __str__(self) -> str:
        title = self.criteria_set.title if self.criteria_set_id else self.set_key
        return f"{self.division} {self.year} ({title})"


class IndicatorValue(Audited):
    """The value of one indicator in an assessment; derived values come from other programmes."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    derived_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    derived_state = models.CharField(max_length=12, blank=True)  # ok | no_source | no_data
    derived_note = models.CharField(max_length=300, blank=True)
    derived_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField(
        _("lý do nhập thay số liệu tự động"), max_length=500, blank=True
    )
    threshold = models.CharField(max_length=30, blank=True)  # snapshot of the applied threshold
    met = models.BooleanField(null=True)
    met_note = models.CharField(max_length=120, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="ntm_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.indicator.code}"

    def audit_division(self):
        return self.assessment.division

    @property
    def is_derived(self) -> bool:
        return bool(self.indicator.source) and not self.override_reason

    @property
    def effective(self):
        if self.indicator.kind == IndicatorKind.YES_NO:
            return self.value_bool
        return self.derived_value if self.is_derived else self.value


class Evidence(Audited):
    """An attachment (minh chứng) supporting an indicator value."""

    value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="evidence")
    file = StoredFileField(_("tệp"), upload_to=Unguessable("ntm/evidence"), name_field="name")
    name = models.CharField(_("tên tệp"), max_length=255, blank=True)  # the original name
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")

    def __str__(self) -> str:
        return self.description or original_name(self.file, self.name)

    def audit_division(self):
        return self.value.assessment.division


class RecognitionKind(models.TextChoices):
    COMMUNE_NTM = "commune_ntm", _("Xã đạt chuẩn nông thôn mới")
    COMMUNE_ADVANCED = "commune_advanced", _("Xã đạt chuẩn nông thôn mới nâng cao")
    COMMUNE_MODEL = "commune_model", _("Xã nông thôn mới kiểu mẫu")
    COMMUNE_MODERN = "commune_modern", _("Xã nông thôn mới hiện đại (thí điểm)")
    VILLAGE_NTM = "village_ntm", _("Thôn đạt chuẩn nông thôn mới")
    VILLAGE_MODEL = "village_model", _("Thôn nông thôn mới kiểu mẫu")
    DISTRICT_NTM = "district_ntm", _("Huyện đạt chuẩn nông thôn mới")
    DISTRICT_ADVANCED = "district_advanced", _("Huyện đạt chuẩn nông thôn mới nâng cao")
    DISTRICT_MODEL = "district_model", _("Huyện nông thôn mới kiểu mẫu")
    TOWN_COMPLETED = "town_completed", _("Thị xã/thành phố hoàn thành nhiệm vụ xây dựng NTM")
    PROVINCE_COMPLETED = "province_completed", _("Tỉnh hoàn thành nhiệm vụ xây dựng NTM")


class Recognition(Audited):
    """A recognition (công nhận) by decision; revoked by a later decision (thu hồi)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Còn hiệu lực")
        REVOKED = "revoked", _("Đã thu hồi")

    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="ntm_recognitions"
    )
    kind = models.CharField(_("loại công nhận"), max_length=20, choices=RecognitionKind.choices)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    revocation = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_year = models.PositiveSmallIntegerField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=500, blank=True)
    historical = models.BooleanField(_("nhập lại từ hồ sơ cũ"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "division__code"]
        verbose_name = _("công nhận")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.division} ({self.year})"


class Dossier(Audited):
    """A recognition dossier (hồ sơ xét công nhận) moving through the workflow steps.

    A commune's or village's dossier rests on its assessment against the set of that kind; a
    district's, town's or province's (no criteria set loaded for them) has none.
    """

    class State(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Xã tự đánh giá")
        CONSULTATION = "consultation", _("Đã lấy ý kiến người dân")
        APPRAISAL = "appraisal", _("Đã thẩm định")
        DECIDED = "decided", _("Đã có quyết định công nhận")
        REJECTED = "rejected", _("Không công nhận")

    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="ntm_dossiers"
    )
    kind = models.CharField(_("đề nghị công nhận"), max_length=20, choices=RecognitionKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.SELF_ASSESSMENT)
    self_assessed_on = models.DateField(_("ngày tự đánh giá"))
    consultation_on = models.DateField(_("ngày lấy ý kiến"), null=True, blank=True)
    satisfaction_pct = models.DecimalField(
        _("tỷ lệ hài lòng (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_ok = models.BooleanField(null=True, blank=True)
    appraisal_on = models.DateField(_("ngày thẩm định"), null=True, blank=True)
    appraisal_passed = models.BooleanField(null=True, blank=True)
    appraisal_note = models.CharField(_("kết luận thẩm định"), max_length=500, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    recognition = models.OneToOneField(
        Recognition, on_delete=models.PROTECT, null=True, blank=True, related_name="dossier"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "division__code"]
        verbose_name = _("hồ sơ xét công nhận")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.division} {self.year}"


class Reexamination(Audited):
    """A yearly re-examination (rà soát) of a recognised unit against its assessment."""

    recognition = models.ForeignKey(
        Recognition, on_delete=models.CASCADE, related_name="reexaminations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    still_meets = models.BooleanField(_("còn đạt chuẩn"))
    criteria_missing = models.JSONField(default=list)
    examined_on = models.DateField(_("ngày rà soát"))
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.recognition} – {self.year}"

    def audit_division(self):
        return self.recognition.division


class TargetMetric(models.TextChoices):
    COMMUNES_NTM = "communes_ntm", _("Số xã đạt chuẩn nông thôn mới")
    COMMUNES_ADVANCED = "communes_advanced", _("Số xã đạt chuẩn NTM nâng cao")
    COMMUNES_MODEL = "communes_model", _("Số xã NTM kiểu mẫu")
    COMMUNES_MODERN = "communes_modern", _("Số xã NTM hiện đại")
    VILLAGES_NTM = "villages_ntm", _("Số thôn đạt chuẩn nông thôn mới")
    VILLAGES_MODEL = "villages_model", _("Số thôn nông thôn mới kiểu mẫu")
    DISTRICTS_NTM = "districts_ntm", _("Số huyện đạt chuẩn nông thôn mới")
    DISTRICTS_ADVANCED = "districts_advanced", _("Số huyện đạt chuẩn NTM nâng cao")
    DISTRICTS_MODEL = "districts_model", _("Số huyện NTM kiểu mẫu")
    AVERAGE_CRITERIA = "average_criteria", _("Bình quân số tiêu chí/xã")


class TargetReading(models.TextChoices):
    """How a plan is read against results: the units that reach a level in the year against
    the year's target, or the running total at year end against a cumulative target."""

    YEAR = "year", _("Trong năm")
    CUMULATIVE = "cumulative", _("Lũy kế đến cuối năm")


class Target(Audited):
    """A yearly plan (kế hoạch) of a division, compared with results in the figures."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    metric = models.CharField(_("chỉ tiêu kế hoạch"), max_length=20, choices=TargetMetric.choices)
    value = models.DecimalField(_("giá trị kế hoạch"), max_digits=10, decimal_places=2)
    reading = models.CharField(
        _("cách tính"),
        max_length=10,
        choices=TargetReading.choices,
        default=TargetReading.CUMULATIVE,
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.division} {self.year}: {self.get_metric_display()}"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "metric", "reading"], name="ntm_target_unique_reading"
            )
        ]


class StandingCount(models.Model):
    """The national roll-up's NTM columns, stored (`ntm.rollup`): for a province and a year, the
    units of a scale (xã) holding its first level at the year's end and the units counted, as
    `results.results` states them. Rebuilt for a province after every committed change to its
    recognitions, for every province after a change of the map, and by `rollup.refresh()`;
    `stamp` is the levels data they were computed with (a row of another stamp is not read)."""

    division = models.ForeignKey("divisions.Division", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    scale = models.CharField(max_length=20)
    recognised = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    stamp = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("số đơn vị đạt chuẩn (tổng hợp toàn quốc)")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "scale"], name="ntm_standingcount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} – {self.year} – {self.recognised}/{self.units}"
