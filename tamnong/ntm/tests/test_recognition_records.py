"""Recognitions of every level recorded from their decision (number, date, issuer): the service
the bulk import calls for each row, the API and the page, with the audit trail; and the dossier
of a district, town or province (issue 16)."""

import datetime as dt

import pytest
from django.urls import reverse

from tamnong.audit.models import AuditEvent
from tamnong.decisions.models import Decision
from tamnong.ntm import services
from tamnong.ntm.models import Dossier, Recognition
from tamnong.ntm.models import RecognitionKind as K


def row(division, **changes):
    return {
        "division": division,
        "kind": "Xã đạt chuẩn NTM",
        "year": 2020,
        "number": "125/QĐ-UBND",
        "signed_on": dt.date(2020, 12, 28),
        "issuer": "UBND tỉnh Cũ Một",
        **changes,
    }


def test_an_import_row_records_a_recognition_with_its_decision_and_again_changes_nothing(
    personas, geo
):
    rec, created = services.record_recognition_row(personas.coordinator, row(geo.old_commune_an))
    assert created and rec.kind == K.COMMUNE_NTM and rec.year == 2020 and rec.historical
    assert (rec.decision.number, rec.decision.signed_on) == ("125/QĐ-UBND", dt.date(2020, 12, 28))
    again, created = services.record_recognition_row(personas.coordinator, row(geo.old_commune_an))
    assert again == rec and not created
    assert Recognition.objects.count() == 1 and Decision.objects.count() == 1
    events = AuditEvent.objects.filter(model="ntm.Recognition", object_id=str(rec.pk))
    assert {e.action for e in events} >= {"create", "transition"}


def test_one_decision_recognises_several_communes_of_the_same_level(personas, geo):
    u = personas.coordinator
    a, _ = services.record_recognition_row(u, row(geo.old_commune_an))
    b, _ = services.record_recognition_row(u, row(geo.old_commune_binh))
    assert a.decision_id == b.decision_id
    # a unit of another level in the same decision: the same document (one rule for every
    # programme, tamnong.decisions.services)
    c, _ = services.record_recognition_row(u, row(geo.old_district, kind="district_ntm"))
    assert c.decision_id == a.decision_id


def test_a_row_with_faults_lists_every_fault_and_writes_nothing(personas, geo):
    with pytest.raises(services.NtmInputError) as exc:
        services.record_recognition_row(
            personas.coordinator,
            row(geo.old_commune_an, kind="xã loại sáu", number="", signed_on=None, issuer=" "),
        )
    fields = [e["field"] for e in exc.value.errors]
    assert fields == ["kind", "number", "issuer", "signed_on"]
    assert "xã loại sáu" in exc.value.errors[0]["message"]
    with pytest.raises(services.NtmInputError) as exc:
        services.record_recognition_row(
            personas.coordinator,
            row(geo.commune_a, kind="Huyện đạt chuẩn nông thôn mới", year=2019),
        )
    messages = " ".join(e["message"] for e in exc.value.errors)
    assert "không đúng cấp" in messages and "không tồn tại trong năm 2019" in messages
    assert "ký ngày 28/12/2020 không thể là công nhận năm 2019" not in messages  # 2019 → 2020 ok
    assert not Recognition.objects.exists() and not Decision.objects.exists()


def test_kinds_are_read_from_their_names_and_a_town_is_not_a_district(personas, geo):
    assert services.parse_kind("thôn nông thôn mới kiểu mẫu") == K.VILLAGE_MODEL
    assert services.parse_kind("Xa dat chuan NTM nang cao") == K.COMMUNE_ADVANCED
    assert services.parse_kind("district_ntm") == K.DISTRICT_NTM
    assert services.parse_kind("huyện loại một") is None
    from tamnong.divisions.models import Division, Level

    town = Division.objects.create(
        map=geo.old_district.map,
        code="199",
        name="Thành phố Một",
        kind="thanh_pho",
        level=Level.DISTRICT,
        parent=geo.old_province_1,
        valid_to=geo.old_district.valid_to,
        path="",
    )
    town.path = f"{geo.old_province_1.path}h{town.pk}/"  # as refresh_paths would, without lineage
    town.save(update_fields=["path"])
    with pytest.raises(services.NtmInputError, match="không áp dụng cho Thành phố Một"):
        services.record_recognition_row(personas.coordinator, row(town, kind="district_ntm"))
    rec, _ = services.record_recognition_row(
        personas.coordinator, row(town, kind="town_completed", number="9/QĐ-TTg")
    )
    assert rec.kind == K.TOWN_COMPLETED


