"""Bulk import of review records (nhập kết quả rà soát hộ nghèo) from .xlsx or .csv.

Two phases, so that a bad file never half-writes:

1. **Validate** every row while streaming the file (python-calamine / csv): parse, look up the
   commune and village in precomputed dictionaries, classify by the year's standard, and append
   the clean row to a temporary staging table (COPY on PostgreSQL, executemany on SQLite).
   Every rejected row goes to the error report (row, column, reason).
2. **Commit** only when no row was rejected, in one transaction: upsert households and records
   set-based from the staging table (INSERT … SELECT … ON CONFLICT), recompute transitions where
   earlier or later years exist, rebuild the figures of the communes and years touched.

On PostgreSQL a file of one year whose households are all new (a province's first file) takes a
shorter way: phases 1 and 2 run together in one transaction, checked chunks going straight into
the tables while the next chunk is checked (`_Direct`); rejected rows roll it back, and a file that
turns out not to fit (a registered household, a second year) is checked again the staged way.

No ORM object is built per row. Re-importing the same file is idempotent: (household code, year)
is the key. A killed process leaves the database as before (the staging table is temporary and
the commit is a single transaction).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tamnong.divisions.models import URBAN_KINDS, Division, Level, MapVersion

from . import figures
from .models import Classification, ImportBatch, PovertyFigure, ReviewRecord, ReviewRound
from .models import Transition as T
from .standards import Rule, all_rules, classify, group, transition


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: object = ""


COLUMNS = [
    Column("code", "Mã hộ", True, "Mã định danh của hộ, không đổi qua các năm.", "20.06001.00001"),
    Column("year", "Năm rà soát", True, "Năm của kỳ rà soát (ví dụ 2025).", 2025),
    Column(
        "commune",
        "Mã xã",
        True,
        "Mã xã/phường theo bản đồ hành chính có hiệu lực ngày 31/12 của năm rà soát "
        "(trước 2025 có thể dùng mã xã cũ); không có thì dùng bản đồ hiện hành.",
        "06001",
    ),
    Column("village", "Mã thôn", False, "Mã thôn/tổ dân phố (hiện hành) thuộc xã.", "06001.001"),
    Column("head", "Họ tên chủ hộ", True, "Họ và tên chủ hộ.", "Hoàng Văn A"),
    Column("members", "Số nhân khẩu", True, "Số nhân khẩu của hộ (1–99).", 4),
    Column(
        "area",
        "Khu vực",
        False,
        "Nông thôn hoặc Thành thị; để trống: theo loại thôn/xã (tổ dân phố, phường: thành thị).",
        "Nông thôn",
    ),
    Column("ethnic", "Dân tộc thiểu số", False, "Có/Không (hoặc 1/0, x).", "Có"),
    Column("policy", "Hộ chính sách", False, "Có/Không (hoặc 1/0, x).", "Không"),
    Column(
        "income",
        "Thu nhập bình quân (đồng/người/tháng)",
        True,
        "Số đồng, không âm; làm tròn đến đồng.",
        1450000,
    ),
    Column(
        "housing",
        "Diện tích nhà ở (m²)",
        False,
        "Tổng diện tích nhà ở; nếu chuẩn có chỉ số diện tích bình quân đầu người thì chỉ số "
        "đó được tính từ cột này.",
        32,
    ),
    Column(
        "deprived",
        "Chỉ số thiếu hụt",
        False,
        "Số thứ tự các chỉ số thiếu hụt theo chuẩn của năm, cách nhau bởi dấu phẩy (ví dụ 1,4,8).",
        "1,4,8",
    ),
]
HEADERS = [c.header for c in COLUMNS]
STAGE = "pov_stage"
STAGE_COLUMNS = (
    "rowno, code, year, commune_id, unit_id, head, members, area, ethnic, policy, income, "
    "housing, mask, dcount, standard_id, klass, superseded"
)
BATCH = 10_000


class FileError(ValueError):
    """The file cannot be read at all (not Excel/CSV, truncated, missing columns)."""


@dataclass
class ImportResult:
    batch_id: int | None = None
    rows: int = 0
    errors: int = 0
    error_sample: list[tuple[int, str, str]] = field(default_factory=list)
    error_report: str = ""
    households: int = 0
    years: list[int] = field(default_factory=list)
    communes: int = 0
    figures: dict = field(default_factory=dict, repr=False)
    # how the rows were stored: "direct" (new households of one year, PostgreSQL) or "staged"
    written: str = ""

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def as_dict(self) -> dict:
        return {
            "batch": self.batch_id,
            "rows": self.rows,
            "errors": self.errors,
            "error_sample": [list(e) for e in self.error_sample],
            "error_report": self.error_report,
            "years": self.years,
            "communes": self.communes,
            "written": self.written,
            "ok": self.ok,
        }


# -- reading --------------------------------------------------------------------------------
def _norm_header(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


class _Rows:
    """The rows of a file, iterable more than once (a new pass starts from the first row) without
    reading the file again: the workbook is parsed once, a CSV file is reopened."""

    def __init__(self, start: Callable[[], Iterator[list]]) -> None:
        self._start = start

    def __iter__(self) -> Iterator[list]:
        return self._start()


def _csv_rows(path: Path) -> Iterator[list]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh)


def open_rows(path: Path) -> tuple[_Rows, int | None]:
    """(rows with the header first, total data rows if known); raises FileError on unreadable
    input."""
    head = path.open("rb").read(8)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            sheet = book.get_sheet_by_index(0)
        except Exception as exc:  # calamine raises several error types for broken files
            raise FileError(
                f"Không đọc được tệp Excel (hỏng, bị cắt hoặc sai định dạng): {exc}"
            ) from exc
        return _Rows(sheet.iter_rows), max(sheet.height - 1, 0)
    if path.suffix.lower() != ".csv":
        raise FileError("Chỉ nhận tệp .xlsx hoặc .csv.")
    try:
        path.open("rb").read(65536).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError("Tệp CSV phải mã hóa UTF-8.") from exc
    return _Rows(lambda: _csv_rows(path)), None


def _header_map(header: list) -> list[int]:
    wanted = {_norm_header(c.header): i for i, c in enumerate(COLUMNS)}
    wanted.update({_norm_header(c.key): i for i, c in enumerate(COLUMNS)})
    positions = [-1] * len(COLUMNS)
    for pos, text in enumerate(header):
        idx = wanted.get(_norm_header(text))
        if idx is not None and positions[idx] < 0:
            positions[idx] = pos
    missing = [COLUMNS[i].header for i, p in enumerate(positions) if p < 0 and COLUMNS[i].required]
    if missing:
        raise FileError("Thiếu cột bắt buộc: " + ", ".join(missing))
    return positions


# -- lookups ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    id: int
    commune_id: int  # current commune
    urban: bool


class Lookups:
    """Commune and village codes → ids, precomputed once per import."""

    def __init__(self, years: set[int] | None = None) -> None:
        self.maps = list(MapVersion.objects.order_by("valid_from"))
        self.communes: dict[int, dict[str, Unit]] = {}
        for mv in self.maps:
            table: dict[str, Unit] = {}
            for pk, code, kind, cur in Division.objects.filter(
                map=mv, level=Level.COMMUNE
            ).values_list("id", "code", "kind", "current_id"):
                if cur is None:
                    continue
                unit = Unit(pk, cur, kind in URBAN_KINDS)
                table[code] = unit
                table.setdefault(code.lstrip("0"), unit)
            self.communes[mv.pk] = table
        self.villages: dict[str, Unit] = {}
        for pk, code, kind, parent in Division.objects.filter(
            level=Level.VILLAGE, current_id=F("pk")
        ).values_list("id", "code", "kind", "parent_id"):
            self.villages[code] = Unit(pk, parent, kind in URBAN_KINDS)
        self._year_maps: dict[int, list[dict[str, Unit]]] = {}

    def commune_tables(self, year: int) -> list[dict[str, Unit]]:
        tables = self._year_maps.get(year)
        if tables is None:
            end = dt.date(year, 12, 31)
            # Newest first: a change version (xã → phường …) wins over its base map's unit.
            first = sorted(
                (m for m in self.maps if m.is_valid_on(end)),
                key=lambda m: m.valid_from or dt.date.min,
                reverse=True,
            )
            current = [m for m in self.maps if m.valid_to is None]
            order = first + [m for m in current if m not in first]
            tables = [self.communes[m.pk] for m in order]
            self._year_maps[year] = tables
        return tables

    def current_commune(self, code: str) -> Unit | None:
        for m in self.maps:
            if m.valid_to is None:
                return self.communes[m.pk].get(code)
        return None

    def commune(self, code: str, year: int) -> Unit | None:
        for table in self.commune_tables(year):
            unit = table.get(code)
            if unit is not None:
                return unit
        return None


# -- cell parsing -----------------------------------------------------------------------------
_GROUPED = re.compile(r"^\d{1,3}([., ]\d{3})+$")
_TRUE = {"1", "x", "có", "co", "c", "yes", "true", "đúng"}
_FALSE = {"", "0", "không", "khong", "k", "no", "false", "sai"}
_RURAL = {"nông thôn", "nong thon", "nt", "rural"}
_URBAN = {"thành thị", "thanh thi", "tt", "đô thị", "do thi", "urban"}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(v) -> float | None:
    """A non-empty numeric cell as float; raises ValueError on text that is not a number."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError
        return float(v)
    text = _text(v)
    if not text:
        return None
    # "1.500.000" / "1 500 000" are thousands; a lone comma is a decimal point ("12,5")
    text = re.sub(r"[., ]", "", text) if _GROUPED.match(text) else text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        self.column, self.reason = column, reason


