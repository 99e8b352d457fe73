import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from tamnong.ocop import services
from tamnong.testing.ocop import (
    SYNTHETIC_SET_NO,
    cooperative,
    install_synthetic,
    quick_certificate,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(geo, personas):
    install_synthetic()
    producer = cooperative(
        geo,
        personas,
        name="HTX Rau An Bình",
        representative="Nguyễn Thị Bí Mật",
        phone="0987654321",
        email="bimat@example.org",
        registration_no="4700000001",
    )
    today = timezone.localdate()
    made = {}
    for name, issued in [
        ("Rau cải còn hạn", today - dt.timedelta(days=100)),
        ("Măng khô hết hạn", today - dt.timedelta(days=4 * 365)),
        ("Mật ong bị thu hồi", today - dt.timedelta(days=200)),
    ]:
        product = services.create_product(
            personas.alice, producer, name=name, set_no=SYNTHETIC_SET_NO
        )
        made[name] = quick_certificate(product, issued, stars=4 if "Rau" in name else 3)
    services.revoke(
        personas.coordinator,
        made["Mật ong bị thu hồi"],
        reason="Vi phạm ATTP",
        ground="a",
        found_on=today - dt.timedelta(days=12),
        number="9/QĐ-UBND",
        signed_on=today - dt.timedelta(days=10),
        issuer="UBND tỉnh Tỉnh Mới",
    )
    return made


def test_the_catalog_shows_only_products_with_a_valid_certificate(client, registry, geo):
    page = client.get("/ocop/danh-muc/").content.decode()
    assert "Rau cải còn hạn" in page
    assert "Măng khô hết hạn" not in page and "Mật ong bị thu hồi" not in page


def test_the_catalog_filters_by_province_commune_group_and_stars(client, registry, geo):
    def names(**q):
        return client.get("/ocop/danh-muc/", q).content.decode()

    assert "Rau cải" in names(
        province=geo.province.pk, commune=geo.commune_a.pk, stars=4, group="Thực phẩm"
    )
    assert "Rau cải" not in names(stars=3)
    assert "Rau cải" not in names(province=geo.other_province.pk)
    assert "Rau cải" not in names(commune=geo.commune_c.pk)
    assert "Rau cải" not in names(group="Đồ uống")
    assert "Rau cải" in names(q="rau")
    assert (
        client.get("/ocop/danh-muc/", {"stars": "x", "province": "abc", "page": "999"}).status_code
        == 200
    )


def test_the_verification_page_says_valid_expired_or_revoked_with_the_date(client, registry):
    valid = client.get(f"/ocop/xac-minh/{registry['Rau cải còn hạn'].public_id}/").content.decode()
    assert (
        "CÒN HIỆU LỰC" in valid
        and "VALID" in valid
        and "★★★★" in valid
        and "HTX Rau An Bình" in valid
    )
    expired_cert = registry["Măng khô hết hạn"]
    expired = client.get(f"/ocop/xac-minh/{expired_cert.public_id}/").content.decode()
    assert "EXPIRED" in expired and expired_cert.expires_on.strftime("%d/%m/%Y") in expired
    revoked_cert = registry["Mật ong bị thu hồi"]
    revoked = client.get(f"/ocop/xac-minh/{revoked_cert.public_id}/").content.decode()
    day = revoked_cert.revocation.revoked_on.strftime("%d/%m/%Y")
    assert "REVOKED" in revoked and day in revoked
    assert client.get("/ocop/xac-minh/khong-co/").status_code == 404


def test_public_pages_reveal_no_personal_data(client, registry):
    for url in ["/ocop/danh-muc/", f"/ocop/xac-minh/{registry['Rau cải còn hạn'].public_id}/"]:
        page = client.get(url).content.decode()
        for secret in ("Nguyễn Thị Bí Mật", "0987654321", "bimat@example.org", "4700000001"):
            assert secret not in page


@override_settings(OCOP_PUBLIC_RATE_LIMIT=3)
def test_public_pages_are_rate_limited(client, registry):
    codes = [client.get("/ocop/danh-muc/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get("/ocop/danh-muc/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_public_pages_need_no_login(client, registry):
    assert client.get("/ocop/danh-muc/").status_code == 200
    assert client.get("/ocop/").status_code == 302  # the rest needs a login


def test_an_unknown_certificate_says_so_plainly_with_a_lookup_form(client, registry, settings):
    """Issue 11, defect 3: no debug 404; a form to look up by certificate number or product code."""
    settings.DEBUG = False
    r = client.get("/ocop/xac-minh/khong-co/")
    body = r.content.decode()
    assert r.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in body
    assert 'name="q"' in body and "URLconf" not in body


def test_a_certificate_is_found_by_its_number_or_its_product_code(client, registry):
    cert = registry["Rau cải còn hạn"]
    for q in [cert.number, cert.product.code, cert.number.lower()]:
        r = client.get("/ocop/xac-minh/", {"q": q})
        assert r.status_code == 302 and r["Location"].endswith(f"/ocop/xac-minh/{cert.public_id}/")
    missing = client.get("/ocop/xac-minh/", {"q": "KHONG-CO-SO-NAY"})
    assert (
        missing.status_code == 404 and "Không tìm thấy giấy chứng nhận" in missing.content.decode()
    )
    form = client.get("/ocop/xac-minh/")
    assert form.status_code == 200 and 'name="q"' in form.content.decode()
