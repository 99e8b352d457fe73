"""Reading a file as a table (bảng): .xlsx, .xlsm, .xls, .ods (python-calamine) or .csv.

`open_table(source, name=…, sheet=…)` returns a `Table`: its rows are lists of raw cell values
(str, float, int, bool, date/datetime; "" for an empty cell) from the first row of the sheet, and
it can be iterated more than once (a new pass starts from the first row without reading the file
again). Values are read, formulas never evaluated: a formula cell gives the value Excel saved with
it (nothing when the file was written by a program that does not compute formulas).

What is refused, with a `FileRefused` in Vietnamese (and its `code`):
- not a spreadsheet (`not_spreadsheet`): a Word document, a PDF, a text file not named .csv, a
  truncated or broken workbook; a password-protected workbook (`password`);
- more than `Limits.max_bytes` (`too_large`), more than `max_rows` rows (`too_many_rows`), a cell of
  more than `max_cell_chars` characters (`cell_too_long`), a zip whose members unpack to more than
  `max_zip_ratio` times their size or `max_unzipped_bytes` in all (`zip_bomb`: checked on the zip
  directory before anything is unpacked);
- a CSV in no encoding it can read (`encoding`), a sheet name the workbook does not have (`sheet`).

Text typed in the legacy TCVN3 (ABC) or VNI encodings is detected from the text cells of the
first 200 rows and read as Unicode (NFC); `Table.legacy` says which, for the preview page
(`legacy.py`: a file is converted only when its suspect cells become Vietnamese syllables).

CSV: UTF-8 with or without a BOM, UTF-16 (Excel's "Unicode text"), else Windows-1258 or
Windows-1252 as charset-normalizer judges a sample. The delimiter (, ; tab |) is the one that
splits the first lines into the same number of fields, counted outside quotes (csv.Sniffer fails on
quoted commas); a file with one column is read with commas.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import FileRefused

MiB = 1 << 20
ZIP = b"PK\x03\x04"
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls, or an encrypted .xlsx
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv"}
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * MiB
    max_rows: int = 1_100_000
    max_cell_chars: int = 10_000
    max_zip_ratio: int = 100
    max_unzipped_bytes: int = 2048 * MiB


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    """The rows of one sheet (or of a CSV file)."""

    kind: str  # "xlsx", "xls", "ods" or "csv"
    name: str  # the file name the user gave
    rows_factory: Callable[[], Iterator[list]] = field(repr=False)
    sheet: str | None = None  # the sheet read (workbooks)
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV
    delimiter: str | None = None  # CSV
    total: int | None = None  # number of rows, header included, when known before reading
    # merged cell ranges ((row, col), (row, col)), rows from the sheet's first row and columns
    # as in the rows (workbooks only)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # the legacy encoding the text was typed in ("tcvn3", "vni"; see legacy.py), converted to
    # Unicode as the rows are read; None for Unicode text
    legacy: str | None = None

    @property
    def legacy_name(self) -> str:
        from .legacy import NAMES

        return NAMES.get(self.legacy or "", "")

    def __iter__(self) -> Iterator[list]:
        return self.rows_factory()

    def head(self, n: int) -> list[list]:
        return [list(r) for r in itertools.islice(iter(self), n)]


def open_table(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    check_cells: bool = True,
    legacy: bool = True,
) -> Table:
    """Open a file (a path, or its bytes with `name`) as a table; raises FileRefused.

    `check_cells=False` leaves out the per-cell length bound for a caller whose every read column
    is bounded by its own checks (the poverty import, where that loop would be its hottest).
    `legacy=False` reads text as it is, without looking for TCVN3 or VNI (see legacy.py)."""
    data = source if isinstance(source, bytes | bytearray) else None
    path = None if data is not None else Path(source)
    name = name or (path.name if path is not None else "")
    suffix = Path(name).suffix.lower()
    try:
        size = len(data) if data is not None else path.stat().st_size
    except OSError:
        raise FileRefused("missing", _("Không tìm thấy tệp %(f)s.") % {"f": name}) from None
    if size > limits.max_bytes:
        raise FileRefused(
            "too_large",
            _("Tệp quá lớn (%(size)s MB; tối đa %(max)s MB).")
            % {"size": _mb(size), "max": _mb(limits.max_bytes)},
        )
    if size == 0:
        raise FileRefused("empty", _("Tệp trống."))
    head = data[:8] if data is not None else _read_head(path)
    if head.startswith(ZIP):
        kind = _check_zip(data, path, limits)
        table = _workbook(data, path, name, sheet, limits, kind)
    elif head.startswith(CFB):
        if _encrypted_ooxml(data, path):
            raise _password()
        table = _workbook(data, path, name, sheet, limits, "xls")
    elif suffix in WORKBOOK_SUFFIXES:
        raise _not_spreadsheet(_("tệp hỏng, bị cắt hoặc không phải Excel"))
    elif suffix in TEXT_SUFFIXES:
        table = _csv(data, path, name, limits)
    else:
        raise _not_spreadsheet(_("chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"))
    if legacy:
        _convert_legacy(table)
    if check_cells:
        factory = table.rows_factory
        table.rows_factory = lambda: _bounded_cells(factory(), limits.max_cell_chars)
    return table


LEGACY_SAMPLE = 200  # rows whose texts decide a file's legacy encoding


def _convert_legacy(table: Table) -> None:
    """Text typed in TCVN3 or VNI (old .VnTime / VNI-Times workbooks) read as Unicode."""
    from . import legacy

    texts = [
        v for row in itertools.islice(iter(table), LEGACY_SAMPLE) for v in row
        if v.__class__ is str and not v.isascii()
    ]  # fmt: skip
    table.legacy = legacy.detect(texts)
    if table.legacy is None:
        return
    convert = legacy.row_converter(table.legacy)
    factory = table.rows_factory

    def rows() -> Iterator[list]:
        for row in factory():
            yield convert(row)

    table.rows_factory = rows


# -- refusals -----------------------------------------------------------------------------------
def _mb(n: int) -> str:
    from tamnong.core.formatting import number

    return number(n / MiB, 1 if n < 10 * MiB else 0)


def _not_spreadsheet(detail: str) -> FileRefused:
    return FileRefused(
        "not_spreadsheet",
        _("Tệp không phải là bảng tính đọc được (%(detail)s).") % {"detail": detail},
    )


def _password() -> FileRefused:
    return FileRefused(
        "password",
        _("Tệp Excel được bảo vệ bằng mật khẩu: hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên."),
    )


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8)


# -- workbooks ----------------------------------------------------------------------------------
def _check_zip(data, path, limits: Limits) -> str:
    """The kind of a zipped workbook ("xlsx" or "ods") once its directory is found sound."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_spreadsheet(_("tệp hỏng, bị cắt hoặc không phải Excel")) from None
    names = {i.filename for i in infos}
    if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
        raise _not_spreadsheet(_("tệp nén không chứa bảng tính, ví dụ một tệp Word"))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MiB and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise _zip_bomb()
    if total > limits.max_unzipped_bytes:
        raise _zip_bomb()
    return "ods" if "content.xml" in names else "xlsx"


