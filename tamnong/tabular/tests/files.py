"""Files built the way offices make them, for the import tests of every app."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
PROTECTED_XLSX = DATA / "mat-khau.xlsx"  # password "mat-khau"
XLS = DATA / "danh-sach.xls"
REVIEW_XLS = DATA / "ho-ngheo.xls"  # a poverty review file as Excel 97–2003

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += base.encode("cp1258") + "".join(c for c in parts if c in _TONES).encode("cp1258")
    return bytes(out)


def xlsx(rows, *, merged=(), sheet="Trang 1", extra_sheets=None) -> bytes:
    """A workbook from rows (lists of values); `merged`: ranges such as "A1:C1"."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for rng in merged:
        ws.merge_cells(rng)
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_cached_formula(data: bytes, formula: str, cached: str) -> bytes:
    """Give openpyxl's formula cell the value Excel would have saved with it."""
    return _rewrite_sheet(
        data,
        lambda xml: xml.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{cached}</v>"),
    )


def zip_bomb(data: bytes, megabytes: int = 30) -> bytes:
    """The workbook with its sheet padded by spaces that unpack to `megabytes` MB."""
    padding = " " * (megabytes << 20)
    return _rewrite_sheet(data, lambda xml: xml.replace("<sheetData>", padding + "<sheetData>", 1))


def _rewrite_sheet(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if re.fullmatch(r"xl/worksheets/sheet1\.xml", info.filename):
                content = change(content.decode()).encode()
            dst.writestr(info.filename, content)
    return out.getvalue()


def docx_like() -> bytes:
    """A zip that is not a workbook (a Word document's shape)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document>xin chào</document>")
    return out.getvalue()
