"""Administrative divisions (đơn vị hành chính) with effective dates and lineage.

Two maps coexist: the map before 01/07/2025 (63 provinces, districts, communes) and the
map from 01/07/2025 (34 provinces, 3,321 communes, no districts). Villages (thôn, ấp, bản,
tổ dân phố) hang below current communes and are entered per province.

`path` is what makes scoping cheap: a current unit's path is the chain of ids from its
province ("/12/345/"); an old unit's path is the path of the current unit it resolves to
plus its own marker ("/12/345/h678/"). A prefix test on `path` therefore answers "is this
record, old or new, inside that province or commune?" in one indexed query.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MapVersion(models.Model):
    """A version of the administrative map (bản đồ hành chính), loaded from a data file."""

    key = models.SlugField(_("mã phiên bản"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    data_date = models.CharField(_("ngày dữ liệu"), max_length=40, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    # A change version (e.g. a resolution turning communes into wards) holds only the units it
    # creates, on top of `base`: the units it replaces end the day before it takes effect, and
    # every other unit of the base map stays in force.
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("bản đồ gốc"),
    )

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("phiên bản bản đồ hành chính")

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Huyện/quận/thị xã/thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã/phường/đặc khu")
    VILLAGE = "village", _("Thôn/ấp/bản/tổ dân phố")


KIND_LABELS = {
    "tinh": _("Tỉnh"),
    "thanh_pho_tw": _("Thành phố trực thuộc trung ương"),
    "huyen": _("Huyện"),
    "quan": _("Quận"),
    "thi_xa": _("Thị xã"),
    "thanh_pho": _("Thành phố thuộc tỉnh"),
    "xa": _("Xã"),
    "phuong": _("Phường"),
    "thi_tran": _("Thị trấn"),
    "dac_khu": _("Đặc khu"),
    "thon": _("Thôn"),
    "ap": _("Ấp"),
    "ban": _("Bản"),
    "to_dan_pho": _("Tổ dân phố"),
    "khu_pho": _("Khu phố"),
}
URBAN_KINDS = {"phuong", "thi_tran", "to_dan_pho", "khu_pho"}


class DivisionQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> DivisionQuerySet:
        """Units in force on a day (default: today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def resolved(self) -> DivisionQuerySet:
        """Units of the map records are counted under today (each is its own `current`)."""
        return self.filter(current_id=models.F("pk"))

    def provinces(self) -> DivisionQuerySet:
        return self.filter(level=Level.PROVINCE)

    def communes(self) -> DivisionQuerySet:
        return self.filter(level=Level.COMMUNE)

    def within(self, division: Division) -> DivisionQuerySet:
        """The unit itself and every unit below it, old units that resolve into it included."""
        return self.filter(path__startswith=division.path)


class Division(models.Model):
    """Administrative unit (đơn vị hành chính): province, district, commune or village."""

    map = models.ForeignKey(MapVersion, on_delete=models.PROTECT, related_name="divisions")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # The current-map unit a record naming this unit is counted under (itself if current).
    current = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=False)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(
                fields=["map", "level", "code"], name="division_unique_code_per_map_level"
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="division_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "code"], name="division_level_code_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def is_urban(self) -> bool:
        return self.kind in URBAN_KINDS

    @property
    def is_current(self) -> bool:
        return self.current_id == self.pk

    def ancestors(self) -> list[Division]:
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    @property
    def province(self) -> Division | None:
        if self.level == Level.PROVINCE:
            return self
        chain = self.ancestors()
        return chain[0] if chain else None

    def full_name(self) -> str:
        return ", ".join(d.name for d in [self, *reversed(self.ancestors())])


def province_id_of(division: Division) -> int:
    """The id of the province a unit is counted under: the first id of its scope path
    ("/12/345/" → 12); a unit that resolves nowhere ("/h678/") counts under the province it was in
    (itself when it has none). The one reader of the path's encoding outside scope filters."""
    first = (division.path or "").strip("/").split("/")[0]
    if first.isdigit():
        return int(first)
    province = division.province
    return province.pk if province is not None else division.pk


class Lineage(models.Model):
    """A link from an old unit to a successor (merge, split, rename, re-code, dissolve)."""

    class Kind(models.TextChoices):
        KEEP = "keep", _("Giữ nguyên")
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        RECODE = "recode", _("Đổi mã")
        DISSOLVE = "dissolve", _("Giải thể cấp hành chính")
        # Same territory and population, another type (xã → phường, thị trấn → phường …).
        RECLASSIFY = "reclassify", _("Chuyển loại đơn vị")

    predecessor = models.ForeignKey(
        Division, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Division, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    partial = models.BooleanField(_("chỉ một phần"), default=False)
    primary = models.BooleanField(
        _("đơn vị kế thừa chính"),
        default=False,
        help_text=_("Bản ghi gắn với đơn vị cũ được tính cho đơn vị kế thừa chính."),
    )
    basis = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quan hệ kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="lineage_unique_pair"
            ),
            models.UniqueConstraint(
                fields=["predecessor"],
                condition=models.Q(primary=True),
                name="lineage_one_primary_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"


class MapChangeUpload(models.Model):
    """An administrator's change file waiting for confirmation: what applying it would change."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        APPLIED = "applied", _("Đã áp dụng")
        REJECTED = "rejected", _("Có lỗi, không áp dụng được")
        DISCARDED = "discarded", _("Đã hủy")

    file_name = models.CharField(_("tệp"), max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(_("nội dung tệp"), blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    result = models.ForeignKey(
        MapVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tệp thay đổi đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
