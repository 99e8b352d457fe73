"""How the two binary fixtures of this folder were made (run once; not part of the suite).

    pip install --target /tmp/fixtools msoffcrypto-tool==6.1.0 xlwt==1.3.0
    PYTHONPATH=/tmp/fixtools python tamnong/tabular/tests/data/make_fixtures.py

- mat-khau.xlsx: a workbook encrypted with the password "mat-khau" (as Excel does with
  "Encrypt with password"); neither library is a dependency of the project.
- danh-sach.xls: an Excel 97–2003 workbook with a number, a date and a text number;
- ho-ngheo.xls: a poverty review file saved as Excel 97–2003.
"""

import datetime as dt
import io
from pathlib import Path

import xlwt
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

HERE = Path(__file__).parent

wb = Workbook()
ws = wb.active
ws.title = "Hộ"
ws.append(["Mã hộ", "Năm rà soát"])
ws.append(["H1", 2025])
plain = io.BytesIO()
wb.save(plain)
plain.seek(0)
with (HERE / "mat-khau.xlsx").open("wb") as out:
    OOXMLFile(plain).encrypt("mat-khau", out)

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Danh sách")
for col, header in enumerate(["Mã hộ", "Năm rà soát", "Thu nhập", "Ngày"]):
    sheet.write(0, col, header)
sheet.write(1, 0, "H1")
sheet.write(1, 1, 2025)
sheet.write(1, 2, 1500000.0)
sheet.write(1, 3, dt.date(2023, 2, 24), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
sheet.write(2, 0, "H2")
sheet.write(2, 1, 2025)
sheet.write(2, 2, "1.500.000")
book.save(str(HERE / "danh-sach.xls"))

# - ho-ngheo.xls: a poverty review file (the import's header) saved as Excel 97–2003.
review = xlwt.Workbook(encoding="utf-8")
sheet = review.add_sheet("Hộ")
header = [
    "Mã hộ", "Năm rà soát", "Mã xã", "Mã thôn", "Họ tên chủ hộ", "Số nhân khẩu", "Khu vực",
    "Dân tộc thiểu số", "Hộ chính sách", "Thu nhập bình quân (đồng/người/tháng)",
    "Diện tích nhà ở (m²)", "Chỉ số thiếu hụt",
]  # fmt: skip
rows = [
    ["XLS1", 2025, "10001", "", "Nguyễn Văn A", 4, "", "x", "", 1500000, 32.5, "1,2,3"],
    ["XLS2", 2025, "10001", "", "Lò Thị B", 3, "Nông thôn", "", "Có", "1.450.000", "", ""],
]
for c, h in enumerate(header):
    sheet.write(0, c, h)
for r, values in enumerate(rows, start=1):
    for c, v in enumerate(values):
        sheet.write(r, c, v)
review.save(str(HERE / "ho-ngheo.xls"))