def _zip_bomb() -> FileRefused:
    return FileRefused(
        "zip_bomb",
        _("Tệp Excel giải nén ra quá lớn so với kích thước của nó; hệ thống không đọc tệp này."),
    )


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _encrypted_ooxml(data, path) -> bool:
    """An encrypted .xlsx is an OLE2 file with an "EncryptedPackage" stream (an .xls is not)."""
    if data is not None:
        return _ENCRYPTED in data
    with path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(MiB):
            if _ENCRYPTED in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED) :]
    return False


def _workbook(data, path, name: str, sheet, limits: Limits, kind: str) -> Table:
    import python_calamine as pc

    try:
        book = (
            pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            if data is not None
            else pc.CalamineWorkbook.from_path(str(path))
        )
        names = list(book.sheet_names)
        if sheet is None or sheet == 0:
            ws = book.get_sheet_by_index(0)
        elif isinstance(sheet, int):
            ws = book.get_sheet_by_index(sheet)
        else:
            ws = book.get_sheet_by_name(sheet)
    except pc.PasswordError:
        raise _password() from None
    except (pc.WorksheetNotFound, IndexError):
        raise FileRefused(
            "sheet",
            _("Tệp không có trang «%(s)s»; các trang của tệp: %(all)s.")
            % {"s": sheet, "all": ", ".join(names)},
        ) from None
    except Exception:  # calamine raises several error types for broken files
        raise _not_spreadsheet(_("tệp Excel hỏng hoặc bị cắt")) from None
    if ws.height > limits.max_rows:
        raise _too_many_rows(limits)
    offset = ws.start[1] if ws.start else 0
    merged = [
        ((r0, c0 - offset), (r1, c1 - offset))
        for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])
        if c1 >= offset
    ]
    return Table(
        kind=kind,
        name=name,
        rows_factory=ws.iter_rows,
        sheet=ws.name,
        sheets=names,
        total=ws.height,
        merged=merged,
    )


