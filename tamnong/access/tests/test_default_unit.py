"""One default unit (issue 10): when no unit is named, every programme opens on the same one,
`access.lookups.default_division` — the broadest unit of the user's reading memberships, the
first province in force for an administrator (a producer's membership is not a unit it reads)."""

import pytest

from tamnong.access.lookups import default_division
from tamnong.ocop import figures as ocop_figures


def opened_on(client, user):
    client.force_login(user)
    ntm = client.get("/ntm/?format=json").json()["division"]["code"]
    ocop = client.get("/api/v1/ocop/figures").json()["division"]["code"]
    summary = client.get("/reports/summary/?period=2025").context["division"].code
    return {ntm, ocop, summary}


@pytest.mark.parametrize(
    "who,code", [("admin", "01"), ("coordinator", "01"), ("alice", "10001"), ("bob", "10003")]
)
def test_every_programme_opens_on_the_same_unit(client, personas, who, code):
    user = getattr(personas, who)
    assert default_division(user).code == code
    assert opened_on(client, user) == {code}


def test_a_producer_has_no_default_unit_to_read(personas, geo):
    assert default_division(personas.producer) is None
    with pytest.raises(Exception, match="Cần chọn đơn vị"):
        ocop_figures.parse_params(personas.producer, None, None)


def test_the_default_unit_is_named_on_a_map_or_a_day(personas, geo):
    assert default_division(personas.alice, map_key="old").map.key == "old"
    assert default_division(personas.admin, map_key="old").code == "01"
