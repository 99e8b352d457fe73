"""NTM results in bulk (nhập kết quả NTM hàng loạt) and the commune attributes that select the
thresholds (vùng/nhóm xã), read through the one tabular layer (`tamnong.tabular`).

Results: one workbook per criteria set and year, in either shape:
- wide: a row per commune, a column per indicator. An indicator's header is its code ("2.1"), its
  name, or "2.1. name (unit)" as the generated template writes it, also under a criterion heading
  merged over its indicators ("Tiêu chí 2. Giao thông / 2.1");
- long: a row per commune × indicator (columns Xã, Chỉ tiêu, Giá trị and, if given, Đơn vị tính).

A commune is given by name ("Xã Na Rì", "na ri") or code, matched within the uploader's scope on
the map in force on the reference date (31/12 of the year unless the row gives "Ngày tính số
liệu"); an unknown or ambiguous name is a row fault listing the candidates. A row for a total
("Tổng cộng", "Toàn tỉnh") is passed over.

Every commune becomes exactly what the hand-entry form does: `services.start_assessment` for a
commune without an assessment of that set and year, then `services.enter_values` with the values
that differ from those recorded — the same derived values, judging and audit as by hand, and a
re-import of the same file changes nothing. An empty cell enters nothing (it never clears a
recorded value). A value given for an indicator taken automatically from another programme must
equal that value; a different one is a fault (overriding it needs a reason, on the assessment page).

Cells are read with the one cell parser, in the indicator's unit: yes/no indicators with the one
yes/no vocabulary (an empty cell is "not entered", not "no"); numbers with `Number`, where a "%"
column holds percentage points: 0,5 is 0,5 % (a poverty rate), never 50 % as a percent-formatted
Excel cell would be read; the template's cells are therefore plain numbers.

Everything is checked first; the commit runs every commune through the services in one
transaction and writes nothing if any row has a fault (the preview is the same run, rolled back).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong import tabular
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.tabular import CellError, Column, FaultLog, FileRefused, Outcome
from tamnong.tabular.columns import loose_key
from tamnong.tabular.faults import put_row

from . import criteria, services
from .models import Assessment, CommuneProfile, CriteriaSet, Indicator, IndicatorKind
from .services._base import _valid_in_year

LIMITS = tabular.Limits(max_bytes=20 * 1024 * 1024, max_rows=200_000)
KEEP_FAULTS = 5000
TOTAL_WORDS = {"tong", "tong cong", "cong", "toan tinh", "toan huyen", "tong so", "ca tinh"}

_T = tabular.TEXT
COMMUNE = Column(
    "commune", "Xã", _T,
    help=gettext_lazy("Tên xã (có hoặc không có «xã», có dấu hoặc không); hoặc ghi cột Mã xã"),
    synonyms=("Tên xã", "Xã, phường, thị trấn", "Xã/phường", "Tên đơn vị", "Đơn vị hành chính", "commune"),
)  # fmt: skip
COMMUNE_CODE = Column("commune_code", "Mã xã", _T, synonyms=("Mã đơn vị", "Mã ĐVHC", "Mã"))
CLASS_COLUMN = Column(
    "column", "Vùng/nhóm", _T,
    help=gettext_lazy("Vùng (QĐ 318/2022) hoặc nhóm xã (QĐ 51/2025) đã ghi của xã; chỉ để đối chiếu"),
    synonyms=("Vùng", "Nhóm", "Nhóm xã", "Vùng/nhóm áp dụng", "Phân nhóm"),
)  # fmt: skip
REFERENCE_DATE = Column(
    "reference_date", "Ngày tính số liệu", tabular.DATE, synonyms=("Thời điểm", "Ngày số liệu")
)
INDICATOR = Column(
    "indicator", "Chỉ tiêu", _T, synonyms=("Mã chỉ tiêu", "Chỉ tiêu số", "Số hiệu chỉ tiêu")
)
VALUE = Column("value", "Giá trị", _T, synonyms=("Kết quả", "Số liệu", "Giá trị đạt được"))
UNIT = Column("unit", "Đơn vị tính", _T, synonyms=("ĐVT", "Đơn vị đo"))
FIXED = [COMMUNE, COMMUNE_CODE, CLASS_COLUMN, REFERENCE_DATE, INDICATOR, VALUE, UNIT]
PREFIX = "i:"


def indicator_header(ind: Indicator) -> str:
    return f"{ind.code}. {ind.name}" + (f" ({ind.unit})" if ind.unit else "")


def criteria_set(params: dict) -> CriteriaSet | None:
    key = params.get("set_key") or ""
    return criteria.latest(key) if key else None


def result_columns(params: dict) -> list[Column]:
    """The columns of a results file of one criteria set: the fixed ones, then one per indicator
    (key "i:<code>"), named by the template's header, the code or the name."""
    cs = criteria_set(params)
    columns = list(FIXED)
    if cs is None:
        return columns
    for ind in cs.indicators.order_by("position"):
        columns.append(
            Column(
                PREFIX + ind.code,
                indicator_header(ind),
                _T,
                synonyms=(ind.code, f"Chỉ tiêu {ind.code}", f"CT {ind.code}", ind.name),
            )
        )
    return columns


