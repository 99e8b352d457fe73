"""The browser round trip and the scoping of the pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tamnong.audit.models import AuditEvent
from tamnong.ocop import services
from tamnong.ocop.models import Certificate, CouncilSession, Dossier, Producer, Product
from tamnong.testing.ocop import SYNTHETIC_SET_NO, install_synthetic_both, login, user_with


def sheet(a=10, b=10, m=15, c=20, skip=()):
    data = {"c_1.a": a, "c_1.b": b, "c_2.a": m, "c_3.a": c}
    return {k: v for k, v in data.items() if k[2:] not in skip}


def test_the_full_round_trip_in_the_browser(client, geo, personas):
    from tamnong.accounts.models import Role

    install_synthetic_both()
    # Commune officer registers the producer; the producer user (producer_ref P-1) adds a product.
    login(client, personas.alice)
    r = client.post(
        "/ocop/chu-the/them/",
        {"name": "HTX Miến Na Rì", "kind": "cooperative", "division": geo.commune_a.pk},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    producer = Producer.objects.get(name="HTX Miến Na Rì")
    Producer.objects.filter(pk=producer.pk).update(code="P-1")
    login(client, personas.producer)
    r = client.post(
        f"/ocop/chu-the/{producer.pk}/san-pham/them/",
        {"name": "Miến dong", "set_no": SYNTHETIC_SET_NO},
    )
    assert r.status_code == 302
    product = Product.objects.get(name="Miến dong")
    r = client.post(f"/ocop/san-pham/{product.pk}/", {"action": "open", "kind": "new"})
    dossier = Dossier.objects.get(product=product)
    assert r.status_code == 302 and r["Location"] == f"/ocop/ho-so/{dossier.pk}/"
    url = f"/ocop/ho-so/{dossier.pk}/"
    assert client.post(url, {"action": "self_assessment", **sheet()}).status_code == 302
    bad = client.post(
        url, {"action": "file", "kind": "registration", "file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert bad.status_code == 400 and "không được nhận" in bad.content.decode()
    ok = client.post(
        url,
        {
            "action": "file",
            "kind": "registration",
            "file": SimpleUploadedFile("dk.pdf", b"%PDF-1.4"),
        },
    )
    assert ok.status_code == 302
    assert client.post(url, {"action": "submit"}).status_code == 302
    # Commune: check, assess the local criterion, report, forward.
    login(client, personas.alice)
    assert "Xã kiểm tra hồ sơ" in client.get(url).content.decode()
    assert (
        client.post(url, {"action": "commune", "c_1.b": 10, "report": "Đủ hồ sơ."}).status_code
        == 302
    )
    # Province: a council of five members and a secretary.
    members = [user_with(f"tv{i}", geo.province, Role.COUNCIL_MEMBER) for i in range(5)]
    login(client, personas.coordinator)
    r = client.post(
        "/ocop/hoi-dong/them/",
        {
            "name": "Phiên 1",
            "held_on": timezone.localdate().isoformat(),
            "members": [m.pk for m in members],
            "secretary": personas.secretary.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    session = CouncilSession.objects.get()
    surl = f"/ocop/hoi-dong/{session.pk}/"
    assert client.post(surl, {"action": "add", "dossier": dossier.pk}).status_code == 302
    for m, c in zip(members, [20, 35, 20, 10, 20], strict=True):
        login(client, m)
        page = client.get(surl).content.decode()
        assert "Chấm điểm (phiếu của bạn)" in page
        r = client.post(
            surl, {"action": "sheet", "dossier": dossier.pk, **sheet(c=c, skip=("1.b",))}
        )
        assert r.status_code == 302, r.content.decode()[-2000:]
    again = client.post(surl, {"action": "sheet", "dossier": dossier.pk, **sheet(skip=("1.b",))})
    assert again.status_code == 400 and "đã nộp phiếu" in again.content.decode()
    login(client, personas.secretary)
    assert client.post(surl, {"action": "close"}).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.mean_score, dossier.stars, dossier.state) == (56, 3, Dossier.State.SCORED)
    login(client, personas.coordinator)
    page = client.get(surl).content.decode()
    assert "tv0" in page and "Chênh lệch" in page  # every member's sheet and the spread
    r = client.post(
        surl,
        {
            "action": "recognise",
            "dossier": dossier.pk,
            "number": "12/QĐ-UBND",
            "signed_on": timezone.localdate().isoformat(),
            "issuer": "UBND tỉnh Tỉnh Mới",
        },
    )
    assert r.status_code == 302
    cert = Certificate.objects.get()
    pdf = client.get(f"/ocop/giay-chung-nhan/{cert.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    qr_url = re.search(rb"/URI \((http[^)]+)\)", pdf.content).group(1).decode()
    client.logout()
    public = client.get(qr_url.split("8000", 1)[-1] if "8000" in qr_url else qr_url)
    assert public.status_code == 200
    assert "CÒN HIỆU LỰC" in public.content.decode() and "Miến dong" in public.content.decode()


@pytest.fixture
def two_producers(geo, personas):
    install_synthetic_both()
    own = services.create_producer(
        personas.alice, division=geo.commune_a, name="Chủ thể P-1", kind="household", code="P-1"
    )
    other = services.create_producer(
        personas.bob, division=geo.commune_c, name="Chủ thể khác", kind="enterprise", code="P-2"
    )
    p1 = services.create_product(
        personas.alice, own, name="Sản phẩm của tôi", set_no=SYNTHETIC_SET_NO
    )
    p2 = services.create_product(
        personas.bob, other, name="Sản phẩm người khác", set_no=SYNTHETIC_SET_NO
    )
    return p1, p2


def test_a_producer_sees_only_its_own_products(client, personas, two_producers):
    mine, theirs = two_producers
    login(client, personas.producer)
    page = client.get("/ocop/san-pham/").content.decode()
    assert "Sản phẩm của tôi" in page and "Sản phẩm người khác" not in page
    assert client.get(f"/ocop/san-pham/{theirs.pk}/").status_code == 404  # hidden: 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=personas.producer
    ).exists()
    assert client.get(f"/ocop/san-pham/{mine.pk}/").status_code == 200


def test_a_commune_officer_sees_only_the_commune(client, personas, two_producers):
    mine, theirs = two_producers
    login(client, personas.alice)
    page = client.get("/ocop/san-pham/").content.decode()
    assert "Sản phẩm của tôi" in page and "Sản phẩm người khác" not in page
    assert client.get(f"/ocop/san-pham/{theirs.pk}/").status_code == 404  # hidden: 404
    login(client, personas.coordinator)
    page = client.get("/ocop/san-pham/").content.decode()
    assert "Sản phẩm của tôi" in page and "Sản phẩm người khác" in page


def test_a_producer_cannot_register_a_dossier_for_another_product(client, personas, two_producers):
    _mine, theirs = two_producers
    login(client, personas.producer)
    assert (
        client.post(f"/ocop/san-pham/{theirs.pk}/", {"action": "open", "kind": "new"}).status_code
        == 404
    )
    assert not Dossier.objects.exists()


def test_pages_render_for_every_role(client, personas, two_producers):
    for user in (
        personas.admin,
        personas.coordinator,
        personas.alice,
        personas.producer,
        personas.leader,
        personas.council,
    ):
        login(client, user)
        for url in (
            "/ocop/",
            "/ocop/chu-the/",
            "/ocop/san-pham/",
            "/ocop/ho-so/",
            "/ocop/hoi-dong/",
            "/ocop/giay-chung-nhan/",
            "/ocop/bo-tieu-chi/",
            "/ocop/nhap/",
        ):
            assert client.get(url).status_code == 200, (user, url)
