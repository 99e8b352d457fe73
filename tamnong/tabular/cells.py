"""One cell parser for every import (ô bảng tính): what a cell of a Vietnamese spreadsheet means.

A column has a *kind*; the kind turns the raw cell (a float, date or bool from Excel, text from a
CSV or a text-formatted cell) into a Python value, or raises `CellError` with a Vietnamese reason.
An empty cell (None, "", spaces) is `None` for every kind except `Text` ("") and `YesNo` (False).

Vietnamese usage is the rule: "." groups thousands, "," is the decimal comma, dates are day first.
Files from English-language Excel (1,500,000.5) are read too where that is unambiguous. Every case
where a text could mean two numbers is decided here, once, and tested
(`tamnong/tabular/tests/test_cells.py`):

Numbers written as text
- "1.500.000", "1 500 000" (spaces or no-break spaces), "1,500,000" and "1500000" are 1 500 000:
  a separator repeated between groups of three digits always groups thousands.
- "1.500" (one dot, then exactly three digits, no leading 0) is **1 500** in columns of whole
  numbers and of money (`Integer`, `Year`, `Money`: VND amounts are never written with a decimal
  point). In columns with decimals (`Number`, `Percent`, scores) it is an **error** ("ghi 1500 hoặc
  1,5"), never silently 1,5: Vietnamese writes one and a half as "1,5".
- A dot followed by anything but three digits is a decimal point, whatever the column ("72.5",
  "0.125", "1500.75"): it cannot group thousands, so it can only be a number from English Excel.
- "1,5", "12,5" and "1.234,5" use the decimal comma. "1,234.5" (both separators, the comma
  first) is English: the last separator is the decimal one and the other must group by three.
- "1,500" (one comma, exactly three digits) is **1 500** in columns of whole numbers (`Integer`,
  `Year`, `Money(places=0)`: whole đồng cannot hold a fraction, as the poverty import has always
  read it) and **1,5** (the decimal comma) in columns with decimals (`Money(places>0)` such as
  amounts in triệu đồng, `Number`, `Percent`).
- Signs: a leading "-" or "−". Currency marks ("đ", "đồng", "VND", "VNĐ", "₫") are dropped in money
  columns. Anything else ("1.2.3", "12a", "1,5,0") is an error.
- Numbers are exact (`Decimal`). `Money(places=N)` and `Number(places=N)` round half up to N
  decimals; `Integer` and `Year` refuse a fraction ("4,5" is an error, "4,0" and 4.0 are 4).

Numbers from Excel
- A number cell is taken as it is: 1500000.0 is 1 500 000, 12.5 is 12,5 (its shortest decimal
  form, so 0.1 stays 0,1). Excel stores a cell formatted as a percentage as a fraction: in a
  `Percent` column a *number* 0.125 is 12,5%, while a *text* "12,5%" or "12,5" is 12,5%.
  `Percent` returns percentage points (Decimal("12.5")).

Dates
- Text: day first, "24/02/2023", "24-02-2023", "24.02.2023", "2/3/2023" (2 March), ISO
  "2023-02-24"; a time after the date is ignored. A two-digit year ("24/02/23") is an error, as is a
  date that does not exist ("31/02/2024"). Month-first (US) dates are not read: "02/24/2023" is an
  error (there is no month 24), "03/02/2023" is 3 February.
- Excel date cells are dates; an Excel *number* in a date column is a serial day of the 1900 date
  system (45000 is 15/03/2023). A text of digits is not a serial: it is an error.

Yes/no (one vocabulary for every import; case and spaces ignored)
- yes: x, có, co, c, đạt, dat, yes, y, true, 1, đúng, dung; Excel TRUE; the number 1.
- no: empty, không, khong, ko, k, không đạt, khong dat, chưa đạt, chua dat, no, n, false, 0,
  sai; Excel FALSE; the number 0. Anything else is an error.
- In a threshold cell (a number or yes/no, `threshold`) a number is read first, so "1" and "0"
  there are numbers; the words are the same.

Text
- Stripped of surrounding spaces and NFC-normalised (a cp1258 file or a Mac keyboard writes tone
  marks as separate characters). A number from Excel becomes its digits (6001.0 → "6001"), a date
  "dd/mm/yyyy". A text beginning with "=" is kept as text: formulas are never evaluated, and the
  error report escapes such cells (see `report.py`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _


class CellError(ValueError):
    """The cell does not hold a value of its column's kind; `reason` is a Vietnamese sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- yes/no -------------------------------------------------------------------------------------
