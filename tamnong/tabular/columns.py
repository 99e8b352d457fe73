"""Columns (cột) of an import, finding the header row and reading the data rows.

An import declares its columns (`Column`: key, Vietnamese header, kind, synonyms). `find_layout`
finds where they are in a table:

- the header row is the row, among the first `scan`, whose cells name the most columns, so a title
  block above it (the province, the form's name, a date) is passed over;
- a header of two or three rows (ministry forms: a group "Chỉ số thiếu hụt" over "Việc làm",
  "Y tế"…) is merged column by column into "Chỉ số thiếu hụt / Việc làm": merged cells of the
  workbook are filled first, and in a file without merges a group heading is carried to the right
  over the columns that have a heading below it; the merged text is matched first, then the
  lowest heading alone. A row above the header belongs to it when it names a column itself (the
  vertically merged headings of a form) or when the merged texts then match better; a title row
  names nothing and stays out. Of two readings naming as many columns, the taller header wins;
  a row below the header into which header cells are merged down belongs to it (the "Số" and
  "Ngày" under a merged "Quyết định công nhận"), whether or not it names a column;
- a row of column numbers right under the header ("(1)", "(2)"… or "1", "2"… or "A", "B"…) is
  passed over;
- headers are compared without case, extra spaces or diacritics ("Ma ho" is "Mã hộ").

`Layout` says where each column is, which headers named no column (for a mapping screen) and which
required columns are missing. `read_rows` then parses every data row with the columns' kinds and
collects every fault of every row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .cells import TEXT, CellError, Kind, cell_text
from .errors import FileRefused
from .faults import FaultLog


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese, as in the template
    kind: Kind = TEXT
    required: bool = False
    help: str = ""  # Vietnamese, for the template's guide
    example: object = ""
    synonyms: tuple[str, ...] = ()  # other headers that name this column
    width: int | None = None  # in the template (characters)

    def names(self) -> list[str]:
        return [self.header, self.key, *self.synonyms]


def header_key(text) -> str:
    """A header as compared: NFC, case-folded, spaces collapsed, a trailing ":" or "*" dropped."""
    text = unicodedata.normalize("NFC", cell_text(text)).casefold()
    return " ".join(text.split()).rstrip(":*").strip()


def loose_key(text) -> str:
    """A header without diacritics or punctuation ("Mã hộ (*)" → "ma ho")."""
    text = unicodedata.normalize("NFD", header_key(text).replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_NUMBERING = re.compile(r"^\(?([0-9]{1,3}|[a-z]{1,2})\)?\.?$", re.IGNORECASE)


@dataclass
class Layout:
    """Where the columns are in a table."""

    columns: Sequence[Column]
    header_start: int  # index of the first header row (0 = the table's first row)
    header_end: int  # index of the last header row
    data_start: int  # index of the first data row
    headers: list[str]  # the (merged) header text of each position
    positions: dict[str, int] = field(default_factory=dict)  # column key → position
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # headers naming no column
    missing: list[Column] = field(default_factory=list)  # required columns not found
    empty: bool = False  # the rows looked at hold nothing (an empty sheet)
    scanned: int = 0  # how many rows were looked at for the header

    def position(self, key: str) -> int:
        return self.positions.get(key, -1)

    @property
    def first_row(self) -> int:
        """The spreadsheet row number of the first data row."""
        return self.data_start + 1

    @property
    def width(self) -> int:
        return max(self.positions.values(), default=-1) + 1

    def require(self) -> None:
        """Raise FileRefused when the table is empty, when none of its headers names a column
        (not the file of this import, or a header the user has to map), or when a required
        column is missing."""
        if self.empty:
            raise FileRefused(
                "empty_sheet",
                _("Trang tính trống: không có ô nào có dữ liệu.")
                if self.scanned <= 30
                else _("Trang tính trống: %(n)s dòng đầu không có ô nào có dữ liệu.")
                % {"n": self.scanned},
            )
        if not self.positions and self.columns:
            raise FileRefused(
                "no_columns",
                _(
                    "Không tìm thấy dòng tiêu đề: không ô nào trong %(n)s dòng đầu của tệp là tên "
                    "một cột cần nhập (%(cols)s). Hãy dùng tệp mẫu, hoặc ghép cột ở trang xem "
                    "trước."
                )
                % {
                    "n": self.scanned,
                    "cols": ", ".join(c.header for c in self.columns if c.required)
                    or ", ".join(c.header for c in self.columns[:5]),
                },
            )
        if self.missing:
            raise FileRefused(
                "columns",
                _("Thiếu cột bắt buộc: %(cols)s.")
                % {"cols": ", ".join(c.header for c in self.missing)},
            )


class _Matcher:
    def __init__(self, columns: Sequence[Column], mapping: Mapping[str, str] | None) -> None:
        self.exact: dict[str, int] = {}
        self.loose: dict[str, int] = {}
        index = {col.key: i for i, col in enumerate(columns)}
        named = [(header, index[key]) for header, key in (mapping or {}).items() if key in index]
        named += [(name, i) for i, col in enumerate(columns) for name in col.names()]
        for name, i in named:  # a mapping the user saved comes first
            self.exact.setdefault(header_key(name), i)
            self.loose.setdefault(loose_key(name), i)

    def __call__(self, text: str) -> int | None:
        if not text:
            return None
        hit = self.exact.get(header_key(text))
        if hit is None:
            hit = self.loose.get(loose_key(text))
        return hit


def _grid(rows: list[list], merged) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    grid = [[cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= len(grid) or c0 < 0:
            continue
        value = grid[r0][c0] if c0 < width else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if not grid[r][c]:
                    grid[r][c] = value
    return grid


def merge_header_rows(rows: list[list[str]]) -> list[str]:
    """Merge a header of several rows column by column ("Nhóm / Cột"); a heading of an upper row
    is carried to the right over the empty cells whose column has a heading below it."""
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    leaf = rows[-1]
    filled = []
    for row in rows[:-1]:
        out = list(row)
        carry = ""
        for c in range(width):
            if row[c]:
                carry = row[c] if leaf[c] else ""
            elif carry and leaf[c]:
                out[c] = carry
            else:
                carry = ""
        filled.append(out)
    filled.append(leaf)
    merged = []
    for c in range(width):
        parts: list[str] = []
        for row in filled:
            text = row[c]
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        merged.append(" / ".join(parts))
    return merged


def _leaf(text: str) -> str:
    return text.rsplit(" / ", 1)[-1]


def find_layout(
    table: Iterable[list],
    columns: Sequence[Column],
    *,
    scan: int = 30,
    header_rows: int = 3,
    merged=None,
    mapping: Mapping[str, str] | None = None,
) -> Layout:
    """Find the header among the first `scan` rows (see the module docstring). `mapping`: headers
    the user has matched to column keys (a saved mapping), tried before the columns' own names."""
    head = table.head(scan + 1) if hasattr(table, "head") else _take(table, scan + 1)
    if merged is None:
        merged = getattr(table, "merged", None)
    grid = _grid(head, merged)
    raw = _grid(head, None)
    match = _Matcher(columns, mapping)
    rows = min(scan, len(grid))
    # how many columns each row names on its own (an upper row of a header names some)
    alone = [len({h for h in map(match, raw[r]) if h is not None}) for r in range(rows)]
    best = None  # (score, k, i, headers, positions)
    for i in range(rows):
        if not any(grid[i]):
            continue
        flat_full = -1
        for k in range(min(header_rows, i + 1)):
            block = grid[i - k : i + 1]
            if k and not all(any(r) for r in block):
                break
            texts = merge_header_rows(block) if k else list(block[-1])
            positions: dict[int, int] = {}
            full = 0
            for pos, text in enumerate(texts):
                hit = match(text)
                exact = hit is not None
                if hit is None and k:
                    hit = match(_leaf(text))
                if hit is not None and hit not in positions:
                    positions[hit] = pos
                    full += exact
            if not k:
                flat_full = full
            elif not (alone[i - k] or full > flat_full):
                break  # a title above the header, not a header row
            score = (len(positions), k)
            if positions and (best is None or score > best[0]):
                best = (score, k, i, texts, positions)
    if best is None:
        texts = grid[0] if grid else []
        start = end = 0
        positions = {}
    else:
        _score, k, end, texts, positions = best
        start = end - k
        # cells of the header merged down into the row below: that row is a lower header row
        # ("Quyết định công nhận" over "Số" and "Ngày"), even when it names no column itself
        while end + 1 < rows and end - start + 1 < header_rows and _merged_down(merged, end):
            taller = merge_header_rows(grid[start : end + 2])
            before = {p: c for c, p in positions.items()}
            again: dict[int, int] = {}
            for pos, text in enumerate(taller):
                hit = match(text)
                if hit is None:
                    hit = match(_leaf(text))
                if hit is None:
                    hit = before.get(pos)
                if hit is not None and hit not in again:
                    again[hit] = pos
            if len(again) < len(positions):
                break
            end, texts, positions = end + 1, taller, again
    data_start = end + 1
    if data_start < len(grid) and _is_numbering(grid[data_start]):
        data_start += 1
    by_pos = set(positions.values())
    layout = Layout(
        columns=columns,
        header_start=start,
        header_end=end,
        data_start=data_start,
        headers=list(texts),
        positions={columns[c].key: p for c, p in positions.items()},
        unmatched=[(p, t) for p, t in enumerate(texts) if t and p not in by_pos],
    )
    layout.missing = [c for c in columns if c.required and c.key not in layout.positions]
    layout.empty = not any(any(r) for r in grid)
    layout.scanned = rows
    return layout