# -- reading -------------------------------------------------------------------------------------
@dataclass
class Line:
    """One commune of the file: its rows (long format), its values by indicator code."""

    rowno: int
    text: str  # the commune as the file gives it
    division: Division | None = None
    reference_date: dt.date | None = None
    column_text: str = ""
    values: dict[str, tuple[object, int, str]] = field(
        default_factory=dict
    )  # code → value, row, col
    ok: bool = True


class _Units:
    """Communes by name or code, within the actor's scope, on the map in force on a day."""

    def __init__(self, actor) -> None:
        from tamnong.tabular.names import UnitMatcher

        self.matcher = UnitMatcher(actor, Level.COMMUNE)
        self.scope = Scope.of(actor)
        self.maps = list(MapVersion.objects.all())

    def by_code(self, code: str, day: dt.date):
        units = list(Division.objects.filter(code=code, level=Level.COMMUNE).select_related("map"))
        units = [u for u in units if u.map.is_valid_on(day)] or units
        if not units:
            return None, _("Không có xã mã «%(c)s».") % {"c": code}
        unit = units[0]
        if not self.scope.can_edit(unit):
            return None, _("«%(name)s» nằm ngoài phạm vi của bạn.") % {"name": code}
        return unit, None

    def match(self, text: str, day: dt.date):
        return self.matcher.match(text, day)


def _indicator_kind(ind: Indicator):
    if ind.kind == IndicatorKind.PERCENT:
        return tabular.Number(4, minimum=0, maximum=100)
    return tabular.Number(4, minimum=0)


def parse_cell(ind: Indicator, raw):
    """A cell as the value of an indicator (Decimal or bool), None when empty; CellError."""
    if tabular.is_blank([raw]):
        return None
    if ind.kind == IndicatorKind.YES_NO:
        return tabular.YES_NO.parse(raw)
    if raw.__class__ is str and raw.strip().endswith("%"):
        if ind.unit.strip() != "%":
            raise CellError(
                _("Chỉ tiêu %(c)s tính bằng «%(u)s», không phải phần trăm.")
                % {"c": ind.code, "u": ind.unit or _("không đơn vị")}
            )
        raw = raw.strip()[:-1]
    number = _indicator_kind(ind).parse(raw)
    return number.quantize(Decimal("0.0001")) if number is not None else None


