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


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def vn_date(text: str) -> str:
    return dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