def _merged_down(merged, row: int) -> bool:
    return any(r0 <= row < r1 for (r0, _c0), (r1, _c1) in merged or [])


def _take(rows: Iterable[list], n: int) -> list[list]:
    out = []
    for row in rows:
        out.append(list(row))
        if len(out) >= n:
            break
    return out


def _is_numbering(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return len(cells) >= 2 and all(_NUMBERING.match(c) for c in cells)


def is_blank(row) -> bool:
    for v in row:
        if v is not None and v != "" and not (v.__class__ is str and not v.strip()):
            return False
    return True


_FOOTER = re.compile(
    r"\b(?:nguoi lap(?: bieu)?|chu tich|tm ubnd|ky ten|ky ghi ro ho ten|xac nhan|tong cong|"
    r"truong thon|can bo giam nghe?o|ngay [0-9 .]*thang [0-9 .]*nam)\b"
)


def is_footer(row) -> bool:
    """A line of the signature block or the totals under a form's table ("Người lập biểu",
    "TM. UBND XÃ / CHỦ TỊCH", "Ngày … tháng … năm …", "Tổng cộng"): only text, and one of those
    words. An import passes such a line over where its key column is empty; any other line
    without a key is a fault of that row, never dropped."""
    texts = []
    for v in row:
        if v is None or v == "":
            continue
        if v.__class__ is not str:
            return False
        texts.append(v)
    return bool(texts) and bool(_FOOTER.search(loose_key(" ".join(texts))))


def read_rows(
    table: Iterable[list], layout: Layout, faults: FaultLog
) -> Iterator[tuple[int, dict, bool]]:
    """(row number, values by column key, ok) for every data row that is not blank. Every fault
    of the row is added to `faults` and `ok` is then False; a cell that could not be parsed is
    None in the values, so that the caller can still check the others."""
    cols = [(c, layout.position(c.key)) for c in layout.columns]
    present = [(c, p) for c, p in cols if p >= 0]
    absent = {c.key: c.kind.parse(None) for c, p in cols if p < 0}
    for index, row in enumerate(table):
        if index < layout.data_start or is_blank(row):
            continue
        rowno = index + 1
        values = dict(absent)
        ok = True
        for col, pos in present:
            raw = row[pos] if pos < len(row) else None
            try:
                value = col.kind.parse(raw)
            except CellError as exc:
                faults.add(rowno, col.header, exc.reason, raw)
                values[col.key] = None
                ok = False
                continue
            if col.required and value in (None, ""):
                faults.add(rowno, col.header, _("Bắt buộc nhập."))
                ok = False
            values[col.key] = value
        yield rowno, values, ok
