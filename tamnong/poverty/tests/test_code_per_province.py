"""Issue 15: a household code is unique within a province only, so the central level looking a
household up by its code alone finds it in every province, each with its province shown."""

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.accounts.models import Membership, Role, User
from tamnong.conftest import PASSWORD
from tamnong.poverty.importing import import_file
from tamnong.testing.poverty import row, write_xlsx


@pytest.fixture
def twice(geo, personas, tmp_path, settings):
    """H-7 in Tỉnh Mới (01) and in Tỉnh Khác (09); A-1 in Tỉnh Mới only."""
    settings.MEDIA_ROOT = tmp_path
    here = [row("H-7", head="Trần Văn Mới"), row("A-1", head="Lê Thị An")]
    there = [row("H-7", commune="90001", head="Phạm Văn Khác")]
    for name, rows in (("ho-01.xlsx", here), ("ho-09.xlsx", there)):  # one file a province
        assert import_file(write_xlsx(tmp_path / name, rows), user=SYSTEM).ok, name
    return geo


@pytest.fixture
def central(twice):
    user = User.objects.create_user(username="vpdptw", password=PASSWORD)
    Membership.objects.create(user=user, division=None, role=Role.NATIONAL_COORDINATOR)
    return user


def test_the_central_level_finds_a_code_in_every_province(client, central, twice):
    client.force_login(central)
    html = client.get("/poverty/ho/", {"q": "H-7"}).content.decode()
    assert "Trần Văn Mới" in html and "Phạm Văn Khác" in html
    assert "Tỉnh Mới" in html and "Tỉnh Khác" in html  # each with its province
    assert "/poverty/ho/H-7/?province=01" in html and "/poverty/ho/H-7/?province=09" in html
    assert 'name="division"' not in html  # the next search spans the country too

    page = client.get("/poverty/ho/H-7/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="household-choices"' in html and "có ở 2 tỉnh, thành phố" in html
    assert "Tỉnh Mới" in html and "Tỉnh Khác" in html
    one = client.get("/poverty/ho/H-7/", {"province": "09"}).content.decode()
    assert "Phạm Văn Khác" in one and "Trần Văn Mới" not in one
    assert "Lê Thị An" in client.get("/poverty/ho/A-1/").content.decode()  # one match: shown
    assert client.get("/poverty/ho/A-1/", {"province": "09"}).status_code == 404

    listed = client.get("/api/v1/poverty/households", {"code": "H-7"}).json()["items"]
    assert [(h["province"], h["province_name"], h["head_name"]) for h in listed] == [
        ("01", "Tỉnh Mới", "Trần Văn Mới"),
        ("09", "Tỉnh Khác", "Phạm Văn Khác"),
    ]
    resp = client.get("/api/v1/poverty/households/H-7")
    assert resp.status_code == 409
    assert "01 Tỉnh Mới" in resp.json()["detail"] and "09 Tỉnh Khác" in resp.json()["detail"]
    resp = client.get("/api/v1/poverty/households/H-7", {"province": "09"})
    assert resp.status_code == 200 and resp.json()["head_name"] == "Phạm Văn Khác"


def test_a_provinces_officer_sees_their_own_household_only(client, personas, twice):
    client.force_login(personas.coordinator)
    one = client.get("/poverty/ho/H-7/")
    assert one.status_code == 200 and "Trần Văn Mới" in one.content.decode()
    assert client.get("/poverty/ho/H-7/", {"province": "09"}).status_code == 404
    html = client.get("/poverty/ho/", {"q": "H-7"}).content.decode()
    assert "Trần Văn Mới" in html and "Phạm Văn Khác" not in html
    body = client.get("/api/v1/poverty/households/H-7").json()
    assert (body["province"], body["head_name"]) == ("01", "Trần Văn Mới")
    listed = client.get("/api/v1/poverty/households", {"code": "H-7"}).json()["items"]
    assert [h["province"] for h in listed] == ["01"]