# -- the import ---------------------------------------------------------------------------------
def import_file(
    path: str | Path,
    *,
    user=None,
    progress: Callable[[int, int | None, str], None] | None = None,
    file_name: str = "",
    error_dir: Path | None = None,
) -> ImportResult:
    """Validate then commit one file. `user` None = system/CLI (no scope limit)."""
    path = Path(path)
    say = progress or (lambda done, total, msg: None)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    batch = ImportBatch.objects.create(
        file_name=(file_name or path.name)[:255], sha256=digest.hexdigest(), user=user
    )
    result = ImportResult(batch_id=batch.pk)
    errors = _ErrorSink(batch.pk, error_dir)
    restore = _tune_connection()
    # while rows are checked the connection belongs to the COPY stream or the writer: a job's
    # progress is then written on a connection of its own
    detached = getattr(say, "detached", None) if _is_pg() else None
    status = None
    try:
        with detached() if detached else nullcontext():
            try:
                rows, total = open_rows(path)
                if _is_pg():
                    # New households of one year (a province's first file): written straight
                    # into the tables while the rows are checked, in one transaction (_Direct).
                    try:
                        status = _import_direct(rows, total, user, batch, result, errors, say)
                    except _Fallback:
                        errors.discard()
                        result = ImportResult(batch_id=batch.pk)
                        errors = _ErrorSink(batch.pk, error_dir)
                if status is None:
                    _validate(rows, total, user, result, errors, say)
            except FileError as exc:
                errors.add(0, "", str(exc))
        if status is None:
            result.errors = errors.count
            result.error_sample = errors.sample
            if errors.count:
                result.error_report = errors.close()
                status = ImportBatch.Status.REJECTED
            else:
                errors.close()
                say(result.rows, result.rows, "Ghi dữ liệu vào cơ sở dữ liệu…")
                _commit(batch, result, user)
                result.written = "staged"
                status = ImportBatch.Status.DONE
        batch.status = status
    finally:
        _drop_stage()
        restore()
    batch.finished_at = timezone.now()
    batch.rows, batch.error_count = result.rows, result.errors
    batch.error_report, batch.years = result.error_report, result.years
    batch.summary = result.as_dict()
    batch.save()
    return result


