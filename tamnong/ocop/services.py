"""OCOP business rules: registry, the evaluation workflow (Decision 148 as amended by 1489),
council scoring, recognition, certificates and their lifecycle. Views, API and CLI call these
functions with the acting user; nothing here reads a request.

How the members' sheets combine (written down here and in the regime data, `minimum_rule`):
- the score is the mean of the members' totals (exact; shown rounded to 0.01);
- the band is the highest band of the regime whose minimum the mean reaches;
- a per-star minimum option (or a mandatory criterion) is met when MORE THAN HALF of the members'
  sheets reach it ("majority"); the regime may say "mean" instead (the mean of the members' points on
  that criterion reaches it);
- a heading marker without a level (e.g. "Sở hữu trí tuệ ****") is met by any option above 0 points;
- minima are cumulative: 4★ also needs the 3★ minima; a product missing a 3★ minimum gets 2★ at most
  and no certificate;
- criteria the commune assesses under 1489 take the commune's points on every member's sheet.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tamnong.accounts.models import EDITOR_ROLES, Membership, Role
from tamnong.accounts.scoping import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, record_transition, snapshot
from tamnong.core.formatting import date as vn_date
from tamnong.core.signals import figures_changed
from tamnong.decisions.models import Decision
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from . import criteria as crit
from .models import (
    Certificate,
    Channel,
    CouncilSession,
    CriteriaSet,
    Dossier,
    DossierFile,
    ExpiryNotice,
    Fair,
    Notification,
    Producer,
    Product,
    Regime,
    Revocation,
    ScoreSheet,
    Seat,
    expiry_date,
)

log = logging.getLogger(__name__)

PROVINCE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT})
SECRETARY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.COUNCIL_SECRETARY})
COUNCIL_ROLES = frozenset(
    {Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}
)
FILE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}
MAX_FILE_BYTES = 10 * 1024 * 1024


def fail(field: str, message: str):
    raise ValidationError({field: [message]})


def _move(dossier: Dossier, to: str, note: str = "", fields: tuple[str, ...] = ()) -> None:
    before = dossier.state
    dossier.state = to
    dossier.save(update_fields=["state", *fields])
    record_transition(dossier, before, to, note)


def _commune_of(division: Division) -> Division | None:
    return resolve(division, Level.COMMUNE)


def _changed(division: Division, day: dt.date) -> None:
    commune = _commune_of(division)
    if commune is not None:
        figures_changed.send(sender=Certificate, source="ocop", division=commune, year=day.year)


# -- registry -------------------------------------------------------------------------------------


def can_act_for(user, producer: Producer) -> bool:
    scope = Scope.of(user)
    return scope.can_edit(producer.division) or producer.code in scope.producer_refs


def require_producer_access(user, producer: Producer) -> None:
    if not can_act_for(user, producer):
        raise PermissionDenied("Bạn không có quyền thao tác cho chủ thể này.")


def _next_code(prefix: str, model, field: str = "code") -> str:
    n = model.objects.filter(**{f"{field}__startswith": prefix}).count() + 1
    while model.objects.filter(**{field: f"{prefix}{n:05d}"}).exists():
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def create_producer(
    actor, *, division: Division, name: str, kind: str, code: str = "", **fields
) -> Producer:
    """Register a subject (chủ thể) in a commune; commune officers and province staff may."""
    Scope.of(actor).require_edit(division)
    if division.level != Level.COMMUNE:
        fail("division", "Chủ thể phải gắn với một xã/phường.")
    province = resolve(division, Level.PROVINCE)
    code = code.strip() or _next_code(f"CT{province.code if province else ''}-", Producer)
    if Producer.objects.filter(code=code).exists():
        fail("code", f"Mã chủ thể {code} đã có.")
    return Producer.objects.create(
        code=code, division=division, name=name.strip(), kind=kind, **fields
    )


@transaction.atomic
def update_producer(actor, producer: Producer, **fields) -> Producer:
    require_producer_access(actor, producer)
    if "division" in fields:
        Scope.of(actor).require_edit(fields["division"])
    for key, value in fields.items():
        setattr(producer, key, value)
    producer.save()
    producer.products.update(division=producer.division)
    return producer


def product_sets() -> list[CriteriaSet]:
    """The product sets (bộ sản phẩm) in force today, one per set number."""
    seen, out = set(), []
    today = timezone.localdate()
    for cs in (
        CriteriaSet.objects.latest_versions()
        .filter(effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("set_no", "-effective_from", "-version")
    ):
        if cs.set_no not in seen:
            seen.add(cs.set_no)
            out.append(cs)
    return out


@transaction.atomic
def create_product(
    actor, producer: Producer, *, name: str, set_no: int, code: str = "", **fields
) -> Product:
    require_producer_access(actor, producer)
    cs = CriteriaSet.objects.filter(set_no=set_no).order_by("-effective_from", "-version").first()
    if cs is None:
        fail("set_no", f"Không có bộ sản phẩm số {set_no}.")
    code = code.strip() or _next_code(f"{producer.code}-SP", Product)
    if Product.objects.filter(code=code).exists():
        fail("code", f"Mã sản phẩm {code} đã có.")
    return Product.objects.create(
        code=code,
        producer=producer,
        name=name.strip(),
        set_no=set_no,
        product_group=cs.product_group,
        product_subgroup=cs.product_subgroup,
        product_set=cs.product_set,
        division=producer.division,
        **fields,
    )


def add_channel(
    actor, product: Product, *, kind: str, name: str, country: str = "", since=None
) -> Channel:
    require_producer_access(actor, product.producer)
    if kind == Channel.Kind.EXPORT and len(country) != 2:
        fail("country", "Kênh xuất khẩu cần mã quốc gia 2 chữ (vd JP, US).")
    ch = Channel.objects.create(
        product=product, kind=kind, name=name, country=country.upper(), since=since
    )
    record(AuditEvent.Action.CREATE, ch, after=snapshot(ch), division=product.division)
    return ch


def add_fair(actor, product: Product, *, name: str, place: str = "", held_on=None) -> Fair:
    require_producer_access(actor, product.producer)
    fair = Fair.objects.create(product=product, name=name, place=place, held_on=held_on)
    record(AuditEvent.Action.CREATE, fair, after=snapshot(fair), division=product.division)
    return fair


# -- dossier: registration, self-assessment, commune -----------------------------------------------


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
    regime = Regime.on(day)
    if regime is None or not regime.rules.get("criteria_in_files", True):
        fail("registered_on", "Không có chế độ đánh giá OCOP áp dụng cho ngày này.")
    cs = CriteriaSet.objects.for_set(product.set_no, day)
    if cs is None:
        fail("product", f"Chưa có bộ tiêu chí cho bộ sản phẩm số {product.set_no}.")
    if not cs.complete:
        fail(
            "product",
            f"Bộ tiêu chí «{cs.product_set}» ({cs.decision}, phiên bản {cs.version}) chưa đầy đủ: "
            + "; ".join(d for d in cs.defects if "chưa đầy đủ" in d)
            + " Quản trị viên cần nạp bộ chính thức trước khi đánh giá.",
        )
    previous = current_certificate(product, day)
    if kind == Dossier.Kind.UPGRADE and previous is None:
        fail("kind", "Nâng hạng cần một giấy chứng nhận còn hiệu lực.")
    if kind == Dossier.Kind.RENEWAL and previous is None:
        previous = product.certificates.order_by("-issued_on").first()
        if previous is None:
            fail("kind", "Đánh giá lại cần một giấy chứng nhận đã cấp.")
    open_states = [
        Dossier.State.DRAFT,
        Dossier.State.SUBMITTED,
        Dossier.State.RETURNED,
        Dossier.State.FORWARDED,
        Dossier.State.IN_SESSION,
        Dossier.State.SCORED,
    ]
    if product.dossiers.filter(state__in=open_states).exists():
        fail("product", "Sản phẩm đang có hồ sơ chưa hoàn tất.")
    dossier = Dossier.objects.create(
        product=product,
        kind=kind,
        regime=regime,
        criteria_set=cs,
        registered_on=day,
        previous_certificate=previous,
    )
    record_transition(dossier, "", Dossier.State.DRAFT, "Đăng ký đánh giá")
    return dossier


def _require_state(dossier: Dossier, *states: str) -> None:
    if dossier.state not in states:
        fail(
            "state",
            f"Hồ sơ đang ở bước «{dossier.get_state_display()}», không thực hiện được thao tác này.",
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
    """Attach a dossier file; type and size are checked, the criterion must exist in the set."""
    require_producer_access(actor, dossier.product.producer)
    _require_state(dossier, Dossier.State.DRAFT, Dossier.State.RETURNED)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in FILE_TYPES:
        fail(
            "file",
            f"Loại tệp {suffix or '(không có đuôi)'} không được nhận ({', '.join(sorted(FILE_TYPES))}).",
        )
    if upload.size > MAX_FILE_BYTES:
        fail("file", f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // 1024 // 1024} MB).")
    if kind not in DossierFile.Kind.values:
        fail("kind", "Loại tệp hồ sơ không hợp lệ.")
    if criterion and criterion not in crit.criteria_by_code(dossier.criteria_set.content):
        fail("criterion", f"Không có tiêu chí {criterion} trong bộ tiêu chí của hồ sơ.")
    f = DossierFile.objects.create(
        dossier=dossier,
        kind=kind,
        criterion=criterion,
        file=upload,
        name=Path(upload.name).name[:255],
        size=upload.size,
        uploaded_by=actor,
    )
    record(
        AuditEvent.Action.CREATE,
        f,
        after={"name": f.name, "kind": kind},
        division=dossier.product.division,
    )
    return f


@transaction.atomic
def submit_dossier(actor, dossier: Dossier) -> Dossier:
    require_producer_access(actor, dossier.product.producer)
    _require_state(dossier, Dossier.State.DRAFT, Dossier.State.RETURNED)
    if not dossier.self_assessment:
        fail("self_assessment", "Chưa có bản tự đánh giá.")
    if not dossier.files.filter(kind=DossierFile.Kind.REGISTRATION).exists():
        fail("files", "Chưa tải lên phiếu đăng ký.")
    target = Dossier.State.SUBMITTED if dossier.regime.has_commune_step else Dossier.State.FORWARDED
    _move(dossier, target, "Nộp hồ sơ")
    return dossier


def _require_commune(actor, dossier: Dossier) -> None:
    if not Scope.of(actor).covers(dossier.product.division, EDITOR_ROLES):
        raise PermissionDenied("Chỉ cán bộ xã (hoặc tỉnh) phụ trách địa bàn được kiểm tra hồ sơ.")


@transaction.atomic
def return_dossier(actor, dossier: Dossier, reason: str) -> Dossier:
    _require_commune(actor, dossier)
    _require_state(dossier, Dossier.State.SUBMITTED)
    if not reason.strip():
        fail("reason", "Cần nêu nội dung phải bổ sung.")
    dossier.return_reason = reason.strip()[:500]
    _move(dossier, Dossier.State.RETURNED, reason, ("return_reason",))
    return dossier


@transaction.atomic
def commune_assess(actor, dossier: Dossier, *, answers: dict, report: str) -> Dossier:
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
                f"Chưa đánh giá tiêu chí {code} ({local[code]['commune']})."
            ]
    for code, value in answers.items():
        c = local.get(str(code))
        if c is None:
            errors[f"answers.{code}"] = [f"Tiêu chí {code} không thuộc nội dung xã đánh giá."]
            continue
        pts = crit._num(value)
        allowed = {Decimal(str(o["points"])) for o in c["options"]} | {Decimal(0)}
        if pts is None or pts not in allowed:
            errors[f"answers.{code}"] = [
                f"Tiêu chí {code}: điểm «{value}» không thuộc các lựa chọn."
            ]
            continue
        clean[str(code)] = crit._plain(pts)
    if not report.strip():
        errors["report"] = ["Cần có báo cáo đánh giá của xã."]
    if errors:
        raise ValidationError(errors)
    dossier.commune_answers = clean
    dossier.commune_report = report.strip()
    dossier.commune_by = actor
    dossier.commune_on = timezone.localdate()
    _move(
        dossier,
        Dossier.State.FORWARDED,
        "Xã đánh giá và đề nghị tỉnh",
        ("commune_answers", "commune_report", "commune_by", "commune_on"),
    )
    return dossier


# -- council -------------------------------------------------------------------------------------


def _require_province(actor, division: Division) -> None:
    if not Scope.of(actor).covers(division, PROVINCE_ROLES):
        raise PermissionDenied("Chỉ Văn phòng điều phối/Sở ngành cấp tỉnh được thực hiện.")


def _check_seat_users(division: Division, users: list) -> None:
    if len({u.pk for u in users}) != len(users):
        fail("seats", "Một người chỉ giữ một vị trí trong phiên.")
    for user in users:
        if not Scope.of(user).covers(division, COUNCIL_ROLES):
            fail("seats", f"{user} không có vai trò Hội đồng/cán bộ tỉnh trên {division}.")


@transaction.atomic
def create_session(
    actor, *, division: Division, name: str, held_on: dt.date, seats: list[tuple]
) -> CouncilSession:
    """Set up a council session with its members, secretary and advisory team."""
    _require_province(actor, division)
    if division.level != Level.PROVINCE or not division.is_current:
        fail("division", "Hội đồng được thành lập ở cấp tỉnh (bản đồ hiện hành).")
    regime = Regime.on(held_on)
    if regime is None:
        fail("held_on", "Không có chế độ đánh giá OCOP cho ngày này.")
    scorers = [u for u, role in seats if role in Seat.SCORING]
    if not scorers:
        fail("seats", "Hội đồng cần ít nhất một thành viên chấm điểm.")
    if not any(role == Seat.Role.SECRETARY for _u, role in seats):
        fail("seats", "Hội đồng cần có thư ký.")
    _check_seat_users(division, [u for u, _r in seats])
    levels = regime.rules.get("council_levels", ["province"])
    session = CouncilSession.objects.create(
        division=division,
        regime=regime,
        level="province" if "province" in levels else levels[0],
        name=name.strip(),
        held_on=held_on,
    )
    Seat.objects.bulk_create([Seat(session=session, user=u, role=r) for u, r in seats])
    record(
        AuditEvent.Action.UPDATE,
        session,
        after={"seats": [(u.username, r) for u, r in seats]},
        note="Thành phần phiên họp",
        division=division,
    )
    return session


def can_manage_seats(actor, session: CouncilSession) -> bool:
    """Province staff (coordination office) or the session's secretary."""
    return (
        Scope.of(actor).covers(session.division, PROVINCE_ROLES)
        or Seat.objects.filter(session=session, user=actor, role=Seat.Role.SECRETARY).exists()
    )


