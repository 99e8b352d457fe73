"""The Content-Security-Policy in a real headless Chromium (issue 14, item 4): a page with a
chart and a page that htmx updates run with the policy on and the console reports no violation.
"""

import pytest

from tamnong.conftest import PASSWORD, browser_tests

pytestmark = browser_tests


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{live_server.url}/")


def test_the_dashboard_draws_its_charts_under_the_policy(page, live_server, personas):
    login(page, live_server, "coordinator")
    response = page.goto(f"{live_server.url}/reports/dashboard/")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof Chart") == "function"  # the vendored chart library ran
    assert page.evaluate("typeof htmx") == "object"
    assert page.violations == []


def test_an_htmx_update_and_a_filter_submit_run_under_the_policy(page, live_server, personas):
    from tamnong.jobs import services
    from tamnong.testing.jobs import count  # noqa: F401  registers "test.count"

    job = services.enqueue("test.count", user=personas.alice, upto=3)
    login(page, live_server, "alice")
    response = page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    services.work(once=True)
    page.locator("#job-progress", has_text="Hoàn thành").wait_for(timeout=10_000)
    # a filter that submits itself on change (was an inline onchange handler)
    page.goto(f"{live_server.url}/ocop/ho-so/")
    page.select_option("select[name=state]", index=1)
    page.wait_for_url("**/ocop/ho-so/?*state=*")
    assert page.violations == []
