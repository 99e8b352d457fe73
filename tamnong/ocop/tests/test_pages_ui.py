"""OCOP pages as people use them (issue 11, "also seen"): one id per element on the product page,
a Vietnamese "saved" message after each save, the dossier list searchable by text and ordered by
date, and lists that say how many rows they show."""

import datetime as dt
import re
from collections import Counter

import pytest

from tamnong.ocop import services
from tamnong.testing.ocop import (
    SYNTHETIC_SET_NO,
    install_synthetic_both,
    login,
    producer_and_product,
    registration_file,
)


@pytest.fixture
def product(geo, personas):
    install_synthetic_both()
    return producer_and_product(geo, personas)[1]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_product_page_repeats_no_element_id(client, personas, product):
    login(client, personas.producer)
    page = client.get(f"/ocop/san-pham/{product.pk}/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'id="channel-name"' in page and 'id="fair-name"' in page


def test_each_save_on_the_product_pages_says_so_in_vietnamese(client, personas, product):
    login(client, personas.producer)
    r = client.post(
        f"/ocop/chu-the/{product.producer.pk}/san-pham/them/",
        {"name": "Miến dong Na Rì", "set_no": SYNTHETIC_SET_NO},
        follow=True,
    )
    assert "Đã thêm sản phẩm Miến dong Na Rì." in _messages(r)
    url = f"/ocop/san-pham/{product.pk}/"
    r = client.post(
        url, {"action": "channel", "kind": "supermarket", "name": "Cửa hàng Lạng Sơn"}, follow=True
    )
    assert "Đã thêm kênh phân phối Cửa hàng Lạng Sơn." in _messages(r)
    r = client.post(
        url, {"action": "fair", "name": "Hội chợ OCOP", "held_on": "2025-10-02"}, follow=True
    )
    assert "Đã thêm hội chợ, triển lãm Hội chợ OCOP." in _messages(r)
    r = client.post(url, {"action": "open", "kind": "new"}, follow=True)
    assert "Đã lập hồ sơ đánh giá cho sản phẩm Chè xanh An Bình." in _messages(r)
    dossier = product.dossiers.get()
    r = client.post(
        f"/ocop/ho-so/{dossier.pk}/",
        {"action": "file", "kind": "registration", "criterion": "", "file": registration_file()},
        follow=True,
    )
    assert "Đã tải lên tệp phieu-dang-ky.pdf." in _messages(r)


def test_the_dossier_list_searches_text_and_orders_by_date(client, personas, product, geo):
    other = services.create_product(
        personas.producer, product.producer, name="Miến dong Na Rì", set_no=SYNTHETIC_SET_NO
    )
    services.open_dossier(personas.producer, product, registered_on=dt.date(2025, 3, 1))
    services.open_dossier(personas.producer, other, registered_on=dt.date(2025, 9, 1))
    login(client, personas.alice)

    def names(query=""):
        page = client.get("/ocop/ho-so/" + query).content.decode()
        body = re.search(r"(?s)<tbody>.*?</tbody>", page).group(0)
        return re.findall(r'/ocop/ho-so/\d+/">([^<]+)</a>', body), page

    assert names()[0] == ["Miến dong Na Rì", "Chè xanh An Bình"]  # newest first
    assert names("?order=cu")[0] == ["Chè xanh An Bình", "Miến dong Na Rì"]
    found, page = names("?q=miến")
    assert found == ["Miến dong Na Rì"]
    assert "Hiển thị 1/1" in page and 'label for="dossiers-q"' in page
    assert names("?q=HTX Chè")[0] == ["Miến dong Na Rì", "Chè xanh An Bình"]  # the producer's name


def test_lists_are_sortable_and_counted(client, personas, product):
    login(client, personas.alice)
    for url in ("/ocop/san-pham/", "/ocop/chu-the/", "/ocop/giay-chung-nhan/", "/ocop/ho-so/"):
        page = client.get(url).content.decode()
        assert '<table class="sortable">' in page, url
        assert re.search(r'<p class="count">Hiển thị \d+/\d+</p>', page), url
        assert re.search(r'<label for="[a-z]+-q">', page), url
