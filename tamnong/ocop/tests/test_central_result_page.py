"""Recording the ministry's decision on a product forwarded for 5★, from the dossier page."""

import pytest

from tamnong.audit.models import AuditEvent
from tamnong.ocop.models import Certificate, Dossier
from tamnong.testing.ocop import (
    answers,
    forwarded_dossier,
    install_synthetic,
    login,
    producer_and_product,
    through_council,
)

DECISION = {
    "action": "central",
    "stars": "5",
    "number": "321/QĐ-BNNMT",
    "signed_on": "2026-01-15",
    "issuer": "Bộ Nông nghiệp và Môi trường",
}


@pytest.fixture
def forwarded_central(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product, commune_b=20)
    through_council(geo, personas, dossier, answers(a=20, b=20, m=25, c=35))  # 100
    assert dossier.state == Dossier.State.FORWARDED_CENTRAL
    return dossier


def test_the_coordinator_records_the_ministry_5_star_decision_on_the_dossier_page(
    client, personas, forwarded_central
):
    url = f"/ocop/ho-so/{forwarded_central.pk}/"
    login(client, personas.coordinator)
    page = client.get(url).content.decode()
    assert 'id="central-form"' in page and "Quyết định của Bộ (đề nghị công nhận 5 sao)" in page
    r = client.post(url, DECISION)
    cert = Certificate.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ocop/giay-chung-nhan/{cert.pk}/"
    assert (cert.stars, cert.decision.number, cert.decision.issuer) == (
        5,
        "321/QĐ-BNNMT",
        "Bộ Nông nghiệp và Môi trường",
    )
    assert cert.issued_on.isoformat() == "2026-01-15"
    forwarded_central.refresh_from_db()
    assert forwarded_central.state == Dossier.State.RECOGNISED
    shown = client.get(r["Location"]).content.decode()
    assert f"Đã ghi nhận quyết định của Bộ và cấp giấy chứng nhận {cert.number}." in shown
    assert 'id="central-form"' not in client.get(url).content.decode()  # recorded once
    assert client.post(url, DECISION).status_code == 400
    assert Certificate.objects.count() == 1


def test_a_lower_rank_from_the_ministry_is_certified_with_that_rank(
    client, personas, forwarded_central
):
    login(client, personas.coordinator)
    r = client.post(f"/ocop/ho-so/{forwarded_central.pk}/", {**DECISION, "stars": "4"})
    assert r.status_code == 302
    assert Certificate.objects.get().stars == 4


def test_a_ministry_rank_below_3_stars_is_recorded_without_a_certificate(
    client, personas, forwarded_central
):
    url = f"/ocop/ho-so/{forwarded_central.pk}/"
    login(client, personas.coordinator)
    r = client.post(url, {**DECISION, "stars": "2"})
    assert r.status_code == 302 and r["Location"] == url
    assert not Certificate.objects.exists()
    forwarded_central.refresh_from_db()
    assert (forwarded_central.state, forwarded_central.stars) == (
        Dossier.State.NOT_RECOGNISED,
        2,
    )
    assert "sản phẩm không được công nhận OCOP" in client.get(url).content.decode()


def test_bad_input_is_refused_with_a_message_and_writes_nothing(
    client, personas, forwarded_central
):
    url = f"/ocop/ho-so/{forwarded_central.pk}/"
    login(client, personas.coordinator)
    for change, message in (
        ({"number": ""}, "Trường này là bắt buộc."),
        ({"signed_on": "31/02/2026"}, "Nhập một ngày hợp lệ."),
        ({"stars": "6"}, "6 không phải là một trong các lựa chọn"),
        ({"issuer": "  "}, "Trường này là bắt buộc."),
    ):
        r = client.post(url, {**DECISION, **change})
        assert r.status_code == 400 and message in r.content.decode(), (change, r.content[-800:])
        assert 'id="central-form"' in r.content.decode()
    forwarded_central.refresh_from_db()
    assert forwarded_central.state == Dossier.State.FORWARDED_CENTRAL
    assert forwarded_central.stars == 5 and not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["producer", "alice", "leader", "council", "secretary"])
def test_only_province_staff_record_the_ministry_decision_and_denials_are_logged(
    client, personas, forwarded_central, who
):
    user = getattr(personas, who)
    url = f"/ocop/ho-so/{forwarded_central.pk}/"
    login(client, user)
    page = client.get(url)
    assert page.status_code == 200  # every one of them sees the dossier; the step is refused
    assert 'id="central-form"' not in page.content.decode()
    assert client.post(url, DECISION).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=user).exists()
    forwarded_central.refresh_from_db()
    assert forwarded_central.state == Dossier.State.FORWARDED_CENTRAL
    assert not Certificate.objects.exists()


def test_no_ministry_form_before_the_product_is_forwarded_for_5_stars(client, geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    url = f"/ocop/ho-so/{dossier.pk}/"
    login(client, personas.coordinator)
    assert 'id="central-form"' not in client.get(url).content.decode()
    r = client.post(url, DECISION)
    assert r.status_code == 400 and "không thực hiện được thao tác này" in r.content.decode()
    assert not Certificate.objects.exists()
