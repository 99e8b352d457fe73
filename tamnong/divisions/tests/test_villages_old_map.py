"""A village may be created under a commune of the old map (a model village recognised in 2020
under its old commune) and keeps its identity when its commune is merged: the same lineage as
communes (issue 16)."""

import datetime as dt

import pytest
from django.urls import reverse

from tamnong.divisions.models import Division, Level, Lineage
from tamnong.divisions.services import (
    VillageError,
    add_village,
    as_of,
    load_divisions,
    resolve,
    within_q,
)


def test_a_village_of_an_old_commune_has_a_successor_below_the_new_commune(personas, geo):
    old = add_village(personas.coordinator, geo.old_commune_binh, name="Thôn Bình Một", kind="thon")
    assert (old.map.key, old.parent, old.valid_to) == (
        "old",
        geo.old_commune_binh,
        dt.date(2025, 6, 30),
    )
    link = Lineage.objects.get(predecessor=old)
    new = link.successor
    assert (new.map.key, new.parent, new.name, new.code) == (
        "new",
        geo.commune_a,
        "Thôn Bình Một",
        old.code,
    )
    assert (link.kind, link.primary, link.effective_date) == ("keep", True, dt.date(2025, 7, 1))
    assert resolve(old) == new and as_of(new, dt.date(2020, 5, 1)) == old
    assert old.path.startswith(new.path) and new.path.startswith(geo.commune_a.path)
    # counted under the old commune, its old district, and the new commune
    for unit in (geo.old_commune_binh, geo.old_district, geo.commune_a, geo.province):
        assert Division.objects.filter(within_q(unit, ""), pk=old.pk).exists(), unit
    assert not Division.objects.filter(within_q(geo.commune_c, ""), pk=old.pk).exists()
    # loading the map again does not move it onto the new map
    load_divisions(__import__("tamnong.conftest", fromlist=["MINI"]).MINI)
    old.refresh_from_db()
    assert (old.map.key, old.parent_id) == ("old", geo.old_commune_binh.pk)


def test_two_old_villages_may_become_one(personas, geo):
    u = personas.coordinator
    with pytest.raises(VillageError, match="Thôn A1"):
        add_village(u, geo.old_commune_an, name="Thôn A1", kind="thon")  # already below An Bình
    a1 = geo.villages["A1"]
    first = add_village(u, geo.old_commune_an, name="Thôn A1", kind="thon", successor=a1)
    second = add_village(u, geo.old_commune_binh, name="Thôn Bình", kind="thon", successor=a1)
    kinds = dict(Lineage.objects.filter(successor=a1).values_list("predecessor_id", "kind"))
    assert kinds == {first.pk: "keep", second.pk: "merge"}
    with pytest.raises(VillageError, match="phải thuộc Xã An Bình"):
        add_village(u, geo.old_commune_an, name="Thôn X", kind="thon", successor=geo.villages["C1"])


def test_the_unit_page_adds_a_village_to_an_old_commune(client, personas, geo):
    client.force_login(personas.alice)  # officer of Xã An Bình: Xã An is inside it
    url = reverse("divisions:detail", args=[geo.old_commune_an.pk])
    r = client.post(url, {"name": "Thôn Cũ", "kind": "thon"})
    assert r.status_code == 302, r.content.decode()[:500]
    old = Division.objects.get(parent=geo.old_commune_an, level=Level.VILLAGE)
    assert resolve(old).parent == geo.commune_a
    r = client.post(url, {"name": "Thôn Mới", "kind": "thon", "successor_code": "nope"})
    assert r.status_code == 400 and "Không có thôn mã nope" in r.content.decode()
    client.force_login(personas.bob)
    assert client.post(url, {"name": "Thôn Khác", "kind": "thon"}).status_code == 403
