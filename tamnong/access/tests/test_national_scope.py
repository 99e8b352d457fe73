"""National roles: held on the country (a membership without a division), they read every
province; the national leader changes nothing; provincial scoping is unchanged."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from tamnong.access.lookups import default_division, editable_units, resolve_division
from tamnong.access.roles import PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.accounts.models import Membership, Role, User
from tamnong.accounts.services import grant_membership
from tamnong.audit.context import Actor, acting
from tamnong.decisions.models import Decision


def national(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="Mat-khau-thu-1")
    Membership.objects.create(user=user, division=None, role=role)
    return user


@pytest.fixture
def two_provinces(geo):
    with acting(Actor(origin="test")):
        return {
            name: Decision.objects.create(
                number=f"{i}/QĐ-UBND",
                signed_on=dt.date(2025, 8, 1),
                issuer="UBND",
                subject="Công nhận",
                kind="test",
                division=unit,
            )
            for i, (name, unit) in enumerate(
                (("province", geo.commune_a), ("other", geo.other_commune)), start=1
            )
        }


@pytest.mark.parametrize("role", [Role.NATIONAL_LEADER, Role.NATIONAL_COORDINATOR])
def test_a_national_role_sees_both_provinces(role, geo, two_provinces):
    user = national("tw", role)
    seen = set(Decision.objects.visible_to(user).values_list("pk", flat=True))
    assert {d.pk for d in two_provinces.values()} <= seen
    scope = Scope.of(user)
    assert scope.covers(geo.province) and scope.covers(geo.other_province)
    assert scope.covers(geo.old_commune_binh)  # old units resolve under a province too
    assert resolve_division(user, geo.other_province.pk) == geo.other_province


@pytest.mark.parametrize("role", [Role.NATIONAL_LEADER, Role.NATIONAL_COORDINATOR])
@pytest.mark.parametrize("where", ["province", "other_province", "commune_a", "other_commune"])
def test_a_national_role_cannot_write_a_provinces_records(role, where, geo):
    user = national("tw", role)
    scope = Scope.of(user)
    unit = getattr(geo, where)
    assert not scope.can_edit(unit)
    assert not scope.covers(unit, PROVINCE_ROLES)
    with pytest.raises(PermissionDenied):
        scope.require_edit(unit)
    assert not editable_units(user).exists()


@pytest.mark.parametrize(
    "persona, seen, hidden",
    [
        ("coordinator", "province", "other_province"),
        ("outsider", "other_province", "province"),
        ("leader", "province", "other_province"),
        ("alice", "commune_a", "other_commune"),
    ],
)
def test_a_provincial_member_still_cannot_see_another_province(
    persona, seen, hidden, personas, geo, two_provinces
):
    user = getattr(personas, persona)
    scope = Scope.of(user)
    assert not scope.is_national
    assert scope.covers(getattr(geo, seen))
    assert not scope.covers(getattr(geo, hidden))
    with pytest.raises(PermissionDenied):
        resolve_division(user, getattr(geo, hidden).pk)


def test_a_national_role_opens_on_a_province_like_an_administrator(geo):
    user = national("tw", Role.NATIONAL_LEADER)
    assert default_division(user) == default_division(geo.admin)


def test_a_national_role_has_no_division_and_a_provincial_role_has_one(geo):
    user = User.objects.create_user(username="x", password="Mat-khau-thu-1")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.create(user=user, division=geo.province, role=Role.NATIONAL_LEADER)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.create(user=user, division=None, role=Role.COORDINATOR)
    Membership.objects.create(user=user, division=None, role=Role.NATIONAL_LEADER)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.create(user=user, division=None, role=Role.NATIONAL_LEADER)


def test_only_an_administrator_gives_a_national_role(personas, geo):
    with pytest.raises(PermissionDenied):
        grant_membership(
            personas.coordinator, username="tw", division=None, role=Role.NATIONAL_LEADER
        )
    with pytest.raises(ValueError):
        grant_membership(geo.admin, username="tw", division=geo.province, role=Role.NATIONAL_LEADER)
    membership, _pw = grant_membership(
        geo.admin, username="tw", division=None, role=Role.NATIONAL_COORDINATOR
    )
    assert membership.division is None
    assert str(membership.unit_name) == "Toàn quốc"