@transaction.atomic
def add_seats(actor, session: CouncilSession, seats: list[tuple]) -> list[Seat]:
    """Add people to a session after it was set up (bổ sung thành phần phiên họp).

    While the session is open a secretary or an advisor may join at any time; a scoring seat
    (chair, member) only until the first score sheet arrives, so that every member of the panel
    scores the same products independently and the mean is taken over one fixed panel."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if not can_manage_seats(actor, session):
        raise PermissionDenied(
            "Chỉ Văn phòng điều phối cấp tỉnh hoặc thư ký phiên được bổ sung thành phần."
        )
    if session.state != CouncilSession.State.OPEN:
        fail("seats", "Phiên họp đã kết thúc, không bổ sung thành phần.")
    if not seats:
        fail("seats", "Chưa chọn người cần bổ sung.")
    if any(role not in Seat.Role.values for _u, role in seats):
        fail("seats", "Vai trò trong phiên không hợp lệ.")
    if (
        any(role in Seat.SCORING for _u, role in seats)
        and ScoreSheet.objects.filter(session=session).exists()
    ):
        fail(
            "seats",
            "Đã có phiếu chấm điểm trong phiên: chỉ bổ sung được thư ký hoặc tổ tư vấn, "
            "không bổ sung thành viên chấm điểm.",
        )
    users = [u for u, _r in seats]
    _check_seat_users(session.division, users)
    seated = set(
        Seat.objects.filter(session=session, user__in=users).values_list(
            "user__username", flat=True
        )
    )
    if seated:
        fail("seats", f"Đã có trong phiên: {', '.join(sorted(seated))}.")
    added = Seat.objects.bulk_create([Seat(session=session, user=u, role=r) for u, r in seats])
    record(
        AuditEvent.Action.UPDATE,
        session,
        after={"added_seats": [(u.username, r) for u, r in seats]},
        note="Bổ sung thành phần phiên họp",
        division=session.division,
    )
    return added


@transaction.atomic
def add_to_session(actor, session: CouncilSession, dossiers: list[Dossier]) -> None:
    _require_province(actor, session.division)
    if session.state != CouncilSession.State.OPEN:
        fail("session", "Phiên họp đã kết thúc.")
    for d in dossiers:
        if not d.product.division.path.startswith(session.division.path):
            fail("dossiers", f"Hồ sơ «{d}» không thuộc địa bàn của Hội đồng.")
        _require_state(d, Dossier.State.FORWARDED)
        d.session = session
        d.council_level = session.level
        _move(d, Dossier.State.IN_SESSION, str(session), ("session", "council_level"))


def sheet_answers(dossier: Dossier, answers: dict) -> dict:
    """A member's answers with the commune's points on the criteria the commune assessed."""
    merged = {str(k): v for k, v in (answers or {}).items()}
    if dossier.regime.has_commune_step:
        for code, pts in (dossier.commune_answers or {}).items():
            given = merged.get(code)
            if given is not None and crit._num(given) != crit._num(pts):
                fail(
                    f"answers.{code}",
                    f"Tiêu chí {code} do UBND xã đánh giá ({pts} điểm); thành viên Hội đồng không chấm lại.",
                )
            merged[code] = pts
    return merged


def submit_sheet(
    actor, session: CouncilSession, dossier: Dossier, answers: dict, comment: str = ""
) -> ScoreSheet:
    """A member's score sheet. The session row is locked so that a close and simultaneous
    submissions are serialised; the unique (dossier, member) constraint refuses a second sheet."""
    try:
        with transaction.atomic():
            locked = CouncilSession.objects.select_for_update().get(pk=session.pk)
            seat = Seat.objects.filter(session=locked, user=actor).first()
            if seat is None or seat.role not in Seat.SCORING:
                raise PermissionDenied("Chỉ thành viên Hội đồng của phiên này được chấm điểm.")
            if locked.state != CouncilSession.State.OPEN:
                fail("session", "Phiên họp đã kết thúc, không nhận thêm phiếu.")
            dossier = Dossier.objects.select_related("criteria_set", "regime", "product").get(
                pk=dossier.pk
            )
            if dossier.session_id != locked.pk:
                fail("dossier", "Sản phẩm không thuộc phiên họp này.")
            _require_state(dossier, Dossier.State.IN_SESSION)
            if ScoreSheet.objects.filter(dossier=dossier, member=actor).exists():
                fail("member", "Bạn đã nộp phiếu cho sản phẩm này.")
            try:
                clean, totals = crit.score_sheet(
                    dossier.criteria_set.content, sheet_answers(dossier, answers)
                )
            except crit.SheetError as exc:
                raise ValidationError({e["field"]: [e["message"]] for e in exc.errors}) from exc
            sheet = ScoreSheet.objects.create(
                session=locked,
                dossier=dossier,
                member=actor,
                answers={k: crit._plain(v) for k, v in clean.items()},
                total=totals["total"],
                parts={k: crit._plain(v) for k, v in totals["parts"].items()},
                comment=comment[:2000],
            )
            record(
                AuditEvent.Action.CREATE,
                sheet,
                after={"dossier": dossier.pk, "total": str(sheet.total)},
                division=dossier.product.division,
                object_repr=f"Phiếu đánh giá {dossier.product} – {actor}",
            )
            return sheet
    except IntegrityError:
        fail("member", "Bạn đã nộp phiếu cho sản phẩm này.")


def ranking(dossier: Dossier) -> crit.Ranking:
    sheets = list(dossier.sheets.all())
    return crit.rank(
        dossier.criteria_set.content,
        dossier.regime.rules,
        [{k: Decimal(str(v)) for k, v in s.answers.items()} for s in sheets],
        [s.total for s in sheets],
    )


@transaction.atomic
def close_session(actor, session: CouncilSession) -> list[Dossier]:
    """End scoring: every product's result is computed from its members' sheets."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    seat = Seat.objects.filter(
        session=session, user=actor, role__in=[Seat.Role.SECRETARY, Seat.Role.CHAIR]
    ).exists()
    if not (
        seat or Scope.of(actor).covers(session.division, SECRETARY_ROLES - {Role.COUNCIL_SECRETARY})
    ):
        raise PermissionDenied(
            "Chỉ thư ký, chủ tịch Hội đồng hoặc Văn phòng điều phối được kết thúc phiên."
        )
    if session.state != CouncilSession.State.OPEN:
        fail("session", "Phiên họp đã kết thúc.")
    dossiers = list(
        session.dossiers.filter(state=Dossier.State.IN_SESSION).select_related(
            "criteria_set", "regime"
        )
    )
    missing = [str(d.product) for d in dossiers if not d.sheets.exists()]
    if missing:
        fail("session", f"Chưa có phiếu đánh giá cho: {', '.join(missing)}.")
    for d in dossiers:
        r = ranking(d)
        d.mean_score, d.band, d.stars = r.mean, r.band, r.stars
        d.result = r.as_dict()
        d.evaluated_on = session.held_on
        if r.stars not in d.regime.certified_stars:
            target = Dossier.State.NOT_RECOGNISED
        elif d.regime.recognising_level(r.stars) == "central":
            target = Dossier.State.FORWARDED_CENTRAL
        else:
            target = Dossier.State.SCORED
        _move(
            d,
            target,
            f"Điểm trung bình {r.mean}, {r.stars} sao",
            ("mean_score", "band", "stars", "result", "evaluated_on"),
        )
    before = session.state
    session.state = CouncilSession.State.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["state", "closed_at"])
    record_transition(session, before, session.state)
    return dossiers


