"""The recognition sentences of provincial year-end reports, rebuilt from records on the old
map and on the new one (issue 16), read back through `tamnong report ntm`, the API and the
summary report."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tamnong.accounts.models import Membership, Role, User
from tamnong.divisions.services import add_village
from tamnong.ntm import services
from tamnong.ntm.figures import figures
from tamnong.ntm.models import RecognitionKind as K
from tamnong.ntm.models import TargetMetric
from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.ntm import assess

OLD_2023 = [
    "Đến hết năm 2023, 4/4 xã (không tính 1 phường, 1 thị trấn) đạt chuẩn nông thôn mới, "
    "chiếm 100,00%; 1 xã đạt chuẩn nông thôn mới nâng cao; 1 xã nông thôn mới kiểu mẫu.",
    "Đến hết năm 2023: Huyện Năm đạt chuẩn nông thôn mới (1/1 huyện); Thành phố Năm hoàn thành "
    "nhiệm vụ xây dựng nông thôn mới.",
    "Đến hết năm 2023: 2 thôn đạt chuẩn nông thôn mới, 1 thôn nông thôn mới kiểu mẫu.",
    "Trong năm 2023 có thêm 1 xã đạt chuẩn nông thôn mới, 1 huyện đạt chuẩn nông thôn mới, "
    "1 thị xã/thành phố hoàn thành nhiệm vụ xây dựng nông thôn mới.",
    "Trong số 3 xã đạt chuẩn nông thôn mới từ trước năm 2023: 1 xã được đánh giá lại giữ vững "
    "chuẩn, 1 xã chưa đạt lại, 1 xã chưa đánh giá lại trong năm.",
    "Kế hoạch năm 2023 (trong năm): 2 xã đạt chuẩn nông thôn mới, đạt 1 xã (chưa đạt kế hoạch).",
    "Kế hoạch đến hết năm 2023 (lũy kế): 4 xã đạt chuẩn nông thôn mới, đạt 4 xã (đạt kế hoạch).",
    "Kế hoạch năm 2023 (trong năm): 1 huyện đạt chuẩn nông thôn mới, đạt 1 huyện (đạt kế hoạch).",
    "Kế hoạch đến hết năm 2023 (lũy kế): 2 thôn nông thôn mới kiểu mẫu, đạt 1 thôn "
    "(chưa đạt kế hoạch).",
]
NEW_2026 = [
    "Đến hết năm 2026, 3/3 xã (không tính 1 phường) đạt chuẩn nông thôn mới, chiếm 100,00%.",
    "Đến hết năm 2026: 2 thôn đạt chuẩn nông thôn mới, 1 thôn nông thôn mới kiểu mẫu.",
    "Trong năm 2026 có thêm 1 xã đạt chuẩn nông thôn mới.",
    "Kế hoạch năm 2026 (trong năm): 1 xã đạt chuẩn nông thôn mới, đạt 1 xã (đạt kế hoạch).",
    "Kế hoạch đến hết năm 2026 (lũy kế): 3 xã đạt chuẩn nông thôn mới, đạt 3 xã (đạt kế hoạch).",
]


def record(user, unit, kind, year, number, issuer="UBND tỉnh Cũ Năm"):
    return services.record_historical(
        user, unit, kind, year, number=number, signed_on=dt.date(year, 12, 15), issuer=issuer
    )


@pytest.fixture
def officer(province_05):
    user = User.objects.create_user(username="dieuphoi05", password="Mat-khau-thu-1")
    Membership.objects.create(user=user, division=province_05.new.province, role=Role.COORDINATOR)
    return user


@pytest.fixture
def records(officer, province_05, region_set, group_set, no_sources):
    o, n, u = province_05.old, province_05.new, officer
    record(u, o.a, K.COMMUNE_NTM, 2019, "10/QĐ-UBND")
    record(u, o.c, K.COMMUNE_NTM, 2019, "11/QĐ-UBND")
    record(u, o.a, K.COMMUNE_ADVANCED, 2021, "20/QĐ-UBND")
    record(u, o.a, K.COMMUNE_MODEL, 2022, "30/QĐ-UBND")
    record(u, o.f, K.COMMUNE_NTM, 2022, "31/QĐ-UBND")
    record(u, o.b, K.COMMUNE_NTM, 2023, "40/QĐ-UBND")
    record(u, o.district, K.DISTRICT_NTM, 2023, "1001/QĐ-TTg", "Thủ tướng Chính phủ")
    record(u, o.town, K.TOWN_COMPLETED, 2023, "1002/QĐ-TTg", "Thủ tướng Chính phủ")
    # villages created under their old communes and recognised before the merger
    a1 = add_village(u, o.a, name="Thôn A1", kind="thon")
    c1 = add_village(u, o.c, name="Thôn C1", kind="thon")
    record(u, a1, K.VILLAGE_MODEL, 2020, "5/QĐ-UBND", "UBND huyện Năm")
    record(u, c1, K.VILLAGE_NTM, 2021, "6/QĐ-UBND", "UBND huyện Năm")
    # the yearly assessment of 2023: Xã A keeps the standard, Xã C does not meet it again (it
    # stays NTM until revoked), Xã F is not assessed (still NTM)
    assess(u, o.a, 2023, 3, no_sources)
    assess(u, o.c, 2023, 1, no_sources)
    services.set_target(u, o.province, 2023, TargetMetric.COMMUNES_NTM, 2, reading="year")
    services.set_target(u, o.province, 2023, TargetMetric.COMMUNES_NTM, 4)
    services.set_target(u, o.province, 2023, TargetMetric.DISTRICTS_NTM, 1, reading="year")
    services.set_target(u, o.province, 2023, TargetMetric.VILLAGES_MODEL, 2)
    # 2026, on the new map: Xã D (Thị trấn D + Xã F, not all NTM: it keeps nothing) goes
    # through the workflow under the 2026–2030 set
    services.set_profile(u, n.d, 2026, classification="group", column="nhom_2")
    no_sources["poverty"][(n.d.pk, 2026)] = "1.2"
    a = services.start_assessment(u, n.d, 2026, "test-nhom")
    services.enter_values(u, a, [{"code": "1.1", "value": 75}])
    dossier = services.open_dossier(u, a, K.COMMUNE_NTM, on=dt.date(2026, 9, 1))
    services.record_consultation(u, dossier, dt.date(2026, 9, 10), 95)
    services.record_appraisal(u, dossier, dt.date(2026, 10, 1), True)
    services.decide(
        u, dossier, number="77/QĐ-UBND", signed_on=dt.date(2026, 11, 20), issuer="UBND tỉnh Năm"
    )
    services.set_target(u, n.province, 2026, TargetMetric.COMMUNES_NTM, 1, reading="year")
    services.set_target(u, n.province, 2026, TargetMetric.COMMUNES_NTM, 3)
    return province_05


def test_an_old_province_reads_as_its_2023_report(officer, records):
    data = figures(officer, records.old.province, 2023)
    assert data["sentences"] == OLD_2023
    assert data["denominator"]["total"] == 4 and data["denominator"]["date"] == "2023-12-31"
    assert "4 xã" in data["denominator"]["note"] and "phường" in data["denominator"]["note"]
    communes = next(s for s in data["levels"] if s["scale"] == "commune")
    assert [(r["kind"], r["count"], r["share"]) for r in communes["rows"]] == [
        ("commune_ntm", 4, "100.00"),
        ("commune_advanced", 1, "25.00"),
        ("commune_model", 1, "25.00"),
    ]
    # by district: Huyện Năm has Xã A, B, C (3 NTM) and the two villages; Thành phố Năm Xã F
    rows = {r["name"]: r for r in data["by_unit"]}
    assert rows["Huyện Năm"]["xa"] == 3 and rows["Huyện Năm"]["communes"]["commune_ntm"] == 3
    assert rows["Huyện Năm"]["villages"] == {"village_ntm": 2, "village_model": 1}
    assert rows["Thành phố Năm"]["xa"] == 1


def test_the_new_province_counts_the_old_units_before_2025_and_its_own_after(officer, records):
    # the whole successor of the old province: the same 2023 report
    assert figures(officer, records.new.province, 2023)["sentences"][:3] == OLD_2023[:3]
    # 2025 year end, new map: Xã A Mới (A + B, both NTM) and Xã C keep NTM; Xã D does not
    # (Thị trấn D held nothing); the villages keep their levels under the new communes
    data = figures(officer, records.new.province, 2025)
    assert data["sentences"][0] == (
        "Đến hết năm 2025, 2/3 xã (không tính 1 phường) đạt chuẩn nông thôn mới, chiếm 66,67%."
    )
    assert data["denominator"]["map"] == "new"
    # 2026: the 2026–2030 levels (no nâng cao, kiểu mẫu: Xã A Mới is NTM), Xã D recognised
    data = figures(officer, records.new.province, 2026)
    assert data["sentences"] == NEW_2026
    communes = next(s for s in data["levels"] if s["scale"] == "commune")
    assert [r["kind"] for r in communes["rows"]] == ["commune_ntm", "commune_modern"]
    assert {s["code"]: s["count"] for s in data["statuses"]}["ntm"] == 3
    rows = {r["name"]: r for r in data["by_unit"]}
    assert rows["Xã A Mới"]["villages"] == {"village_ntm": 1, "village_model": 1}


def test_earlier_recognitions_count_without_an_assessment_that_year(officer, records):
    data = figures(officer, records.old.province, 2023)
    assert data["assessed"] == 2  # only Xã A and Xã C were assessed in 2023
    communes = next(s for s in data["levels"] if s["scale"] == "commune")
    ntm = communes["rows"][0]
    assert ntm["count"] == 4 and ntm["earlier"] == 3 and ntm["reached"] == 1
    assert ntm["reassessed"] == {"maintained": 1, "not_again": 1, "not_assessed": 1}
    # a revocation ends it: Xã C revoked in 2024 is not NTM at the end of 2024
    rec = records.old.c.ntm_recognitions.get()
    services.revoke(
        officer,
        rec,
        number="3/QĐ-UBND",
        signed_on=dt.date(2024, 3, 1),
        issuer="UBND tỉnh Cũ Năm",
        reason="Không còn đạt tiêu chí 2",
    )
    assert figures(officer, records.old.province, 2024)["sentences"][0].startswith(
        "Đến hết năm 2024, 3/4 xã (không tính 1 phường, 1 thị trấn) đạt chuẩn nông thôn mới, "
        "chiếm 75,00%"
    )


def test_the_command_the_api_and_the_summary_report_read_the_same_sentences(
    client, officer, records, tmp_path
):
    out = tmp_path / "ntm.txt"
    call_command("report_ntm", division="05", year=2023, map="old", format="text", output=str(out))
    assert out.read_text(encoding="utf-8").splitlines() == OLD_2023
    call_command("report_ntm", division="05", year=2026, format="text", output=str(out))
    assert out.read_text(encoding="utf-8").splitlines() == NEW_2026

    client.force_login(officer)
    r = client.get("/api/v1/ntm/figures", {"division": "05", "year": 2023, "map": "old"})
    assert r.status_code == 200 and r.json()["sentences"] == OLD_2023
    r = client.get("/api/v1/ntm/figures", {"division": "05", "year": 2026})
    assert r.json()["sentences"] == NEW_2026

    for unit, period, expected in (
        (records.old.province, "2023", OLD_2023),
        (records.new.province, "2026", NEW_2026),
    ):
        report = build_summary(officer, unit, Period.parse(period))
        section = next(s for s in report.sections if s.key == "ntm")
        texts = [paragraph_text(p) for p in section.paragraphs]
        assert all(sentence in texts for sentence in expected), texts
    # the linked numbers lead to the recognitions behind them (the 1 kiểu mẫu commune)
    section = next(
        s
        for s in build_summary(officer, records.old.province, Period.parse("2023")).sections
        if s.key == "ntm"
    )
    first = next(p for p in section.paragraphs if paragraph_text(p) == OLD_2023[0])
    model = [f for f in first if getattr(f, "link", None)][-1]
    assert model.text == "1"
    page = client.get(model.link)
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    data = json.loads(
        client.get(
            "/ntm/", {"division": records.new.province.pk, "year": 2026, "format": "json"}
        ).content
    )
    assert data["sentences"] == NEW_2026
