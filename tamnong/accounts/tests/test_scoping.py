import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.access.scope import Scope
from tamnong.accounts.models import Membership, Role
from tamnong.audit.context import Actor, acting
from tamnong.decisions.models import Decision
from tamnong.testing.decisions import decision as record


def decision(division, number):
    with acting(Actor(origin="test")):
        return record(
            division, number, signed_on=dt.date(2025, 8, 1), issuer="UBND", subject="Công nhận",
            kind="test",
        )  # fmt: skip


@pytest.fixture
def decisions(geo):
    return {
        "province": decision(geo.province, "1/QĐ-UBND"),
        "a": decision(geo.commune_a, "2/QĐ-UBND"),
        "a_village": decision(geo.villages["A1"], "3/QĐ-UBND"),
        "c": decision(geo.commune_c, "4/QĐ-UBND"),
        "old_binh": decision(geo.old_commune_binh, "5/QĐ-UBND"),  # pre-2025 record, old commune
        "old_chau": decision(geo.old_commune_chau, "6/QĐ-UBND"),
        "other": decision(geo.other_commune, "7/QĐ-UBND"),
    }


def visible(user, decisions):
    seen = set(Decision.objects.visible_to(user).values_list("pk", flat=True))
    return {k for k, d in decisions.items() if d.pk in seen}


def test_a_province_membership_covers_its_communes_villages_and_old_units(personas, decisions):
    assert visible(personas.coordinator, decisions) == {
        "province",
        "a",
        "a_village",
        "c",
        "old_binh",
        "old_chau",
    }


def test_a_commune_officer_sees_only_their_commune_including_its_old_predecessors(
    personas, decisions
):
    assert visible(personas.alice, decisions) == {"a", "a_village", "old_binh"}
    assert visible(personas.bob, decisions) == {"c", "old_chau"}


def test_a_commune_officer_cannot_change_another_communes_records(personas, geo):
    Scope.of(personas.alice).require_edit(geo.commune_a)
    with pytest.raises(PermissionDenied):
        Scope.of(personas.alice).require_edit(geo.commune_c)
    with pytest.raises(PermissionDenied):
        Scope.of(personas.alice).require_edit(geo.province)


def test_readers_cannot_edit(personas, geo):
    for who in ("leader", "council", "secretary", "producer"):
        assert not Scope.of(getattr(personas, who)).can_edit(geo.commune_a)


def test_other_provinces_and_users_without_roles_see_nothing(personas, decisions):
    assert visible(personas.outsider, decisions) == {"other"}
    assert visible(personas.nobody, decisions) == set()


def test_the_system_administrator_sees_everything(personas, decisions):
    assert visible(personas.admin, decisions) == set(decisions)


def test_a_producer_sees_only_its_own_records(personas, geo):
    # Records owned by producers are filtered on their producer reference, not on the map.
    Membership.objects.create(
        user=personas.bob, division=geo.commune_c, role=Role.PRODUCER, producer_ref="P-2"
    )
    rows = Membership.objects.filter(role=Role.PRODUCER)
    scope = Scope.of(personas.producer)
    own = scope.filter(rows, path_field=None, producer_field="producer_ref")
    assert set(own.values_list("producer_ref", flat=True)) == {"P-1"}
    # Producers get nothing from division paths even though their membership names a commune.
    assert scope.paths() == []
