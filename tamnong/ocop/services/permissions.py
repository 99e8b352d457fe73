"""What a user may do on a dossier or a council session: one answer for the pages and the API.

Council score sheets (phiếu chấm điểm) while a session is open: members score independently, so
the sheets are shown only to those who run the session, the province staff of its scope
(`PROVINCE_ROLES`) and the session's secretary (the same people who manage its seats); every
other reader, members included, sees them once the session is closed. Submission counts are not
secret (the session page shows how many sheets each dossier has).
"""

from __future__ import annotations

from dataclasses import dataclass

from tamnong.access.roles import EDITOR_ROLES, PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.divisions.models import Level
from tamnong.divisions.services import resolve

from ..models import CouncilSession, Dossier, Seat
from .certificates import may_record_central_result
from .council import can_manage_seats
from .registry import can_act_for


def can_see_sheets(user, session: CouncilSession | None) -> bool:
    """May `user` read the members' score sheets of `session` now?"""
    if session is None or session.state != CouncilSession.State.OPEN:
        return True
    return can_manage_seats(user, session)


def dossier_sheets_visible(user, dossier: Dossier) -> bool:
    """The sheets of a dossier: hidden while it is in an open session, except to those who run it."""
    if dossier.state != Dossier.State.IN_SESSION:
        return True
    return can_see_sheets(user, dossier.session)


@dataclass(frozen=True)
class DossierPermissions:
    producer: bool  # fill in the self-assessment, add files, submit (draft or returned)
    commune: bool  # the commune's assessment (submitted)
    province: bool  # province staff of the product's scope
    central: bool  # record the ministry's decision (forwarded to the ministry)
    sheets: bool  # read the council members' sheets


def dossier_permissions(user, dossier: Dossier) -> DossierPermissions:
    scope = Scope.of(user)
    division = dossier.product.division
    is_province = scope.covers(division, PROVINCE_ROLES)
    return DossierPermissions(
        producer=can_act_for(user, dossier.product.producer)
        and dossier.state in (Dossier.State.DRAFT, Dossier.State.RETURNED),
        commune=scope.covers(division, EDITOR_ROLES) and dossier.state == Dossier.State.SUBMITTED,
        province=is_province,
        central=dossier.state == Dossier.State.FORWARDED_CENTRAL
        and may_record_central_result(user, resolve(division, Level.PROVINCE) or division),
        sheets=dossier_sheets_visible(user, dossier),
    )


@dataclass(frozen=True)
class SessionPermissions:
    staff: bool  # province staff of the session's scope: add dossiers, recognise
    close: bool  # end the scoring
    seats: bool  # add people to the session
    sheets: bool  # read the members' sheets now


def session_permissions(
    user, session: CouncilSession, seat: Seat | None = None
) -> SessionPermissions:
    staff = Scope.of(user).covers(session.division, PROVINCE_ROLES)
    is_open = session.state == CouncilSession.State.OPEN
    return SessionPermissions(
        staff=staff,
        close=is_open
        and (staff or (seat is not None and seat.role in (Seat.Role.SECRETARY, Seat.Role.CHAIR))),
        seats=is_open and can_manage_seats(user, session),
        sheets=can_see_sheets(user, session),
    )
