"""The NTM API names a unit through the access gate (`access.lookups`): a unit outside the
user's scope answers 403 before any check of the request body, an unknown one 404, the same on
every endpoint that takes a `division_id` (issue 10)."""

import json

import pytest

ENDPOINTS = [
    ("/api/v1/ntm/profiles", {"year": 2025, "classification": "x", "column": "y"}),
    ("/api/v1/ntm/assessments", {"year": 2025, "set_key": "nothing"}),
    (
        "/api/v1/ntm/recognitions",
        {"kind": "x", "year": 2025, "number": "1", "signed_on": "2025-01-02", "issuer": "x"},
    ),
    ("/api/v1/ntm/dossiers/unit", {"kind": "nothing", "year": 2025}),
    ("/api/v1/ntm/targets", {"year": 2025, "metric": "nothing", "value": "1"}),
]


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("url,body", ENDPOINTS, ids=[u.rsplit("/", 1)[-1] for u, _ in ENDPOINTS])
def test_a_unit_outside_the_scope_is_refused_with_403(client, personas, geo, url, body):
    client.force_login(personas.alice)
    assert post(client, url, {**body, "division_id": geo.other_commune.pk}).status_code == 403
    assert post(client, url, {**body, "division_id": 10**8}).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/ntm/assessments", "/api/v1/ntm/recognitions"])
def test_a_list_filtered_on_a_unit_outside_the_scope_is_refused_with_403(
    client, personas, geo, url
):
    client.force_login(personas.alice)
    assert client.get(f"{url}?division_id={geo.commune_a.pk}").status_code == 200
    assert client.get(f"{url}?division_id={geo.other_commune.pk}").status_code == 403
    assert client.get(f"{url}?division_id={10**8}").status_code == 404


def test_figures_of_a_unit_outside_the_scope_are_refused_with_403(client, personas, geo):
    client.force_login(personas.alice)
    assert client.get("/api/v1/ntm/figures?division=90001&year=2025").status_code == 403
    assert client.get("/api/v1/ntm/figures?division=99999&year=2025").status_code == 404
