"""Import result pages (issue 11, defect 4): counts in Vietnamese sentences, a link to the error
report, a plain Vietnamese message for a file that is not a spreadsheet, every fault of a row —
the same partial (`tabular/_result.html`) for the poverty, OCOP and funding imports."""

import re

import pytest

from tamnong.testing.poverty import row, write_csv

DEVELOPER_OUTPUT = (
    "{'",
    "'written'",
    "staged",
    "producers_created",
    "rows:",
    "error_report",
    "File is not a zip file",
    "dòng lỗi",
)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def _run_job():
    from tamnong.jobs.services import claim_next, run

    return run(claim_next())


def _page(client, job) -> str:
    r = client.get(f"/jobs/{job.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def _preview(client, url: str, path) -> tuple[object, str]:
    """Upload a file, run its preview job; (the pending import, the preview page)."""
    from tamnong.tabular.models import PendingImport

    with path.open("rb") as fh:
        r = client.post(url, {"file": fh})
    assert r.status_code == 302 and "/nhap/xem/" in r["Location"], r
    _run_job()
    pending = PendingImport.objects.order_by("-pk").first()
    page = client.get(r["Location"])
    assert page.status_code == 200
    return pending, page.content.decode()


def _confirm(client, pending) -> tuple[object, str]:
    r = client.post(f"/nhap/xem/{pending.pk}/", {"action": "confirm"})
    assert r.status_code == 302 and "/jobs/" in r["Location"], r.status_code
    job = _run_job()
    return job, _page(client, job)


def _clean(html: str, media) -> None:
    for word in DEVELOPER_OUTPUT:
        assert word not in html, word
    assert str(media) not in html  # no server path


def _result(html: str) -> str:
    """The result article alone (the page's own text stays out of the checks)."""
    start = html.index('id="import-result"')
    return html[start : html.index("</article>", start)]


def _fault_rows(html: str, rowno: int) -> list[str]:
    """The reasons of the fault table's lines for one row of the file."""
    return re.findall(rf"<tr><td[^>]*>{rowno}</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>", html)


def test_the_poverty_result_is_a_sentence_with_new_and_updated_households(
    geo, personas, client, media
):
    from tamnong.poverty.models import Household

    client.login(username="alice", password="Mat-khau-thu-1")
    pending, html = _preview(
        client, "/poverty/nhap/", write_csv(media / "a.csv", [row("H1"), row("H2")])
    )
    assert "Sẽ nhập 2 hộ: 2 hộ mới." in html and 'id="confirm-import"' in html
    _clean(html, media)
    assert not Household.objects.exists()  # the preview wrote nothing
    _job, html = _confirm(client, pending)
    assert "Đã nhập 2 hộ: 2 hộ mới." in html
    _clean(html, media)
    second = write_csv(media / "b.csv", [row("H1", income=2_000_000), row("H3")])
    pending, html = _preview(client, "/poverty/nhap/", second)
    assert "Sẽ nhập 2 hộ: 1 hộ mới, 1 hộ cập nhật." in html
    _job, html = _confirm(client, pending)
    assert "Đã nhập 2 hộ: 1 hộ mới, 1 hộ cập nhật." in html
    _clean(html, media)


def test_a_rejected_poverty_file_links_its_error_report_and_lists_every_fault_of_a_row(
    geo, personas, client, media
):
    from tamnong.poverty.models import ImportBatch

    client.login(username="alice", password="Mat-khau-thu-1")
    path = write_csv(
        media / "bad.csv", [row("H1"), row("H2", income="abc", commune="99999", members=0)]
    )
    pending, html = _preview(client, "/poverty/nhap/", path)
    batch = ImportBatch.objects.get()
    assert f'href="/poverty/nhap/{batch.pk}/loi.csv"' in html
    assert "1 dòng có lỗi" in html and "không ghi dữ liệu nào" in html
    assert len(_fault_rows(html, 3)) == 3
    assert 'id="confirm-import"' not in html
    _clean(html, media)
    assert "dòng lỗi" not in pending.job.__class__.objects.get(pk=pending.job_id).message
    r = client.post(f"/nhap/xem/{pending.pk}/", {"action": "confirm"})
    assert r.status_code == 400  # a file with faults cannot be confirmed


def test_a_poverty_file_that_is_not_a_spreadsheet_is_said_so(geo, personas, client, media):
    from tamnong.jobs.models import Job

    client.login(username="alice", password="Mat-khau-thu-1")
    path = media / "ho.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    _pending, html = _preview(client, "/poverty/nhap/", path)
    assert "không phải là bảng tính" in html
    assert "dòng có lỗi" not in _result(html)
    _clean(html, media)
    job = Job.objects.get()
    assert "dòng lỗi" not in job.message and "không phải là bảng tính" in job.message


def _ocop_file(media, name: str, data: bytes):
    path = media / name
    path.write_bytes(data)
    return path


def test_the_ocop_result_is_in_vietnamese_sentences(geo, personas, client, media):
    from tamnong.ocop.models import Certificate
    from tamnong.testing.ocop_rows import GOOD, csv_bytes

    client.login(username="coordinator", password="Mat-khau-thu-1")
    pending, html = _preview(client, "/ocop/nhap/", _ocop_file(media, "ocop.csv", csv_bytes(GOOD)))
    assert "Sẽ nhập 4 dòng" in html and "3 giấy chứng nhận mới" in html
    assert not Certificate.objects.exists()  # the preview wrote nothing
    _job, html = _confirm(client, pending)
    assert "Đã nhập 4 dòng" in html and "2 chủ thể mới" in html and "3 sản phẩm mới" in html
    assert "3 giấy chứng nhận mới" in html
    _clean(html, media)
    assert Certificate.objects.count() == 3
    pending, html = _preview(client, "/ocop/nhap/", _ocop_file(media, "ocop.csv", csv_bytes(GOOD)))
    assert "không có gì thay đổi" in html


def test_an_ocop_file_that_is_not_a_spreadsheet_and_a_rejected_ocop_file(
    geo, personas, client, media
):
    from tamnong.ocop.models import ImportRun
    from tamnong.testing.ocop_rows import GOOD, csv_bytes

    client.login(username="coordinator", password="Mat-khau-thu-1")
    _pending, html = _preview(
        client, "/ocop/nhap/", _ocop_file(media, "ds.xlsx", b"PK\x03\x04 broken")
    )
    assert "không phải là bảng tính" in html
    assert "dòng có lỗi" not in _result(html) and "Dòng</th>" not in html
    _clean(html, media)
    bad = csv_bytes([GOOD[0].replace('"10002"', '"99999"').replace('"61"', '"abc"', 1)])
    _pending, html = _preview(client, "/ocop/nhap/", _ocop_file(media, "ocop.csv", bad))
    run = ImportRun.objects.order_by("-pk").first()
    assert f'href="/ocop/nhap/{run.pk}/dong-bi-loai.csv"' in html
    assert "1 dòng có lỗi" in html and "không ghi dữ liệu nào" in html
    assert len(_fault_rows(html, 2)) >= 2


@pytest.mark.usefixtures("catalog")
def test_the_funding_result_links_an_error_report(geo, personas, client, media):
    from tamnong.reports import importing

    client.login(username="coordinator", password="Mat-khau-thu-1")
    path = media / "von.csv"
    path.write_text(
        ",".join(importing.HEADERS) + "\n10001,,20x5,không có,nstw,100,10,\n", encoding="utf-8"
    )
    with path.open("rb") as fh:
        client.post("/reports/funding/import/", {"file": fh})
    job = _run_job()
    html = _page(client, job)
    assert f'href="/nhap/tac-vu/{job.pk}/loi.csv"' in html and "1 dòng có lỗi" in html
    assert len(_fault_rows(html, 2)) == 2
    _clean(html, media)
    report = client.get(f"/nhap/tac-vu/{job.pk}/loi.csv")
    assert report.status_code == 200 and "Lý do" in report.content.decode("utf-8-sig")
