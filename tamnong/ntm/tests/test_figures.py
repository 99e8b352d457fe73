import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.ntm import services
from tamnong.ntm.figures import figures, figures_xlsx
from tamnong.ntm.models import RecognitionKind, TargetMetric
from tamnong.testing.ntm import assess


@pytest.fixture
def province_data(personas, region_set, no_sources, geo):
    u = personas.coordinator
    assess(u, geo.old_commune_an, 2024, 3, no_sources)
    assess(u, geo.old_commune_binh, 2024, 1, no_sources)
    assess(u, geo.old_commune_chau, 2024, 0, no_sources)
    assess(u, geo.old_commune_dong, 2024, 2, no_sources)
    a = assess(u, geo.commune_a, 2025, 3, no_sources)
    assess(u, geo.commune_c, 2025, 2, no_sources)
    assess(u, geo.ward, 2025, 2, no_sources)
    assess(personas.admin, geo.other_commune, 2025, 0, no_sources)
    return a


def test_band_counts_and_the_average_with_its_change(personas, province_data, geo):
    data = figures(personas.coordinator, geo.province, 2025)
    (s,) = data["sets"]
    # NTM concerns xã: the ward's assessment (Phường Tây, 2) is counted apart (issue 16)
    assert {b["code"]: b["count"] for b in s["bands"]} == {"all": 1, "1-2": 1, "0": 0}
    assert s["average"] == "2.50"  # (3 + 2) / 2
    assert (
        s["previous_average"] == "1.50"
    )  # 2024, old communes counted under the new province: 6 / 4
    assert s["change"] == "1.00"
    assert data["communes_total"] == 3 and data["assessed"] == 2
    assert data["assessed_other_units"] == 1 and data["denominator"]["total"] == 2


def test_old_communes_count_under_their_successor_and_as_of_the_old_map(
    personas, province_data, geo
):
    now = figures(personas.coordinator, geo.province, 2024)
    assert sorted(r["code"] for r in now["communes"]) == ["10001", "10002", "10003", "20001"]
    row = next(r for r in now["communes"] if r["code"] == "10002")
    assert row["current_name"] == "Xã An Bình" and row["old_map"] is True
    assert row["missing"] == [{"no": 2, "name": "Giao thông"}, {"no": 3, "name": "Kinh tế"}]
    old = figures(personas.coordinator, geo.old_province_1, 2024)
    assert sorted(r["code"] for r in old["communes"]) == ["10001", "10002", "10003"]
    assert old["communes_total"] == 3
    # 2025 assessments on the new map, shown as of the old map: Xã An Bình keeps code 10001.
    old_2025 = figures(personas.coordinator, geo.old_province_1, 2025)
    assert {r["code"] for r in old_2025["communes"]} >= {"10001"}


def test_counts_by_status_and_plan_against_result(personas, province_data, no_sources, geo):
    dossier = services.open_dossier(
        personas.coordinator, province_data, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 9, 1)
    )
    services.record_consultation(personas.coordinator, dossier, dt.date(2025, 9, 5), 96)
    services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 9, 9), True)
    services.decide(
        personas.coordinator,
        dossier,
        number="7/QĐ",
        signed_on=dt.date(2025, 9, 20),
        issuer="UBND tỉnh Mới",
    )
    services.set_target(personas.coordinator, geo.province, 2025, TargetMetric.COMMUNES_NTM, 2)
    services.set_target(
        personas.coordinator, geo.province, 2025, TargetMetric.AVERAGE_CRITERIA, "2.5"
    )
    data = figures(personas.coordinator, geo.province, 2025)
    assert {s["code"]: s["count"] for s in data["statuses"]}["ntm"] == 1
    # every xã of the province on 31/12/2025 that holds no level, assessed or not; not the ward
    assert {s["code"]: s["count"] for s in data["statuses"]}["not_yet"] == 1
    plan = {p["metric"]: (p["plan"], p["result"]) for p in data["plan"]}
    assert plan == {"communes_ntm": ("2", "1"), "average_criteria": ("2.50", "2.50")}
    assert figures_xlsx(data)[:2] == b"PK"


def test_figures_are_scoped(personas, province_data, geo):
    with pytest.raises(PermissionDenied):
        figures(personas.alice, geo.province, 2025)
    with pytest.raises(PermissionDenied):
        figures(personas.outsider, geo.province, 2025)
    mine = figures(personas.alice, geo.commune_a, 2025)
    assert [r["code"] for r in mine["communes"]] == ["10001"]
    assert "90001" not in {
        r["code"] for r in figures(personas.coordinator, geo.province, 2025)["communes"]
    }
