"""Issue 11, defects 5 and 10: the summary report's Excel holds real numbers with a Vietnamese-
looking number format, sheet names keep their diacritics (≤ 31 characters, unique), widths are
set and header rows frozen."""

import io

import pytest


def test_the_summary_workbook_keeps_diacritics_numbers_and_frozen_headers(demo, client):
    from openpyxl import load_workbook

    client.force_login(demo.users["dieuphoi"])
    resp = client.get("/reports/summary/?period=2025&format=xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    names = wb.sheetnames
    assert len(set(names)) == len(names) and all(len(n) <= 31 for n in names)
    assert "Tổng quan" in names
    assert any(any(c in n for c in "ảạđơưôêâăố") for n in names[1:]), names
    numbers, texts_like_numbers = 0, []
    for ws in wb.worksheets[1:]:
        assert ws.column_dimensions["A"].width and ws.column_dimensions["B"].width
        assert ws.freeze_panes, ws.title
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    numbers += 1
                    assert c.number_format != "General", (ws.title, c.coordinate, c.value)
                elif (
                    isinstance(c.value, str)
                    and c.value.rstrip("%").replace(",", "").replace(".", "").isdigit()
                    and ("%" in c.value or "," in c.value)
                ):
                    texts_like_numbers.append((ws.title, c.coordinate, c.value))
    assert numbers > 10
    assert not texts_like_numbers


def test_the_pdf_header_date_is_the_local_day_of_the_body(settings):
    import datetime as dt

    from tamnong.reports.render import report_day

    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    # 20:00 UTC on 31/12 is already 01/01 in Hà Nội: header and body say the same day
    assert report_day(dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)) == dt.date(2026, 1, 1)


def test_the_summary_pdf_renders_with_local_date(demo, client, tmp_path):
    import re
    import shutil
    import subprocess

    from django.utils import timezone

    client.force_login(demo.users["dieuphoi"])
    resp = client.get("/reports/summary/?period=2024-2026&format=pdf")
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(resp.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    today = timezone.localdate()
    assert f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}" in text
    assert not re.search(r"\d\.\d{2}\b", text.replace("ngày", "")) or "7.00" not in text
