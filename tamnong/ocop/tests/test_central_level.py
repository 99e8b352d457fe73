"""The ministry's 5★ decision is recorded at the central level: the national coordinator (every
province) or the province's staff; a national leader reads only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.accounts.models import Membership, Role, User
from tamnong.ocop import services
from tamnong.ocop.models import Dossier
from tamnong.testing.ocop import (
    answers,
    council,
    forwarded_dossier,
    install_synthetic,
    producer_and_product,
)


def national(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="Mat-khau-thu-1")
    Membership.objects.create(user=user, division=None, role=role)
    return user


@pytest.fixture
def forwarded(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product, commune_b=20)
    session, members = council(geo, personas)
    services.add_to_session(personas.coordinator, session, [dossier])
    for m in members:
        services.submit_sheet(m, session, dossier, answers(a=20, b=20, m=25, c=35))
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.FORWARDED_CENTRAL
    return dossier


MINISTRY = {
    "number": "321/QĐ-BNNMT",
    "signed_on": dt.date(2026, 1, 15),
    "issuer": "Bộ Nông nghiệp và Môi trường",
}


def test_the_national_coordinator_records_the_ministrys_5_star_decision(forwarded):
    coordinator = national("vpdptw", Role.NATIONAL_COORDINATOR)
    assert services.dossier_permissions(coordinator, forwarded).central
    cert = services.record_central_result(coordinator, forwarded, stars=5, **MINISTRY)
    assert cert.stars == 5 and cert.decision.kind == "ocop_recognition"
    assert cert.decision.issuer == "Bộ Nông nghiệp và Môi trường"
    assert cert.decision.created_by == coordinator
    forwarded.refresh_from_db()
    assert forwarded.state == Dossier.State.RECOGNISED


@pytest.mark.parametrize("who", ["national_leader", "leader", "outsider", "alice"])
def test_readers_and_other_provinces_cannot_record_it(who, forwarded, personas):
    user = (
        national("tw", Role.NATIONAL_LEADER) if who == "national_leader" else getattr(personas, who)
    )
    assert not services.dossier_permissions(user, forwarded).central
    with pytest.raises(PermissionDenied):
        services.record_central_result(user, forwarded, stars=5, **MINISTRY)
    forwarded.refresh_from_db()
    assert forwarded.state == Dossier.State.FORWARDED_CENTRAL


def test_the_national_coordinator_does_not_take_the_provinces_steps(forwarded, geo, personas):
    coordinator = national("vpdptw", Role.NATIONAL_COORDINATOR)
    perms = services.dossier_permissions(coordinator, forwarded)
    assert not perms.province and not perms.commune and not perms.producer
    with pytest.raises(PermissionDenied):
        services.create_session(
            coordinator,
            division=geo.province,
            name="Phiên TW",
            held_on=dt.date(2025, 10, 1),
            seats=[],
        )
