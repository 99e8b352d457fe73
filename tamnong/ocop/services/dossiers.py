"""OCOP dossiers (hồ sơ): registration, self-assessment, files and the commune's check."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import EDITOR_ROLES
from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, record_transition

from .. import criteria as crit
from .. import transition
from ..models import (
    Certificate,
    CriteriaSet,
    Dossier,
    DossierFile,
    Product,
)
from ._base import FILE_TYPES, MAX_FILE_BYTES, _move, fail
from .deadlines import reevaluation_window
from .registry import require_producer_access


def current_certificate(product: Product, on: dt.date | None = None) -> Certificate | None:
    on = on or timezone.localdate()
    return Certificate.objects.valid_on(on).filter(product=product).order_by("-issued_on").first()


@transaction.atomic
def open_dossier(
    actor, product: Product, *, kind: str = Dossier.Kind.NEW, registered_on: dt.date | None = None
) -> Dossier:
    """Register a product for evaluation (phiếu đăng ký); pins the regime and criteria version."""
    require_producer_access(actor, product.producer)
    day = registered_on or timezone.localdate()
    # The filing date chooses the regime (Điều 11-12 QĐ 26/2026: filed from 22/05/2026 → 26/2026).
    regime = transition.regime_for_filing(day)
    if regime is None or not regime.rules.get("criteria_in_files", True):
        fail("registered_on", _("Không có chế độ đánh giá OCOP áp dụng cho ngày này."))
    cs = CriteriaSet.objects.for_set(product.set_no, day)
    if cs is None or not regime.applies_criteria_of(cs.decision):
        fail(
            "product",
            _("Chưa có bộ tiêu chí của %(regime)s cho bộ sản phẩm số %(set_no)s.")
            % {"regime": regime.short_name, "set_no": product.set_no},
        )
    if not cs.complete:
        fail(
            "product",
            _(
                "Bộ tiêu chí «%(set)s» (%(decision)s, phiên bản %(version)s) chưa đầy đủ: "
                "%(defects)s Quản trị viên cần nạp bộ chính thức trước khi đánh giá."
            )
            % {
                "set": cs.product_set,
                "decision": cs.decision,
                "version": cs.version,
                "defects": "; ".join(cs.gaps),
            },
        )
    previous = current_certificate(product, day)
    if kind == Dossier.Kind.UPGRADE and previous is None:
        fail("kind", _("Nâng hạng cần một giấy chứng nhận còn hiệu lực."))
    if kind == Dossier.Kind.RENEWAL and previous is None:
        previous = product.certificates.order_by("-issued_on").first()
        if previous is None:
            fail("kind", _("Đánh giá lại cần một giấy chứng nhận đã cấp."))
    if kind == Dossier.Kind.RENEWAL:
        window = reevaluation_window(previous, on=day)
        if window is not None and window.early:
            fail(
                "registered_on",
                _(
                    "Chưa đến thời hạn nộp hồ sơ đánh giá lại giấy chứng nhận %(number)s: "
                    "hồ sơ được nộp %(window)s."
                )
                % {"number": previous.number, "window": window.describe()},
            )
    open_states = [
        Dossier.State.DRAFT,
        Dossier.State.SUBMITTED,
        Dossier.State.RETURNED,
        Dossier.State.FORWARDED,
        Dossier.State.IN_SESSION,
        Dossier.State.SCORED,
    ]
    # A dossier of a replaced regime past its transition deadline no longer blocks the product:
    # it lapses, and this one is the filing under the new regime (Điều 12.2).
    transition.lapse_overdue(day, product.dossiers.filter(state__in=open_states))
    if product.dossiers.filter(state__in=open_states).exists():
        fail("product", _("Sản phẩm đang có hồ sơ chưa hoàn tất."))
    dossier = Dossier.objects.create(
        product=product,
        kind=kind,
        regime=regime,
        criteria_set=cs,
        registered_on=day,
        previous_certificate=previous,
    )
    record_transition(dossier, "", Dossier.State.DRAFT, "Đăng ký đánh giá")
    transition.extend_for(dossier)
    return dossier


def _require_state(dossier: Dossier, *states: str) -> None:
    if dossier.state not in states:
        fail(
            "state",
            _("Hồ sơ đang ở bước «%(state)s», không thực hiện được thao tác này.")
            % {"state": dossier.get_state_display()},
        )


@transaction.atomic
def save_self_assessment(actor, dossier: Dossier, answers: dict) -> Dossier:
    require_producer_access(actor, dossier.product.producer)
    _require_state(dossier, Dossier.State.DRAFT, Dossier.State.RETURNED)
    try:
        clean, totals = crit.score_sheet(dossier.criteria_set.content, answers)
    except crit.SheetError as exc:
        raise ValidationError({e["field"]: [e["message"]] for e in exc.errors}) from exc
    dossier.self_assessment = {k: crit._plain(v) for k, v in clean.items()}
    dossier.self_total = totals["total"].quantize(Decimal("0.01"))
    dossier.save(update_fields=["self_assessment", "self_total"])
    return dossier


@transaction.atomic
def add_file(actor, dossier: Dossier, *, kind: str, upload, criterion: str = "") -> DossierFile:
    """Attach a dossier file; type and size are checked, the criterion must exist in the set.
    The commune's report (Mẫu 03) is the commune's, while it checks the dossier."""
    if kind == DossierFile.Kind.COMMUNE_REPORT:
        _require_commune(actor, dossier)
        _require_state(dossier, Dossier.State.SUBMITTED)
    else:
        require_producer_access(actor, dossier.product.producer)
        _require_state(dossier, Dossier.State.DRAFT, Dossier.State.RETURNED)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in FILE_TYPES:
        fail(
            "file",
            _("Loại tệp %(suffix)s không được nhận (%(types)s).")
            % {"suffix": suffix or _("(không có đuôi)"), "types": ", ".join(sorted(FILE_TYPES))},
        )
    if upload.size > MAX_FILE_BYTES:
        fail("file", _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_FILE_BYTES // 1024 // 1024})
    if kind not in DossierFile.Kind.values:
        fail("kind", _("Loại tệp hồ sơ không hợp lệ."))
    if criterion and criterion not in crit.criteria_by_code(dossier.criteria_set.content):
        fail(
            "criterion",
            _("Không có tiêu chí %(criterion)s trong bộ tiêu chí của hồ sơ.")
            % {"criterion": criterion},
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    f = DossierFile.objects.create(
        dossier=dossier,
        kind=kind,
        criterion=criterion,
        file=upload,  # stored under a random name (core.storedfiles); `name` is the original
        name=Path(upload.name).name[:255],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    record(
        AuditEvent.Action.CREATE,
        f,
        after={"name": f.name, "kind": kind, "size": f.size, "sha256": f.sha256},
        division=dossier.product.division,
    )
    return f


@transaction.atomic
def submit_dossier(actor, dossier: Dossier, *, on: dt.date | None = None) -> Dossier:
    require_producer_access(actor, dossier.product.producer)
    _require_state(dossier, Dossier.State.DRAFT, Dossier.State.RETURNED)
    if not dossier.self_assessment:
        fail("self_assessment", _("Chưa có bản tự đánh giá."))
    if not dossier.files.filter(kind=DossierFile.Kind.REGISTRATION).exists():
        fail("files", _("Chưa tải lên phiếu đăng ký."))
    target = Dossier.State.SUBMITTED if dossier.regime.has_commune_step else Dossier.State.FORWARDED
    dossier.submitted_on = on or timezone.localdate()
    _move(dossier, target, "Nộp hồ sơ", ("submitted_on",))
    return dossier


def _require_commune(actor, dossier: Dossier) -> None:
    if not Scope.of(actor).covers(dossier.product.division, EDITOR_ROLES):
        raise PermissionDenied(
            _("Chỉ cán bộ xã (hoặc tỉnh) phụ trách địa bàn được kiểm tra hồ sơ.")
        )


@transaction.atomic
def return_dossier(actor, dossier: Dossier, reason: str) -> Dossier:
    _require_commune(actor, dossier)
    _require_state(dossier, Dossier.State.SUBMITTED)
    if not reason.strip():
        fail("reason", _("Cần nêu nội dung phải bổ sung."))
    dossier.return_reason = reason.strip()[:500]
    _move(dossier, Dossier.State.RETURNED, reason, ("return_reason",))
    return dossier


@transaction.atomic
def commune_assess(
    actor,
    dossier: Dossier,
    *,
    answers: dict,
    report: str,
    samples: int | None = None,
    on: dt.date | None = None,
) -> Dossier:
    """The commune checks the dossier, scores the four local criteria (1489), writes its report
    (Báo cáo đánh giá) and forwards the dossier to the province."""
    _require_commune(actor, dossier)
    _require_state(dossier, Dossier.State.SUBMITTED)
    local = {c["code"]: c for c in crit.commune_criteria(dossier.criteria_set.content)}
    errors: dict[str, list[str]] = {}
    clean = {}
    for code in local:
        if code not in answers:
            errors[f"answers.{code}"] = [
                _("Chưa đánh giá tiêu chí %(code)s (%(commune)s).")
                % {"code": code, "commune": local[code]["commune"]}
            ]
    for code, value in answers.items():
        c = local.get(str(code))
        if c is None:
            errors[f"answers.{code}"] = [
                _("Tiêu chí %(code)s không thuộc nội dung xã đánh giá.") % {"code": code}
            ]
            continue
        pts = crit._num(value)
        allowed = {Decimal(str(o["points"])) for o in c["options"]} | {Decimal(0)}
        if pts is None or pts not in allowed:
            errors[f"answers.{code}"] = [
                _("Tiêu chí %(code)s: điểm «%(value)s» không thuộc các lựa chọn.")
                % {"code": code, "value": value}
            ]
            continue
        clean[str(code)] = crit._plain(pts)
    if not report.strip():
        errors["report"] = [_("Cần có báo cáo đánh giá của xã.")]
    if samples is not None and not 0 <= samples <= 100:
        errors["samples"] = [_("Số mẫu sản phẩm không hợp lệ.")]
    if errors:
        raise ValidationError(errors)
    dossier.commune_answers = clean
    dossier.commune_report = report.strip()
    dossier.commune_by = actor
    dossier.commune_on = on or timezone.localdate()
    if samples is not None:
        dossier.samples_received = samples
    _move(
        dossier,
        Dossier.State.FORWARDED,
        "Xã đánh giá và đề nghị tỉnh",
        ("commune_answers", "commune_report", "commune_by", "commune_on", "samples_received"),
    )
    return dossier
