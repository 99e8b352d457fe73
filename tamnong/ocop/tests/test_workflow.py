import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tamnong.audit.models import AuditEvent
from tamnong.ocop import criteria as crit
from tamnong.ocop import rules, services
from tamnong.ocop.models import Certificate, CriteriaSet, Dossier
from tamnong.testing.ocop import (
    answers,
    council,
    dossier_in_session,
    forwarded_dossier,
    install_synthetic,
    producer_and_product,
    registration_file,
    synthetic_raw,
    through_council,
)


@pytest.fixture
def scored(geo, personas):
    session, dossier, members = dossier_in_session(geo, personas)
    for m, c in zip(members, [20, 35, 20, 10, 20], strict=True):  # totals 55 70 55 45 55
        services.submit_sheet(m, session, dossier, answers(c=c))
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    return dossier, session, members


def test_a_full_round_trip_to_a_certificate(scored, personas):
    dossier, session, members = scored
    assert dossier.state == Dossier.State.SCORED
    assert dossier.mean_score == Decimal("56.00") and dossier.stars == 3
    decision, [cert] = services.recognise(
        personas.coordinator,
        [dossier],
        number="123/QĐ-UBND",
        signed_on=dt.date(2025, 10, 20),
        issuer="UBND tỉnh Tỉnh Mới",
    )
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.RECOGNISED
    assert cert.stars == 3 and cert.expires_on == dt.date(2028, 10, 20)
    assert cert.number.startswith("OCOP-01-2025-")
    assert cert.status_on(dt.date(2026, 1, 1)) == (Certificate.Status.VALID, dt.date(2028, 10, 20))
    assert cert.status_on(dt.date(2028, 10, 20)) == (
        Certificate.Status.EXPIRED,
        dt.date(2028, 10, 20),
    )
    transitions = AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION, model="ocop.Dossier", object_id=str(dossier.pk)
    ).values_list("after__state", flat=True)
    assert list(transitions)[::-1] == [
        "draft",
        "submitted",
        "forwarded",
        "in_session",
        "scored",
        "recognised",
    ]


def test_editing_a_criteria_set_leaves_past_results_unchanged(scored, personas):
    dossier, _session, _members = scored
    pinned = dossier.criteria_set
    before = services.ranking(dossier).as_dict()
    # The administrator corrects the set: 3.a's options are re-weighted and 1.a's minimum raised.
    raw = synthetic_raw()
    raw["parts"][2]["criteria"][0]["options"][2]["points"] = 5
    raw["parts"][0]["criteria"][0]["star_requirements"] = {3: 20}
    new, created = rules.install(crit.normalise(raw, rules.decisions()), source_name="sửa")
    assert created and new.version == pinned.version + 1
    dossier.refresh_from_db()
    assert dossier.criteria_set_id == pinned.id
    assert services.ranking(dossier).as_dict() == before == dossier.result
    pinned.refresh_from_db()
    assert pinned.content["parts"][2]["criteria"][0]["options"][2]["points"] == 20
    # The corrected set is the one a new dossier takes.
    assert CriteriaSet.objects.for_set(90, dt.date(2025, 12, 1)) == new


def test_a_member_cannot_score_twice_or_after_closing(scored):
    dossier, session, members = scored
    with pytest.raises(ValidationError, match="Phiên họp đã kết thúc"):
        services.submit_sheet(members[0], session, dossier, answers())