class ResultsImport:
    """Check and write one results file of a criteria set and year (see the module docstring)."""

    def __init__(self, actor, set_key: str, year: int, *, mapping: dict | None = None) -> None:
        self.actor = actor
        self.cs = criteria.latest(set_key) if set_key else None
        self.year = int(year)
        self.mapping = mapping
        self.outcome = Outcome(faults=FaultLog(keep=KEEP_FAULTS))
        self.faults = self.outcome.faults
        self.long = False  # the long layout: a row per commune × indicator

    # the file
    def read(self, source, name: str) -> list[Line]:
        if self.cs is None:
            raise FileRefused("set", _("Chưa chọn bộ tiêu chí (hoặc không có bộ tiêu chí này)."))
        if not self.cs.year_from <= self.year <= self.cs.year_to:
            raise FileRefused(
                "year",
                _("Bộ tiêu chí áp dụng cho %(a)s–%(b)s, không áp dụng cho năm %(y)s.")
                % {"a": self.cs.year_from, "b": self.cs.year_to, "y": self.year},
            )
        columns = result_columns({"set_key": self.cs.key})
        table = tabular.open_table(source, name=name, limits=LIMITS)
        if self.mapping is not None:
            layout = tabular.find_layout(table, columns, mapping=self.mapping)
        else:
            from tamnong.tabular.mapping import layout_for

            layout, _shape = layout_for(table, columns, import_key="ntm-results", user=self.actor)
        pos = layout.positions
        if "commune" not in pos and "commune_code" not in pos:
            raise FileRefused(
                "columns", _("Thiếu cột bắt buộc: %(cols)s.") % {"cols": _("Xã hoặc Mã xã")}
            )
        self.indicators = {i.code: i for i in self.cs.indicators.all()}
        long = self.long = "indicator" in pos and "value" in pos
        wide = [(k.removeprefix(PREFIX), p) for k, p in pos.items() if k.startswith(PREFIX)]
        if not long and not wide:
            raise FileRefused(
                "columns",
                _(
                    "Không nhận ra cột chỉ tiêu nào của bộ tiêu chí «%(set)s»: tiêu đề cột ghi mã "
                    "chỉ tiêu (ví dụ «%(code)s»), hoặc dùng dạng dọc với các cột Xã, Chỉ tiêu, "
                    "Giá trị. Tải tệp mẫu để xem."
                )
                % {"set": self.cs.title, "code": next(iter(self.indicators), "1.1")},
            )
        self.headers = layout.headers
        self.units = _Units(self.actor)
        lines: dict[int, Line] = {}  # by division pk
        order: list[Line] = []
        seen_pairs: set[tuple[int, str]] = set()
        for index, row in enumerate(table):
            if index < layout.data_start or tabular.is_blank(row):
                continue
            rowno = index + 1

            def cell(key, row=row):
                p = pos.get(key, -1)
                return row[p] if 0 <= p < len(row) else None

            text = tabular.cell_text(cell("commune"))
            code = tabular.cell_text(cell("commune_code"))
            if loose_key(text) in TOTAL_WORDS and not code:
                continue
            self.outcome.rows += 1
            try:
                ref = REFERENCE_DATE.kind.parse(cell("reference_date"))
            except CellError as exc:
                self.faults.add(rowno, REFERENCE_DATE.header, exc.reason, cell("reference_date"))
                ref = None
            day = ref or dt.date(self.year, 12, 31)
            if code:
                unit, reason = self.units.by_code(code, day)
                where = COMMUNE_CODE.header
            else:
                unit, reason = self.units.match(text, day)
                where = COMMUNE.header
            if unit is None:
                self.faults.add(rowno, where, reason, code or text)
                continue
            line = lines.get(unit.pk)
            if line is None:
                line = Line(rowno, code or text, unit, ref, tabular.cell_text(cell("column")))
                lines[unit.pk] = line
                order.append(line)
            elif not long:
                self.faults.add(
                    rowno,
                    where,
                    _("%(name)s đã có ở dòng %(row)s.") % {"name": unit.name, "row": line.rowno},
                    code or text,
                )
                continue
            if long:
                self._long_row(line, rowno, cell, seen_pairs)
            else:
                for code_, p in wide:
                    raw = row[p] if p < len(row) else None
                    self._value(line, self.indicators[code_], raw, rowno, self.headers[p])
        if not self.outcome.rows:
            raise FileRefused("empty", _("Tệp không có dữ liệu."))
        return order

    def _long_row(self, line: Line, rowno: int, cell, seen: set) -> None:
        given = tabular.cell_text(cell("indicator"))
        ind = self.indicators.get(given) or self._by_name(given)
        if ind is None:
            self.faults.add(
                rowno,
                INDICATOR.header,
                _("Bộ tiêu chí không có chỉ tiêu «%(c)s».") % {"c": given}
                if given
                else _("Bắt buộc nhập."),
                given,
            )
            return
        if (line.division.pk, ind.code) in seen:
            self.faults.add(
                rowno,
                INDICATOR.header,
                _("Chỉ tiêu %(c)s của xã này đã có ở dòng trên.") % {"c": ind.code},
                given,
            )
            return
        seen.add((line.division.pk, ind.code))
        unit = tabular.cell_text(cell("unit"))
        if unit and loose_key(unit) != loose_key(ind.unit):
            self.faults.add(
                rowno,
                UNIT.header,
                _("Sai đơn vị: chỉ tiêu %(c)s tính bằng «%(u)s», không phải «%(g)s».")
                % {"c": ind.code, "u": ind.unit or _("không đơn vị"), "g": unit},
                unit,
            )
            return
        self._value(line, ind, cell("value"), rowno, VALUE.header)

    def _by_name(self, text: str) -> Indicator | None:
        key = loose_key(text)
        found = [
            i
            for i in self.indicators.values()
            if key in (loose_key(i.name), loose_key(indicator_header(i)))
        ]
        return found[0] if len(found) == 1 else None  # fmt: skip

    def _value(self, line: Line, ind: Indicator, raw, rowno: int, header: str) -> None:
        try:
            value = parse_cell(ind, raw)
        except CellError as exc:
            self.faults.add(rowno, header, _("Chỉ tiêu %(c)s: %(r)s") % {"c": ind.code, "r": exc.reason}, raw)  # fmt: skip
            line.ok = False
            return
        if value is not None:
            line.values[ind.code] = (value, rowno, header)

    # writing
    def write(self, lines: list[Line], progress: Callable | None = None) -> None:
        """Every commune through the services (the caller holds the transaction)."""
        for done, line in enumerate(lines, start=1):
            if line.ok:
                self._write_line(line)
            if progress is not None and (done % 10 == 0 or done == len(lines)):
                progress(done, len(lines), _("Đang ghi kết quả các xã…"))

    def _write_line(self, line: Line) -> None:
        division = line.division
        assessment = Assessment.objects.filter(
            division=division, year=self.year, set_key=self.cs.key
        ).first()
        if line.column_text:
            self._check_column(line)
        created = assessment is None
        try:
            if created:
                assessment = services.start_assessment(
                    self.actor, division, self.year, self.cs.key, line.reference_date
                )
            current = {
                iv.indicator.code: iv for iv in assessment.values.select_related("indicator")
            }
            items = []
            for code, (value, rowno, header) in line.values.items():
                iv = current.get(code)
                if iv is None:  # a newer version of the set than the assessment's
                    self.faults.add(
                        rowno,
                        header,
                        _("Đánh giá đã có của xã không có chỉ tiêu %(c)s.") % {"c": code},
                    )
                    continue
                recorded = iv.effective
                if iv.is_derived:
                    if recorded is None or Decimal(recorded) != value:
                        self.faults.add(
                            rowno,
                            header,
                            _(
                                "Chỉ tiêu %(c)s lấy tự động từ dữ liệu khác (%(v)s); tệp ghi "
                                "%(g)s. Muốn nhập thay, ghi lý do trên trang đánh giá của xã."
                            )
                            % {
                                "c": code,
                                "v": _shown(recorded),
                                "g": _shown(value),
                            },
                            value,
                        )
                    continue
                if recorded is None or recorded != value:
                    items.append({"code": code, "value": _as_entered(value)})
            if items:
                services.enter_values(self.actor, assessment, items)
        except services.NtmInputError as exc:
            for e in exc.errors:
                self.faults.add(line.rowno, COMMUNE.header, e["message"], line.text)
            return
        except PermissionDenied:
            self.faults.add(
                line.rowno,
                COMMUNE.header,
                _("Bạn không có quyền nhập kết quả nông thôn mới của xã %(name)s.")
                % {"name": division.name},
                line.text,
            )
            return
        if created:
            self.outcome.created += 1
        elif items:
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1

    def _check_column(self, line: Line) -> None:
        profile = CommuneProfile.objects.filter(
            division=line.division, year=self.year, classification=self.cs.classification
        ).first()
        if profile is None or self.cs.classification == "none":
            return
        names = {c["code"]: c["name"] for c in self.cs.columns}
        given = loose_key(line.column_text)
        if given not in {loose_key(profile.column), loose_key(names.get(profile.column, ""))}:
            if _column_code(line.column_text, self.cs.classification, names) == profile.column:
                return
            self.faults.add(
                line.rowno,
                CLASS_COLUMN.header,
                _(
                    "Tệp ghi «%(g)s» nhưng hồ sơ phân loại năm %(y)s của xã là «%(p)s»: sửa tệp "
                    "hoặc nhập lại phân loại trước."
                )
                % {"g": line.column_text, "y": self.year, "p": names.get(profile.column, profile.column)},
                line.column_text,
            )  # fmt: skip