# -- decisions and certificates --------------------------------------------------------------------


def get_or_create_decision(
    actor,
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    division: Division,
    kind: str,
    subject: str,
    signer: str = "",
) -> Decision:
    if not number.strip():
        fail("number", "Cần số quyết định.")
    if not issuer.strip():
        fail("issuer", "Cần cơ quan ban hành.")
    existing = Decision.objects.filter(issuer=issuer, number=number, signed_on=signed_on).first()
    if existing is not None:
        if existing.kind != kind:
            fail("number", f"Quyết định {number} đã được ghi nhận với nội dung khác.")
        return existing
    return Decision.objects.create(
        number=number.strip(),
        signed_on=signed_on,
        effective_on=signed_on,
        issuer=issuer.strip(),
        signer=signer,
        subject=subject[:500],
        kind=kind,
        division=division,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _certificate_number(product: Product, issued_on: dt.date) -> str:
    province = resolve(product.division, Level.PROVINCE)
    prefix = f"OCOP-{province.code if province else 'VN'}-{issued_on.year}-"
    n = Certificate.objects.filter(number__startswith=prefix).count() + 1
    while Certificate.objects.filter(number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


def issue_certificate(
    actor,
    *,
    product: Product,
    decision: Decision,
    stars: int,
    issued_on: dt.date,
    regime: Regime,
    dossier: Dossier | None = None,
    score: Decimal | None = None,
    number: str = "",
    expires_on: dt.date | None = None,
) -> Certificate:
    """Issue a certificate; a product's earlier certificate is superseded (re-evaluation/upgrade).

    Never issues for a star the regime does not certify, nor above the dossier's result."""
    if stars not in regime.certified_stars:
        fail("stars", f"Hạng {stars} sao không được cấp giấy chứng nhận.")
    if dossier is not None and dossier.kind != Dossier.Kind.IMPORTED:
        if dossier.stars is None or stars > dossier.stars:
            fail("stars", "Kết quả chấm điểm không cho phép cấp hạng sao này.")
        if dossier.criteria_set_id:
            again = ranking(dossier)
            if again.stars != dossier.stars or again.mean != dossier.mean_score:
                fail(
                    "dossier",
                    "Kết quả lưu khác kết quả tính lại từ phiếu đánh giá; không cấp giấy chứng nhận.",
                )
    months = int(regime.rules.get("certificate_months", 36))
    previous = (
        Certificate.objects.filter(product=product, issued_on__lte=issued_on)
        .exclude(superseded_by__isnull=False)
        .order_by("-issued_on", "-id")
        .first()
    )
    reason = ""
    if previous is not None:
        reason = {
            Dossier.Kind.UPGRADE: "Nâng hạng",
            Dossier.Kind.RENEWAL: "Đánh giá lại",
        }.get(dossier.kind if dossier else "", "Đánh giá lại, cấp giấy chứng nhận mới")
    cert = Certificate(
        number=number or _certificate_number(product, issued_on),
        product=product,
        producer=product.producer,
        division=product.division,
        dossier=dossier,
        decision=decision,
        regime=regime,
        stars=stars,
        score=score,
        issued_on=issued_on,
        expires_on=expires_on or expiry_date(issued_on, months),
        supersedes=previous,
        correction_reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    cert.save()
    transaction.on_commit(lambda: _changed(product.division, issued_on))
    return cert


@transaction.atomic
def recognise(
    actor,
    dossiers: list[Dossier],
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    signer: str = "",
) -> tuple[Decision, list[Certificate]]:
    """The province's recognition decision (quyết định công nhận) for scored 3★/4★ products."""
    if not dossiers:
        fail("dossiers", "Chọn ít nhất một sản phẩm.")
    province = resolve(dossiers[0].product.division, Level.PROVINCE)
    _require_province(actor, province)
    for d in dossiers:
        if not d.product.division.path.startswith(province.path):
            fail("dossiers", "Các sản phẩm của một quyết định phải cùng một tỉnh.")
        if d.state != Dossier.State.SCORED:
            fail("dossiers", f"«{d.product}»: hồ sơ chưa được Hội đồng chấm xong hoặc không đạt.")
        if d.regime.recognising_level(d.stars) not in ("province", "district"):
            fail("dossiers", f"«{d.product}»: hạng {d.stars} sao không do tỉnh công nhận.")
    decision = get_or_create_decision(
        actor,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        division=province,
        kind="ocop_recognition",
        subject=f"Công nhận {len(dossiers)} sản phẩm đạt chuẩn OCOP",
        signer=signer,
    )
    certs = []
    for d in dossiers:
        certs.append(
            issue_certificate(
                actor,
                product=d.product,
                decision=decision,
                stars=d.stars,
                issued_on=signed_on,
                regime=d.regime,
                dossier=d,
                score=d.mean_score,
            )
        )
        _move(d, Dossier.State.RECOGNISED, f"Quyết định {number}")
    return decision, certs


@transaction.atomic
def record_central_result(
    actor, dossier: Dossier, *, stars: int, number: str, signed_on: dt.date, issuer: str
) -> Certificate | None:
    """Record the ministry's decision on a product forwarded for 5★ (or the lower rank it gave)."""
    province = resolve(dossier.product.division, Level.PROVINCE)
    _require_province(actor, province)
    _require_state(dossier, Dossier.State.FORWARDED_CENTRAL)
    if stars > (dossier.stars or 0):
        fail("stars", "Hạng sao Trung ương công nhận không vượt kết quả của hồ sơ.")
    if stars not in dossier.regime.certified_stars:
        dossier.stars = stars
        dossier.save(update_fields=["stars"])
        _move(dossier, Dossier.State.NOT_RECOGNISED, f"Trung ương: {stars} sao")
        return None
    decision = get_or_create_decision(
        actor,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        division=province,
        kind="ocop_recognition",
        subject=f"Công nhận sản phẩm OCOP {stars} sao",
    )
    # Issued while the dossier still holds the council's result, so that the check against the
    # result recomputed from the sheets compares like with like; a lower rank given by the ministry
    # (never a higher one) is then kept on the dossier.
    cert = issue_certificate(
        actor,
        product=dossier.product,
        decision=decision,
        stars=stars,
        issued_on=signed_on,
        regime=dossier.regime,
        dossier=dossier,
        score=dossier.mean_score,
    )
    dossier.stars = stars
    dossier.save(update_fields=["stars"])
    _move(dossier, Dossier.State.RECOGNISED, f"Quyết định {number}")
    return cert


@transaction.atomic
def revoke(
    actor,
    certificate: Certificate,
    *,
    reason: str,
    number: str,
    signed_on: dt.date,
    issuer: str,
    revoked_on: dt.date | None = None,
) -> Revocation:
    province = resolve(certificate.division, Level.PROVINCE)
    _require_province(actor, province)
    if not reason.strip():
        fail("reason", "Cần nêu lý do thu hồi.")
    if Revocation.objects.filter(certificate=certificate).exists():
        fail("certificate", "Giấy chứng nhận này đã bị thu hồi.")
    decision = get_or_create_decision(
        actor,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        division=province,
        kind="ocop_revocation",
        subject=f"Thu hồi giấy chứng nhận OCOP {certificate.number}",
    )
    revocation = Revocation.objects.create(
        certificate=certificate,
        decision=decision,
        revoked_on=revoked_on or signed_on,
        reason=reason.strip()[:500],
    )
    record_transition(certificate, "valid", "revoked", reason[:200])
    transaction.on_commit(lambda: _changed(certificate.division, revocation.revoked_on))
    return revocation


# -- figures other apps read -----------------------------------------------------------------------


def valid_products(division: Division, on: dt.date, min_stars: int = 3) -> int:
    """Products with a certificate valid on `on` (issued ≤ on < expiry, not revoked, ≥ min_stars)
    whose producer is located in `division` or below it (old units included)."""
    return (
        Certificate.objects.valid_on(on)
        .filter(stars__gte=min_stars, producer__division__path__startswith=division.path)
        .values("product_id")
        .distinct()
        .count()
    )


# -- notices ---------------------------------------------------------------------------------------


def _recipients(cert: Certificate) -> list:
    """The holder's producer users and the officers of the product's commune."""
    memberships = list(
        Membership.objects.filter(
            role=Role.PRODUCER, producer_ref=cert.producer.code
        ).select_related("user")
    )
    commune = _commune_of(cert.division)
    if commune is not None:
        memberships += list(
            Membership.objects.filter(role=Role.COMMUNE_OFFICER, division=commune).select_related(
                "user"
            )
        )
    return list({m.user_id: m.user for m in memberships}.values())


def send_expiry_notices(today: dt.date | None = None) -> dict:
    """Tell holders and their commune that a certificate expires within the regime's notice period
    (30 days): once per certificate, in-app and by e-mail where an address is known."""
    today = today or timezone.localdate()
    longest = max((int(r.rules.get("notice_days", 30)) for r in Regime.objects.all()), default=30)
    candidates = (
        Certificate.objects.valid_on(today)
        .filter(expires_on__lte=today + dt.timedelta(days=longest), expiry_notice__isnull=True)
        .select_related("product", "producer", "division", "regime")
    )
    certificates = notified = mails = 0
    for cert in candidates:
        days = (cert.expires_on - today).days
        if days > int(cert.regime.rules.get("notice_days", 30)):
            continue
        with transaction.atomic():
            _notice, created = ExpiryNotice.objects.get_or_create(
                certificate=cert, defaults={"sent_on": today}
            )
            if not created:
                continue
            title = (
                f"Giấy chứng nhận OCOP {cert.number} ({cert.product}) hết hiệu lực ngày "
                f"{vn_date(cert.expires_on)}"
            )
            body = (
                f"Sản phẩm «{cert.product}» của {cert.producer} ({cert.stars} sao) có giấy chứng nhận "
                f"số {cert.number} hết hiệu lực ngày {vn_date(cert.expires_on)} (còn {days} ngày). "
                "Chủ thể cần nộp hồ sơ đánh giá lại (phiếu đăng ký và báo cáo cập nhật kết quả 3 năm)."
            )
            link = reverse("ocop:certificate", args=[cert.pk])
            emails = {cert.producer.email} if cert.producer.email else set()
            for user in _recipients(cert):
                _n, new = Notification.objects.get_or_create(
                    user=user,
                    key=f"expiry:{cert.pk}",
                    defaults={"title": title[:255], "body": body, "link": link},
                )
                notified += int(new)
                if user.email:
                    emails.add(user.email)
            certificates += 1
        if emails:
            send_mail(
                title,
                f"{body}\n\n{settings.SITE_URL}{link}",
                None,
                sorted(emails),
                fail_silently=True,
            )
            mails += len(emails)
    return {"certificates": certificates, "notified": notified, "emails": mails}
