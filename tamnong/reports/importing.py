"""Excel/CSV import of funding records (documented template, Vietnamese headers).

All rows are validated first; any rejected row means nothing is written, and the report lists
every rejected row (row, column, reason). Re-importing the same file changes nothing: the key is
(division, year, component, source).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import current_map

from .catalog import entries
from .models import CatalogEntry, FundingRecord

COLUMNS = [
    ("division", "Mã đơn vị", "Mã tỉnh (2 số), xã (5 số) hoặc thôn theo bản đồ hành chính"),
    ("map", "Bản đồ", "Để trống: bản đồ hiện hành; vn-2008 cho mã đơn vị trước 01/07/2025"),
    ("year", "Năm", "Năm ngân sách, ví dụ 2025"),
    ("component", "Nội dung", "Mã hoặc tên nội dung chương trình"),
    ("source", "Nguồn vốn", "Mã hoặc tên nguồn vốn"),
    ("allocated", "Vốn phân bổ (triệu đồng)", "Số, dấu phẩy thập phân được chấp nhận"),
    ("disbursed", "Vốn giải ngân (triệu đồng)", "Không lớn hơn vốn phân bổ"),
    ("note", "Ghi chú", "Không bắt buộc"),
]
HEADERS = [c[1] for c in COLUMNS]
LABELS = {key: label for key, label, _ in COLUMNS}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": r, "column": c, "reason": m} for r, c, m in self.errors],
        }


def read_rows(path: Path):
    """Yield (row number, list of cell strings) from .xlsx or .csv, header included (row 1)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.reader(fh), start=1):
                yield n, [c.strip() for c in row]
    elif suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        for n, row in enumerate(sheet.iter_rows(), start=1):
            yield n, ["" if c is None else _cell_text(c) for c in row]
    else:
        raise ValueError("Chỉ nhận tệp .xlsx hoặc .csv")


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(text: str) -> Decimal:
    cleaned = text.replace(" ", "")
    if "," in cleaned:  # Vietnamese: 1.234,5
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if value < 0 or not value.is_finite():
        raise InvalidOperation
    return value


def import_funding(actor, path: Path, progress=None) -> ImportResult:
    result = ImportResult()
    scope = Scope.of(actor)
    components = entries(CatalogEntry.Group.COMPONENT)
    sources = entries(CatalogEntry.Group.SOURCE)
    by_name = {
        g: {e.name.lower(): e for e in d.values()} for g, d in (("c", components), ("s", sources))
    }
    divisions: dict[tuple[str, str], Division | None] = {}
    default_map = current_map().key
    parsed: dict[tuple, tuple[int, dict]] = {}
    rows = read_rows(path)
    try:
        _n, header = next(rows)
    except StopIteration:
        result.errors.append((1, "", "Tệp trống"))
        return result
    missing = [h for h in HEADERS if h not in header]
    if missing:
        result.errors.append((1, ", ".join(missing), "Thiếu cột theo mẫu"))
        return result
    index = {key: header.index(label) for key, label, _ in COLUMNS}

    for n, row in rows:
        if not any(row):
            continue
        result.rows += 1
        cell = {k: (row[i] if i < len(row) else "") for k, i in index.items()}
        errs = []
        map_key = cell["map"] or default_map
        key = (map_key, cell["division"])
        if key not in divisions:
            level = (
                Level.PROVINCE
                if len(cell["division"]) == 2
                else (Level.COMMUNE if len(cell["division"]) == 5 else Level.VILLAGE)
            )
            divisions[key] = Division.objects.filter(
                map__key=map_key, level=level, code=cell["division"]
            ).first()
        division = divisions[key]
        if division is None:
            errs.append(
                ("Mã đơn vị", f"Không có đơn vị mã «{cell['division']}» trong bản đồ {map_key}")
            )
        elif not scope.can_edit(division):
            errs.append(("Mã đơn vị", f"Đơn vị «{division.name}» ngoài phạm vi của bạn"))
        try:
            year = int(cell["year"])
            if not 2010 <= year <= 2100:
                raise ValueError
        except ValueError:
            errs.append(("Năm", f"«{cell['year']}» không phải năm hợp lệ"))
            year = None
        component = components.get(cell["component"]) or by_name["c"].get(cell["component"].lower())
        if component is None:
            errs.append(("Nội dung", f"Không có nội dung «{cell['component']}»"))
        source = sources.get(cell["source"]) or by_name["s"].get(cell["source"].lower())
        if source is None:
            errs.append(("Nguồn vốn", f"Không có nguồn vốn «{cell['source']}»"))
        amounts = {}
        for col in ("allocated", "disbursed"):
            label = LABELS[col]
            try:
                amounts[col] = _amount(cell[col] or "0")
            except (InvalidOperation, ValueError):
                errs.append((label, f"«{cell[col]}» không phải số không âm"))
        if len(amounts) == 2 and amounts["disbursed"] > amounts["allocated"]:
            errs.append(("Vốn giải ngân (triệu đồng)", "Vốn giải ngân lớn hơn vốn phân bổ"))
        if errs:
            result.errors.extend((n, col, msg) for col, msg in errs)
            continue
        line = (division.pk, year, component.pk, source.pk)
        if line in parsed:
            result.errors.append((n, "Mã đơn vị", f"Trùng với dòng {parsed[line][0]}"))
            continue
        parsed[line] = (n, {**amounts, "note": cell["note"], "division": division})
        if progress:
            progress(result.rows, None, f"kiểm tra dòng {n}")
    if result.errors:
        return result
    _commit(parsed, result, path)
    return result