def _as_entered(value):
    """A parsed value as the hand-entry form sends it (text; yes/no as a bool)."""
    if isinstance(value, bool):
        return value
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _shown(value) -> str:
    if value is None:
        return _("chưa có số liệu")
    if isinstance(value, bool):
        return _("có") if value else _("không")
    from tamnong.core.formatting import number

    d = Decimal(value).normalize()
    return number(d, max(0, -d.as_tuple().exponent))


class _DryRun(Exception):
    """Roll the preview's writes back."""


def import_results(
    actor,
    source,
    *,
    name: str,
    set_key: str,
    year: int,
    mapping: dict | None = None,
    dry_run: bool = False,
    progress: Callable | None = None,
) -> Outcome:
    """Check, then write (all or nothing) one results file; `dry_run`: the preview."""
    job = ResultsImport(actor, set_key, year, mapping=mapping)
    try:
        lines = job.read(source, name)
    except FileRefused as exc:
        job.faults.add(0, "", str(exc))
        job.outcome.refuse()
        return job.outcome
    _commit(job.outcome, lambda: job.write(lines, progress), dry_run)
    job.outcome.long = job.long  # the page counts rows ("dòng"), not communes
    return job.outcome


def _commit(outcome: Outcome, write: Callable[[], None], dry_run: bool) -> None:
    """Write in one transaction, rolled back for a preview or when any row has a fault; the rows
    read without a fault are written even when others had one, so that the services' own
    faults (a commune without its region…) are reported in the same run."""
    if outcome.faults and not outcome.faults.rows:  # the file itself was refused
        outcome.refuse()
        return
    try:
        with transaction.atomic():
            write()
            if outcome.faults or dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if outcome.faults:
        outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.refuse()
    else:
        outcome.committed = not dry_run


