"""The Excel side of the exchange files: every sheet opens with the header block the reporting
regime asks for (reporting unit, recipient, cut-off, template), then one table whose header row
stays frozen. Numbers are real numbers with formats that Excel shows the Vietnamese way by its
locale (1.234,500; 45,50%), dates are real dates (dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from ..render import _sheet_name

MONEY = "#,##0.000"
INT = "#,##0"
DECIMAL = "#,##0.00"
PERCENT = "0.00%"
DATE = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | decimal | money | percent (a value in percent) | year | date
    width: int = 16


def write_sheet(wb, title: str, block: list[tuple[str, str]], columns: list[Column], rows) -> None:
    """One sheet: `title`, the header block (label, value), a blank row, the table."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_sheet_name(title, set(wb.sheetnames)))
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in block:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    ws.append([c.label for c in columns])
    head = ws.max_row
    for i in range(1, len(columns) + 1):
        cell = ws.cell(head, i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        r = ws.max_row + 1
        for i, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            _put(ws.cell(r, i), col.kind, value)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = ws.cell(head + 1, 1).coordinate


def _put(cell, kind: str, value) -> None:
    if value is None or value == "":
        cell.value = None
        return
    if kind == "money":
        cell.value, cell.number_format = float(value), MONEY
    elif kind == "decimal":
        cell.value, cell.number_format = float(value), DECIMAL
    elif kind == "int":
        cell.value, cell.number_format = int(value), INT
    elif kind == "percent":
        cell.value, cell.number_format = round(float(value) / 100, 6), PERCENT
    elif kind == "year":
        cell.value = int(value)
    elif kind == "date":
        cell.value = dt.date.fromisoformat(value) if isinstance(value, str) else value
        cell.number_format = DATE
    else:
        cell.value = str(value)


def new_workbook(info_title: str, info: list[tuple[str, str]]):
    """A workbook whose first sheet lists the regime's fixed elements."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(info_title, set())
    ws.append([info_title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Mục", "Nội dung"])
    for c in ("A", "B"):
        ws[f"{c}3"].font = Font(bold=True)
    for label, value in info:
        ws.append([label, value])
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A4"
    return wb


# -- the header of an exchange document's workbook (both files) ------------------------------
INFO_SHEET = "Thông tin báo cáo"


def header_block(document: dict, unit_text: str | None) -> list[tuple[str, str]]:
    report, division = document["report"], document["reporting_unit"]
    block = [
        ("Đơn vị báo cáo", f"Ủy ban nhân dân {division['name']} (mã {division['code']})"),
        ("Cơ quan nhận báo cáo", report["recipient"]),
    ]
    if "period" in report:
        p = report["period"]
        period = (
            f"Năm {p['end']}" if p["start"] == p["end"] else f"Giai đoạn {p['start']}–{p['end']}"
        )
        block.append(("Kỳ báo cáo", period))
        c = report["cutoff"]
        block.append(("Thời gian chốt số liệu", f"Từ {vn_date(c['from'])} đến {vn_date(c['to'])}"))
    else:
        block.append(("Ngày chốt số liệu", vn_date(report["date"])))
    block.append(("Mẫu biểu", f"{document['schema']}, phiên bản {document['template_version']}"))
    if unit_text:
        block.append(("Đơn vị tính", unit_text))
    return block


def info_rows(document: dict) -> list[tuple[str, str]]:
    report = document["report"]
    return [
        ("Tên báo cáo", report["title"]),
        ("Căn cứ", "; ".join(report["legal_basis"])),
        ("Nội dung báo cáo", report["content"]),
        ("Đối tượng thực hiện báo cáo", report["reporter"]),
        *header_block(document, None)[:1],
        ("Cơ quan nhận báo cáo", report["recipient"]),
        ("Phương thức gửi, nhận", report["method"]),
        ("Tần suất", report["frequency"]),
        *header_block(document, None)[2:],
        ("Lập lúc", vn_date(report["generated_at"]) + " " + report["generated_at"][11:16]),
    ]


def exchange_workbook(document: dict):
    """The workbook of an exchange document: its first sheet the regime's fixed elements."""
    return new_workbook(INFO_SHEET, info_rows(document))


def data_sheet(
    wb, document: dict, title: str, columns: list[Column], rows, unit_text: str | None = None
) -> None:
    """One data sheet of `document`: the header block (unit of measure `unit_text`), the table."""
    write_sheet(wb, title, header_block(document, unit_text), columns, rows)


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def vn_date(text: str) -> str:
    return dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