YES_WORDS = frozenset({"x", "có", "co", "c", "đạt", "dat", "yes", "y", "true", "1", "đúng", "dung"})
NO_WORDS = frozenset(
    {"", "không", "khong", "ko", "k", "không đạt", "khong dat", "chưa đạt", "chua dat", "no", "n"}
    | {"false", "0", "sai"}
)


def _word(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def yes_no_word(text: str) -> bool | None:
    """True/False for a word of the yes/no vocabulary, None for any other text."""
    word = _word(text)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


# -- numbers ------------------------------------------------------------------------------------
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_SPACE_GROUPED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")
_SHAPE = re.compile(r"^\d+([.,]\d+)*$")
_DOT3 = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")
_COMMA3 = re.compile(r"^[1-9]\d{0,2},\d{3}$")
_CURRENCY = re.compile(r"\s*(₫|đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+", text) is not None


def _not_a_number(text: str) -> CellError:
    return CellError(_("«%(v)s» không phải là số.") % {"v": _clip(text)})


def number_text(text: str, *, whole: bool, decimals: bool) -> Decimal:
    """The number a text means (see the module docstring).

    `whole`: the column holds whole numbers only ("1,500" groups thousands there);
    `decimals`: the column holds decimals ("1.500" is ambiguous there, an error).
    """
    raw = text
    text = text.strip()
    negative = text[:1] in ("-", "−")
    if negative or text[:1] == "+":
        text = text[1:].lstrip()
    if _SPACES.search(text):
        text = _SPACES.sub(" ", text)
        if not _SPACE_GROUPED.match(text):
            raise _not_a_number(raw)
        text = text.replace(" ", "")
    if not _SHAPE.match(text):
        raise _not_a_number(raw)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        last = max(text.rfind("."), text.rfind(","))
        point, group = text[last], "," if text[last] == "." else "."
        head, tail = text[:last], text[last + 1 :]
        if point in head or not _grouped(head, group):
            raise _not_a_number(raw)
        digits = head.replace(group, "") + "." + tail
    elif dots:
        if dots > 1:
            if not _grouped(text, "."):
                raise _not_a_number(raw)
            digits = text.replace(".", "")
        elif _DOT3.match(text):
            if decimals:
                dec = text.replace(".", ",").rstrip("0").rstrip(",")
                raise CellError(
                    _(
                        "«%(v)s» không rõ là số nguyên hay số thập phân: ghi %(whole)s nếu là số "
                        "nguyên, hoặc %(dec)s nếu là số thập phân (dấu phẩy thập phân)."
                    )
                    % {"v": raw.strip(), "whole": text.replace(".", ""), "dec": dec}
                )
            digits = text.replace(".", "")
        else:
            digits = text
    elif commas:
        if commas > 1:
            if not _grouped(text, ","):
                raise _not_a_number(raw)
            digits = text.replace(",", "")
        elif whole and _COMMA3.match(text):
            digits = text.replace(",", "")
        else:
            digits = text.replace(",", ".")
    else:
        digits = text
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise _not_a_number(raw) from None
    return -value if negative else value


def _from_float(value: float) -> Decimal:
    if not math.isfinite(value):
        raise CellError(_("Ô không chứa một số hợp lệ."))
    return Decimal(repr(value))


def _is_empty(value) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def _clip(text, limit: int = 40) -> str:
    text = str(text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Kind:
    """A column kind: `parse(value)` → Python value (None when empty) or CellError."""

    name = "text"
    label = ""  # Vietnamese, for templates and guides

    def parse(self, value):  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def __call__(self, value):
        return self.parse(value)


class Text(Kind):
    """Text: stripped, NFC. Numbers from Excel become their digits, dates dd/mm/yyyy."""

    name = "text"

    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    @property
    def label(self) -> str:
        return _("chữ")

    def parse(self, value) -> str:
        text = cell_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(_("Dài quá %(n)s ký tự.") % {"n": self.max_length})
        return text


def cell_text(value) -> str:
    """Any cell as text (the `Text` kind without a length limit)."""
    if value is None:
        return ""
    if value.__class__ is str:
        text = value.strip()
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value).strip())