# -- commune attributes (vùng / nhóm) ------------------------------------------------------------
PROFILE_COLUMNS = [
    COMMUNE,
    COMMUNE_CODE,
    Column(
        "column", "Vùng/nhóm", _T, required=True,
        help=gettext_lazy("Mã hoặc tên vùng (QĐ 318/2022: «Trung du miền núi phía Bắc», «tdmnpb») hoặc nhóm xã (QĐ 51/2025: «Nhóm 1», «1»)"),
        synonyms=CLASS_COLUMN.synonyms,
    ),
    Column("special", "Xã ĐBKK/ATK", tabular.YES_NO, synonyms=("ĐBKK", "ATK", "Xã đặc biệt khó khăn", "ĐBKK/ATK")),
    Column("decision_ref", "Văn bản phân loại", tabular.Text(200), synonyms=("Quyết định phân loại", "Căn cứ", "Số quyết định")),
    Column("note", "Ghi chú", tabular.Text(500)),
]  # fmt: skip


def classification_for(year: int, given: str = "") -> str | None:
    """The classification (region | group) the sets in force in a year use, or the one given."""
    if given in ("region", "group"):
        return given
    kinds = set(
        criteria.latest_sets()
        .filter(year_from__lte=year, year_to__gte=year)
        .exclude(classification="none")
        .values_list("classification", flat=True)
    )
    return kinds.pop() if len(kinds) == 1 else None


