import io
import json

import pytest
from django.urls import reverse

from tamnong.audit.models import AuditEvent
from tamnong.ntm import criteria, services
from tamnong.ntm.models import Assessment, CriteriaSet
from tamnong.testing.ntm import REGION_SET, spec


@pytest.fixture
def assessed(personas, region_set, no_sources, geo):
    services.set_profile(
        personas.alice, geo.commune_a, 2025, classification="region", column="tdmnpb"
    )
    return services.start_assessment(personas.alice, geo.commune_a, 2025, "test-vung")


def test_the_pages_render_for_a_commune_officer(client, personas, assessed, geo):
    client.force_login(personas.alice)
    for url in [
        reverse("ntm:index"),
        reverse("ntm:sets"),
        reverse("ntm:set", args=[assessed.criteria_set_id]),
        reverse("ntm:commune", args=[geo.commune_a.pk]),
        reverse("ntm:assessment", args=[assessed.pk]),
        reverse("ntm:targets", args=[geo.commune_a.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("ntm:set", args=[assessed.criteria_set_id])).content.decode()
    assert "chưa có ngưỡng" in page and "DỮ LIỆU MINH HỌA" in page


def test_values_entered_on_the_page_are_judged(client, personas, assessed):
    client.force_login(personas.alice)
    url = reverse("ntm:assessment", args=[assessed.pk])
    response = client.post(url, {"action": "values", "v_2.1": "75", "v_1.1": "có"})
    assert response.status_code == 302
    assessed.refresh_from_db()
    assert assessed.criteria_met == 1  # 1.1 met; 2.1 met but 2.2 not entered
    bad = client.post(url, {"action": "values", "v_2.1": "abc"})
    assert bad.status_code == 400 and "phải nhập số" in bad.content.decode()


def test_another_commune_page_is_refused_and_logged(client, personas, assessed, geo):
    client.force_login(personas.bob)
    assert client.get(reverse("ntm:assessment", args=[assessed.pk])).status_code == 404
    assert client.get(reverse("ntm:commune", args=[geo.commune_a.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor=personas.bob).exists()


def test_figures_export_as_json_and_excel(client, personas, assessed, geo):
    client.force_login(personas.coordinator)
    url = reverse("ntm:index") + f"?division={geo.province.pk}&year=2025"
    data = json.loads(client.get(url + "&format=json").content)
    assert data["sets"][0]["assessed"] == 1
    assert client.get(url + "&format=xlsx").content[:2] == b"PK"


def test_an_administrator_uploads_a_set_with_a_preview(client, personas, region_set):
    client.force_login(personas.admin)
    data = criteria.template_xlsx(region_set)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    sheet = wb["Chỉ tiêu"]
    header = [c.value for c in sheet[2]]
    sheet.cell(5, header.index("dbsh") + 1).value = 3
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "vung.xlsx"
    response = client.post(reverse("ntm:sets"), {"file": buf})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "2.2 / dbsh" in preview.content.decode()
    applied = client.post(response["Location"], {"action": "apply"})
    assert applied.status_code == 302
    assert CriteriaSet.objects.filter(key="test-vung").count() == 2


def test_a_commune_officer_cannot_upload_a_set(client, personas, region_set):
    client.force_login(personas.alice)
    buf = io.BytesIO(criteria.export_yaml(region_set).encode())
    buf.name = "set.yaml"
    assert client.post(reverse("ntm:sets"), {"file": buf}).status_code == 403


# -- API -----------------------------------------------------------------------------------------
def test_the_api_creates_an_assessment_and_takes_values(
    client, personas, region_set, no_sources, geo
):
    client.force_login(personas.alice)
    r = client.post(
        "/api/v1/ntm/profiles",
        {
            "division_id": geo.commune_a.pk,
            "year": 2025,
            "classification": "region",
            "column": "tdmnpb",
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = client.post(
        "/api/v1/ntm/assessments",
        {"division_id": geo.commune_a.pk, "year": 2025, "set_key": "test-vung"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = client.put(
        f"/api/v1/ntm/assessments/{pk}/values",
        {"values": [{"code": "2.1", "value": 70}, {"code": "1.1", "value": True}]},
        content_type="application/json",
    )
    body = r.json()
    assert r.status_code == 200
    met = {v["code"]: v["met"] for v in body["values"]}
    assert met["2.1"] is True and met["1.1"] is True and met["2.2"] is None
    r = client.put(
        f"/api/v1/ntm/assessments/{pk}/values",
        {"values": [{"code": "2.1", "value": 70, "unit": "km"}]},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert (
        r.json()["errors"][0]["field"] == "2.1" and "Sai đơn vị" in r.json()["errors"][0]["message"]
    )


def test_the_api_refuses_another_commune_with_403_and_logs_it(
    client, personas, region_set, no_sources, geo
):
    client.force_login(personas.alice)
    r = client.post(
        "/api/v1/ntm/assessments",
        {"division_id": geo.commune_c.pk, "year": 2025, "set_key": "test-vung"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor=personas.alice).exists()
    assert not Assessment.objects.exists()


def test_the_api_refuses_recognising_a_commune_that_does_not_meet(client, personas, assessed):
    client.force_login(personas.alice)
    r = client.post(
        "/api/v1/ntm/dossiers",
        {"assessment_id": assessed.pk, "kind": "commune_ntm"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "chưa đạt đủ bộ tiêu chí" in r.json()["errors"][0]["message"]


def test_the_api_figures_and_sets(client, personas, assessed, geo):
    client.force_login(personas.coordinator)
    r = client.get("/api/v1/ntm/figures", {"division": "01", "year": 2025})
    assert r.status_code == 200 and r.json()["communes"][0]["code"] == "10001"
    r = client.get("/api/v1/ntm/sets")  # the test set, beside the sets loaded by migrate
    assert next(s for s in r.json()["items"] if s["key"] == "test-vung")["thresholds_missing"] == 1
    client.force_login(personas.outsider)
    assert client.get("/api/v1/ntm/figures", {"division": "01", "year": 2025}).status_code == 403


def test_report_command_writes_json_and_xlsx(tmp_path, personas, assessed):
    from django.core.management import call_command

    out = tmp_path / "ntm.json"
    call_command("report_ntm", division="01", year=2025, format="json", output=str(out))
    assert json.loads(out.read_text())["assessed"] == 1
    xlsx = tmp_path / "ntm.xlsx"
    call_command("report_ntm", division="01", year=2025, format="xlsx", output=str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"


def test_import_command_loads_the_builtin_sets_and_checks_a_file(tmp_path, db, capsys):
    from django.core.management import CommandError, call_command

    call_command("import_ntm", builtin=True)
    assert criteria.latest("qd51-2025-xa-ntm") is not None
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: Bad Key\ntitle: x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lỗi"):
        call_command("import_ntm", str(bad))
    good = tmp_path / "good.yaml"
    good.write_text(criteria.export_yaml(criteria.store(spec(REGION_SET))[0]), encoding="utf-8")
    call_command("import_ntm", str(good), dry_run=True)
    assert CriteriaSet.objects.filter(key="test-vung").count() == 1
