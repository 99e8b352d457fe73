import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.audit.models import AuditEvent
from tamnong.decisions.models import Decision
from tamnong.ntm import services
from tamnong.ntm.models import CommuneStatus, Dossier, Recognition, RecognitionKind
from tamnong.testing.ntm import ALL_GOOD, decide, meeting_assessment  # noqa: F401


def test_the_workflow_records_each_step_and_recognises_the_commune(
    personas, region_set, no_sources, geo
):
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    services.record_consultation(
        personas.alice, dossier, dt.date(2025, 10, 20), "92,5".replace(",", ".")
    )
    with pytest.raises(PermissionDenied):
        services.record_appraisal(personas.alice, dossier, dt.date(2025, 11, 10), True)
    services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 11, 10), True, "Đạt")
    rec = decide(personas.coordinator, dossier)
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.DECIDED and dossier.satisfaction_pct == 92.5
    assert rec.decision.number == "123/QĐ-UBND" and isinstance(rec.decision, Decision)
    a.refresh_from_db()
    assert a.status == CommuneStatus.NTM
    steps = list(
        AuditEvent.objects.filter(
            model="ntm.Dossier", object_id=str(dossier.pk), action="transition"
        )
        .order_by("id")
        .values_list("after__state", flat=True)
    )
    assert steps == ["self_assessment", "consultation", "appraisal", "decided"]


def test_a_commune_that_does_not_meet_the_set_cannot_be_recognised(
    personas, region_set, no_sources, geo
):
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    services.enter_values(personas.alice, a, [{"code": "2.1", "value": 50}])
    with pytest.raises(services.NtmInputError, match="chưa đạt đủ bộ tiêu chí.*2. Giao thông"):
        services.open_dossier(personas.alice, a, RecognitionKind.COMMUNE_NTM)
    # The assessment changes after the appraisal: the decision itself is refused.
    services.enter_values(personas.alice, a, [{"code": "2.1", "value": 95}])
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 95)
    services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 10, 3), True)
    services.enter_values(personas.alice, a, [{"code": "1.1", "value": "không"}])
    with pytest.raises(services.NtmInputError, match="chưa đạt đủ"):
        decide(personas.coordinator, dossier)
    assert not Recognition.objects.exists() and not Decision.objects.exists()


def test_revocation_after_a_failed_reexamination(personas, region_set, no_sources, geo):
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 95)
    services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 10, 3), True)
    rec = decide(personas.coordinator, dossier)
    services.enter_values(personas.alice, a, [{"code": "2.1", "value": 40}])
    result = services.reexamine(personas.coordinator, rec, 2025)
    assert result.still_meets is False and result.criteria_missing == [2]
    decision = {"number": "9/QĐ", "signed_on": dt.date(2026, 3, 1), "issuer": "UBND tỉnh Mới"}
    with pytest.raises(services.NtmInputError, match="lý do"):
        services.revoke(personas.coordinator, rec, reason="", **decision)
    services.revoke(personas.coordinator, rec, reason="Không còn đạt tiêu chí 2", **decision)
    assert services.status_of(geo.commune_a, 2025) == CommuneStatus.NTM  # it held in 2025
    assert services.status_of(geo.commune_a, 2026) == CommuneStatus.NOT_YET


def test_a_low_satisfaction_rate_blocks_the_appraisal_when_the_set_gives_a_minimum(
    personas, region_set, no_sources, geo
):
    region_set.satisfaction_min = 90
    region_set.save()
    a = meeting_assessment(personas.alice, geo.commune_a, no_sources)
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.COMMUNE_NTM, on=dt.date(2025, 10, 1)
    )
    with pytest.raises(services.NtmInputError, match="từ 0 đến 100"):
        services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 140)
    services.record_consultation(personas.alice, dossier, dt.date(2025, 10, 2), 85)
    with pytest.raises(services.NtmInputError, match="hài lòng"):
        services.record_appraisal(personas.coordinator, dossier, dt.date(2025, 10, 3), True)


