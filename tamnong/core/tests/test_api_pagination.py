"""One pagination for every list of the JSON API: bounded pages, validated limit/offset, and
keyset cursors on the big lists (households, audit)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tamnong.accounts.models import ApiToken
from tamnong.api import api
from tamnong.audit.models import AuditEvent
from tamnong.poverty.models import Household


def _list_operations() -> list[str]:
    """Every GET of the schema that answers a list (an array, or a page of items)."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if op is None:
            continue
        ok = op["responses"].get(200) or op["responses"].get("200") or {}
        body = ok.get("content", {}).get("application/json", {})
        out = body.get("schema", {})
        if "$ref" in out:
            out = components[out["$ref"].rsplit("/", 1)[-1]]
        if out.get("type") == "array" or "items" in out.get("properties", {}):
            found.append(path)
    return sorted(found)


LIST_PATHS = _list_operations()


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def bearer(user):
    _t, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_lists_are_found_in_the_schema():
    assert "/api/v1/poverty/households" in LIST_PATHS
    assert "/api/v1/audit" in LIST_PATHS
    assert len(LIST_PATHS) >= 13


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_list_is_paginated(path):
    op = api.get_openapi_schema()["paths"][path]["get"]
    names = {p["name"] for p in op.get("parameters", [])}
    assert {"limit", "offset"} <= names


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_huge_offset_is_refused_on_every_list(client, personas, path):
    r = client.get(_url(path), {"offset": "99999999999999999999"}, **bearer(personas.admin))
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert [e["field"] for e in body["errors"]] == ["offset"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": settings.API_MAX_PAGE_SIZE + 1}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "mười"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "1.5"}, "offset"),
    ],
)
def test_a_limit_or_offset_out_of_range_is_refused(client, personas, params, field):
    r = client.get("/api/v1/poverty/households", params, **bearer(personas.admin))
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["message"].startswith(("Phải", "Tối đa"))


def test_the_maximum_page_size_is_documented():
    schema = api.get_openapi_schema()
    assert str(settings.API_MAX_PAGE_SIZE) in schema["info"]["description"]
    params = schema["paths"]["/api/v1/poverty/households"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")
    assert limit["schema"]["maximum"] == settings.API_MAX_PAGE_SIZE


def _households(geo, n: int) -> list[str]:
    codes = [f"H{i:04d}" for i in range(n)]
    # Created out of order: the page order is the code, not the insertion order.
    for code in reversed(codes):
        Household.objects.create(
            code=code, head_name="Chủ hộ", commune=geo.commune_a, division=geo.commune_a, area=1
        )
    return codes


def test_the_default_page_is_bounded_and_says_where_the_next_is(client, geo, personas):
    codes = _households(geo, settings.API_PAGE_SIZE + 3)
    body = client.get("/api/v1/poverty/households", **bearer(personas.admin)).json()
    assert [h["code"] for h in body["items"]] == codes[: settings.API_PAGE_SIZE]
    assert body["count"] == len(codes)
    assert body["next"].startswith("http://testserver/api/v1/poverty/households?")
    assert body["next_cursor"]


def test_limit_and_offset_still_work_within_bounds(client, geo, personas):
    codes = _households(geo, 7)
    r = client.get(
        "/api/v1/poverty/households", {"limit": 2, "offset": 3}, **bearer(personas.admin)
    )
    assert [h["code"] for h in r.json()["items"]] == codes[3:5]


def _walk(client, user, url, params):
    seen, pages = [], 0
    body = client.get(url, params, **bearer(user)).json()
    while True:
        pages += 1
        seen.extend(body["items"])
        if not body["next"]:
            return seen, pages
        body = client.get(body["next"], **bearer(user)).json()


def test_the_household_cursor_walks_every_page_once(client, geo, personas):
    codes = _households(geo, 23)
    seen, pages = _walk(client, personas.admin, "/api/v1/poverty/households", {"limit": 5})
    assert [h["code"] for h in seen] == codes
    assert pages == 5


def test_the_household_cursor_does_not_repeat_when_rows_are_added_before_it(client, geo, personas):
    codes = _households(geo, 10)
    first = client.get("/api/v1/poverty/households", {"limit": 4}, **bearer(personas.admin))
    # A household sorted before the cursor appears between two pages: an offset would repeat one.
    Household.objects.create(
        code="H0000a", head_name="Mới", commune=geo.commune_a, division=geo.commune_a, area=1
    )
    second = client.get(first.json()["next"], **bearer(personas.admin)).json()
    assert [h["code"] for h in second["items"]] == codes[4:8]


def test_the_cursor_keeps_the_filters(client, geo, personas):
    _households(geo, 6)
    Household.objects.create(
        code="X1", head_name="Khác", commune=geo.commune_a, division=geo.commune_a, area=1
    )
    seen, _ = _walk(client, personas.admin, "/api/v1/poverty/households", {"limit": 2, "q": "H"})
    assert [h["code"] for h in seen] == [f"H{i:04d}" for i in range(6)]


@pytest.mark.parametrize("cursor", ["rác", "eyJrIjpbMV19", "A" * 600])
def test_a_forged_or_broken_cursor_is_refused(client, personas, cursor):
    r = client.get("/api/v1/poverty/households", {"cursor": cursor}, **bearer(personas.admin))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"


def test_the_audit_cursor_walks_every_event_once_newest_first(client, geo, personas):
    AuditEvent.objects.all().delete()
    events = [
        AuditEvent.objects.create(action="update", model="x", object_id=str(i), object_repr="x")
        for i in range(12)
    ]
    seen, pages = _walk(client, personas.admin, "/api/v1/audit", {"limit": 5, "model": "x"})
    assert [e["id"] for e in seen] == [e.pk for e in reversed(events)]
    assert pages == 3