def test_second_sheet_and_foreign_dossier_are_refused(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    other = services.create_product(personas.producer, product.producer, name="Khác", set_no=90)
    other_dossier = forwarded_dossier(geo, personas, other)
    session, members = council(geo, personas)
    services.add_to_session(personas.coordinator, session, [dossier])
    services.submit_sheet(members[0], session, dossier, answers())
    with pytest.raises(ValidationError, match="đã nộp phiếu"):
        services.submit_sheet(members[0], session, dossier, answers())
    with pytest.raises(ValidationError, match="không thuộc phiên họp"):
        services.submit_sheet(members[1], session, other_dossier, answers())
    with pytest.raises(PermissionDenied):
        services.submit_sheet(personas.producer, session, dossier, answers())
    with pytest.raises(ValidationError, match="không chấm lại"):
        services.submit_sheet(members[1], session, dossier, answers(b=20))


def test_no_certificate_for_a_product_below_three_stars(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    session, members = council(geo, personas)
    services.add_to_session(personas.coordinator, session, [dossier])
    for m in members:  # 1.a = 0 on every sheet: mandatory criterion failed, 75 points
        services.submit_sheet(m, session, dossier, answers(a=0, b=10, m=25, c=35))
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    assert dossier.band == 4 and dossier.stars == 2
    assert dossier.state == Dossier.State.NOT_RECOGNISED
    with pytest.raises(ValidationError):
        _recognise(personas, dossier, "1/QĐ", dt.date(2025, 10, 2))
    assert not Certificate.objects.exists()


def _recognise(personas, dossier, number, day):
    """The coordinator's recognition decision for one dossier, issued by the province."""
    return services.recognise(
        personas.coordinator, [dossier], number=number, signed_on=day, issuer="UBND tỉnh"
    )


def test_a_tampered_result_is_not_certified(scored, personas):
    dossier, _s, _m = scored
    Dossier.objects.filter(pk=dossier.pk).update(stars=4, mean_score=Decimal("75"))
    dossier.refresh_from_db()
    with pytest.raises(ValidationError):
        _recognise(personas, dossier, "2/QĐ", dt.date(2025, 10, 2))
    assert not Certificate.objects.exists()


def test_commune_officer_of_another_commune_cannot_check(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = services.open_dossier(personas.producer, product, registered_on=dt.date(2025, 9, 1))
    services.save_self_assessment(personas.producer, dossier, answers())
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier)
    with pytest.raises(PermissionDenied):
        services.commune_assess(personas.bob, dossier, answers={"1.b": 10}, report="x")


def test_dossier_files_are_checked_for_type_and_size(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = services.open_dossier(personas.producer, product, registered_on=dt.date(2025, 9, 1))
    with pytest.raises(ValidationError, match=r"\.exe"):
        services.add_file(
            personas.producer, dossier, kind="evidence", upload=registration_file("a.exe")
        )
    with pytest.raises(ValidationError, match="quá lớn"):
        services.add_file(
            personas.producer,
            dossier,
            kind="evidence",
            upload=registration_file(size=11 * 1024 * 1024),
        )
    with pytest.raises(ValidationError, match="Không có tiêu chí 7.z"):
        services.add_file(
            personas.producer, dossier, kind="evidence", criterion="7.z", upload=registration_file()
        )


def test_an_incomplete_official_set_cannot_open_a_dossier(geo, personas):
    producer, _ = producer_and_product(geo, personas, set_no=1)
    tea = services.create_product(personas.producer, producer, name="Chè Shan tuyết", set_no=11)
    with pytest.raises(ValidationError, match="chưa đầy đủ"):
        services.open_dossier(personas.producer, tea, registered_on=dt.date(2025, 9, 1))


def test_upgrade_supersedes_the_valid_certificate(scored, personas, geo):
    dossier, _s, _m = scored
    _d, [first] = _recognise(personas, dossier, "3/QĐ", dt.date(2025, 10, 20))
    up = services.open_dossier(
        personas.producer,
        dossier.product,
        kind=Dossier.Kind.UPGRADE,
        registered_on=dt.date(2026, 3, 1),
    )
    services.save_self_assessment(personas.producer, up, answers(c=35, m=25))
    services.add_file(personas.producer, up, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, up)
    services.commune_assess(personas.alice, up, answers={"1.b": 10}, report="Nâng hạng")
    through_council(
        geo, personas, up, answers(c=35, m=25), day=dt.date(2026, 4, 1), prefix="k2-"
    )  # 80 → 4★
    _d, [second] = _recognise(personas, up, "4/QĐ", dt.date(2026, 4, 10))
    assert (
        second.stars == 4 and second.supersedes == first and second.correction_reason == "Nâng hạng"
    )
    first.refresh_from_db()
    assert first.status_on(dt.date(2026, 5, 1)) == (
        Certificate.Status.SUPERSEDED,
        dt.date(2026, 4, 10),
    )
    assert services.valid_products(geo.province, dt.date(2026, 5, 1)) == 1
    assert services.valid_products(geo.province, dt.date(2026, 5, 1), min_stars=4) == 1


def test_a_product_scoring_90_is_forwarded_and_the_ministry_decision_is_recorded(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product, commune_b=20)
    through_council(geo, personas, dossier, answers(a=20, b=20, m=25, c=35))  # 100
    assert dossier.stars == 5 and dossier.state == Dossier.State.FORWARDED_CENTRAL
    with pytest.raises(ValidationError):  # the province does not recognise 5★
        _recognise(personas, dossier, "1", dt.date(2025, 11, 1))
    cert = services.record_central_result(
        personas.coordinator,
        dossier,
        stars=5,
        number="321/QĐ-BNNMT",
        signed_on=dt.date(2026, 1, 15),
        issuer="Bộ Nông nghiệp và Môi trường",
    )
    assert cert.stars == 5 and cert.decision.issuer == "Bộ Nông nghiệp và Môi trường"
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.RECOGNISED