def test_a_decision_number_recorded_again_is_the_same_decision_unless_it_conflicts(
    personas, region_set, no_sources, geo
):
    """One decision of the Prime Minister may recognise a district and a province (the rule of
    tamnong.decisions.services); the same number recorded as a revocation is refused."""
    pm = {"number": "55/QĐ-TTg", "signed_on": dt.date(2023, 6, 1), "issuer": "Thủ tướng Chính phủ"}
    district = services.record_historical(
        personas.coordinator, geo.old_district, RecognitionKind.DISTRICT_NTM, 2023, **pm
    )
    province = services.record_historical(
        personas.coordinator, geo.old_province_1, RecognitionKind.PROVINCE_COMPLETED, 2023, **pm
    )
    assert province.decision == district.decision
    with pytest.raises(services.NtmInputError, match="đã có"):
        services.revoke(personas.coordinator, district, reason="Không còn đạt", **pm)


def test_recognitions_from_the_records_name_a_unit_of_the_right_level_in_force(personas, geo):
    # Issue 16: a commune (or village) recognised before the province used the system is
    # recorded from its decision; before, only districts and provinces could be (the commune
    # case was refused with "hồ sơ xét công nhận"). Xã An Bình did not exist in 2024.
    old_an = services.record_historical(
        personas.coordinator,
        geo.old_commune_an,
        RecognitionKind.COMMUNE_NTM,
        2019,
        number="12/QĐ-UBND",
        signed_on=dt.date(2019, 12, 20),
        issuer="UBND tỉnh Cũ Một",
    )
    assert old_an.historical and services.status_of(geo.old_commune_an, 2020) == "ntm"
    refused = [
        (personas.coordinator, geo.commune_a, RecognitionKind.COMMUNE_NTM, "không tồn tại trong năm 2024"),
        (personas.coordinator, geo.old_commune_an, RecognitionKind.DISTRICT_NTM, "đúng cấp"),
        (personas.outsider, geo.old_district, RecognitionKind.DISTRICT_NTM, None),
    ]  # fmt: skip
    decision = {"number": "1", "signed_on": dt.date(2024, 1, 1), "issuer": "UBND"}
    for user, unit, kind, message in refused:
        error = PermissionDenied if message is None else services.NtmInputError
        with pytest.raises(error, match=message):
            services.record_historical(user, unit, kind, 2024, **decision)


def test_villages_are_recognised_by_a_provincial_set(personas, no_sources, geo):
    from tamnong.ntm import criteria
    from tamnong.testing.ntm import spec

    village_set = {
        "key": "test-thon",
        "title": "Thôn NTM tỉnh Mới (thử)",
        "kind": "village_ntm",
        "level": "village",
        "province": "01",
        "years": [2021, 2030],
        "classification": "none",
        "columns": [{"code": "all", "name": "Tất cả"}],
        "criteria": [
            {
                "no": 1,
                "name": "Nhà văn hóa",
                "indicators": [
                    {
                        "code": "1.1",
                        "name": "Có nhà văn hóa",
                        "kind": "yes_no",
                        "thresholds": {"all": "có"},
                    }
                ],
            }
        ],
    }
    criteria.store(spec(village_set))
    village = geo.villages["A1"]
    a = services.start_assessment(personas.alice, village, 2025, "test-thon")
    with pytest.raises(services.NtmInputError):
        services.open_dossier(personas.alice, a, RecognitionKind.VILLAGE_NTM)
    services.enter_values(personas.alice, a, [{"code": "1.1", "value": "có"}])
    dossier = services.open_dossier(
        personas.alice, a, RecognitionKind.VILLAGE_NTM, on=dt.date(2025, 5, 1)
    )
    assert dossier.state == Dossier.State.SELF_ASSESSMENT
    with pytest.raises(services.NtmInputError, match="tỉnh khác"):
        services.start_assessment(personas.admin, geo.other_commune, 2025, "test-thon")
