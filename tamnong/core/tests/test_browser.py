"""Key flows in a real headless Chromium (Debian's package; no browser download).

Skipped, with the reason printed, when `chromium` is not installed (`.ci/run` installs it).
"""

import pytest

from tamnong.conftest import browser_tests

pytestmark = browser_tests


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.requested = requested
    yield page
    context.close()


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Đăng nhập')")


def test_home_page_is_vietnamese_and_loads_only_local_assets(page, live_server, geo):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Tam Nông"
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "object"  # the vendored htmx loaded
    assert all(url.startswith(live_server.url) for url in page.requested)


def test_login_shows_an_error_then_lets_the_user_in(page, live_server, personas):
    from tamnong.conftest import PASSWORD

    login(page, live_server, "alice", "sai-mat-khau")
    assert (
        page.locator(".errorlist").inner_text().strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    )
    login(page, live_server, "alice", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert "Phạm vi của bạn" in page.content()
    assert "Xã An Bình" in page.locator("article").first.inner_text()


def test_village_form_shows_field_errors_and_then_saves(page, live_server, personas, geo):
    from tamnong.conftest import PASSWORD

    login(page, live_server, "alice", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/divisions/{geo.commune_a.pk}/")
    page.fill("#village-form input[name=name]", "Thôn Nà Pàn")
    page.fill("#village-form input[name=code]", "mã sai!")
    page.click("#village-form button[type=submit]")
    assert "Mã chỉ gồm chữ, số" in page.locator("#village-form").inner_text()
    assert (
        page.locator("#village-form input[name=name]").input_value() == "Thôn Nà Pàn"
    )  # nothing lost
    page.fill("#village-form input[name=code]", "")
    page.click("#village-form button[type=submit]")
    assert "Đã thêm Thôn Nà Pàn." in page.locator(".messages").inner_text()
    assert geo.commune_a.children.filter(name="Thôn Nà Pàn").exists()


def test_job_progress_bar_updates_live(page, live_server, personas):
    from tamnong.conftest import PASSWORD
    from tamnong.jobs import services
    from tamnong.testing.jobs import count  # noqa: F401  registers "test.count"

    job = services.enqueue("test.count", user=personas.alice, upto=3)
    login(page, live_server, "alice", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert "Đang chờ" in page.locator("#job-progress").inner_text()
    services.work(once=True)
    page.locator("#job-progress", has_text="Hoàn thành").wait_for(timeout=10_000)
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
