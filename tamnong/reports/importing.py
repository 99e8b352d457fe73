"""Excel/CSV import of funding records (documented template, Vietnamese headers).

The file is read and every cell parsed by `tamnong.tabular` (amounts: "1.500" is 1 500, "1.500,5"
is 1 500,5, as in every import). All rows are validated first; any rejected row means nothing is
written, and the report lists every fault of every rejected row (row, column, reason).
Re-importing the same file changes nothing: the key is (division, year, component, source).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong import tabular
from tamnong.access.scope import Scope
from tamnong.audit import changes
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import current_map
from tamnong.tabular import CellError, Column, FileRefused, Outcome

from .catalog import entries
from .models import CatalogEntry, FundingRecord

_MILLIONS = tabular.Money(3)  # triệu đồng, as the records keep them
COLUMNS = [
    Column(
        "division", "Mã đơn vị", tabular.TEXT, True,
        gettext_lazy("Mã tỉnh (2 số), xã (5 số) hoặc thôn theo bản đồ hành chính"), "20",
    ),
    Column(
        "map", "Bản đồ", tabular.TEXT, False,
        gettext_lazy("Để trống: bản đồ hiện hành; vn-2008 cho mã đơn vị trước 01/07/2025"), "",
    ),
    Column("year", "Năm", tabular.TEXT, True, gettext_lazy("Năm ngân sách, ví dụ 2025"), 2025),
    Column(
        "component", "Nội dung", tabular.TEXT, True,
        gettext_lazy("Mã hoặc tên nội dung chương trình"), "ntm",
    ),
    Column("source", "Nguồn vốn", tabular.TEXT, True, gettext_lazy("Mã hoặc tên nguồn vốn"), "nstw"),
    Column(
        "allocated", "Vốn phân bổ (triệu đồng)", tabular.TEXT, True,
        gettext_lazy("Số, dấu phẩy thập phân (1.500,5 là một nghìn năm trăm phẩy năm)"), 1500.5,
    ),
    Column(
        "disbursed", "Vốn giải ngân (triệu đồng)", tabular.TEXT, False,
        gettext_lazy("Không lớn hơn vốn phân bổ; để trống là 0"), 1200,
    ),
    Column("note", "Ghi chú", tabular.TEXT, False, gettext_lazy("Không bắt buộc"), ""),
]  # fmt: skip
HEADERS = [c.header for c in COLUMNS]
LABELS = {c.key: c.header for c in COLUMNS}
LIMITS = tabular.Limits(max_bytes=20 * tabular.reading.MiB, max_rows=200_000)


def import_funding(actor, path: Path, progress=None) -> Outcome:
    result = Outcome()
    faults = result.faults
    try:
        table = tabular.open_table(Path(path), limits=LIMITS)
        layout = tabular.find_layout(table, COLUMNS)
        layout.require()
        parsed = _check(actor, table, layout, result, progress)
    except FileRefused as exc:
        faults.add(0, "", str(exc))
        return result
    if faults:
        result.refuse()
        return result
    _commit(parsed, result, Path(path), actor)
    result.committed = True
    return result


def _check(actor, table, layout, result: Outcome, progress) -> dict:
    """Every row parsed and looked up; every fault added to the result. The cells are read as
    text first so that each column reports its own message."""
    faults = result.faults
    scope = Scope.of(actor)
    components = entries(CatalogEntry.Group.COMPONENT)
    sources = entries(CatalogEntry.Group.SOURCE)
    by_name = {
        g: {e.name.lower(): e for e in d.values()} for g, d in (("c", components), ("s", sources))
    }
    divisions: dict[tuple[str, str], Division | None] = {}
    default_map = current_map().key
    parsed: dict[tuple, tuple[int, dict]] = {}
    years = tabular.Year(minimum=2010, maximum=2100)
    bad: list[tuple[str, str, object]] = []

    def fault(col: str, message: str, value=None) -> None:
        bad.append((col, message, value))

    for n, cell, ok in tabular.read_rows(table, layout, faults):
        result.rows += 1
        bad.clear()
        division = year = component = source = None
        code = cell["division"]
        if code:
            map_key = cell["map"] or default_map
            if (map_key, code) not in divisions:
                level = (
                    Level.PROVINCE
                    if len(code) == 2
                    else (Level.COMMUNE if len(code) == 5 else Level.VILLAGE)
                )
                divisions[(map_key, code)] = Division.objects.filter(
                    map__key=map_key, level=level, code=code
                ).first()
            division = divisions[(map_key, code)]
            if division is None:
                fault(
                    "division",
                    _("Không có đơn vị mã «%(code)s» trong bản đồ %(map)s")
                    % {"code": code, "map": map_key},
                    code,
                )
            elif not scope.can_edit(division):
                fault(
                    "division",
                    _("Đơn vị «%(name)s» ngoài phạm vi của bạn") % {"name": division.name},
                    code,
                )
        if cell["year"]:
            try:
                year = years.parse(cell["year"])
            except CellError:
                fault(
                    "year", _("«%(v)s» không phải năm hợp lệ") % {"v": cell["year"]}, cell["year"]
                )
        if cell["component"]:
            name = cell["component"]
            component = components.get(name) or by_name["c"].get(name.lower())
            if component is None:
                fault("component", _("Không có nội dung «%(v)s»") % {"v": name}, name)
        if cell["source"]:
            name = cell["source"]
            source = sources.get(name) or by_name["s"].get(name.lower())
            if source is None:
                fault("source", _("Không có nguồn vốn «%(v)s»") % {"v": name}, name)
        amounts = {}
        for col in ("allocated", "disbursed"):
            try:
                amount = _MILLIONS.parse(cell[col])
            except CellError:
                amount = Decimal(-1)
            if amount is None:
                if col == "allocated":
                    continue  # required: reported by read_rows
                amount = Decimal(0)
            if amount < 0:
                fault(col, _("«%(v)s» không phải số không âm") % {"v": cell[col]}, cell[col])
            else:
                amounts[col] = amount
        if len(amounts) == 2 and amounts["disbursed"] > amounts["allocated"]:
            fault("disbursed", _("Vốn giải ngân lớn hơn vốn phân bổ"))
        for col, message, value in bad:
            faults.add(n, LABELS[col], message, value)
        if bad or not ok:
            continue
        line = (division.pk, year, component.pk, source.pk)
        if line in parsed:
            faults.add(
                n, LABELS["division"], _("Trùng với dòng %(row)s") % {"row": parsed[line][0]}
            )
            continue
        parsed[line] = (n, {**amounts, "note": cell["note"], "division": division})
        if progress:
            progress(result.rows, None, _("kiểm tra dòng %(row)s") % {"row": n})
    return parsed


@transaction.atomic
def _commit(parsed, result: Outcome, path: Path, actor=None) -> None:
    # the change table (audit.changes) is named after the import's audit event, written last
    provisional = changes.run_key("reports.FundingImport", f"pending-{id(result)}")
    with changes.recording(provisional):
        _write(parsed, result)
    event = record(
        AuditEvent.Action.IMPORT,
        None,
        model_label="reports.FundingRecord",
        object_repr=path.name[:255],
        # the person who imported (the undo is theirs), not only the job's context
        user=actor if getattr(actor, "pk", None) else None,
        note=_("%(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    changes.rekey(provisional, changes.event_run_key(event))


def _write(parsed, result: Outcome) -> None:
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


def template_xlsx() -> bytes:
    """The downloadable template: the header, the example on its own sheet, a guide with the
    codes of the catalogue."""
    guide = [[_("Mã nội dung"), _("Tên")]]
    guide += [[e.code, e.name] for e in entries(CatalogEntry.Group.COMPONENT).values()]
    guide += [[_("Mã nguồn vốn"), _("Tên")]]
    guide += [[e.code, e.name] for e in entries(CatalogEntry.Group.SOURCE).values()]
    return tabular.template_xlsx(COLUMNS, sheet=_("Nguồn vốn"), guide_extra=guide)


def errors_csv(result: Outcome) -> str:
    return tabular.report_csv(result.faults.faults)
