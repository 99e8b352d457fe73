"""OCOP (Chương trình Mỗi xã một sản phẩm): producers, products, criteria sets, evaluation
dossiers, council sessions and score sheets, certificates and their lifecycle.

Rules are data: a `Regime` (procedure and star bands of a decision, data/ocop/regimes.yaml) and a
`CriteriaSet` version (the criteria lines, data/ocop/148/) are frozen once loaded; every dossier
pins both, so a past result never changes when a set is corrected (the correction is a new version).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import ScopedQuerySet
from tamnong.audit.services import Audited
from tamnong.core.storedfiles import Unguessable
from tamnong.decisions.models import Issued
from tamnong.rules import checksum as rules_checksum

from . import criteria as crit


class Regime(models.Model):
    """Evaluation regime (chế độ đánh giá, phân hạng): procedure, star bands and validity of one
    decision (1048, 148 with district councils, 148 as amended by 1489)."""

    key = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    rules = models.JSONField(_("quy định"))
    checksum = models.CharField(max_length=64)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("chế độ đánh giá OCOP")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def on(cls, day: dt.date) -> Regime | None:
        return (
            cls.objects.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )

    def applies_criteria_of(self, decision: str) -> bool:
        """A criteria set of `decision` ("148/QĐ-TTg") may be scored under this regime: the
        regime's `decisions` name it ("148/QĐ-TTg 24/02/2023")."""
        return any(str(d).split(" ")[0] == decision for d in self.rules.get("decisions", []))

    @property
    def short_name(self) -> str:
        """ "148/QĐ-TTg, 1489/QĐ-TTg": the decisions of the regime, for figures split by regime."""
        return ", ".join(str(d).split(" ")[0] for d in self.rules.get("decisions", [])) or self.key

    @property
    def has_commune_step(self) -> bool:
        return any(s["level"] == "commune" for s in self.rules.get("steps", []))

    def recognising_level(self, stars: int) -> str:
        return self.rules.get("recognised_by", {}).get(str(stars)) or self.rules.get(
            "recognised_by", {}
        ).get(stars, "")

    def forwards_to_central(self, mean, stars: int) -> bool:
        """The province sends the product to the ministry: from the regime's score
        (`recognition.forward_to_central_from_score`, Điều 7.3.e QĐ 26/2026), else when its rank
        is one the central level recognises."""
        if stars not in self.certified_stars:
            return False
        threshold = (self.rules.get("recognition") or {}).get("forward_to_central_from_score")
        if threshold is not None:
            return mean is not None and mean >= threshold
        return self.recognising_level(stars) == "central"

    @property
    def certified_stars(self) -> list[int]:
        return [int(s) for s in self.rules["certified_stars"]]

    @classmethod
    def star_ranks(cls) -> list[str]:
        """Every star rank some regime certifies, as strings ("3", "4", "5"), highest last."""
        ranks = {int(s) for r in cls.objects.all() for s in r.rules["certified_stars"]}
        return [str(s) for s in sorted(ranks)]

    # Required keys of a regime (checked when it is loaded, ocop.rules.check_regime): no fallback.
    @property
    def certificate_months(self) -> int:
        return int(self.rules["certificate_months"])

    @property
    def notice_days(self) -> int:
        return int(self.rules["notice_days"])

    def band(self, score) -> int:
        return crit.star_band(self.rules["star_bands"], score)

    @property
    def council_quorum(self) -> Fraction:
        """Share of the scoring seats whose sheets a product needs before closing
        (`council_quorum` in data/ocop/regimes.yaml; 2/3 where a stored regime predates the field)."""
        return Fraction(str(self.rules.get("council_quorum") or "2/3"))

    def quorum_of(self, seats: int) -> int:
        """How many sheets `seats` scoring seats need (rounded up, at least one)."""
        return max(1, math.ceil(self.council_quorum * seats))


class CriteriaSetQuerySet(models.QuerySet):
    def latest_versions(self):
        return self.filter(superseded_at__isnull=True)

    def for_set(self, set_no: int, on: dt.date | None = None):
        """The version in force for product set `set_no` on a day: the newest decision in force,
        its newest version."""
        on = on or timezone.localdate()
        return (
            self.filter(set_no=set_no, effective_from__lte=on, superseded_at__isnull=True)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .order_by("-effective_from", "-version")
            .first()
        )


