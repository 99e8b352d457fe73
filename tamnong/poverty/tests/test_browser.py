"""The poverty upload in a real headless Chromium: the result page (the job's page, updated by
htmx while the job runs) says what was wrong in Vietnamese and links the error report."""

from pathlib import Path

import pytest

from tamnong.conftest import PASSWORD, browser_tests
from tamnong.testing.poverty import row, write_csv

pytestmark = browser_tests
WAIT_MS = 60_000  # the machine is shared: an upper bound for waiting, never a speed assertion


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_the_poverty_upload_result_shows_its_error_report_link(
    page, live_server, personas, settings, tmp_path
):
    from tamnong.jobs import services

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(
        tmp_path / "ho.csv", [row("H1"), row("H2", income="abc", commune="99999", members=0)]
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/poverty/nhap/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/nhap/xem/" in page.url  # the preview, updated by htmx while its job runs
    services.work(once=True)
    result = page.locator("#import-result")
    result.wait_for()
    text = result.inner_text()
    assert "1 dòng có lỗi" in text and "không ghi dữ liệu nào" in text
    assert result.locator("table.faults tbody tr").count() == 3
    link = result.locator("a.error-report")
    assert link.inner_text() == "Tải báo cáo lỗi (dòng, cột, lý do)"
    with page.expect_download() as download:
        link.click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert report.startswith("Dòng,Cột,Lý do") and "Thu nhập" in report
    assert page.locator("#confirm-import").count() == 0  # nothing to confirm


def test_the_preview_maps_an_unknown_column_once_and_the_next_upload_reuses_it(
    page, live_server, personas, settings, tmp_path
):
    """The saved mapping in Chromium: a file whose income column is headed "Thu nhập" (not a
    known name) is mapped with the dropdown, previewed again, confirmed; the next upload of the
    same shape is read with the saved mapping straight away."""
    from tamnong.jobs import services
    from tamnong.poverty.importing import HEADERS
    from tamnong.poverty.models import ReviewRecord

    settings.MEDIA_ROOT = tmp_path / "media"
    headers = ["Thu nhập hộ/tháng" if "Thu nhập" in h else h for h in HEADERS]
    path = write_csv(tmp_path / "ho.csv", [row("H1"), row("H2")], headers=headers)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{live_server.url}/")
    for attempt in (1, 2):
        page.goto(f"{live_server.url}/poverty/nhap/")
        page.set_input_files("input[type=file]", str(path))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        services.work(once=True)
        if attempt == 1:
            assert "Thiếu cột bắt buộc" in page.locator("main").inner_text()
            row_ = page.locator("#column-mapping tr.unmatched", has_text="Thu nhập hộ/tháng")
            row_.locator("select").select_option(label="Thu nhập bình quân (đồng/người/tháng)")
            with page.expect_navigation():
                page.click("#column-mapping button[type=submit]")
            services.work(once=True)
        page.locator("#import-result").wait_for()
        assert "Sẽ nhập 2 hộ" in page.locator("#import-result").inner_text()
        assert page.locator("#column-mapping tr.unmatched").count() == 0, (
            attempt,
            page.locator("#column-mapping tr.unmatched").all_inner_texts(),
        )
        with page.expect_navigation():
            page.click("#confirm-import")
        services.work(once=True)
        page.locator("#import-result").wait_for()
        assert "Đã nhập 2 hộ" in page.locator("#import-result").inner_text()
    assert ReviewRecord.objects.count() == 2