def test_only_the_province_records_recognitions(personas, geo):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_recognition_row(personas.alice, row(geo.old_commune_an))


def test_the_api_records_a_district_recognition_and_lists_it(client, personas, geo):
    client.force_login(personas.coordinator)
    body = {
        "division_id": geo.old_district.pk,
        "kind": "district_ntm",
        "year": 2023,
        "number": "55/QĐ-TTg",
        "signed_on": "2023-06-01",
        "issuer": "Thủ tướng Chính phủ",
    }
    r = client.post("/api/v1/ntm/recognitions", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["division_name"] == "Huyện Một" and r.json()["historical"] is True
    r = client.post(
        "/api/v1/ntm/recognitions",
        {**body, "division_id": geo.old_commune_an.pk, "number": "56/QĐ-TTg"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "đúng cấp" in r.json()["errors"][0]["message"]
    listed = client.get("/api/v1/ntm/recognitions", {"year": 2023}).json()
    assert [x["kind"] for x in listed["items"]] == ["district_ntm"]
    client.force_login(personas.alice)
    r = client.post(
        "/api/v1/ntm/recognitions",
        {**body, "number": "57/QĐ-TTg"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_the_page_records_a_village_recognition_under_an_old_commune(client, personas, geo):
    from tamnong.divisions.services import add_village

    village = add_village(personas.coordinator, geo.old_commune_an, name="Thôn Cũ", kind="thon")
    client.force_login(personas.coordinator)
    url = reverse("ntm:recognitions", args=[geo.province.pk])
    page = client.get(url, {"year": 2020})
    assert page.status_code == 200 and "Thôn Cũ" in page.content.decode()
    r = client.post(
        url + "?year=2020",
        {
            "action": "record",
            "unit": village.pk,
            "kind": "village_model",
            "year": 2020,
            "number": "8/QĐ-UBND",
            "signed_on": "2020-11-02",
            "issuer": "UBND huyện Một",
        },
    )
    assert r.status_code == 302
    rec = Recognition.objects.get(division=village)
    assert rec.kind == K.VILLAGE_MODEL
    assert AuditEvent.objects.filter(model="ntm.Recognition", object_id=str(rec.pk)).exists()
    page = client.get(url, {"year": 2025}).content.decode()
    assert "1 thôn nông thôn mới kiểu mẫu" in page
    bad = client.post(
        url,
        {
            "action": "record",
            "unit": village.pk,
            "kind": "district_ntm",
            "year": 2020,
            "number": "9/QĐ",
            "signed_on": "2020-11-02",
            "issuer": "UBND",
        },
    )
    assert bad.status_code == 400 and "không đúng cấp" in bad.content.decode()
    client.force_login(personas.bob)
    assert client.get(url).status_code == 403


def test_a_district_dossier_goes_through_the_workflow_to_its_recognition(client, personas, geo):
    u = personas.coordinator
    dossier = services.open_unit_dossier(
        u, geo.old_district, K.DISTRICT_NTM, 2024, on=dt.date(2024, 8, 1)
    )
    assert dossier.assessment is None
    services.record_consultation(u, dossier, dt.date(2024, 8, 20), 93)
    services.record_appraisal(u, dossier, dt.date(2024, 9, 15), True, "Đạt")
    rec = services.decide(
        u,
        dossier,
        number="1234/QĐ-TTg",
        signed_on=dt.date(2024, 11, 4),
        issuer="Thủ tướng Chính phủ",
    )
    assert rec.kind == K.DISTRICT_NTM and not rec.historical
    client.force_login(u)
    assert client.get(reverse("ntm:dossier", args=[dossier.pk])).status_code == 200
    with pytest.raises(services.NtmInputError, match="kết quả đánh giá"):
        services.open_unit_dossier(u, geo.old_commune_an, K.COMMUNE_NTM, 2024)
    r = client.post(
        "/api/v1/ntm/dossiers/unit",
        {"division_id": geo.old_province_1.pk, "kind": "province_completed", "year": 2024},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert Dossier.objects.get(pk=r.json()["id"]).state == Dossier.State.SELF_ASSESSMENT