class _Numeric(Kind):
    whole = False
    decimals = True

    def __init__(self, *, minimum=None, maximum=None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def _decimal(self, value) -> Decimal | None:
        if value is None:
            return None
        cls = value.__class__
        if cls is float:
            return _from_float(value)
        if cls is int:
            return Decimal(value)
        if cls is bool:
            raise CellError(_("Phải là số, không phải Có/Không."))
        if isinstance(value, Decimal):
            return value
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            raise CellError(_("Phải là số, không phải ngày giờ."))
        text = cell_text(value)
        if not text:
            return None
        return number_text(self._clean(text), whole=self.whole, decimals=self.decimals)

    def _clean(self, text: str) -> str:
        return text

    def _bounded(self, number):
        if self.minimum is not None and number < self.minimum:
            raise CellError(_("Không được nhỏ hơn %(n)s.") % {"n": _vn(self.minimum)})
        if self.maximum is not None and number > self.maximum:
            raise CellError(_("Không được lớn hơn %(n)s.") % {"n": _vn(self.maximum)})
        return number


def _vn(number) -> str:
    from tamnong.core.formatting import number as fmt

    d = Decimal(str(number))
    places = max(0, -d.normalize().as_tuple().exponent)
    return fmt(d, places)


def _trim(number: Decimal) -> Decimal:
    """12.500 → 12.5, 100.00 → 100 (never 1E+2)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Integer(_Numeric):
    """A whole number: 4, 4.0, "4", "1.500" (1 500), "1,500" (1 500); "4,5" is an error."""

    name = "integer"
    whole, decimals = True, False

    @property
    def label(self) -> str:
        return _("số nguyên")

    def parse(self, value) -> int | None:
        if value.__class__ is int:
            return self._bounded(value)
        if value.__class__ is float and value.is_integer():
            return self._bounded(int(value))
        number = self._decimal(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise CellError(_("Phải là số nguyên."))
        return self._bounded(int(number))


class Year(Integer):
    """A year, 1900–2100 unless told otherwise."""

    name = "year"

    def __init__(self, *, minimum: int = 1900, maximum: int = 2100) -> None:
        super().__init__(minimum=minimum, maximum=maximum)

    @property
    def label(self) -> str:
        return _("năm (ví dụ 2025)")

    def parse(self, value) -> int | None:
        if isinstance(value, dt.date):
            raise CellError(_("Năm phải là một số, ví dụ 2025."))
        try:
            return super().parse(value)
        except CellError:
            raise CellError(
                _("«%(v)s» không phải năm hợp lệ (%(a)s–%(b)s).")
                % {"v": _clip(cell_text(value)), "a": self.minimum, "b": self.maximum}
            ) from None


class Money(_Numeric):
    """An amount of money: "1.500.000", "1 500 000 đ", 1500000.0 → 1500000.

    `places=0` (đồng): an int, rounded half up; `places>0` (e.g. triệu đồng): a Decimal rounded
    to that many decimals, "1,5" and "1.500,25" accepted."""

    name = "money"
    decimals = False

    def __init__(self, places: int = 0, *, minimum=None, maximum=None) -> None:
        super().__init__(minimum=minimum, maximum=maximum)
        self.places = places
        self.whole = places == 0

    @property
    def label(self) -> str:
        return _("số tiền")

    def _clean(self, text: str) -> str:
        return _CURRENCY.sub("", text)

    def parse(self, value) -> int | Decimal | None:
        if self.places == 0 and value.__class__ is float and value.is_integer():
            return self._bounded(int(value))
        number = self._decimal(value)
        if number is None:
            return None
        number = _round(number, self.places)
        return self._bounded(int(number) if self.places == 0 else number)


class Number(_Numeric):
    """A decimal number with at most `places` decimals (rounded half up): "12,5", "1.234,5",
    72.5; "1.500" is an error (ambiguous). `places=None` keeps every decimal."""

    name = "decimal"

    def __init__(self, places: int | None = None, *, minimum=None, maximum=None) -> None:
        super().__init__(minimum=minimum, maximum=maximum)
        self.places = places

    @property
    def label(self) -> str:
        return _("số (dấu phẩy thập phân)")

    def parse(self, value) -> Decimal | None:
        number = self._decimal(value)
        if number is None:
            return None
        if self.places is not None:
            number = _round(number, self.places)
        return self._bounded(number)


class Percent(Number):
    """A percentage, in percentage points: "12,5%", "12,5" and the Excel number 0.125 are 12,5."""

    name = "percent"

    @property
    def label(self) -> str:
        return _("tỷ lệ phần trăm")

    def parse(self, value) -> Decimal | None:
        cls = value.__class__
        if cls is float or cls is int:
            number = _trim(_from_float(float(value)) * 100)
            if self.places is not None:
                number = _round(number, self.places)
            try:
                return self._bounded(number)
            except CellError as exc:
                raise CellError(
                    exc.reason
                    + " "
                    + _(
                        "Ô số %(v)s của Excel được hiểu là %(p)s%% (Excel lưu 12,5%% là 0,125): "
                        "ghi «12,5%%» hoặc định dạng ô là phần trăm."
                    )
                    % {"v": _vn(value), "p": _vn(number)}
                ) from None
        if cls is str:
            text = value.strip()
            if text.endswith("%"):
                value = text[:-1]
        return super().parse(value)


class Date(Kind):
    """A date: Excel date cells, serial numbers, "24/02/2023", "24-02-2023", "2023-02-24"."""

    name = "date"
    _TEXT = re.compile(
        r"^(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{2,4})"
        r"|(?P<Y>\d{4})[-/.](?P<M>\d{1,2})[-/.](?P<D>\d{1,2}))"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )
    EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system (with its 29/02/1900)

    @property
    def label(self) -> str:
        return _("ngày (dd/mm/yyyy)")

    def parse(self, value) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        cls = value.__class__
        if cls is float or cls is int:
            if not (math.isfinite(value) and 1 <= value < 2958466):
                raise CellError(_("Số %(v)s không phải một ngày.") % {"v": _clip(value)})
            return self.EPOCH + dt.timedelta(days=int(value))
        if cls is bool or isinstance(value, dt.time | dt.timedelta):
            raise CellError(_("Phải là một ngày (dd/mm/yyyy)."))
        text = cell_text(value)
        if not text:
            return None
        match = self._TEXT.match(text)
        if match is None:
            raise CellError(_("Ngày «%(v)s» không hợp lệ (dd/mm/yyyy).") % {"v": _clip(text)})
        if match["Y"]:
            year, month, day = int(match["Y"]), int(match["M"]), int(match["D"])
        else:
            if len(match["y"]) != 4:
                raise CellError(
                    _("Ngày «%(v)s»: năm phải đủ 4 chữ số (dd/mm/yyyy).") % {"v": _clip(text)}
                )
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(
                _("Ngày «%(v)s» không có thật (dd/mm/yyyy).") % {"v": _clip(text)}
            ) from None


class YesNo(Kind):
    """Yes/no with the one vocabulary above; empty is no."""

    name = "yes_no"

    @property
    def label(self) -> str:
        return _("Có/Không (x, 1/0)")

    def parse(self, value) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        cls = value.__class__
        if cls is float or cls is int:
            if value in (0, 1):
                return bool(value)
            raise CellError(_("Phải là «Có» hoặc «Không»."))
        flag = yes_no_word(cell_text(value))
        if flag is None:
            raise CellError(_("Phải là «Có» hoặc «Không»."))
        return flag


TEXT = Text()
INTEGER = Integer()
YEAR = Year()
MONEY = Money()
DATE = Date()
YES_NO = YesNo()


# -- thresholds (a number or yes/no, with an optional comparison) -------------------------------
_OPERATORS = {">=": "ge", "≥": "ge", "<=": "le", "≤": "le"}
_THRESHOLD = re.compile(r"^(≥|>=|≤|<=)?\s*(.+?)\s*%?$")
_DECIMAL = Number()


def threshold(value) -> tuple[str | None, Decimal | bool | None, str | None]:
    """A threshold cell → (operator "ge"/"le"/None, value, unread text).

    The value is a Decimal (a number, "≥ 1,5", "95%": 95), a bool (a yes/no word) or None (empty,
    or a text that is neither: then the text is returned as the third item)."""
    if _is_empty(value):
        return None, None, None
    if isinstance(value, bool):
        return None, value, None
    if isinstance(value, int | float | Decimal):
        return None, _DECIMAL.parse(value), None
    text = cell_text(value)
    flag = yes_no_word(text)
    match = _THRESHOLD.match(text)
    if match and match.group(2)[:1].isdigit():
        try:
            number = _DECIMAL.parse(match.group(2))
        except CellError:
            pass
        else:
            return _OPERATORS.get(match.group(1) or ""), number, None
    if flag is not None:
        return None, flag, None
    return None, None, text