@transaction.atomic
def _commit(parsed, result: ImportResult, path: Path) -> None:
    existing = {
        (f.division_id, f.year, f.component_id, f.source_id): f
        for f in FundingRecord.objects.filter(
            division_id__in={k[0] for k in parsed}, year__in={k[1] for k in parsed}
        )
    }
    for (division_id, year, component_id, source_id), (_n, values) in parsed.items():
        current = existing.get((division_id, year, component_id, source_id))
        if current is None:
            FundingRecord.objects.create(
                division=values["division"],
                year=year,
                component_id=component_id,
                source_id=source_id,
                allocated=values["allocated"],
                disbursed=values["disbursed"],
                note=values["note"],
            )
            result.created += 1
        elif (current.allocated, current.disbursed, current.note) != (
            values["allocated"],
            values["disbursed"],
            values["note"],
        ):
            current.allocated, current.disbursed, current.note = (
                values["allocated"],
                values["disbursed"],
                values["note"],
            )
            current.save()
            result.updated += 1
        else:
            result.unchanged += 1
    record(
        AuditEvent.Action.IMPORT,
        None,
        model_label="reports.FundingRecord",
        object_repr=path.name[:255],
        note=f"{result.created} mới, {result.updated} cập nhật, {result.unchanged} không đổi",
    )


def template_xlsx() -> bytes:
    """The downloadable template: headers, one example row and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nguon von"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["20", "", 2025, "ntm", "nstw", 1500.5, 1200, "Ví dụ – xóa dòng này"])
    help_ws = wb.create_sheet("Huong dan")
    help_ws.append(["Cột", "Nội dung"])
    for _key, label, text in COLUMNS:
        help_ws.append([label, text])
    help_ws.append([])
    help_ws.append(["Mã nội dung", "Tên"])
    for e in entries(CatalogEntry.Group.COMPONENT).values():
        help_ws.append([e.code, e.name])
    help_ws.append(["Mã nguồn vốn", "Tên"])
    for e in entries(CatalogEntry.Group.SOURCE).values():
        help_ws.append([e.code, e.name])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def errors_csv(result: ImportResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Dòng", "Cột", "Lý do"])
    writer.writerows(result.errors)
    return buf.getvalue()
