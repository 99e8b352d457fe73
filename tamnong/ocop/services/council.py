"""OCOP council sessions (phiên Hội đồng đánh giá, phân hạng): seats, members' score sheets, ranking,
closing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import COUNCIL_ROLES, PROVINCE_ROLES, SECRETARY_ROLES
from tamnong.access.scope import Scope
from tamnong.accounts.models import Membership, Role
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, record_transition
from tamnong.divisions.models import Division, Level

from .. import criteria as crit
from .. import transition
from ..models import (
    CouncilSession,
    Dossier,
    Regime,
    ScoreSheet,
    Seat,
)
from ._base import _move, fail
from .dossiers import _require_state


def _require_province(actor, division: Division) -> None:
    if not Scope.of(actor).covers(division, PROVINCE_ROLES):
        raise PermissionDenied(_("Chỉ Văn phòng điều phối/Sở ngành cấp tỉnh được thực hiện."))


def _check_seat_users(division: Division, users: list) -> None:
    if len({u.pk for u in users}) != len(users):
        fail("seats", _("Một người chỉ giữ một vị trí trong phiên."))
    for user in users:
        if not Scope.of(user).covers(division, COUNCIL_ROLES):
            fail(
                "seats",
                _("%(user)s không có vai trò Hội đồng/cán bộ tỉnh trên %(division)s.")
                % {"user": user, "division": division},
            )


@transaction.atomic
def create_session(
    actor, *, division: Division, name: str, held_on: dt.date, seats: list[tuple]
) -> CouncilSession:
    """Set up a council session with its members, secretary and advisory team."""
    _require_province(actor, division)
    if division.level != Level.PROVINCE or not division.is_current:
        fail("division", _("Hội đồng được thành lập ở cấp tỉnh (bản đồ hiện hành)."))
    regime = Regime.on(held_on)
    if regime is None:
        fail("held_on", _("Không có chế độ đánh giá OCOP cho ngày này."))
    scorers = [u for u, role in seats if role in Seat.SCORING]
    if not scorers:
        fail("seats", _("Hội đồng cần ít nhất một thành viên chấm điểm."))
    if not any(role == Seat.Role.SECRETARY for _u, role in seats):
        fail("seats", _("Hội đồng cần có thư ký."))
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
            _("Chỉ Văn phòng điều phối cấp tỉnh hoặc thư ký phiên được bổ sung thành phần.")
        )
    if session.state != CouncilSession.State.OPEN:
        fail("seats", _("Phiên họp đã kết thúc, không bổ sung thành phần."))
    if not seats:
        fail("seats", _("Chưa chọn người cần bổ sung."))
    if any(role not in Seat.Role.values for _u, role in seats):
        fail("seats", _("Vai trò trong phiên không hợp lệ."))
    if (
        any(role in Seat.SCORING for _u, role in seats)
        and ScoreSheet.objects.filter(session=session).exists()
    ):
        fail(
            "seats",
            _(
                "Đã có phiếu chấm điểm trong phiên: chỉ bổ sung được thư ký hoặc tổ tư vấn, không bổ sung thành viên chấm điểm."
            ),
        )
    users = [u for u, _r in seats]
    _check_seat_users(session.division, users)
    seated = set(
        Seat.objects.filter(session=session, user__in=users).values_list(
            "user__username", flat=True
        )
    )
    if seated:
        fail("seats", _("Đã có trong phiên: %(items)s.") % {"items": ", ".join(sorted(seated))})
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
        fail("session", _("Phiên họp đã kết thúc."))
    for d in dossiers:
        if not d.product.division.path.startswith(session.division.path):
            fail(
                "dossiers",
                _("Hồ sơ «%(dossier)s» không thuộc địa bàn của Hội đồng.") % {"dossier": d},
            )
        _require_state(d, Dossier.State.FORWARDED)
        if transition.past_deadline(d, session.held_on):
            fail("dossiers", transition.deadline_message(d))
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
                    _(
                        "Tiêu chí %(code)s do UBND xã đánh giá (%(pts)s điểm); thành viên Hội đồng không chấm lại."
                    )
                    % {"code": code, "pts": pts},
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
                raise PermissionDenied(_("Chỉ thành viên Hội đồng của phiên này được chấm điểm."))
            if locked.state != CouncilSession.State.OPEN:
                fail("session", _("Phiên họp đã kết thúc, không nhận thêm phiếu."))
            dossier = Dossier.objects.select_related("criteria_set", "regime", "product").get(
                pk=dossier.pk
            )
            if dossier.session_id != locked.pk:
                fail("dossier", _("Sản phẩm không thuộc phiên họp này."))
            _require_state(dossier, Dossier.State.IN_SESSION)
            if ScoreSheet.objects.filter(dossier=dossier, member=actor).exists():
                fail("member", _("Bạn đã nộp phiếu cho sản phẩm này."))
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
        fail("member", _("Bạn đã nộp phiếu cho sản phẩm này."))


def ranking(dossier: Dossier) -> crit.Ranking:
    sheets = list(dossier.sheets.all())
    return crit.rank(
        dossier.criteria_set.content,
        dossier.regime.rules,
        [{k: Decimal(str(v)) for k, v in s.answers.items()} for s in sheets],
        [s.total for s in sheets],
    )


def council_candidates(division: Division) -> list:
    """People who may sit on a council of `division`: active users holding a council role
    (COUNCIL_ROLES) on the division or a unit above it; the lists of the session pages."""
    users = {}
    for m in (
        Membership.objects.filter(role__in=COUNCIL_ROLES, user__is_active=True)
        .select_related("user", "division")
        .order_by("user__full_name", "user__username")
    ):
        if division.path.startswith(m.division.path):
            users.setdefault(m.user_id, m.user)
    return list(users.values())


@dataclass
class ProductCheck:
    dossier: Dossier
    sheets: int
    missing: list  # scoring members without a sheet for this product
    quorum: bool


@dataclass
class CloseCheck:
    """What closing a session would meet: per product, who has not submitted and whether the
    quorum (regime data `council_quorum`) is reached."""

    seats: int  # scoring seats (chair and members)
    required: int  # sheets each product needs
    products: list[ProductCheck] = field(default_factory=list)

    @property
    def below_quorum(self) -> list[ProductCheck]:
        return [p for p in self.products if not p.quorum]

    @property
    def missing(self) -> list[ProductCheck]:
        return [p for p in self.products if p.missing]


def close_check(session: CouncilSession) -> CloseCheck:
    scorers = [s.user for s in session.seats.filter(role__in=Seat.SCORING).select_related("user")]
    required = session.regime.quorum_of(len(scorers))
    check = CloseCheck(seats=len(scorers), required=required)
    for d in session.dossiers.filter(state=Dossier.State.IN_SESSION).select_related("product"):
        done = set(d.sheets.values_list("member_id", flat=True))
        check.products.append(
            ProductCheck(
                dossier=d,
                sheets=len(done),
                missing=[u for u in scorers if u.pk not in done],
                quorum=len(done) >= required,
            )
        )
    return check


def _names(users) -> str:
    return ", ".join(str(getattr(u, "full_name", "") or u) for u in users)


@transaction.atomic
def close_session(
    actor, session: CouncilSession, *, confirm_missing: bool = False
) -> list[Dossier]:
    """End scoring: every product's result is computed from its members' sheets.

    Refused while a product has fewer sheets than the quorum; when every product has its quorum
    but some members have not submitted, the close needs `confirm_missing` (the confirmation page
    lists them), and the absent members are written into the audit trail."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    seat = Seat.objects.filter(
        session=session, user=actor, role__in=[Seat.Role.SECRETARY, Seat.Role.CHAIR]
    ).exists()
    if not (
        seat or Scope.of(actor).covers(session.division, SECRETARY_ROLES - {Role.COUNCIL_SECRETARY})
    ):
        raise PermissionDenied(
            _("Chỉ thư ký, chủ tịch Hội đồng hoặc Văn phòng điều phối được kết thúc phiên.")
        )
    if session.state != CouncilSession.State.OPEN:
        fail("session", _("Phiên họp đã kết thúc."))
    # A dossier filed under a replaced regime and not finished in the transition period (Điều 12.2
    # QĐ 26/2026) cannot be scored under that regime on the session's day: it lapses.
    transition.lapse_overdue(
        session.held_on, list(session.dossiers.filter(state=Dossier.State.IN_SESSION))
    )
    check = close_check(session)
    if check.below_quorum:
        fail(
            "session",
            _(
                "Chưa đủ số phiếu để kết thúc phiên: mỗi sản phẩm cần ít nhất %(required)s/%(seats)s "
                "phiếu của thành viên chấm điểm. Còn thiếu: %(products)s."
            )
            % {
                "required": check.required,
                "seats": check.seats,
                "products": "; ".join(
                    _("%(product)s (%(sheets)s phiếu)")
                    % {"product": p.dossier.product, "sheets": p.sheets}
                    for p in check.below_quorum
                ),
            },
        )
    if check.missing and not confirm_missing:
        fail(
            "confirm",
            _("Còn thành viên chưa nộp phiếu: %(missing)s. Cần xác nhận để kết thúc phiên.")
            % {
                "missing": "; ".join(
                    f"{p.dossier.product}: {_names(p.missing)}" for p in check.missing
                )
            },
        )
    dossiers = [p.dossier for p in check.products]
    for d in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).select_related(
        "criteria_set", "regime", "product"
    ):
        r = ranking(d)
        d.mean_score, d.band, d.stars = r.mean, r.band, r.stars
        d.result = r.as_dict()
        d.evaluated_on = session.held_on
        if r.stars not in d.regime.certified_stars:
            target = Dossier.State.NOT_RECOGNISED  # no decision, no certificate (Điều 4.1.a)
            transition.end_extension(d, session.held_on)
        elif d.regime.forwards_to_central(r.mean, r.stars):
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
    note = ""
    if check.missing:
        note = "Kết thúc khi còn thành viên chưa nộp phiếu: " + "; ".join(
            f"{p.dossier.product}: {', '.join(u.username for u in p.missing)}"
            for p in check.missing
        )
    record_transition(session, before, session.state, note[:500])
    return list(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).order_by("pk"))


