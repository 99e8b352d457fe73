"""Every role × every main page and endpoint of the foundation.

Domain apps add their own matrices for their pages; this one covers what the platform serves.
Expected codes: 200 allowed; 302 to login for anonymous users; 401 for anonymous API calls;
403 for signed-in users outside their rights (and the attempt is logged).
"""

import pytest
from django.urls import reverse

from tamnong.audit.models import AuditEvent
from tamnong.conftest import PERSONA_NAMES

ROLES = [*PERSONA_NAMES, "anonymous"]

# page → set of personas allowed (others: 403, anonymous: 302 to login)
PAGES = {
    "home": set(ROLES),
    "divisions": set(ROLES) - {"anonymous"},
    "division_detail": set(ROLES) - {"anonymous"},
    "profile": set(ROLES) - {"anonymous"},
    "jobs": set(ROLES) - {"anonymous"},
    "audit": {"admin", "coordinator", "outsider"},
    "members": {"admin", "coordinator", "outsider"},
}
# who may add a village to Xã An Bình (commune A)
VILLAGE_EDITORS = {"admin", "coordinator", "department", "alice"}
# API: who may read the audit trail at all
API_AUDIT = {"admin", "coordinator", "outsider"}


def url_for(page, geo):
    return {
        "home": reverse("core:home"),
        "divisions": reverse("divisions:list"),
        "division_detail": reverse("divisions:detail", args=[geo.commune_a.pk]),
        "profile": reverse("accounts:profile"),
        "jobs": reverse("jobs:list"),
        "audit": reverse("audit:list"),
        "members": reverse("accounts:members"),
    }[page]


def as_persona(client, personas, who):
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    return client


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_access(client, personas, geo, who, page):
    as_persona(client, personas, who)
    response = client.get(url_for(page, geo))
    if who in PAGES[page]:
        assert response.status_code == 200
    elif who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
        assert AuditEvent.objects.filter(action="denied", actor=getattr(personas, who)).exists()


@pytest.mark.parametrize("who", ROLES)
def test_adding_a_village_to_commune_a(client, personas, geo, who):
    as_persona(client, personas, who)
    url = reverse("divisions:detail", args=[geo.commune_a.pk])
    response = client.post(url, {"name": f"Thôn mới {who}", "kind": "thon"})
    created = geo.commune_a.children.filter(name=f"Thôn mới {who}").exists()
    if who in VILLAGE_EDITORS:
        assert response.status_code == 302 and created
    else:
        assert response.status_code == (302 if who == "anonymous" else 403) and not created
        if who != "anonymous":
            assert AuditEvent.objects.filter(action="denied", actor=getattr(personas, who)).exists()


@pytest.mark.parametrize("who", ROLES)
def test_api_audit_access(client, personas, who):
    as_persona(client, personas, who)
    response = client.get("/api/v1/audit")
    if who == "anonymous":
        assert response.status_code == 401
    elif who in API_AUDIT:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", [r for r in ROLES if r != "anonymous"])
def test_api_me_and_divisions_need_only_a_login(client, personas, who):
    as_persona(client, personas, who)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/divisions?level=province").status_code == 200


def test_anonymous_api_calls_are_refused(client, geo):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/divisions").status_code == 401


# Reports: every role with a division in scope gets its dashboard and summary; producers (who see
# only their own records) and users without a role get 403; anonymous users go to the login page.
REPORT_READERS = set(ROLES) - {"producer", "nobody", "anonymous"}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", ["/reports/dashboard/", "/reports/summary/?period=2025"])
def test_report_access(client, personas, geo, who, url):
    as_persona(client, personas, who)
    response = client.get(url)
    if who in REPORT_READERS:
        assert response.status_code == 200
    elif who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ["alice", "bob", "leader", "outsider"])
def test_reports_on_a_division_outside_the_scope_are_refused(client, personas, geo, who):
    as_persona(client, personas, who)
    allowed = {
        "alice": geo.commune_a,
        "bob": geo.commune_c,
        "leader": geo.province,
        "outsider": geo.other_province,
    }[who]
    for division in (geo.province, geo.commune_a, geo.commune_c, geo.other_province):
        code = client.get(f"/reports/summary/?division={division.pk}&period=2025").status_code
        inside = division.path.startswith(allowed.path)
        assert code == (200 if inside else 403), (who, division.name)
