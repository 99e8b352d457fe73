"""The round trip through the JSON API, and its refusals."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tamnong.accounts.models import Role
from tamnong.ocop.models import Certificate
from tamnong.testing.ocop import SYNTHETIC_SET_NO, bearer, install_synthetic, post, user_with


def test_round_trip_through_the_api(client, geo, personas):
    install_synthetic()
    r = post(
        client,
        personas.alice,
        "/producers",
        {"name": "HTX Quế", "kind": "cooperative", "division_id": geo.commune_a.pk, "code": "P-1"},
    )
    assert r.status_code == 201, r.json()
    producer_id = r.json()["id"]
    r = post(
        client,
        personas.producer,
        "/products",
        {"producer_id": producer_id, "name": "Quế thanh", "set_no": SYNTHETIC_SET_NO},
    )
    assert r.status_code == 201, r.json()
    product_id = r.json()["id"]
    r = post(
        client,
        personas.producer,
        "/dossiers",
        {"product_id": product_id, "registered_on": "2025-09-01"},
    )
    assert r.status_code == 201, r.json()
    d = r.json()
    assert d["regime"] == "qd148-1489" and d["criteria_version"] == 1
    did = d["id"]
    r = client.put(
        f"/api/v1/ocop/dossiers/{did}/self-assessment",
        {"answers": {"1.a": 10, "1.b": 10, "2.a": 15, "3.a": 20}},
        content_type="application/json",
        **bearer(personas.producer),
    )
    assert r.status_code == 200 and r.json()["self_total"] == "55.00"
    r = client.post(
        f"/api/v1/ocop/dossiers/{did}/files",
        {"kind": "registration", "file": SimpleUploadedFile("dk.pdf", b"%PDF-1.4 x")},
        **bearer(personas.producer),
    )
    assert r.status_code == 201, r.content
    assert (
        post(client, personas.producer, f"/dossiers/{did}/submit", {}).json()["state"]
        == "submitted"
    )
    r = post(
        client,
        personas.alice,
        f"/dossiers/{did}/commune-assessment",
        {"answers": {"1.b": 10}, "report": "Đạt"},
    )
    assert r.json()["state"] == "forwarded"
    members = [user_with(f"api{i}", geo.province, Role.COUNCIL_MEMBER) for i in range(5)]
    seats = [{"username": m.username, "role": "member"} for m in members] + [
        {"username": "secretary", "role": "secretary"}
    ]
    r = post(
        client,
        personas.coordinator,
        "/sessions",
        {
            "division_id": geo.province.pk,
            "name": "Phiên API",
            "held_on": "2025-10-01",
            "seats": seats,
        },
    )
    assert r.status_code == 201, r.json()
    sid = r.json()["id"]
    assert (
        post(
            client, personas.coordinator, f"/sessions/{sid}/dossiers", {"dossier_ids": [did]}
        ).status_code
        == 200
    )
    for m, c in zip(members, [20, 20, 35, 35, 35], strict=True):  # 55 55 70 70 70 → 64
        r = post(
            client,
            m,
            f"/sessions/{sid}/sheets",
            {"dossier_id": did, "answers": {"1.a": 10, "2.a": 15, "3.a": c}},
        )
        assert r.status_code == 201, r.json()
    # Refusals: a second sheet, a score outside the options, an outsider.
    r = post(
        client,
        members[0],
        f"/sessions/{sid}/sheets",
        {"dossier_id": did, "answers": {"1.a": 10, "2.a": 15, "3.a": 20}},
    )
    assert r.status_code == 400 and "đã nộp phiếu" in r.json()["errors"][0]["message"]
    r = post(
        client,
        personas.council,
        f"/sessions/{sid}/sheets",
        {"dossier_id": did, "answers": {"1.a": 10, "2.a": 15, "3.a": 20}},
    )
    assert r.status_code == 403
    r = post(client, personas.coordinator, f"/sessions/{sid}/close", {})
    assert (
        r.status_code == 200 and r.json()[0]["mean_score"] == "64.00" and r.json()[0]["stars"] == 3
    )
    sheets = client.get(
        f"/api/v1/ocop/dossiers/{did}/sheets", **bearer(personas.coordinator)
    ).json()["items"]
    assert sorted(s["total"] for s in sheets) == ["55.00", "55.00", "70.00", "70.00", "70.00"]
    r = post(
        client,
        personas.coordinator,
        "/recognitions",
        {
            "dossier_ids": [did],
            "number": "5/QĐ-UBND",
            "signed_on": "2025-10-10",
            "issuer": "UBND tỉnh",
        },
    )
    assert r.status_code == 201, r.json()
    cert = r.json()[0]
    assert cert["stars"] == 3 and cert["expires_on"] == "2028-10-10" and cert["status"] == "valid"
    assert client.get(cert["verification_url"].split("8000", 1)[-1]).status_code == 200
    r = post(
        client,
        personas.coordinator,
        f"/certificates/{cert['id']}/revocation",
        {"reason": "Vi phạm", "number": "6/QĐ", "signed_on": "2025-12-01", "issuer": "UBND tỉnh"},
    )
    assert r.status_code == 201 and r.json()["status"] == "revoked"
    figures = client.get(
        "/api/v1/ocop/figures",
        {"division": "01", "date": "2025-11-01"},
        **bearer(personas.coordinator),
    ).json()
    assert figures["valid_products"]["by_stars"]["3"] == 1
    assert Certificate.objects.count() == 1


def test_api_refuses_bad_input_without_500(client, geo, personas):
    install_synthetic()
    producers = [
        (personas.alice, {"name": "X", "kind": "farm", "division_id": geo.commune_a.pk}, 422),
        # a commune outside the officer's scope
        (personas.alice, {"name": "HTX ngoài xã", "kind": "cooperative",
                          "division_id": geo.commune_c.pk}, 403),
        # a producer sits in a commune, not a province
        (personas.coordinator, {"name": "HTX ở tỉnh", "kind": "cooperative",
                                "division_id": geo.province.pk}, 400),
    ]  # fmt: skip
    for who, body, status in producers:
        r = post(client, who, "/producers", body)
        assert r.status_code == status, body
    assert r.json()["errors"][0]["field"] == "division"
    for params, status in [
        ({"division": "09", "date": "2025-01-01"}, 403),
        ({"division": "01", "date": "hôm qua"}, 400),
    ]:
        r = client.get("/api/v1/ocop/figures", params, **bearer(personas.coordinator))
        assert r.status_code == status, params


def test_criteria_sets_are_listed_with_confidence_and_defects(client, personas, db):
    sets = client.get("/api/v1/ocop/criteria-sets", **bearer(personas.leader)).json()["items"]
    tea = next(s for s in sets if s["set_no"] == 11 and s["decision"] == "148/QĐ-TTg")
    assert tea["complete"] is False and tea["confidence"] == "partial" and tea["defects"]
    assert dt.date.fromisoformat(tea["effective_from"]) == dt.date(2023, 2, 24)