def result_reasons(dossier: Dossier) -> list[str]:
    """Why a closed product got fewer stars than its score band, or no certificate: each failed
    mandatory criterion with how many sheets met it, or a mean below the lowest certified band."""
    result = dossier.result or {}
    if dossier.stars is None or not result:
        return []
    from tamnong.core.templatetags.vn import vn_number

    out = []
    failed = result.get("failed") or []
    if failed:
        out.append(
            _(
                "Điểm trung bình đạt mức %(band)s sao nhưng không đạt tiêu chí bắt buộc cho %(star)s sao:"
            )
            % {"band": result.get("band", dossier.band), "star": failed[0]["star"]}
        )
        for f in failed:
            need = (
                _("tối thiểu %(points)s điểm") % {"points": f["required"]}
                if f.get("required") is not None
                else _("trên 0 điểm")
            )
            out.append(
                _("Tiêu chí %(code)s «%(name)s» (cần %(need)s): %(met)s/%(sheets)s phiếu đạt.")
                % {
                    "code": f["criterion"],
                    "name": f["name"],
                    "need": need,
                    "met": f["met"],
                    "sheets": f["sheets"],
                }
            )
    certified = dossier.regime.certified_stars if dossier.regime_id else []
    if certified and dossier.band is not None and dossier.band < min(certified):
        lowest = min(certified)
        floor = next(
            (
                b["min"]
                for b in dossier.regime.rules.get("star_bands", [])
                if int(b["stars"]) == lowest
            ),
            None,
        )
        out.append(
            _("Điểm trung bình %(mean)s dưới %(min)s điểm, mức tối thiểu để đạt %(star)s sao.")
            % {"mean": vn_number(dossier.mean_score, 2), "min": floor, "star": lowest}
        )
    return out
