"""Pages on a phone (390×844, headless Chromium): no horizontal scroll, a compact header whose menu
opens with a button, tap targets of at least 44 px, and sortable tables (issue 11, defect 9).

Skipped, with the reason printed, when `chromium` is not installed."""

import datetime as dt

import pytest

from tamnong.conftest import browser_tests

pytestmark = browser_tests

PHONE = {"width": 390, "height": 844}
NO_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(pages, live_server):
    """`phone(username=None, viewport=PHONE)`: a page of the shared `pages` fixture on a phone."""
    return lambda username=None, viewport=PHONE: pages(live_server.url, username, viewport=viewport)


@pytest.fixture
def certificate(geo, personas):
    from tamnong.testing.ocop import install_synthetic, producer_and_product, quick_certificate

    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    product.name = "Miến dong Na Rì đặc sản vùng cao xã An Bình tỉnh Tỉnh Mới"
    product.save()
    return quick_certificate(product, dt.date.today() - dt.timedelta(days=30), stars=4)


def _assert_fits(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SCROLL), (url, widths)


def test_public_pages_fit_a_phone_for_a_visitor(phone, live_server, certificate):
    page = phone()
    base = live_server.url
    for path in (
        "/",
        "/ocop/danh-muc/",
        f"/ocop/xac-minh/{certificate.public_id}/",
        "/ocop/xac-minh/",
    ):
        _assert_fits(page, base + path)
    # the catalog is a list of cards with a labelled search box, not a wide table
    page.goto(base + "/ocop/danh-muc/")
    assert page.locator("main table").count() == 0
    assert page.locator(".catalog-card").count() == 1
    assert page.locator("label[for=catalog-q]").inner_text() == "Tên sản phẩm hoặc chủ thể"
    link = page.locator(".catalog-card h2 a").bounding_box()
    assert link["height"] >= 44 and link["x"] + link["width"] <= PHONE["width"]


def test_pages_fit_a_phone_for_a_commune_officer(phone, live_server, personas, certificate):
    page = phone("alice")
    base = live_server.url
    for path in (
        "/",
        "/ocop/danh-muc/",
        f"/ocop/xac-minh/{certificate.public_id}/",
        "/ocop/san-pham/",
        "/ocop/giay-chung-nhan/",
        "/reports/records/ocop-certificates/",
    ):
        _assert_fits(page, base + path)


def test_the_phone_header_is_compact_and_its_menu_opens_with_a_button(phone, live_server, personas):
    page = phone("alice")
    page.goto(live_server.url + "/")
    brand = page.locator("header.site .brand-text strong")
    assert brand.bounding_box()["height"] < 32  # "Tam Nông" on one line
    menu, toggle = page.locator("#site-menu"), page.locator(".menu-toggle")
    assert not menu.is_visible() and toggle.is_visible()
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    ocop = page.locator("#site-menu a:has-text('OCOP')")
    assert ocop.bounding_box()["height"] >= 44
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    # on a desktop the menu is one row and the button is hidden
    desk = phone("alice", viewport={"width": 1366, "height": 900})
    desk.goto(live_server.url + "/")
    assert not desk.locator(".menu-toggle").is_visible()
    tops = {round(b["y"]) for b in (a.bounding_box() for a in desk.locator("#site-menu a").all())}
    assert len(tops) == 1, tops


def test_sortable_tables_sort_vietnamese_text_and_numbers(phone, live_server, geo):
    page = phone()
    page.goto(live_server.url + "/")
    keys = page.evaluate(
        "['1.581', '7,94', '0,69%', '2025', '24/02/2023', '–'].map(t => {"
        " const td = document.createElement('td'); td.textContent = t;"
        " return window.tamnongSortKey(td); })"
    )
    assert keys == [[0, 1581], [0, 7.94], [0, 0.69], [0, 2025], [0, 20230224 * 1440], [2, ""]]
    page.set_content(
        "<table class='sortable'><thead><tr><th>Tên</th><th>Số</th></tr></thead><tbody>"
        "<tr><td>Đông</td><td>1.581</td></tr><tr><td>Ân</td><td>25</td></tr>"
        "<tr><td>Dương</td><td>7,5</td></tr><tr><td>An</td><td>–</td></tr></tbody></table>"
    )
    page.add_script_tag(url=live_server.url + "/static/js/tables.js")

    def column(i):
        return page.locator(f"tbody tr td:nth-child({i})").all_inner_texts()

    page.click("th:nth-child(1) button")
    assert column(1) == ["An", "Ân", "Dương", "Đông"]
    assert page.locator("th:nth-child(1)").get_attribute("aria-sort") == "ascending"
    page.click("th:nth-child(2) button")
    assert column(2) == ["7,5", "25", "1.581", "–"]
    page.click("th:nth-child(2) button")
    assert column(2) == ["1.581", "25", "7,5", "–"]


def test_a_date_picker_shows_the_chosen_day_as_dd_mm_yyyy(phone, live_server, personas):
    page = phone("coordinator", viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/ocop/hoi-dong/them/")
    field = page.locator("main input[name=held_on]")
    assert field.get_attribute("type") == "date"
    echo = page.locator("main input[name=held_on] + .date-echo")
    assert echo.inner_text() == "ngày/tháng/năm"
    field.fill("2025-10-02")
    assert echo.inner_text() == "02/10/2025"