def _column_names(classification: str, year: int) -> dict[str, set[str]]:
    """Every name the sets in force in a year give each region/group code ("tdmnpb": "TDMNPB",
    "Trung du miền núi phía Bắc")."""
    out: dict[str, set[str]] = {}
    for cs in criteria.latest_sets().filter(
        classification=classification, year_from__lte=year, year_to__gte=year
    ):
        for c in cs.columns:
            if c["code"] != "chung":
                out.setdefault(c["code"], set()).add(c["name"])
    return out


def _column_code(text: str, classification: str, names: dict) -> str | None:
    key = loose_key(text)
    for code, name in names.items():
        words = name if isinstance(name, set) else {name}
        if key == loose_key(code) or key in {loose_key(w) for w in words}:
            return code
    if classification == "group" and key.isdigit():
        for code in names:
            if loose_key(code) in (f"nhom {key}", key):
                return code
    return None


def import_profiles(
    actor,
    source,
    *,
    name: str,
    year: int,
    classification: str = "",
    mapping: dict | None = None,
    dry_run: bool = False,
    progress: Callable | None = None,
) -> Outcome:
    """The region or group of each commune for a year from a file (`services.set_profile` per
    row, all or nothing; a row equal to the recorded profile changes nothing)."""
    outcome = Outcome(faults=FaultLog(keep=KEEP_FAULTS))
    faults = outcome.faults
    year = int(year)
    try:
        kind = classification_for(year, classification)
        if kind is None:
            raise FileRefused(
                "classification",
                _("Năm %(y)s không có bộ tiêu chí nào phân loại xã theo vùng hoặc nhóm.")
                % {"y": year},
            )
        names = services.column_codes(kind, year)
        all_names = _column_names(kind, year)
        table = tabular.open_table(source, name=name, limits=LIMITS)
        if mapping is not None:
            layout = tabular.find_layout(table, PROFILE_COLUMNS, mapping=mapping)
        else:
            from tamnong.tabular.mapping import layout_for

            layout, _shape = layout_for(
                table, PROFILE_COLUMNS, import_key="ntm-profiles", user=actor
            )
        layout.require()
        if "commune" not in layout.positions and "commune_code" not in layout.positions:
            raise FileRefused(
                "columns", _("Thiếu cột bắt buộc: %(cols)s.") % {"cols": _("Xã hoặc Mã xã")}
            )
    except FileRefused as exc:
        faults.add(0, "", str(exc))
        outcome.refuse()
        return outcome
    units = _Units(actor)
    day = dt.date(year, 12, 31)
    rows, seen = [], {}
    for rowno, values, ok in tabular.read_rows(table, layout, faults):
        outcome.rows += 1
        code, text = values.get("commune_code") or "", values.get("commune") or ""
        if loose_key(text) in TOTAL_WORDS and not code:
            outcome.rows -= 1
            continue
        unit, reason = units.by_code(code, day) if code else units.match(text, day)
        if unit is None:
            faults.add(rowno, COMMUNE_CODE.header if code else COMMUNE.header, reason, code or text)
            continue
        if unit.pk in seen:
            faults.add(
                rowno,
                COMMUNE.header,
                _("%(name)s đã có ở dòng %(row)s.") % {"name": unit.name, "row": seen[unit.pk]},
                code or text,
            )
            continue
        seen[unit.pk] = rowno
        column = (
            _column_code(values.get("column") or "", kind, all_names)
            if values.get("column")
            else None
        )
        if values.get("column") and column is None:
            faults.add(
                rowno,
                "Vùng/nhóm",
                _("Vùng/nhóm «%(c)s» không có trong bộ tiêu chí năm %(y)s; chọn: %(v)s.")
                % {"c": values["column"], "y": year, "v": ", ".join(names.values()) or "–"},
                values["column"],
            )
            continue
        if ok:
            rows.append((rowno, unit, column, values))
    if not outcome.rows and not faults:
        faults.add(0, "", _("Tệp không có dữ liệu."))

    def write():
        for done, (rowno, unit, column, values) in enumerate(rows, start=1):
            current = CommuneProfile.objects.filter(
                division=unit, year=year, classification=kind
            ).first()
            wanted = (column, bool(values.get("special")), values.get("decision_ref") or "", values.get("note") or "")  # fmt: skip
            if (
                current is not None
                and (current.column, current.special, current.decision_ref, current.note) == wanted
            ):
                outcome.unchanged += 1
                continue
            try:
                services.set_profile(
                    actor,
                    unit,
                    year,
                    classification=kind,
                    column=column,
                    special=wanted[1],
                    decision_ref=wanted[2],
                    note=wanted[3],
                )
            except services.NtmInputError as exc:
                for e in exc.errors:
                    faults.add(rowno, COMMUNE.header, e["message"])
                continue
            except PermissionDenied:
                faults.add(rowno, COMMUNE.header, _("«%(name)s» nằm ngoài phạm vi của bạn.") % {"name": unit.name})  # fmt: skip
                continue
            if current is None:
                outcome.created += 1
            else:
                outcome.updated += 1
            if progress is not None and done % 20 == 0:
                progress(done, len(rows), _("Đang ghi phân loại các xã…"))

    _commit(outcome, write, dry_run)
    return outcome