class _ErrorSink:
    """Streams rejected rows to a CSV report; keeps a small sample for the page."""

    def __init__(self, batch_id: int, error_dir: Path | None) -> None:
        self.dir = Path(error_dir or Path(settings.MEDIA_ROOT) / "poverty" / "import-errors")
        self.name = f"loi-nhap-ho-{batch_id}.csv"
        self.count = 0
        self.sample: list[tuple[int, str, str]] = []
        self._fh = None
        self._writer = None

    def add(self, rowno: int, column: str, reason: str) -> None:
        if self._writer is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._fh = (self.dir / self.name).open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["Dòng", "Cột", "Lý do"])
        self._writer.writerow([rowno, column, reason])
        self.count += 1
        if len(self.sample) < 50:
            self.sample.append((rowno, column, reason))

    def close(self) -> str:
        if self._fh is None:
            return ""
        self._fh.close()
        self._fh = None
        return str(self.dir / self.name)

    def discard(self) -> None:
        """Forget this pass (the file is checked again from the first row)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            (self.dir / self.name).unlink(missing_ok=True)


def _int_cell(v) -> int | None:
    """An integer cell (float 2025.0 from Excel, "2025" from CSV); None if not an integer."""
    if v.__class__ is int:
        return v
    if v.__class__ is float:
        return int(v) if v.is_integer() else None
    try:
        f = _number(v)
    except ValueError:
        return None
    return int(f) if f is not None and f.is_integer() else None


def _float_cell(v) -> float | None:
    """A numeric cell as float, None if empty; ValueError if not a number."""
    if v.__class__ is float:
        if v != v or v in (math.inf, -math.inf):
            raise ValueError
        return v
    if v.__class__ is int:
        return float(v)
    return _number(v)


def _validate(
    rows, total, user, result: ImportResult, errors: _ErrorSink, say, make_sink=None
) -> None:
    """Check every row; clean rows go to the sink made by `make_sink` (the staging table by
    default, or `_Direct`), which is made only after every lookup is read: from then on the
    connection belongs to the sink."""
    rows = iter(rows)
    try:
        header = next(rows)
    except StopIteration:
        raise FileError("Tệp trống.") from None
    except Exception as exc:
        raise FileError(f"Không đọc được tệp: {exc}") from exc
    pos = _header_map(header)
    (p_code, p_year, p_commune, p_village, p_head, p_members, p_area, p_ethnic, p_policy,
     p_income, p_housing, p_deprived) = pos  # fmt: skip
    width = max(pos) + 1
    lookups = Lookups()
    villages = lookups.villages
    commune_tables: dict[int, dict[str, Unit]] = {}
    # Everything the loop needs is read before the staging COPY opens the connection.
    rules = all_rules()
    editable = _editable_communes(user)
    locked = set(
        ReviewRound.objects.filter(step=ReviewRound.Step.RECOGNISED).values_list(
            "commune_id", "year"
        )
    )
    deprived_cache: dict[tuple[str, int], frozenset[int]] = {}
    # code -> (year << 24 | rowno) of its latest-year row; codes seen in several years
    seen: dict[str, int] = {}
    multi: dict[str, dict[int, int]] = {}
    superseded: list[int] = []
    years: set[int] = set()
    communes: set[int] = set()
    stage = (make_sink or _Stage)()
    stage_add = stage.add
    # Figures of this file, in case the communes and years have no records yet (see _commit).
    aggs: dict[tuple[int, int, bool], list] = {}
    POOR, NEAR, MIDDLE = (
        Classification.POOR.value,
        Classification.NEAR_POOR.value,
        Classification.MIDDLE.value,
    )
    H = {c.key: c.header for c in COLUMNS}
    empty = ("", None)
    n_ok = 0
    rowno = 1
    for rowno, row in enumerate(rows, start=2):
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        try:
            v = row[p_code]
            code = v.strip() if v.__class__ is str else _text(v)
            if not code:
                if not any(_text(v) for v in row):
                    continue  # blank line
                raise RowError(H["code"], "Thiếu mã hộ.")
            if len(code) > 40:
                raise RowError(H["code"], "Mã hộ dài quá 40 ký tự.")
            v = row[p_year]
            year = int(v) if v.__class__ is float and v.is_integer() else _int_cell(v)
            rule = rules.get(year)
            if rule is None:
                if year is None or not 2000 <= year <= 2100:
                    raise RowError(H["year"], "Năm rà soát không hợp lệ.")
                raise RowError(H["year"], f"Năm {year} chưa có chuẩn nghèo áp dụng.")
            v = row[p_commune]
            ccode = v.strip() if v.__class__ is str else _text(v)
            table = commune_tables.get(year)
            if table is None:
                table = commune_tables[year] = {}
                for t in reversed(lookups.commune_tables(year)):
                    table.update(t)
            commune = table.get(ccode)
            if commune is None:
                raise RowError(H["commune"], f"Mã xã «{ccode}» không có trong danh mục.")
            unit = commune
            if p_village >= 0:
                v = row[p_village]
                if v not in empty:
                    vcode = v.strip() if v.__class__ is str else _text(v)
                    if vcode:
                        unit = villages.get(vcode)
                        if unit is None:
                            raise RowError(H["village"], f"Mã thôn «{vcode}» không có.")
                        if unit.commune_id != commune.commune_id:
                            # the code may name the current commune (codes were reused in 2025)
                            alt = lookups.current_commune(ccode)
                            if alt is None or alt.commune_id != unit.commune_id:
                                raise RowError(
                                    H["village"], f"Thôn «{vcode}» không thuộc xã «{ccode}»."
                                )
                            commune = alt
            commune_id = commune.commune_id
            if editable is not None and commune_id not in editable:
                raise RowError(H["commune"], f"Bạn không có quyền cập nhật xã «{ccode}».")
            if locked and (commune_id, year) in locked:
                raise RowError(
                    H["year"],
                    f"Kỳ rà soát năm {year} của xã «{ccode}» đã được công nhận; "
                    "thay đổi phải ghi nhận là phát sinh trên từng hộ.",
                )
            v = row[p_head]
            head = v.strip() if v.__class__ is str else _text(v)
            if not head:
                raise RowError(H["head"], "Thiếu họ tên chủ hộ.")
            if len(head) > 150:
                raise RowError(H["head"], "Họ tên chủ hộ dài quá 150 ký tự.")
            v = row[p_members]
            members = int(v) if v.__class__ is float and v.is_integer() else _int_cell(v)
            if members is None or not 1 <= members <= 99:
                raise RowError(H["members"], "Số nhân khẩu phải là số nguyên từ 1 đến 99.")
            urban = unit.urban
            if p_area >= 0:
                v = row[p_area]
                if v not in empty:
                    text = _text(v).lower()
                    if text in _URBAN:
                        urban = True
                    elif text in _RURAL:
                        urban = False
                    elif text:
                        raise RowError(H["area"], "Khu vực phải là «Nông thôn» hoặc «Thành thị».")
            ethnic = (
                False
                if p_ethnic < 0 or row[p_ethnic] in empty
                else _flag(row, p_ethnic, H["ethnic"])
            )
            policy = (
                False
                if p_policy < 0 or row[p_policy] in empty
                else _flag(row, p_policy, H["policy"])
            )
            v = row[p_income]
            if v.__class__ is float and v == v and v != math.inf:
                income_f = v
            else:
                try:
                    income_f = _float_cell(v)
                except ValueError:
                    raise RowError(H["income"], "Thu nhập phải là số.") from None
            if income_f is None:
                raise RowError(H["income"], "Thiếu thu nhập bình quân.")
            if income_f < 0:
                raise RowError(H["income"], "Thu nhập không được âm.")
            if income_f > 2_000_000_000:
                raise RowError(H["income"], "Thu nhập quá lớn (kiểm tra đơn vị: đồng/người/tháng).")
            income = int(income_f + 0.5)
            housing = None
            if p_housing >= 0:
                v = row[p_housing]
                if v.__class__ is float and v == v and 0 <= v != math.inf:
                    housing = v
                elif v not in empty:
                    try:
                        housing = _float_cell(v)
                    except ValueError:
                        raise RowError(H["housing"], "Diện tích nhà ở phải là số.") from None
                    if housing is not None and housing < 0:
                        raise RowError(H["housing"], "Diện tích nhà ở không được âm.")
            mask = 0
            if p_deprived >= 0:
                v = row[p_deprived]
                if v not in empty:
                    key = (v, rule.id)
                    flagged = deprived_cache.get(key)
                    if flagged is None:
                        text = _text(v)
                        flagged = (
                            _parse_deprived(text, rule, H["deprived"]) if text else frozenset()
                        )
                        deprived_cache[key] = flagged
                    for n in flagged:
                        mask |= 1 << (n - 1)
            if housing is not None and rule.area_indicator:
                bit = 1 << (rule.area_indicator - 1)
                mask = mask | bit if housing / members < rule.area_threshold else mask & ~bit
            count = mask.bit_count()
            klass = classify(rule, income, urban, count)
            # duplicates: (code, year) must be unique in a file
            packed = seen.get(code)
            if packed is None:
                seen[code] = year << 24 | rowno
            else:
                prev_year, prev_row = packed >> 24, packed & 0xFFFFFF
                years_of = multi.get(code)
                if years_of is None:
                    years_of = multi[code] = {prev_year: prev_row}
                if year in years_of:
                    raise RowError(
                        H["code"], f"Mã hộ «{code}» năm {year} trùng với dòng {years_of[year]}."
                    )
                years_of[year] = rowno
                if year > prev_year:
                    superseded.append(prev_row)
                    seen[code] = year << 24 | rowno
                else:
                    superseded.append(rowno)
        except RowError as err:
            errors.add(rowno, err.column, err.reason)
            continue
        if year not in years:
            years.add(year)
        if commune_id not in communes:
            communes.add(commune_id)
        agg = aggs.get((unit.id, year, urban))
        if agg is None:
            agg = aggs[(unit.id, year, urban)] = [commune_id, rule.key, 0, 0, 0, 0, {}]
        agg[2] += 1
        if klass == POOR:
            agg[3] += 1
            agg[6][mask] = agg[6].get(mask, 0) + 1
        elif klass == NEAR:
            agg[4] += 1
        elif klass == MIDDLE:
            agg[5] += 1
        if not errors.count:
            stage_add(
                (rowno, code, year, commune_id, unit.id, head, members, int(urban), ethnic,
                 policy, income, housing, mask, count, rule.id, klass, 0)
            )  # fmt: skip
        n_ok += 1
        if n_ok % 10000 == 0:
            if stage.failed:
                stage.close()
                raise _Fallback
            say(n_ok, total, "Đang kiểm tra dữ liệu…")
    result.rows = n_ok
    stage.close()
    if stage.failed:
        raise _Fallback
    if result.rows == 0 and not errors.count:
        errors.add(rowno, "", "Tệp không có dòng dữ liệu nào.")
    if superseded and not errors.count:
        with connection.cursor() as cur:
            for i in range(0, len(superseded), 5000):
                chunk = superseded[i : i + 5000]
                cur.execute(
                    f"UPDATE {STAGE} SET superseded = 1 WHERE rowno IN ({','.join(map(str, chunk))})"
                )
    result.years = sorted(years)
    result.communes = len(communes)
    result.households = len(seen)
    result.figures = aggs


def _flag(row, position: int, header: str) -> bool:
    if position < 0:
        return False
    text = _text(row[position]).lower()
    if text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise RowError(header, "Phải là «Có» hoặc «Không».")


def _parse_deprived(text: str, rule: Rule, header: str) -> frozenset[int]:
    out = set()
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        try:
            n = float(part)
        except ValueError:
            raise RowError(header, f"«{part}» không phải số thứ tự chỉ số.") from None
        if not n.is_integer() or int(n) not in rule.indicator_numbers:
            raise RowError(header, f"Chỉ số {part} không có trong chuẩn {rule.key}.")
        out.add(int(n))
    return frozenset(out)


def _editable_communes(user) -> set[int] | None:
    if user is None:
        return None
    from tamnong.access.scope import Scope

    scope = Scope.of(user)
    if scope.is_admin:
        return None
    ids = set()
    for path in scope.paths(_editor_roles()):
        ids.update(
            Division.objects.filter(
                level=Level.COMMUNE, path__startswith=path, current_id=F("pk")
            ).values_list("id", flat=True)
        )
        # a membership on a commune itself
        ids.update(
            Division.objects.filter(level=Level.COMMUNE, path=path).values_list("id", flat=True)
        )
    return ids


def _editor_roles():
    from tamnong.access.roles import EDITOR_ROLES

    return EDITOR_ROLES


def _tune_connection() -> Callable[[], None]:
    """SQLite: a larger page cache and an in-memory temp store while importing (index inserts
    of a million rows thrash the default 2 MB cache). Restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return lambda: None
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache = cur.fetchone()[0]
        cur.execute("PRAGMA temp_store")
        temp = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")
        cur.execute("PRAGMA temp_store = MEMORY")

    def restore() -> None:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(cache)}")
            cur.execute(f"PRAGMA temp_store = {int(temp)}")

    return restore


