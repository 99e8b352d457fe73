"""OCOP council sessions (phiên Hội đồng đánh giá, phân hạng): seats, members' score sheets, ranking,
closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tamnong.access.roles import COUNCIL_ROLES, PROVINCE_ROLES, SECRETARY_ROLES
from tamnong.access.scope import Scope
from tamnong.accounts.models import Role
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, record_transition
from tamnong.divisions.models import Division, Level

from .. import criteria as crit
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
