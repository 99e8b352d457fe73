"""How the two binary fixtures of this folder were made (run once; not part of the suite).

    pip install --target /tmp/fixtools msoffcrypto-tool==6.1.0 xlwt==1.3.0
    PYTHONPATH=/tmp/fixtools python tamnong/tabular/tests/data/make_fixtures.py

- mat-khau.xlsx: a workbook encrypted with the password "mat-khau" (as Excel does with
  "Encrypt with password"); neither library is a dependency of the project.
- danh-sach.xls: an Excel 97–2003 workbook with a number, a date and a text number.
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