# -- staging --------------------------------------------------------------------------------
def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _drop_stage() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")


class _Stage:
    """A temporary table filled during validation (COPY on PostgreSQL, executemany on SQLite)."""

    failed = False  # the staging table takes any file

    def __init__(self) -> None:
        _drop_stage()
        pg = _is_pg()
        # codes compare bytewise, like the household code column (migration 0003)
        text, big = ('TEXT COLLATE "C"' if pg else "TEXT", "BIGINT")
        ddl = (
            f"CREATE TEMP TABLE {STAGE} (rowno INTEGER, code {text}, year INTEGER, "
            f"commune_id {big}, unit_id {big}, head TEXT, members INTEGER, area INTEGER, "
            f"ethnic BOOLEAN, policy BOOLEAN, income BIGINT, housing DOUBLE PRECISION, "
            f"mask INTEGER, dcount INTEGER, standard_id {big}, klass TEXT, superseded INTEGER)"
        )
        with connection.cursor() as cur:
            cur.execute(ddl)
        self.buf: list[tuple] = []
        self.pg = _is_pg()
        self._copy_cm = self._copy = self._cursor = None
        if self.pg:
            self._cursor = connection.cursor()
            self._copy_cm = self._cursor.cursor.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()

        self.add = self._copy.write_row if self.pg else self._append

    def _append(self, row: tuple) -> None:
        self.buf.append(row)
        if len(self.buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            marks = ",".join(["%s"] * 17)
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(f"INSERT INTO {STAGE} ({STAGE_COLUMNS}) VALUES ({marks})", self.buf)
            self.buf = []

    def close(self) -> None:
        if self.pg:
            if self._copy_cm is not None:
                self._copy_cm.__exit__(None, None, None)
                self._cursor.close()
                self._copy_cm = None
                with connection.cursor() as cur:
                    cur.execute(f"ANALYZE {STAGE}")  # a temp table has no statistics
        else:
            self.flush()


# -- direct write (new households of one year, PostgreSQL) -----------------------------------
class _Fallback(Exception):
    """The direct write does not fit this file: check it again through the staging table."""


class _Rejected(Exception):
    """Rows were rejected: roll back whatever the direct write stored."""


class _Direct:
    """Writes checked rows straight into households and review records while the file is still
    being checked, inside the import's one transaction.

    For a file of one year whose households are all new (a province's first review file), this
    is the whole commit: nothing is left to upsert afterwards, and PostgreSQL stores chunk k
    while Python checks chunk k+1. The checking thread only formats COPY text; a writer thread
    owns the connection meanwhile and spends its time waiting on the server (so it hardly needs
    the GIL): COPY the chunk into a small staging table whose `hid` column draws household ids
    from the sequence (safe beside other writers), then two plain INSERT … SELECT (no upsert,
    no lookup by code). Progress is written through a connection of its own.

    Anything else falls back to the staging path: a second year in the file, or a household
    code already in the registry (the unique index refuses the chunk; the transaction is rolled
    back and the rows are checked again from the first one, without reading the file again).
    """

    CHUNK = 20_000
    TABLE = "pov_direct"

    def __init__(self, batch_id: int, now) -> None:
        from .models import Household

        self.hh, self.rec = Household._meta.db_table, ReviewRecord._meta.db_table
        self.year: int | None = None
        self._mixed = False
        self._error: BaseException | None = None
        self._lines: list[str] = []
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        with connection.cursor() as cur:
            # the sequence is named once: pg_get_serial_sequence() in the default would be a
            # catalogue lookup per row
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [self.hh])
            seq = int(cur.fetchone()[0])
            # (dropped at the commit; inside an enclosing transaction an earlier import's may
            # still be there)
            cur.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cur.execute(
                f"CREATE TEMP TABLE {self.TABLE} (hid BIGINT NOT NULL DEFAULT "
                f"nextval({seq}::regclass), code TEXT, year INTEGER, "
                "commune_id BIGINT, unit_id BIGINT, head TEXT, members INTEGER, area INTEGER, "
                "ethnic BOOLEAN, policy BOOLEAN, income BIGINT, housing DOUBLE PRECISION, "
                "mask INTEGER, dcount INTEGER, standard_id BIGINT, klass TEXT) ON COMMIT DROP"
            )
            # the import's transaction: a crash loses it whole, so no need to wait for the WAL
            # flush at commit
            cur.execute("SET LOCAL synchronous_commit = off")
        self._statements = (
            f"INSERT INTO {self.hh} (id, code, head_name, members, commune_id, division_id, area, "
            "ethnic_minority, policy_household, updated_at) "
            f"SELECT hid, code, head, members, commune_id, unit_id, area, ethnic, policy, %s "
            f"FROM {self.TABLE}",
            f"INSERT INTO {self.rec} (household_id, year, commune_id, division_id, area, members, "
            "income, housing_area, deprivations, deprivation_count, standard_id, classification, "
            "transition, arising, arising_reason, batch_id, updated_at) "
            f"SELECT hid, year, commune_id, unit_id, area, members, income, housing, mask, dcount, "
            f"standard_id, klass, '{T.FIRST.value}', false, '', {int(batch_id)}, %s "
            f"FROM {self.TABLE}",
        )
        self._now = now
        self.raw = connection.connection
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="poverty-import-writer", daemon=True
        )
        self._thread.start()

    @property
    def failed(self) -> bool:
        return self._mixed or isinstance(self._error, _Conflict)

    def add(self, row: tuple) -> None:
        """One checked row (the staging tuple of _validate), formatted as COPY text."""
        if self._mixed:
            return
        (_rowno, code, year, commune_id, unit_id, head, members, area, ethnic, policy, income,
         housing, mask, dcount, standard_id, klass, _sup) = row  # fmt: skip
        if year != self.year:
            if self.year is not None:
                self._mixed, self._lines = True, []
                return
            self.year = year
        if _COPY_SPECIAL.search(code):
            code = _copy_text(code)
        if _COPY_SPECIAL.search(head):
            head = _copy_text(head)
        hous = _COPY_NULL if housing is None else repr(float(housing))
        self._lines.append(
            f"{code}\t{year}\t{commune_id}\t{unit_id}\t{head}\t{members}\t{area}\t"
            f"{'t' if ethnic else 'f'}\t{'t' if policy else 'f'}\t{income}\t"
            f"{hous}\t{mask}\t{dcount}\t"
            f"{standard_id}\t{klass}\n"
        )
        if len(self._lines) >= self.CHUNK:
            self._queue.put("".join(self._lines).encode())
            self._lines = []

    def close(self) -> None:
        """Hand over the last rows and wait until everything is stored (main thread)."""
        if self._thread is None:
            return
        if self._lines and not self.failed:
            self._queue.put("".join(self._lines).encode())
        self._lines = []
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        if self._error is not None and not self.failed:
            raise self._error

    def stop(self) -> None:
        """Stop the writer whatever happened (the transaction is about to end)."""
        if self._thread is None:
            return
        self._lines = []
        if self._error is None:
            self._error = _Conflict("stopped")  # the writer drains without storing
        self._queue.put(None)
        self._thread.join()
        self._thread = None

    def _run(self) -> None:
        import psycopg

        with self.raw.cursor() as cur:
            while (chunk := self._queue.get()) is not None:
                if self._error is not None or self._mixed:
                    continue  # keep draining so the checking thread never blocks
                try:
                    self._store(cur, chunk)
                except psycopg.errors.UniqueViolation as exc:
                    self._error = _Conflict(str(exc))
                except BaseException as exc:  # noqa: BLE001 – re-raised in the main thread
                    self._error = exc

    def _store(self, cur, chunk: bytes) -> None:
        with cur.copy(
            f"COPY {self.TABLE} (code, year, commune_id, unit_id, head, members, area, ethnic, "
            "policy, income, housing, mask, dcount, standard_id, klass) FROM STDIN"
        ) as copy:
            copy.write(chunk)
        for sql in self._statements:
            cur.execute(sql, [self._now])
        cur.execute(f"TRUNCATE {self.TABLE}")