# -- the template --------------------------------------------------------------------------------
def communes_in_scope(actor, year: int, within: Division | None = None) -> list[Division]:
    """The communes on the map in force on 31/12 of the year that the actor may enter results
    for (within one unit when given), by code."""
    day = dt.date(year, 12, 31)
    maps = [m.pk for m in MapVersion.objects.all() if m.is_valid_on(day)]
    qs = Division.objects.filter(level=Level.COMMUNE, map_id__in=maps).select_related("parent")
    if within is not None:
        from tamnong.divisions.services import within_q

        qs = qs.filter(within_q(within, ""))
    scope = Scope.of(actor)
    return [d for d in qs.order_by("code") if scope.can_edit(d) and _valid_in_year(d, year)]  # fmt: skip


def _threshold_text(ind: Indicator, column: str) -> str:
    value = ind.thresholds.get(column)
    if value is None:
        return _("chưa có ngưỡng")
    if ind.kind == IndicatorKind.YES_NO:
        return _("có") if value == criteria.YES else _("không")
    sign = {"ge": "≥ ", "le": "≤ "}.get(ind.operator, "")
    return f"{sign}{_shown(Decimal(value))}" + (f" {ind.unit}" if ind.unit else "")


def template_xlsx(cs: CriteriaSet, year: int, communes: list[Division]) -> bytes:
    """The results workbook of a set and year: a title, the criteria merged over their
    indicators, a row per commune with its region/group; the unit and threshold of every
    indicator in its header's note and on the sheet "Chỉ tiêu và ngưỡng"."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    derived_fill = PatternFill("solid", fgColor="E2EFDA")
    indicators = list(cs.indicators.select_related("criterion").order_by("position"))
    names = {c["code"]: c["name"] for c in cs.columns}
    profiles = {
        p.division_id: p
        for p in CommuneProfile.objects.filter(
            division__in=communes, year=year, classification=cs.classification
        )
    }
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kết quả")[:31]
    ws.append([_("Kết quả thực hiện %(set)s năm %(y)s") % {"set": cs.title, "y": year}])
    ws["A1"].font = Font(bold=True, size=13)
    fixed = [COMMUNE_CODE.header, COMMUNE.header, CLASS_COLUMN.header]
    groups = [""] * len(fixed)
    for ind in indicators:
        groups.append(_("Tiêu chí %(n)s. %(name)s") % {"n": ind.criterion.number, "name": ind.criterion.name})  # fmt: skip
    ws.append(groups)
    ws.append(fixed + [indicator_header(i) for i in indicators])
    for col in range(1, len(fixed) + 1):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.cell(2, col).value = fixed[col - 1]
    start = len(fixed) + 1
    for i in range(len(indicators) + 1):
        col = len(fixed) + 1 + i
        same = (
            i < len(indicators)
            and i
            and indicators[i].criterion_id == indicators[i - 1].criterion_id
        )
        if i and not same:
            if col - 1 > start:
                ws.merge_cells(start_row=2, start_column=start, end_row=2, end_column=col - 1)
            start = col
    for row in ws.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font, cell.alignment = bold, wrap
    for i, ind in enumerate(indicators):
        cell = ws.cell(3, len(fixed) + 1 + i)
        note = [_("Đơn vị: %(u)s") % {"u": ind.unit or _("không đơn vị")}]
        note += [f"{names.get(c, c)}: {_threshold_text(ind, c)}" for c in cs.column_codes]
        if ind.source:
            note.append(_("Lấy tự động từ dữ liệu khác; để trống."))
            cell.fill = derived_fill
        cell.comment = Comment("\n".join(note), "Tam Nông", width=260, height=160)
    for d in communes:
        profile = profiles.get(d.pk)
        column = ""
        if cs.classification == "none":
            column = names.get(cs.column_codes[0], "") if cs.column_codes else ""
        elif profile is not None:
            column = names.get(profile.column, profile.column)
        ws.append([d.code, d.name, column] + [None] * len(indicators))
    ws.freeze_panes = ws.cell(4, len(fixed) + 1)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 22
    guide = wb.create_sheet(_("Chỉ tiêu và ngưỡng"))
    guide.append(
        [_("Mã"), _("Tiêu chí"), _("Chỉ tiêu"), _("Đơn vị"), _("Cách ghi")]
        + [names.get(c, c) for c in cs.column_codes]
        + [_("Ghi chú")]
    )
    for cell in guide[1]:
        cell.font = bold
    for ind in indicators:
        how = (
            _("Có/Không (x, 1/0)")
            if ind.kind == IndicatorKind.YES_NO
            else _("số, tính bằng điểm phần trăm (85 hoặc 85,5)")
            if ind.kind == IndicatorKind.PERCENT
            else _("số (dấu phẩy thập phân)")
        )
        put_row(
            guide,
            [ind.code, f"{ind.criterion.number}. {ind.criterion.name}", ind.name, ind.unit, how]
            + [_threshold_text(ind, c) for c in cs.column_codes]
            + [_("lấy tự động, để trống") if ind.source else ""],
        )
    guide.append([])
    guide.append(
        [
            _(
                "Ghi kết quả vào trang đầu, một dòng một xã, một cột một chỉ tiêu (ô trống: chưa "
                "nhập). Ngưỡng áp dụng theo vùng/nhóm đã ghi của xã. Có thể dùng tệp của văn "
                "phòng với tên xã (có hoặc không «xã», không dấu) và tiêu đề cột là mã chỉ tiêu."
            )
        ]
    )
    for letter, width in zip("ABCDE", (8, 30, 50, 14, 26), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def profiles_template_xlsx(year: int, classification: str, communes: list[Division]) -> bytes:
    names = services.column_codes(classification, year)
    current = {
        p.division_id: p
        for p in CommuneProfile.objects.filter(
            division__in=communes, year=year, classification=classification
        )
    }
    guide = [[_("Vùng/nhóm được chọn"), "", "", ", ".join(f"{n} ({c})" for c, n in names.items())]]
    examples = [
        [
            d.name,
            d.code,
            names.get(current[d.pk].column, "") if d.pk in current else "",
            _("Có") if d.pk in current and current[d.pk].special else "",
            current[d.pk].decision_ref if d.pk in current else "",
            "",
        ]
        for d in communes
    ]

    def fill(wb):  # the communes in scope on the sheet to fill, with what is recorded
        ws = wb.worksheets[0]
        for row in examples:
            put_row(ws, row)

    return tabular.template_xlsx(
        PROFILE_COLUMNS,
        sheet=_("Phân loại xã"),
        guide_extra=guide,
        extend=fill,
        examples=examples[:3],
    )
