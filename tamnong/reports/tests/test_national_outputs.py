"""Issue 15: the national summary report as PDF and Excel, made by the province report's
renderers, behind the same gate as the page (national roles and administrators)."""

import io

import pytest
from django.urls import reverse

from tamnong.accounts.models import Role
from tamnong.testing.reports import YEAR, national

URL = reverse("reports:national_summary")
COLUMNS = [
    "Tỉnh, thành phố",
    "Số hộ",
    "Hộ nghèo",
    "Tỷ lệ hộ nghèo",
    "Hộ cận nghèo",
    "Tỷ lệ hộ cận nghèo",
    "Sản phẩm OCOP còn hiệu lực",
    "5 sao",
    "4 sao",
    "3 sao",
    "Xã đạt chuẩn NTM",
    "Số xã",
    "Tỷ lệ xã đạt chuẩn NTM",
]
COUNTS = [c for c in COLUMNS if c != COLUMNS[0] and not c.startswith("Tỷ lệ")]


@pytest.fixture
def leader(country):  # noqa: F811
    return national("lanhdaotw", Role.NATIONAL_LEADER)


def test_the_page_links_its_pdf_and_excel(client, leader):
    client.force_login(leader)
    html = client.get(URL, {"period": YEAR}).content.decode()
    assert f"?period={YEAR}-{YEAR}&format=pdf" in html
    assert f"?period={YEAR}-{YEAR}&format=xlsx" in html


def test_the_pdf_opens_with_pages(client, leader, tmp_path):
    import re
    import shutil
    import subprocess

    client.force_login(leader)
    resp = client.get(URL, {"period": YEAR, "format": "pdf"})
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    assert f'filename="bao-cao-toan-quoc-{YEAR}-{YEAR}.pdf"' in resp["Content-Disposition"]
    assert len(re.findall(rb"/Type\s*/Page\b", resp.content)) > 0
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pdf = tmp_path / "toan-quoc.pdf"
    pdf.write_bytes(resp.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert pages > 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hà Nội, ngày", "Tỉnh Khác", "Toàn quốc"):
        assert words in text, words
    assert "UBND TOÀN QUỐC" not in text


def test_the_workbooks_totals_row_is_the_sum_of_the_provinces(client, leader):
    from openpyxl import load_workbook

    client.force_login(leader)
    resp = client.get(URL, {"period": YEAR, "format": "xlsx"})
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["Tổng quan", "Kết quả chung"]
    assert wb["Tổng quan"]["A1"].value == "Báo cáo tổng kết – Toàn quốc"
    ws = wb["Kết quả chung"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == COLUMNS[0])
    assert rows[head][: len(COLUMNS)] == COLUMNS  # Vietnamese headers
    body = [r[: len(COLUMNS)] for r in rows[head + 1 :] if r[0]]
    *provinces, total = body
    assert total[0] == "Toàn quốc"
    assert {"Tỉnh Mới", "Tỉnh Khác"} <= {r[0] for r in provinces}
    for name in COUNTS:
        i = COLUMNS.index(name)
        assert total[i] == sum(r[i] or 0 for r in provinces), name
    assert total[COLUMNS.index("Số hộ")] == 8
    assert total[COLUMNS.index("Sản phẩm OCOP còn hiệu lực")] == 5
    rate = COLUMNS.index("Tỷ lệ xã đạt chuẩn NTM")
    assert ws.cell(head + 1 + len(body), rate + 1).number_format == "0.00%"
    assert total[rate] == pytest.approx(0.6667)


@pytest.mark.parametrize("persona", ["coordinator", "leader", "alice"])
def test_only_the_central_level_downloads(persona, personas, client):
    client.force_login(getattr(personas, persona))
    for fmt in ("pdf", "xlsx"):
        assert client.get(URL, {"period": YEAR, "format": fmt}).status_code == 403
    client.logout()
    resp = client.get(URL, {"period": YEAR, "format": "pdf"})
    assert resp.status_code == 302  # to the login page


def test_an_administrator_downloads(client, geo):
    client.force_login(geo.admin)
    assert client.get(URL, {"period": YEAR, "format": "pdf"}).status_code == 200