_COPY_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Conflict(Exception):
    """A household code of the file is already registered."""


def _import_direct(rows, total, user, batch, result, errors, say):
    """Check and store in one pass (see _Direct); returns the batch status, raises _Fallback."""
    now = timezone.now()
    sinks: list[_Direct] = []

    def make_sink() -> _Direct:
        sinks.append(_Direct(batch.pk, now))
        return sinks[0]

    try:
        with transaction.atomic():
            try:
                _validate(rows, total, user, result, errors, say, make_sink=make_sink)
            finally:
                for sink in sinks:  # the writer lets go of the connection before any rollback
                    sink.stop()
            result.errors = errors.count
            result.error_sample = errors.sample
            if errors.count:
                raise _Rejected
            sink = sinks[0]
            if sink.year is None:  # nothing was written (cannot happen without errors)
                raise _Fallback
            say(result.rows, result.rows, "Cập nhật số liệu tổng hợp…")
            communes = {agg[0] for agg in result.figures.values()}
            # Figures are kept with every record: none for these communes and year means no
            # record was there before this file, whose own counts are then the whole figures.
            if not PovertyFigure.objects.filter(year=sink.year, commune_id__in=communes).exists():
                _store_file_figures(result.figures)
            else:
                figures.rebuild({sink.year}, communes)
            _recorded(batch, result, user, communes, {sink.year})
            result.written = "direct"
    except _Rejected:
        result.error_report = errors.close()
        return ImportBatch.Status.REJECTED
    errors.close()
    return ImportBatch.Status.DONE


