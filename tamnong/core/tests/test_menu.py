"""Menus show only what the role may open (issue 11, defect 3)."""

from django.urls import reverse

from tamnong.accounts.models import Role
from tamnong.conftest import PASSWORD
from tamnong.testing.ocop import user_with


def menu_links(client):
    html = client.get("/").content.decode()
    return html.split("<nav", 1)[1].split("</nav>", 1)[0]


def test_a_producer_does_not_see_poverty_or_reports(client, geo):
    user_with("sanxuat", geo.commune_a, Role.PRODUCER, producer_ref="P-1")
    client.login(username="sanxuat", password=PASSWORD)
    nav = menu_links(client)
    assert reverse("poverty:index") not in nav and reverse("reports:index") not in nav
    assert reverse("ocop:index") in nav


def test_an_officer_sees_poverty_and_reports(client, personas):
    client.login(username="alice", password=PASSWORD)
    nav = menu_links(client)
    assert reverse("poverty:index") in nav and reverse("reports:index") in nav