class CriteriaSet(models.Model):
    """One version of a product set's criteria (bộ tiêu chí của một bộ sản phẩm). Immutable:
    a correction is loaded as a new version; the old one stays for the evaluations that used it."""

    decision = models.CharField(_("quyết định"), max_length=60)
    set_no = models.PositiveSmallIntegerField(_("số bộ sản phẩm"))
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    product_group = models.CharField(_("ngành"), max_length=200)
    product_subgroup = models.CharField(_("nhóm"), max_length=200, blank=True)
    product_set = models.CharField(_("bộ sản phẩm"), max_length=300)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    confidence = models.CharField(_("độ tin cậy"), max_length=20)
    complete = models.BooleanField(
        _("đầy đủ"),
        default=True,
        help_text=_(
            "Tổng điểm các tiêu chí khớp điểm tối đa từng phần; bộ chưa đầy đủ không dùng để đánh giá mới."
        ),
    )
    defects = models.JSONField(_("lỗi đã biết"), default=list)
    # the defects that make it incomplete (decided by their code when it was checked): what a
    # refused new dossier is told
    gaps = models.JSONField(_("chỗ còn thiếu"), default=list)
    content = models.JSONField(_("nội dung"))
    checksum = models.CharField(max_length=64)
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["set_no", "-effective_from", "-version"]
        verbose_name = _("bộ tiêu chí OCOP")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "set_no", "version"], name="ocop_criteria_set_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.set_no}. {self.product_set} ({self.decision}, phiên bản {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                CriteriaSet.objects.filter(pk=self.pk).values_list("checksum", flat=True).first()
            )
            if stored is not None and stored != rules_checksum(crit.identity(self.content)):
                raise ValidationError(
                    _("Nội dung một phiên bản bộ tiêu chí không được sửa; hãy nạp phiên bản mới.")
                )
        super().save(*args, **kwargs)

    @property
    def criteria(self) -> list[dict]:
        return crit.criteria_of(self.content)

    @property
    def part_sums(self) -> dict[str, str]:
        return {
            p["code"]: f"{crit._plain(crit.part_max_sum(p['criteria']))}/{p['max_points']}"
            for p in self.content["parts"]
        }


class ProducerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOP_GROUP = "coop_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ sản xuất kinh doanh có đăng ký")


class ProducerQuerySet(ScopedQuerySet):
    scope_producer_field = "code"


class Producer(Audited):
    """Subject (chủ thể OCOP): an enterprise, cooperative, cooperative group or registered household
    business. A producer user is a Membership with role PRODUCER and `producer_ref` = `code`."""

    code = models.CharField(_("mã chủ thể"), max_length=64, unique=True)
    name = models.CharField(_("tên chủ thể"), max_length=255)
    kind = models.CharField(_("loại hình"), max_length=16, choices=ProducerKind.choices)
    registration_no = models.CharField(_("số đăng ký kinh doanh"), max_length=64, blank=True)
    representative = models.CharField(_("người đại diện"), max_length=150, blank=True)
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường"),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProducerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("chủ thể OCOP")
        indexes = [models.Index(fields=["kind"], name="ocop_producer_kind_idx")]

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(ScopedQuerySet):
    scope_producer_field = "producer__code"


