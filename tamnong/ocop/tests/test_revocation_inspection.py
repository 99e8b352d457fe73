"""Revocation under 26/2026 (regime `revocation`, Điều 8): a ground from the data's list, the
authority of the star level, within 15 days of the finding; post-certification inspections
(regime `inspection`, Điều 9), periodic and ad hoc, as records on the certificate page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tamnong.ocop import services
from tamnong.ocop.models import Inspection, Revocation
from tamnong.testing.ocop import install_synthetic, login, producer_and_product, quick_certificate

from . import regime26

D = dt.date
ISSUED = D(2026, 8, 3)


@pytest.fixture
def cert(geo, personas, monkeypatch):
    regime26.load(monkeypatch)
    install_synthetic()
    _p, product = producer_and_product(geo, personas)
    return quick_certificate(product, ISSUED, regime_key="qd26-2026")


def _revoke(personas, cert, **kw):
    args = {
        "reason": "",
        "number": "12/QĐ-UBND",
        "signed_on": D(2026, 9, 10),
        "issuer": "UBND tỉnh Tỉnh Mới",
        "ground": "b",
        "found_on": D(2026, 9, 1),
    }
    args.update(kw)
    return services.revoke(personas.coordinator, cert, **args)


def test_the_grounds_come_from_the_data_with_their_article(cert):
    grounds = services.revocation_grounds(D(2026, 9, 10))
    assert [g["code"] for g in grounds["grounds"]] == ["a", "b", "c", "d", "đ", "e"]
    assert grounds["article"] == "Điều 8" and grounds["within_days"] == 15
    assert services.revocation_grounds(D(2025, 9, 10)) is None  # 148: no list


def test_a_ground_is_required_and_recorded(cert, personas):
    with pytest.raises(ValidationError) as exc:
        _revoke(personas, cert, ground="")
    assert "Điều 8" in str(exc.value)
    with pytest.raises(ValidationError):
        _revoke(personas, cert, ground="z")
    revocation = _revoke(personas, cert)
    assert revocation.ground == "b" and revocation.found_on == D(2026, 9, 1)
    assert revocation.authority == "province"
    assert "không còn đáp ứng các tiêu chí" in revocation.reason


@pytest.mark.parametrize(("found", "ok"), [(D(2026, 8, 26), True), (D(2026, 8, 25), False)])
def test_within_15_days_of_the_finding(cert, personas, found, ok):
    if ok:
        assert _revoke(personas, cert, found_on=found).pk
        return
    with pytest.raises(ValidationError) as exc:
        _revoke(personas, cert, found_on=found)
    message = str(exc.value)
    assert "15 ngày" in message and "Điều 8.4" in message and "09/09/2026" in message
    assert not Revocation.objects.exists()


def test_a_late_revocation_is_recorded_with_its_explanation(cert, personas):
    revocation = _revoke(
        personas, cert, found_on=D(2026, 8, 1), late_reason="Kết luận nhận chậm do gửi nhầm địa chỉ"
    )
    assert revocation.late_reason.startswith("Kết luận nhận chậm")


def test_the_finding_cannot_follow_the_decision(cert, personas):
    with pytest.raises(ValidationError):
        _revoke(personas, cert, found_on=D(2026, 9, 11))


def test_a_5_star_certificate_is_revoked_by_the_ministry(geo, personas, monkeypatch):
    regime26.load(monkeypatch)
    install_synthetic()
    _p, product = producer_and_product(geo, personas)
    five = quick_certificate(product, ISSUED, stars=5, regime_key="qd26-2026")
    with pytest.raises(ValidationError) as exc:
        _revoke(personas, five)
    assert "Bộ trưởng Bộ Nông nghiệp và Môi trường" in str(exc.value)
    revocation = _revoke(personas, five, issuer="Bộ Nông nghiệp và Môi trường")
    assert revocation.authority == "central"


def test_under_148_the_old_revocation_stays(geo, personas):
    install_synthetic()
    _p, product = producer_and_product(geo, personas)
    old = quick_certificate(product, D(2024, 3, 1))
    r = services.revoke(
        personas.coordinator,
        old,
        reason="Vi phạm",
        number="1/QĐ",
        signed_on=D(2025, 3, 1),
        issuer="UBND tỉnh Tỉnh Mới",
    )
    assert r.ground == "" and r.found_on is None


PERIODIC = {
    "kind": "periodic",
    "inspected_on": D(2027, 3, 1),
    "authority": "province",
    "findings": "x",
    "maintained": True,
}


def test_inspections_periodic_and_ad_hoc(cert, personas):
    findings = "Duy trì các tiêu chí; nhãn OCOP đúng quy định."
    periodic = services.record_inspection(
        personas.coordinator, cert, **{**PERIODIC, "findings": findings}
    )
    assert periodic.article == "Điều 9"
    services.record_inspection(
        personas.coordinator,
        cert,
        kind="ad_hoc",
        inspected_on=D(2027, 4, 1),
        authority="central",  # the ministry may inspect 3★ when needed (Điều 9.4)
        findings="Nhãn mác sai.",
        maintained=False,
    )
    assert list(cert.inspections.values_list("kind", flat=True)) == ["ad_hoc", "periodic"]
    for bad in (
        {"kind": "monthly"},
        {"inspected_on": D(2026, 8, 1)},  # before issue
        {"findings": "  "},
    ):
        with pytest.raises(ValidationError):
            services.record_inspection(personas.coordinator, cert, **{**PERIODIC, **bad})
    with pytest.raises(PermissionDenied):
        services.record_inspection(personas.alice, cert, **PERIODIC)
    assert Inspection.objects.count() == 2


def test_the_certificate_page_offers_the_grounds_and_lists_inspections(cert, personas, client):
    c = login(client, personas.coordinator)
    page = c.get(f"/ocop/giay-chung-nhan/{cert.pk}/").content.decode()
    assert "Điều 8" in page and "giả mạo hồ sơ" in page and "Kiểm tra sau công nhận" in page
    r = c.post(
        f"/ocop/giay-chung-nhan/{cert.pk}/",
        {
            "action": "inspection",
            "kind": "ad_hoc",
            "inspected_on": "01/03/2027",
            "authority": "province",
            "findings": "Đạt",
            "maintained": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert "Đạt" in c.get(f"/ocop/giay-chung-nhan/{cert.pk}/").content.decode()
    r = c.post(
        f"/ocop/giay-chung-nhan/{cert.pk}/",
        {
            "action": "revoke",
            "number": "9/QĐ-UBND",
            "signed_on": "10/09/2026",
            "issuer": "UBND tỉnh Tỉnh Mới",
            "ground": "d",
            "found_on": "01/08/2026",
            "reason": "",
        },
    )
    assert r.status_code == 400 and "15 ngày" in r.content.decode()


def test_the_api_takes_the_ground_and_the_day_of_the_finding(cert, personas, client):
    from tamnong.testing.ocop import post

    data = {"number": "7/QĐ", "signed_on": "2026-09-10", "issuer": "UBND tỉnh", "ground": "c"}
    r = post(client, personas.coordinator, f"/certificates/{cert.pk}/revocation", data)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "found_on"
    r = post(
        client,
        personas.coordinator,
        f"/certificates/{cert.pk}/revocation",
        {**data, "found_on": "2026-09-02"},
    )
    assert r.status_code == 201 and r.json()["status"] == "revoked"
    assert Revocation.objects.get().ground == "c"


def test_the_api_records_the_signer_of_the_revocation(cert, personas, client):
    from tamnong.testing.ocop import post

    data = {
        "number": "8/QĐ-UBND",
        "signed_on": "2026-09-10",
        "issuer": "UBND tỉnh Tỉnh Mới",
        "signer": "Nguyễn Văn Ký",
        "ground": "c",
        "found_on": "2026-09-02",
    }
    r = post(client, personas.coordinator, f"/certificates/{cert.pk}/revocation", data)
    assert r.status_code == 201, r.content
    assert Revocation.objects.get().decision.signer == "Nguyễn Văn Ký"


def test_the_revocation_form_records_the_signer(cert, personas, client):
    c = login(client, personas.coordinator)
    r = c.post(
        f"/ocop/giay-chung-nhan/{cert.pk}/",
        {
            "action": "revoke",
            "number": "9/QĐ-UBND",
            "signed_on": "10/09/2026",
            "issuer": "UBND tỉnh Tỉnh Mới",
            "signer": "Trần Thị Ký",
            "ground": "d",
            "found_on": "01/09/2026",
            "reason": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert Revocation.objects.get().decision.signer == "Trần Thị Ký"
