"""access.lookups: units by code (current map first, or the map in force on a day), editable units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tamnong.access.actors import SYSTEM
from tamnong.access.lookups import editable_units, resolve_division
from tamnong.divisions.models import Level


def test_a_code_resolves_to_the_current_unit_then_to_the_map_in_force(geo, personas):
    assert resolve_division(personas.alice, "10001") == geo.commune_a
    old = geo.old_commune_an
    day = old.map.valid_to - dt.timedelta(days=1) if old.map.valid_to else None
    if day is not None:
        assert resolve_division(SYSTEM, "10001", on=day) == old


def test_unknown_is_404_and_outside_the_scope_is_403(geo, personas):
    with pytest.raises(Http404):
        resolve_division(personas.alice, "99999")
    with pytest.raises(PermissionDenied):
        resolve_division(personas.alice, "10003")
    with pytest.raises(PermissionDenied):
        resolve_division(personas.nobody, "")  # no unit at all


def test_editable_units_are_current_units_of_editor_memberships(geo, personas):
    assert set(editable_units(personas.alice, Level.COMMUNE)) == {geo.commune_a}
    assert not editable_units(personas.leader).exists()
    assert not editable_units(personas.producer).exists()
    province = set(editable_units(personas.coordinator, Level.COMMUNE))
    assert {geo.commune_a, geo.commune_c} <= province
    assert all(u.current_id == u.pk for u in province)