class Product(Audited):
    """A product (sản phẩm) of a producer, in a product set of Decision 148 Phụ lục I."""

    code = models.CharField(_("mã sản phẩm"), max_length=64, unique=True)
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    set_no = models.PositiveSmallIntegerField(_("bộ sản phẩm"))
    product_group = models.CharField(_("ngành"), max_length=200)
    product_subgroup = models.CharField(_("nhóm"), max_length=200, blank=True)
    product_set = models.CharField(_("bộ sản phẩm"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    # public only while the product is in the public catalog (ocop.views.public.catalog_photo)
    photo = models.FileField(_("ảnh"), upload_to=Unguessable("ocop/photos"), blank=True)
    raw_material_area = models.CharField(_("vùng nguyên liệu"), max_length=255, blank=True)
    raw_material_ha = models.DecimalField(
        _("diện tích vùng nguyên liệu (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # The producer's commune, copied so that scoping and the public catalog need no extra join.
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    # The OCOP product code (mã số sản phẩm, `product_code` of the regime: (T)-(X)-(STT)-(năm) on
    # the Decision 19/2025 codes), given once when the product is first recognised
    # (services.codes.assign_product_code); the sequence is unique per commune and year.
    ocop_code = models.CharField(_("mã số sản phẩm OCOP"), max_length=40, blank=True)
    ocop_commune = models.CharField(max_length=10, blank=True)
    ocop_year = models.PositiveSmallIntegerField(null=True, blank=True)
    ocop_seq = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sản phẩm OCOP")
        indexes = [
            models.Index(fields=["product_group"], name="ocop_product_group_idx"),
            models.Index(fields=["name"], name="ocop_product_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ocop_code"], condition=~Q(ocop_code=""), name="ocop_product_code_unique"
            ),
            models.UniqueConstraint(
                fields=["ocop_commune", "ocop_year", "ocop_seq"],
                condition=Q(ocop_seq__isnull=False),
                name="ocop_product_code_seq_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """A market channel (kênh phân phối) of a product: supermarket chain, e-commerce, export."""

    class Kind(models.TextChoices):
        SUPERMARKET = "supermarket", _("Siêu thị, chuỗi cửa hàng")
        ECOMMERCE = "ecommerce", _("Thương mại điện tử")
        EXPORT = "export", _("Xuất khẩu")
        OTHER = "other", _("Khác")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("loại kênh"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên (chuỗi, sàn, thị trường)"), max_length=200)
    country = models.CharField(_("quốc gia (xuất khẩu)"), max_length=2, blank=True)
    since = models.DateField(_("từ ngày"), null=True, blank=True)
    until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("kênh phân phối")
        indexes = [models.Index(fields=["kind", "product"], name="ocop_channel_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class Fair(models.Model):
    """A trade fair (hội chợ, triển lãm) a product was shown at."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="fairs")
    name = models.CharField(_("hội chợ"), max_length=255)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    held_on = models.DateField(_("ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("hội chợ, triển lãm")

    def __str__(self) -> str:
        return self.name


class EvaluationRound(Audited):
    """An evaluation round (đợt đánh giá, phân hạng) of a province: its own (communes propose,
    the province decides) or its part of a central round (the province proposes, the ministry
    decides). Deadlines from the regime's `rounds` (26/2026 Điều 5), both exclusive ("trước
    ngày"): the last allowed day is the day before."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        CENTRAL = "central", _("Cấp trung ương")

    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("đợt"))
    proposals_before = models.DateField(_("đề nghị trước ngày"))
    decided_before = models.DateField(_("đánh giá, quyết định trước ngày"))
    article = models.CharField(_("căn cứ"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["decided_before", "level", "number"]
        verbose_name = _("đợt đánh giá OCOP")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "level", "year", "number"], name="ocop_round_unique"
            )
        ]

    def __str__(self) -> str:
        return _("Đợt %(number)s/%(year)s (%(level)s)") % {
            "number": self.number,
            "year": self.year,
            "level": self.get_level_display().lower(),
        }


class DossierQuerySet(ScopedQuerySet):
    scope_path_field = "product__division__path"
    scope_producer_field = "product__producer__code"


class Dossier(Audited):
    """An evaluation dossier (hồ sơ đánh giá, phân hạng): a product's registration, self-assessment,
    the commune's check, the council's sheets and the result. Pins regime and criteria version."""

    class Kind(models.TextChoices):
        NEW = "new", _("Đánh giá lần đầu")
        RENEWAL = "renewal", _("Đánh giá lại")
        UPGRADE = "upgrade", _("Nâng hạng")
        IMPORTED = "imported", _("Nhập từ danh sách cũ")

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp, chờ xã kiểm tra")
        RETURNED = "returned", _("Xã trả lại để bổ sung")
        FORWARDED = "forwarded", _("Xã đã đánh giá, đề nghị tỉnh")
        IN_SESSION = "in_session", _("Đưa vào phiên Hội đồng")
        SCORED = "scored", _("Hội đồng đã chấm")
        RECOGNISED = "recognised", _("Đã công nhận")
        NOT_RECOGNISED = "not_recognised", _("Không đạt")
        FORWARDED_CENTRAL = "forwarded_central", _("Đề nghị Trung ương đánh giá 5 sao")
        # Filed under a replaced regime and not finished within the transition period (Điều 12.2
        # QĐ 26/2026): it can no longer be finished; the product is filed again under the new one.
        LAPSED = "lapsed", _("Quá thời hạn chuyển tiếp, cần nộp lại theo quy định mới")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="dossiers")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    registered_on = models.DateField(_("ngày đăng ký"))
    # The day the commune received the dossier (its 15 working days, Điều 7.2 of 26/2026, run
    # from the day after).
    submitted_on = models.DateField(_("ngày nộp cho xã"), null=True, blank=True)
    self_assessment = models.JSONField(_("tự đánh giá"), default=dict, blank=True)
    self_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    commune_answers = models.JSONField(_("điểm xã đánh giá"), default=dict, blank=True)
    commune_report = models.TextField(_("báo cáo đánh giá của xã"), blank=True)
    commune_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune_on = models.DateField(null=True, blank=True)
    # Product samples received by the commune (26/2026 Điều 6.2.d: five, none for set 26).
    samples_received = models.PositiveSmallIntegerField(
        _("số mẫu sản phẩm đã nhận"), null=True, blank=True
    )
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)
    session = models.ForeignKey(
        "CouncilSession", on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("đợt đánh giá cấp tỉnh"),
    )
    central_round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="central_dossiers",
        verbose_name=_("đợt đánh giá cấp trung ương"),
    )
    mean_score = models.DecimalField(
        _("điểm trung bình"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    band = models.PositiveSmallIntegerField(_("hạng theo điểm"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    result = models.JSONField(_("kết quả chi tiết"), default=dict, blank=True)
    council_level = models.CharField(_("cấp hội đồng"), max_length=10, blank=True)
    evaluated_on = models.DateField(_("ngày đánh giá"), null=True, blank=True)
    previous_certificate = models.ForeignKey(
        "Certificate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    import_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hồ sơ đánh giá OCOP")
        indexes = [models.Index(fields=["state"], name="ocop_dossier_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~Q(import_key=""),
                name="ocop_dossier_import_unique",
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=0, stars__lte=5),
                name="ocop_dossier_stars_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} – {self.get_kind_display()} ({self.registered_on:%d/%m/%Y})"

    def audit_division(self):
        return self.product.division


class DossierFile(models.Model):
    """A file of the dossier: registration form, self-assessment, evidence for a criterion."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Phiếu đăng ký")
        SELF_ASSESSMENT = "self_assessment", _("Báo cáo tự đánh giá")
        COMMUNE_REPORT = "commune_report", _("Báo cáo của UBND cấp xã")
        EVIDENCE = "evidence", _("Minh chứng")
        OTHER = "other", _("Khác")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    criterion = models.CharField(_("tiêu chí"), max_length=20, blank=True)
    file = models.FileField(upload_to=Unguessable("ocop/dossiers"))
    name = models.CharField(max_length=255)  # the original name, given back on download
    size = models.PositiveIntegerField()
    # The electronic dossier is the legal one (Decision 26/2026/QĐ-TTg Điều 7.1): its digest
    # shows that the file sent later is the one received.
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp hồ sơ")

    def __str__(self) -> str:
        return self.name


class CouncilSession(Audited):
    """A council session (phiên họp Hội đồng đánh giá, phân hạng sản phẩm OCOP)."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang chấm")
        CLOSED = "closed", _("Đã kết thúc")

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp hội đồng"), max_length=10, default="province")
    name = models.CharField(_("tên phiên"), max_length=255)
    held_on = models.DateField(_("ngày họp"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("phiên Hội đồng OCOP")

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%d/%m/%Y})"


class Seat(models.Model):
    """A person's seat in a session: chair, member, secretary or advisory team (tổ tư vấn)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch Hội đồng")
        MEMBER = "member", _("Thành viên")
        SECRETARY = "secretary", _("Thư ký")
        ADVISOR = "advisor", _("Tổ tư vấn")

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)

    SCORING = (Role.CHAIR, Role.MEMBER)

    class Meta:
        verbose_name = _("thành phần phiên họp")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="ocop_seat_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class ScoreSheet(models.Model):
    """A council member's score sheet (phiếu đánh giá) for one product, filled independently."""

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="sheets")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="sheets")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()
    total = models.DecimalField(max_digits=6, decimal_places=2)
    parts = models.JSONField()
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("phiếu đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "member"], name="ocop_sheet_one_per_member")
        ]

    def __str__(self) -> str:
        return f"Phiếu của {self.member} – {self.total} điểm"


def expiry_date(issued: dt.date, months: int) -> dt.date:
    """issue + N months; a day missing in the target month falls back to that month's last day
    (29/02/2024 + 36 months = 28/02/2027)."""
    import calendar

    y, m = divmod(issued.month - 1 + months, 12)
    year, month = issued.year + y, m + 1
    return dt.date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))


def public_id() -> str:
    return secrets.token_urlsafe(9)


class CertificateQuerySet(ScopedQuerySet):
    scope_producer_field = "producer__code"

    def valid_on(self, day: dt.date):
        """Certificates in force on `day`: issued ≤ day < expiry, not revoked and not replaced
        by then."""
        # Anti-joins (NOT EXISTS) rather than LEFT JOINs: the planner keeps them cheap whatever
        # other filters the catalog adds.
        revoked = Revocation.objects.filter(certificate=models.OuterRef("pk"), revoked_on__lte=day)
        replaced = Certificate.objects.filter(supersedes=models.OuterRef("pk"), issued_on__lte=day)
        extended = Extension.objects.filter(certificate=models.OuterRef("pk"), until__gt=day)
        return (
            self.filter(issued_on__lte=day)
            .filter(Q(expires_on__gt=day) | models.Exists(extended))
            .filter(~models.Exists(revoked), ~models.Exists(replaced))
        )


class Certificate(Issued):
    """OCOP certificate (giấy chứng nhận sản phẩm OCOP): valid 36 months from issue (regime data).
    Re-evaluation and upgrade issue a new certificate that supersedes this one; revocation is a
    separate record; expired, replaced and revoked certificates stay on record."""

    class Status(models.TextChoices):
        VALID = "valid", _("CÒN HIỆU LỰC")
        EXPIRED = "expired", _("HẾT HIỆU LỰC")
        REVOKED = "revoked", _("ĐÃ BỊ THU HỒI")
        SUPERSEDED = "superseded", _("ĐÃ ĐƯỢC THAY THẾ")
        PENDING = "pending", _("CHƯA CÓ HIỆU LỰC")
        # Past its expiry, kept in force by a late re-evaluation until its result (Điều 12.3).
        EXTENDED = "extended", _("CÒN HIỆU LỰC (GIA HẠN)")

    # A certificate in force on a day: valid, or valid in its extension.
    IN_FORCE = (Status.VALID, Status.EXTENDED)

    number = models.CharField(_("số giấy chứng nhận"), max_length=60, unique=True)
    public_id = models.CharField(max_length=16, unique=True, default=public_id)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="certificates")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="certificates")
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="ocop_certificates"
    )
    regime = models.ForeignKey(Regime, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    score = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, null=True, blank=True)
    issued_on = models.DateField(_("ngày cấp"))
    expires_on = models.DateField(_("hết hạn ngày"))

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("giấy chứng nhận OCOP")
        indexes = [
            models.Index(fields=["issued_on", "expires_on"], name="ocop_cert_validity_idx"),
            models.Index(fields=["expires_on"], name="ocop_cert_expiry_idx"),
        ]
        constraints = [
            # Which ranks get a certificate is the regime's `certified_stars`, checked by
            # services.issue_certificate; the database only refuses a rank no regime can have.
            models.CheckConstraint(condition=Q(stars__gte=1), name="ocop_cert_stars_positive"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="ocop_cert_expiry_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.product} ({self.stars}★)"

    def status_on(self, day: dt.date) -> tuple[str, dt.date | None]:
        """(status, date it took effect) on `day`: the earliest of expiry, revocation and
        replacement that has happened by then decides."""
        revocation = getattr(self, "revocation", None) if self._has("revocation") else None
        successor = getattr(self, "superseded_by", None) if self._has("superseded_by") else None
        extension = getattr(self, "extension", None) if self._has("extension") else None
        return certificate_status(
            day,
            self.issued_on,
            self.expires_on,
            revocation.revoked_on if revocation is not None else None,
            successor.issued_on if successor is not None else None,
            extension.until if extension is not None else None,
        )

    def _has(self, name: str) -> bool:
        try:
            getattr(self, name)
        except models.ObjectDoesNotExist:
            return False
        return True


def certificate_status(
    day: dt.date,
    issued_on: dt.date,
    expires_on: dt.date,
    revoked_on: dt.date | None = None,
    replaced_on: dt.date | None = None,
    extended_until: dt.date | None = None,
) -> tuple[str, dt.date | None]:
    """The status of a certificate on `day` from its dates (shared by `Certificate.status_on` and
    the figures, which read plain rows): the earliest of expiry, revocation and replacement that
    has happened by then decides; on the same day revocation wins, then replacement.

    `extended_until` (Điều 12.3 QĐ 26/2026, a late re-evaluation): from `expires_on` the
    certificate stays in force, as EXTENDED, until that day (the first day it no longer is)."""
    S = Certificate.Status
    if day < issued_on:
        return S.PENDING, issued_on
    if extended_until is not None and extended_until > expires_on:
        if day >= expires_on and day < extended_until:
            status, on = certificate_status(day, issued_on, extended_until, revoked_on, replaced_on)
            return (S.EXTENDED, extended_until) if status == S.VALID else (status, on)
        expires_on = extended_until
    if revoked_on is None and replaced_on is None:  # most certificates: expiry alone decides
        return (S.VALID, expires_on) if day < expires_on else (S.EXPIRED, expires_on)
    ends = [(expires_on, S.EXPIRED)]
    if revoked_on is not None:
        ends.append((revoked_on, S.REVOKED))
    if replaced_on is not None:
        ends.append((replaced_on, S.SUPERSEDED))
    passed = sorted((d, st) for d, st in ends if d <= day)
    if not passed:
        return S.VALID, expires_on
    first_day = passed[0][0]
    same_day = [st for d, st in passed if d == first_day]
    for status in (S.REVOKED, S.SUPERSEDED, S.EXPIRED):
        if status in same_day:
            return status, first_day
    return passed[0][1], first_day


class Extension(models.Model):
    """The extension (gia hạn hiệu lực) of a certificate whose re-evaluation was filed late
    (Điều 12.3 QĐ 26/2026): in force past its expiry until the result of that re-evaluation, at most
    the regime's number of days. `until` is the first day it is no longer in force; it moves
    earlier when the result is known (a new certificate supersedes the old one by itself)."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="extension"
    )
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="extension")
    until = models.DateField(_("còn hiệu lực đến trước ngày"))
    article = models.CharField(_("căn cứ"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn hiệu lực giấy chứng nhận")

    def __str__(self) -> str:
        return f"{self.certificate_id} → {self.until}"


class Revocation(Audited):
    """Revocation (thu hồi) of a certificate, with its reason and decision."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="revocation"
    )
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, related_name="+")
    revoked_on = models.DateField(_("ngày thu hồi"))
    reason = models.CharField(_("lý do"), max_length=500)
    # 26/2026 Điều 8: the ground of the data's list (`revocation.grounds`), the day of the
    # finding the 15 days run from, and the level whose authority the decision is.
    ground = models.CharField(_("căn cứ thu hồi"), max_length=4, blank=True)
    found_on = models.DateField(_("ngày có kết luận"), null=True, blank=True)
    authority = models.CharField(_("thẩm quyền"), max_length=10, blank=True)
    late_reason = models.CharField(_("lý do quá thời hạn"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thu hồi giấy chứng nhận")

    def audit_division(self):
        return self.certificate.division


class Inspection(Audited):
    """A post-certification inspection (kiểm tra sau công nhận, 26/2026 Điều 9): periodic or ad
    hoc, by the province or the ministry, with its findings."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Kiểm tra định kỳ")
        AD_HOC = "ad_hoc", _("Kiểm tra đột xuất")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("loại kiểm tra"), max_length=10, choices=Kind.choices)
    authority = models.CharField(_("cấp kiểm tra"), max_length=10)
    inspected_on = models.DateField(_("ngày kiểm tra"))
    findings = models.TextField(_("kết quả kiểm tra"))
    maintained = models.BooleanField(_("sản phẩm duy trì các tiêu chí"), default=True)
    article = models.CharField(_("căn cứ"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("kiểm tra sau công nhận OCOP")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.inspected_on:%d/%m/%Y}"

    def audit_division(self):
        return self.certificate.division


class Notification(models.Model):
    """An in-app notice (thông báo) to a user, e.g. a certificate expiring in 30 days."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="ocop_notification_once")
        ]

    def __str__(self) -> str:
        return self.title


class ExpiryNotice(models.Model):
    """The ≥30-day expiry notice was sent for a certificate (sent once)."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.CASCADE, related_name="expiry_notice"
    )
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("thông báo sắp hết hạn")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.sent_on}"


class ReevaluationNotice(models.Model):
    """The producer was told that the re-evaluation window of a certificate is open (26/2026
    Điều 7.6.a; sent once)."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.CASCADE, related_name="reevaluation_notice"
    )
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("thông báo thời hạn nộp hồ sơ đánh giá lại")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.sent_on}"


class ImportRun(models.Model):
    """One import of a provincial OCOP list: counts and the rejected rows (row, column, reason)."""

    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    rejected = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập danh sách OCOP")

    def __str__(self) -> str:
        return f"{self.file_name} {self.created_at:%d/%m/%Y}"
