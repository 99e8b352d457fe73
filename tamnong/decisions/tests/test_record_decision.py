"""One rule for recording a decision, whichever programme records it: the same issuer, number and
signing date is the same decision document, reused when what it says agrees (one decision may
recognise several products or communes) and refused when it does not."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tamnong.decisions.models import Decision
from tamnong.ntm import services as ntm
from tamnong.ntm.models import RecognitionKind
from tamnong.ocop import services as ocop
from tamnong.ocop.models import Certificate
from tamnong.testing.ocop import answers, council, forwarded_dossier, install_synthetic

PM = {"number": "55/QĐ-TTg", "signed_on": dt.date(2023, 6, 1), "issuer": "Thủ tướng Chính phủ"}


def test_ntm_reuses_a_decision_that_recognises_two_units_as_ocop_does(personas, geo):
    district = ntm.record_historical(
        personas.coordinator, geo.old_district, RecognitionKind.DISTRICT_NTM, 2023, **PM
    )
    province = ntm.record_historical(
        personas.coordinator, geo.old_province_1, RecognitionKind.PROVINCE_COMPLETED, 2023, **PM
    )
    assert district.decision == province.decision
    assert Decision.objects.filter(number="55/QĐ-TTg").count() == 1


@pytest.fixture
def two_scored(geo, personas):
    """Two products of one producer, scored 3★ in one council session."""
    install_synthetic()
    producer = ocop.create_producer(
        personas.alice, division=geo.commune_a, name="HTX Chè An Bình", kind="cooperative",
        code="P-1",
    )  # fmt: skip
    dossiers = []
    for name in ("Chè xanh An Bình", "Chè vàng An Bình"):
        product = ocop.create_product(personas.producer, producer, name=name, set_no=90)
        dossiers.append(forwarded_dossier(geo, personas, product))
    session, members = council(geo, personas)
    ocop.add_to_session(personas.coordinator, session, dossiers)
    for m in members:
        for d in dossiers:
            ocop.submit_sheet(m, session, d, answers())
    ocop.close_session(personas.secretary, session)
    for d in dossiers:
        d.refresh_from_db()
    return dossiers


UBND = {"number": "12/QĐ-UBND", "signed_on": dt.date(2025, 10, 20), "issuer": "UBND tỉnh Tỉnh Mới"}


def test_ocop_refuses_a_decision_number_recorded_with_another_signer(two_scored, personas):
    first, second = two_scored
    ocop.recognise(personas.coordinator, [first], signer="Nguyễn Văn An", **UBND)
    with pytest.raises(ValidationError) as exc:
        ocop.recognise(personas.coordinator, [second], signer="Trần Thị Bình", **UBND)
    assert "Nguyễn Văn An" in str(exc.value.message_dict["signer"])
    decision, [cert] = ocop.recognise(
        personas.coordinator, [second], signer="Nguyễn Văn An", **UBND
    )
    assert cert.decision == decision == Certificate.objects.get(dossier=first).decision


def test_a_decision_reused_with_another_kind_is_refused_in_vietnamese_and_in_english(personas, geo):
    rec = ntm.record_historical(
        personas.coordinator, geo.old_district, RecognitionKind.DISTRICT_NTM, 2023, **PM
    )
    with translation.override("vi"), pytest.raises(ntm.NtmInputError) as exc:
        ntm.revoke(personas.coordinator, rec, reason="Không còn đạt chuẩn", **PM)
    assert exc.value.errors[0]["field"] == "number"
    assert "đã có trong hệ thống" in exc.value.errors[0]["message"]
    assert "công nhận nông thôn mới" in exc.value.errors[0]["message"]
    with translation.override("en"), pytest.raises(ntm.NtmInputError) as exc:
        ntm.revoke(personas.coordinator, rec, reason="Không còn đạt chuẩn", **PM)
    assert "already recorded" in exc.value.errors[0]["message"]


def test_the_same_number_signed_on_another_day_of_the_year_is_refused(personas, geo):
    from tamnong.decisions.services import DecisionError, record_decision

    fields = {"issuer": "UBND tỉnh Tỉnh Mới", "kind": "ocop_recognition", "subject": "Công nhận"}
    first = record_decision(
        None, number="7/QĐ-UBND", signed_on=dt.date(2025, 3, 1), division=geo.province, **fields
    )
    with pytest.raises(DecisionError) as exc:
        record_decision(
            None, number="7/QĐ-UBND", signed_on=dt.date(2025, 3, 2), division=geo.province, **fields
        )
    assert "01/03/2025" in exc.value.message_dict["signed_on"][0]
    # numbers start again every year: the same number next year is another decision
    again = record_decision(
        None, number="7/QĐ-UBND", signed_on=dt.date(2026, 3, 2), division=geo.province, **fields
    )
    assert again != first


def test_spaces_do_not_make_another_decision_and_missing_fields_are_all_reported(geo):
    from tamnong.decisions.services import DecisionError, record_decision

    fields = {"kind": "ntm_recognition", "subject": "Công nhận", "division": geo.province}
    first = record_decision(
        None, number="9/QĐ", signed_on=dt.date(2025, 1, 2), issuer="UBND  tỉnh Mới", **fields
    )
    same = record_decision(
        None, number=" 9/QĐ ", signed_on=dt.date(2025, 1, 2), issuer="UBND tỉnh Mới ", **fields
    )
    assert same == first and first.issuer == "UBND tỉnh Mới"
    with pytest.raises(DecisionError) as exc:
        record_decision(None, number=" ", signed_on=None, issuer="", **fields)
    assert [e["field"] for e in exc.value.errors] == ["number", "issuer", "signed_on"]