# -- commit ---------------------------------------------------------------------------------
def _transition_sql(prev: str, cur: str, poor_before: str) -> str:
    """The `transition` rules of standards.py as one SQL CASE (generated, so both agree)."""
    reps = {"P": "poor", "N": "near_poor", "A": "other"}

    def grp(col: str) -> str:
        return f"(CASE {col} WHEN 'poor' THEN 'P' WHEN 'near_poor' THEN 'N' ELSE 'A' END)"

    parts = [f"WHEN {prev} IS NULL THEN '{T.FIRST}'"]
    for pg in "PNA":
        for cg in "PNA":
            for pb in (0, 1):
                code = transition(reps[pg], reps[cg], bool(pb))
                assert group(reps[pg]) == pg
                parts.append(
                    f"WHEN {grp(prev)} = '{pg}' AND {grp(cur)} = '{cg}' AND {poor_before} = {pb} "
                    f"THEN '{code}'"
                )
    return "CASE " + " ".join(parts) + f" ELSE '{T.NONE}' END"


def recompute_transitions(household_filter_sql: str, params: list | tuple = ()) -> int:
    """Set-based: recompute the transition of every record of the households selected by
    `household_filter_sql` (a SELECT of household ids), from the ordered sequence of records."""
    rec = ReviewRecord._meta.db_table
    case = _transition_sql("prev", "cur", "poor_before")
    sql = (
        f"UPDATE {rec} SET transition = x.new FROM ("
        f"  SELECT id, old, {case} AS new FROM ("
        f"    SELECT r.id, r.transition AS old, r.classification AS cur,"
        f"      LAG(r.classification) OVER (PARTITION BY r.household_id ORDER BY r.year) AS prev,"
        f"      COALESCE(MAX(CASE WHEN r.classification = 'poor' THEN 1 ELSE 0 END) OVER ("
        f"        PARTITION BY r.household_id ORDER BY r.year"
        f"        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS poor_before"
        f"    FROM {rec} r WHERE r.household_id IN ({household_filter_sql})"
        f"  ) seq"
        f") x WHERE {rec}.id = x.id AND x.new <> x.old"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def _recorded(batch, result: ImportResult, user, communes: set[int], years: set[int]) -> None:
    """The audit event of an import, and the notice to other modules once it is committed."""
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record

    record(
        AuditEvent.Action.IMPORT,
        batch,
        after={"rows": result.rows, "years": result.years, "communes": len(communes)},
        note=f"Nhập {result.rows} dòng kết quả rà soát từ {batch.file_name}",
        user=user,
        model_label="poverty.ImportBatch",
        object_repr=batch.file_name,
    )
    _notify_after_commit(communes, years)


def _commit(batch: ImportBatch, result: ImportResult, user) -> None:
    from .models import Household

    hh, rec = Household._meta.db_table, ReviewRecord._meta.db_table
    now = timezone.now()
    years = result.years
    year_list = ",".join(str(int(y)) for y in years)
    with transaction.atomic(), connection.cursor() as cur:
        if _is_pg():
            # memory for the hash join of a province file; the import is one transaction, so a
            # crash loses it whole (never half): no need to wait for the WAL flush at commit
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(f"SELECT DISTINCT commune_id FROM {STAGE}")
        communes = {r[0] for r in cur.fetchall()}
        # Records that exist already may move to another commune: rebuild those too.
        cur.execute(f"SELECT 1 FROM {rec} WHERE year IN ({year_list}) LIMIT 1")
        fresh = cur.fetchone() is None
        if not fresh:
            cur.execute(
                f"SELECT DISTINCT r.commune_id FROM {rec} r JOIN {hh} h ON h.id = r.household_id "
                f"JOIN {STAGE} s ON s.code = h.code AND s.year = r.year"
            )
            communes.update(r[0] for r in cur.fetchall())
        # Other years in these communes decide whether transitions need the set-based pass.
        comm_list = ",".join(str(int(c)) for c in sorted(communes))
        cur.execute(
            f"SELECT DISTINCT year FROM {rec} WHERE commune_id IN ({comm_list}) "
            f"AND year NOT IN ({year_list})"
        )
        other_years = {r[0] for r in cur.fetchall()}

        hh_upsert = (
            f"INSERT INTO {hh} (code, head_name, members, commune_id, division_id, area, "
            f"ethnic_minority, policy_household, updated_at) "
            f"SELECT code, head, members, commune_id, unit_id, area, ethnic, policy, %s "
            f"FROM {STAGE} WHERE superseded = 0 "
            f"ON CONFLICT (code) DO UPDATE SET head_name = excluded.head_name, "
            f"members = excluded.members, commune_id = excluded.commune_id, "
            f"division_id = excluded.division_id, area = excluded.area, "
            f"ethnic_minority = excluded.ethnic_minority, "
            f"policy_household = excluded.policy_household, updated_at = excluded.updated_at"
        )
        rec_columns = (
            f"INSERT INTO {rec} (household_id, year, commune_id, division_id, area, members, "
            f"income, housing_area, deprivations, deprivation_count, standard_id, classification, "
            f"transition, arising, arising_reason, batch_id, updated_at) "
            f"SELECT h.id, s.year, s.commune_id, s.unit_id, s.area, s.members, s.income, "
            f"s.housing, s.mask, s.dcount, s.standard_id, s.klass, %s, %s, '', %s, %s "
        )
        rec_conflict = (
            "ON CONFLICT (household_id, year) DO UPDATE SET commune_id = excluded.commune_id, "
            "division_id = excluded.division_id, area = excluded.area, "
            "members = excluded.members, income = excluded.income, "
            "housing_area = excluded.housing_area, deprivations = excluded.deprivations, "
            "deprivation_count = excluded.deprivation_count, "
            "standard_id = excluded.standard_id, classification = excluded.classification, "
            "batch_id = excluded.batch_id, updated_at = excluded.updated_at"
        )
        rec_params = [T.FIRST.value, False, batch.pk, now]
        if _is_pg() and len(years) == 1:
            # one statement: the records join the upserted households' RETURNING rows instead
            # of probing the household code index a second time
            cur.execute(
                f"WITH h AS ({hh_upsert} RETURNING id, code) {rec_columns}"
                f"FROM {STAGE} s JOIN h ON h.code = s.code {rec_conflict}",
                [now, *rec_params],
            )
        else:
            cur.execute(hh_upsert, [now])
            cur.execute(
                f"{rec_columns}FROM {STAGE} s JOIN {hh} h ON h.code = s.code WHERE true "
                f"{rec_conflict}",
                rec_params,
            )
        rebuild_years = set(years)
        if other_years or len(years) > 1:
            recompute_transitions(
                f"SELECT h.id FROM {hh} h JOIN {STAGE} s ON s.code = h.code WHERE s.superseded = 0"
            )
            rebuild_years |= {y for y in other_years if y > min(years)}
            figures.rebuild(rebuild_years, communes)
        elif fresh:
            # First records of these communes and year: the figures are this file's, counted
            # while validating (every transition is "first").
            PovertyFigure.objects.filter(year__in=years, commune_id__in=communes).delete()
            _store_file_figures(result.figures)
        else:
            figures.rebuild(rebuild_years, communes)
        _recorded(batch, result, user, communes, rebuild_years)


def _store_file_figures(aggs: dict) -> None:
    rows = []
    for (unit_id, year, urban), (commune_id, key, n, poor, near, middle, masks) in aggs.items():
        deprived: dict[str, int] = {}
        for mask, count in masks.items():
            bit = 1
            while mask:
                if mask & 1:
                    deprived[str(bit)] = deprived.get(str(bit), 0) + count
                mask >>= 1
                bit += 1
        rows.append(
            PovertyFigure(
                division_id=unit_id, commune_id=commune_id, year=year, area=int(urban),
                standard_key=key, households=n, poor=poor, near_poor=near, middle=middle,
                poor_deprived=dict(sorted(deprived.items(), key=lambda x: int(x[0]))),
                transitions={T.FIRST.value: n},
            )
        )  # fmt: skip
    PovertyFigure.objects.bulk_create(rows, batch_size=2000)


def _notify_after_commit(commune_ids: set[int], years: set[int]) -> None:
    from tamnong.core.signals import figures_changed

    def send():
        for commune in Division.objects.filter(pk__in=commune_ids):
            for year in sorted(years):
                figures_changed.send(
                    sender=ReviewRecord, source="poverty", division=commune, year=year
                )

    transaction.on_commit(send)


# -- template ----------------------------------------------------------------------------------
def template_csv() -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerow([c.example for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Ho"
    ws.append(HEADERS)
    ws.append([c.example for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    guide = wb.create_sheet("Huong dan")
    guide.append(["Cột", "Bắt buộc", "Nội dung"])
    for c in COLUMNS:
        guide.append([c.header, "Có" if c.required else "Không", c.help])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