def _too_many_rows(limits: Limits) -> FileRefused:
    from tamnong.core.formatting import number

    return FileRefused(
        "too_many_rows",
        _("Tệp có quá nhiều dòng (tối đa %(n)s dòng một lần nhập).")
        % {"n": number(limits.max_rows)},
    )


def _bounded_cells(rows: Iterator[list], limit: int) -> Iterator[list]:
    for n, row in enumerate(rows, start=1):
        for value in row:
            if value.__class__ is str and len(value) > limit:
                raise _cell_too_long(n, limit)
        yield row


def _cell_too_long(rowno: int, limit: int) -> FileRefused:
    from tamnong.core.formatting import number

    return FileRefused(
        "cell_too_long",
        _("Dòng %(row)s có một ô dài quá %(n)s ký tự; hệ thống không đọc tệp này.")
        % {"row": rowno, "n": number(limit)},
    )


# -- CSV ----------------------------------------------------------------------------------------
SAMPLE = MiB


def _csv(data, path, name: str, limits: Limits) -> Table:
    if data is not None:
        sample = bytes(data[:SAMPLE])
    else:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE)
    encoding = detect_encoding(sample)
    text = _decode_sample(sample, encoding)
    if "\x00" in text:
        raise _not_spreadsheet(_("tệp nhị phân, không phải CSV"))
    delimiter = detect_delimiter(text)

    def rows() -> Iterator[list]:
        fh = (
            io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
            if data is not None
            else path.open(encoding=encoding, newline="")
        )
        with fh:
            reader = csv.reader(fh, delimiter=delimiter)
            n = 0
            try:
                for row in reader:
                    n += 1
                    if n > limits.max_rows:
                        raise _too_many_rows(limits)
                    yield row
            except UnicodeDecodeError:
                raise FileRefused(
                    "encoding",
                    _(
                        "Tệp CSV có ký tự không đọc được sau dòng %(row)s (bảng mã %(enc)s): hãy "
                        "lưu lại dưới dạng «CSV UTF-8»."
                    )
                    % {"row": n, "enc": encoding},
                ) from None
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise _cell_too_long(n + 1, limits.max_cell_chars) from None
                raise FileRefused(
                    "csv",
                    _("Tệp CSV sai cấu trúc ở dòng %(row)s (dấu ngoặc kép không đóng?).")
                    % {"row": n + 1},
                ) from None

    return Table(kind="csv", name=name, rows_factory=rows, encoding=encoding, delimiter=delimiter)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV file from its first bytes: utf-8-sig, utf-16, utf-8, cp1258, cp1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1258", "cp1252"]).best()
    if best is None:
        raise FileRefused(
            "encoding",
            _("Không nhận ra bảng mã của tệp CSV: hãy lưu lại dưới dạng «CSV UTF-8»."),
        )
    return best.encoding


def _decode_sample(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        raise FileRefused(
            "encoding", _("Không nhận ra bảng mã của tệp CSV: hãy lưu lại dưới dạng «CSV UTF-8».")
        ) from None


def detect_delimiter(text: str, lines: int = 50) -> str:
    """The delimiter that splits the first records into the same number of fields.

    Delimiters are counted outside double quotes (a quoted comma in an address is not a
    delimiter, and a quoted line break does not end the record); for each candidate the most
    common non-zero count over the records is its field count, and the candidate whose count is
    shared by the most records wins (then the one splitting into more fields; then , ; tab |)."""
    counts: dict[str, list[int]] = {d: [] for d in DELIMITERS}
    current = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    records = 0
    pending = False  # the record has content
    for ch in text:
        if ch == '"':
            quoted = not quoted
            pending = True
        elif quoted:
            continue
        elif ch == "\n" or ch == "\r":
            if pending:
                for d in DELIMITERS:
                    counts[d].append(current[d])
                records += 1
                if records >= lines:
                    break
            current = dict.fromkeys(DELIMITERS, 0)
            pending = False
        else:
            if ch in current:
                current[ch] += 1
            pending = True
    else:
        if pending and records < lines:
            for d in DELIMITERS:
                counts[d].append(current[d])
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        common = Counter(c for c in counts[d] if c).most_common(1)
        if common and (common[0][1], common[0][0]) > best_score:
            best, best_score = d, (common[0][1], common[0][0])
    return best
