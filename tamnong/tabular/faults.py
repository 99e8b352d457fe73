"""Faults (lỗi) found in a file, and the one error report every import offers.

A fault is a value (row, column, reason, value): checking a row collects all of its faults, so a
row with three problems reports three. Row 0 is the file itself. The report is a CSV (UTF-8 with a
BOM, so that Excel opens it in Vietnamese) or an xlsx with the columns Dòng, Cột, Lý do and,
unless the import leaves them out (personal data), Giá trị; a cell that a spreadsheet would run as
a formula (starting with =, +, -, @) is escaped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Fault:
    row: int  # the spreadsheet's row number (1 = first row); 0 = the whole file
    column: str  # the column's header as the user knows it ("" = the whole row or file)
    reason: str  # Vietnamese
    value: str = ""  # the cell as read (shown in the report unless left out)

    def as_tuple(self) -> tuple[int, str, str]:
        return (self.row, self.column, self.reason)

    def as_dict(self) -> dict:
        out = {"row": self.row, "column": self.column, "reason": self.reason}
        if self.value:
            out["value"] = self.value
        return out


def escape_formula(value):
    """A text cell that a spreadsheet would run as a formula, made inert ("=1+1" → "'=1+1")."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _headers(values: bool) -> list[str]:
    head = [_("Dòng"), _("Cột"), _("Lý do")]
    return head + [_("Giá trị")] if values else head


def _line(fault: Fault, values: bool) -> list:
    line = [fault.row, escape_formula(fault.column), escape_formula(fault.reason)]
    if values:
        line.append(escape_formula(fault.value))
    return line


class FaultLog:
    """The faults of one import, in file order.

    Every fault is counted; the first `keep` are kept in memory (all when `keep` is None), and
    with `report` every fault is also written to that CSV file as it comes (a province file can
    have a million faulty rows). `values=False` leaves the cell values out of the report."""

    def __init__(
        self, *, keep: int | None = None, report: Path | None = None, values: bool = True
    ) -> None:
        self.keep = keep
        self.report = Path(report) if report else None
        self.values = values
        self.count = 0
        self.rows = 0  # rows with at least one fault (row 0, the file, not counted)
        self.faults: list[Fault] = []
        self._last_row = -1
        self._fh = None
        self._writer = None

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def add(self, row: int, column: str, reason: str, value=None) -> None:
        fault = Fault(row, column, reason, "" if value is None else _value_text(value))
        self.count += 1
        if row and row != self._last_row:
            self.rows += 1
            self._last_row = row
        if self.keep is None or len(self.faults) < self.keep:
            self.faults.append(fault)
        if self.report is not None:
            if self._fh is None:
                self.report.parent.mkdir(parents=True, exist_ok=True)
                if self._writer is None:
                    self._fh = self.report.open("w", encoding="utf-8-sig", newline="")
                    self._writer = csv.writer(self._fh)
                    self._writer.writerow(_headers(self.values))
                else:  # a fault after close(): appended to the report
                    self._fh = self.report.open("a", encoding="utf-8", newline="")
                    self._writer = csv.writer(self._fh)
            self._writer.writerow(_line(fault, self.values))

    def extend(self, faults) -> None:
        for f in faults:
            self.add(f.row, f.column, f.reason, f.value or None)

    def triples(self) -> list[tuple[int, str, str]]:
        return [f.as_tuple() for f in self.faults]

    def dicts(self) -> list[dict]:
        return [f.as_dict() for f in self.faults]

    def close(self) -> str:
        """Finish the report file; its path ("" when nothing was written)."""
        if self._fh is None:
            return ""
        self._fh.close()
        self._fh = None
        return str(self.report)

    def discard(self) -> None:
        """Forget everything (the file is checked again from its first row)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            self.report.unlink(missing_ok=True)
        self._writer = None
        self.count = self.rows = 0
        self.faults = []
        self._last_row = -1


def _value_text(value) -> str:
    from .cells import cell_text

    text = cell_text(value)
    return text if len(text) <= 200 else text[:199] + "…"


def report_csv(faults, *, values: bool = True) -> str:
    """The error report as CSV text (with a BOM): Dòng, Cột, Lý do[, Giá trị]."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(_headers(values))
    for fault in faults:
        writer.writerow(_line(_as_fault(fault), values))
    return buf.getvalue()


def report_xlsx(faults, *, values: bool = True) -> bytes:
    """The error report as an xlsx workbook (frozen header, sized columns, text kept as text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Lỗi")
    ws.append(_headers(values))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for fault in faults:
        f = _as_fault(fault)
        put_row(ws, [f.row, f.column, f.reason] + ([f.value] if values else []))
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCD", (8, 30, 70, 30), strict=False):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def inert_formulas(wb) -> None:
    """Make every text cell of an openpyxl workbook that begins with "=" a text (openpyxl would
    write it as a formula: a product or unit name "=HYPERLINK(…)" imported from a file must not
    run in the spreadsheet of whoever opens an export). Call it before `wb.save`."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"


def put_row(ws, values: list) -> None:
    """Append a row to an openpyxl sheet, keeping every text as text (never a formula)."""
    from django.utils.functional import Promise

    ws.append([str(v) if isinstance(v, Promise) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _as_fault(fault) -> Fault:
    if isinstance(fault, Fault):
        return fault
    if isinstance(fault, dict):
        return Fault(
            fault.get("row", 0),
            fault.get("column", ""),
            fault.get("reason", ""),
            fault.get("value", ""),
        )
    return Fault(*fault)
