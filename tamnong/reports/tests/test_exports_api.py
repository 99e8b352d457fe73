"""Issue 15: the exchange files (MoF NTP report, national OCOP list) from the JSON API, the same
documents as the files, behind the same gate, with the API's error shape."""

import datetime as dt
import json

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.reports.exports import mof_ntp, ocop_national, to_json
from tamnong.reports.summary import Period
from tamnong.testing.reports import check_schema, fund

API = "/api/v1/reports/exports"


def _national(username, role):
    from tamnong.accounts.models import Membership, User

    user = User.objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, division=None, role=role)
    return user


def _same(a: dict, b: dict) -> None:
    """Equal documents but for the minute they were made."""
    a, b = json.loads(json.dumps(a)), json.loads(json.dumps(b))
    assert a["report"].pop("generated_at") and b["report"].pop("generated_at")
    assert a == b


@pytest.fixture
def funded(geo, catalog):
    fund(geo.commune_a, 2025, "ntm", "nstw", "1500.5", "1200", catalog)
    fund(geo.province, 2025, "ocop", "nsdp", "300", "0", catalog)


class TestDocuments:
    def test_the_mof_report_is_the_files_json_and_matches_its_schema(
        self, client, personas, geo, funded
    ):
        client.force_login(personas.coordinator)
        query = f"province={geo.province.code}&year=2025&cutoff=2025-12-14"
        resp = client.get(f"{API}/mof-ntp?{query}")
        assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
        document = resp.json()
        check_schema("mof-ntp", document)
        assert document["funding"]["totals"]["allocated"] == 1800.5
        page = client.get(f"/reports/exports/mof-ntp/?{query}&format=json")
        _same(document, json.loads(page.content))
        built = mof_ntp.build(SYSTEM, geo.province, Period(2025, 2025), dt.date(2025, 12, 14))
        _same(document, json.loads(to_json(built)))

    def test_the_ocop_list_is_the_files_json_and_matches_its_schema(
        self, client, personas, geo, funded
    ):
        client.force_login(personas.coordinator)
        query = f"province={geo.province.code}&cutoff=31/12/2025"
        document = client.get(f"{API}/ocop-national?{query}").json()
        check_schema("ocop-national", document)
        assert document["report"]["date"] == "2025-12-31"
        page = client.get(f"/reports/exports/ocop-national/?{query}&format=json")
        _same(document, json.loads(page.content))
        _same(document, ocop_national.build(SYSTEM, geo.province, dt.date(2025, 12, 31)))

    def test_the_openapi_document_carries_the_published_schemas(self, client, personas):
        client.force_login(personas.coordinator)
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        for key in ("mof-ntp", "ocop-national"):
            op = paths[f"{API}/{key}"]["get"]
            body = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert "reporting_unit" in body["properties"], key
            assert {p["name"] for p in op["parameters"]} >= {"province", "cutoff"}


class TestAccess:
    def test_the_permission_matrix(self, client, personas, geo, funded):
        from tamnong.access.roles import Role

        national = _national("vpdptw", Role.NATIONAL_COORDINATOR)
        leader = _national("ldtw", Role.NATIONAL_LEADER)
        own, other = geo.province.code, geo.other_province.code
        for who, province, status in (
            (national, own, 200),
            (national, other, 200),  # the central office reads every province
            (leader, other, 200),
            (personas.coordinator, own, 200),
            (personas.coordinator, other, 403),  # a province's users: their own only
            (personas.alice, own, 403),  # a commune officer never sends the province's figures
            (personas.producer, own, 403),
            (None, own, 401),
        ):
            client.logout()
            if who is not None:
                client.force_login(who)
            for url in (
                f"{API}/mof-ntp?province={province}&year=2025&cutoff=2025-12-14",
                f"{API}/ocop-national?province={province}",
            ):
                resp = client.get(url)
                label = (getattr(who, "username", "anonymous"), url)
                assert resp.status_code == status, label
                if status >= 400:
                    assert set(resp.json()) <= {"detail", "errors"}, label
                    assert resp.json()["detail"], label
        client.force_login(personas.alice)
        resp = client.get(f"{API}/ocop-national?province={own}")
        assert "không có quyền" in resp.json()["detail"]
        from tamnong.audit.models import AuditEvent

        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.DENIED, note__contains=f"{API}/ocop-national"
        ).exists()

    def test_bad_input_answers_in_the_apis_shape_in_vietnamese(self, client, personas, geo, funded):
        client.force_login(personas.coordinator)
        base = f"{API}/mof-ntp?province={geo.province.code}"
        resp = client.get(base + "&year=20x5")
        assert resp.status_code == 400
        body = resp.json()
        assert body["detail"] == "Dữ liệu không hợp lệ."
        assert body["errors"][0]["field"] == "year"
        assert "không hợp lệ" in body["errors"][0]["message"]
        resp = client.get(base + "&year=2025&cutoff=31-12")
        assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "cutoff"
        resp = client.get(base + "&year=2025&cutoff=2024-05-01")
        assert resp.status_code == 400
        assert "không thuộc năm 2025" in resp.json()["errors"][0]["message"]
        assert client.get(base).status_code == 422  # year is required
        for url in (f"{API}/mof-ntp?province=77&year=2025", f"{API}/ocop-national?province=77"):
            resp = client.get(url)
            assert resp.status_code == 404 and resp.json()["detail"] == "Không tìm thấy."
        commune = geo.commune_a.code  # a commune is no province: 404 as on the page
        assert client.get(f"{API}/ocop-national?province={commune}").status_code == 404
