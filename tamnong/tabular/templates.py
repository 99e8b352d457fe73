"""The downloadable template (tệp mẫu) of an import, written from its columns.

The xlsx template has the sheet to fill first (the header row only: bold, frozen, sized columns,
required headers marked), then a sheet "Ví dụ" with the same header and the example rows, then
"Hướng dẫn" (column, required, kind, what to write). The example is therefore never imported as a
record: an import reads the first sheet. The CSV template is the header row alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from .columns import Column
from .faults import put_row


def template_xlsx(
    columns: Sequence[Column],
    *,
    sheet: str,
    examples: Sequence[Sequence] = (),
    guide_extra: Sequence[Sequence] = (),
    extend: Callable | None = None,
) -> bytes:
    """The template workbook. `examples`: rows for the "Ví dụ" sheet (default: each column's
    example); `guide_extra`: more rows under the guide (e.g. a list of codes); `extend(wb)` may
    add sheets of its own."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    sample = wb.create_sheet(_("Ví dụ"))
    headers = [c.header for c in columns]
    for target in (ws, sample):
        target.append(headers)
        for cell, col in zip(target[1], columns, strict=True):
            cell.font = bold
            cell.alignment = wrap
            if col.required:
                cell.fill = required_fill
        target.freeze_panes = "A2"
        for idx, col in enumerate(columns, start=1):
            target.column_dimensions[_letter(idx)].width = col.width or _width(col)
    for row in examples or [[c.example for c in columns]]:
        put_row(sample, list(row))
    guide = wb.create_sheet(_("Hướng dẫn"))
    guide.append([_("Cột"), _("Bắt buộc"), _("Kiểu"), _("Nội dung")])
    for cell in guide[1]:
        cell.font = bold
    for col in columns:
        put_row(guide, [col.header, _("Có") if col.required else "", col.kind.label, col.help])
    if guide_extra:
        guide.append([])
        for row in guide_extra:
            put_row(guide, list(row))
    guide.append([])
    guide.append(
        [
            _(
                "Nhập dữ liệu vào trang đầu tiên (dòng 1 là tiêu đề; các cột tô vàng là bắt "
                "buộc). Trang «Ví dụ» chỉ để tham khảo và không được nhập."
            )
        ]
    )
    for letter, width in zip("ABCD", (34, 10, 22, 90), strict=True):
        guide.column_dimensions[letter].width = width
    if extend is not None:
        extend(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(columns: Sequence[Column]) -> bytes:
    """The CSV template: the header row, UTF-8 with a BOM (Excel opens it in Vietnamese)."""
    buf = io.StringIO()
    csv.writer(buf).writerow([c.header for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _width(col: Column) -> int:
    return max(12, min(40, len(col.header) + 2, len(str(col.example)) + 4 if col.example else 40))


def _letter(idx: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(idx)
