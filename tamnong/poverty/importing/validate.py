"""Checking the rows of a review file: rows in, clean tuples and faults out.

`Checker(context, faults).check(table, layout)` yields the clean rows in chunks, as the tuples the
sinks store (`ROW_FIELDS`), parses every cell with the one cell parser (`tamnong.tabular`),
classifies each household by the standard of its year, and adds every fault of every row to
`faults`. It reads nothing from the database and writes nothing: what it needs was read by
`lookups.load_context`, and what becomes of the rows is the caller's (a sink's) business.

The loop is the import's hot path (a province file has a million rows): the common cell types
(a float or an int from Excel, a str from CSV) are tested inline before the cell parser is called.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tamnong import tabular
from tamnong.tabular import CellError, FaultLog, Layout, cell_text

from ..models import Classification
from ..standards import Rule, classify
from .columns import COLUMNS, EXAMPLE_CODE
from .columns import INDICATOR_PREFIX as IND
from .lookups import Context, Unit

# The fields of a clean row, in order (the staging table's columns).
ROW_FIELDS = (
    "rowno", "code", "year", "commune_id", "unit_id", "head", "members", "area", "ethnic",
    "policy", "income", "housing", "mask", "dcount", "standard_id", "klass", "superseded",
)  # fmt: skip
CHUNK = 10_000
_CODE = re.compile(r"^[0-9][0-9.]*$")  # a commune code, not a name
_RURAL = {"nông thôn", "nong thon", "nt", "rural"}
_URBAN = {"thành thị", "thanh thi", "tt", "đô thị", "do thi", "urban"}
_MONEY = tabular.MONEY
_INTEGER = tabular.INTEGER
_NUMBER = tabular.Number()
_YES_NO = tabular.YES_NO


@dataclass
class Summary:
    """What the checked rows add up to (for the commit and the result)."""

    rows: int = 0
    years: set[int] = field(default_factory=set)
    communes: set[int] = field(default_factory=set)
    households: int = 0
    # row numbers whose household has a later year in the file (stored, but not its attributes)
    superseded: list[int] = field(default_factory=list)
    # (unit id, year, urban) → [commune id, standard key, households, poor, near, middle,
    #  {mask: poor households}]: the figures of this file, in case it is the first for them
    figures: dict[tuple[int, int, bool], list] = field(default_factory=dict)


class Checker:
    def __init__(self, context: Context, faults: FaultLog) -> None:
        self.context = context
        self.faults = faults
        self.summary = Summary()

    def check(
        self, table, layout: Layout, fixed: dict[str, object] | None = None
    ) -> Iterator[list[tuple]]:
        """Every clean row of `table` (a new pass from its first row), CHUNK at a time.

        `fixed`: values of columns the table does not have, the same for every row (the year and
        the commune a form names in its title block, `columns.title_values`)."""
        faults, ctx = self.faults, self.context
        summary = self.summary = Summary()
        pos = [layout.position(c.key) for c in COLUMNS]
        width = max(max(pos), len(layout.headers) - 1, layout.width - 1) + 1
        # columns given once for the file: read from positions past the table's own
        put: list[tuple[int, object]] = []
        for key, value in (fixed or {}).items():
            i = next(i for i, c in enumerate(COLUMNS) if c.key == key)
            if pos[i] < 0:
                pos[i] = width + len(put)
                put.append((pos[i], value))
        width += len(put)
        (p_code, p_year, p_commune, p_village, p_head, p_members, p_area, p_ethnic, p_policy,
         p_income, p_housing, p_deprived) = pos  # fmt: skip
        # one column per indicator marked "x" (the ministry's forms): (position, key, header)
        marks = [
            (layout.position(k), k, h)
            for k, h in ((c.key, c.header) for c in layout.columns if c.key.startswith(IND))
            if layout.position(k) >= 0
        ]
        numbers_of = ctx.indicators
        lookups = ctx.lookups
        villages = lookups.villages
        rules = ctx.rules
        editable = ctx.editable
        locked = ctx.locked
        commune_tables: dict[int, dict[str, Unit]] = {}
        by_name: dict[tuple[object, str], tuple[Unit | None, str | None]] = {}
        village_names: dict[tuple[int, str], Unit | None] = {}
        deprived_cache: dict[tuple[object, int], frozenset[int]] = {}
        # code -> (year << 24 | rowno) of its latest-year row; codes seen in several years
        seen: dict[str, int] = {}
        multi: dict[str, dict[int, int]] = {}
        superseded = summary.superseded
        years, communes, aggs = summary.years, summary.communes, summary.figures
        POOR, NEAR, MIDDLE = (
            Classification.POOR.value,
            Classification.NEAR_POOR.value,
            Classification.MIDDLE.value,
        )
        H = {c.key: c.header for c in COLUMNS}
        empty = ("", None)
        skip = layout.data_start
        add = faults.add
        chunk: list[tuple] = []
        n_ok = 0
        rowno = layout.header_end + 1
        for index, row in enumerate(table):
            if index < skip:
                continue
            rowno = index + 1
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            if put:  # the line is read as it is in the file before the title's values
                if tabular.is_blank(row) or (index > skip and tabular.is_footer(row)):
                    continue
                for p, value in put:
                    row[p] = value
            bad = False
            # -- household code
            v = row[p_code]
            code = cell_text(v)
            if not code:
                if tabular.is_blank(row) or (index > skip and tabular.is_footer(row)):
                    continue  # a blank line, or the signatures under the table
                add(rowno, H["code"], _("Thiếu mã hộ."))
                bad = True
            elif len(code) > 40:
                add(rowno, H["code"], _("Mã hộ dài quá 40 ký tự."))
                bad = True
            elif code == EXAMPLE_CODE:
                add(rowno, H["code"], _("Đây là dòng ví dụ của tệp mẫu: hãy xóa dòng này."))
                bad = True
            # -- year and its standard
            year = _whole(row[p_year])
            rule = rules.get(year)
            if rule is None:
                if year is None or not 2000 <= year <= 2100:
                    add(rowno, H["year"], _("Năm rà soát không hợp lệ."))
                else:
                    add(
                        rowno,
                        H["year"],
                        _("Năm %(year)s chưa có chuẩn nghèo áp dụng.") % {"year": year},
                    )
                bad = True
            # -- commune and village (the map of the year: the current one without a year)
            v = row[p_commune]
            ccode = cell_text(v)
            table_ = commune_tables.get(year)
            if table_ is None:
                table_ = commune_tables[year] = {}
                for t in reversed(lookups.commune_tables(year if rule is not None else 9999)):
                    table_.update(t)
            commune = table_.get(ccode)
            if commune is None and ccode and not _CODE.match(ccode):
                # a commune given by name: matched once per name and year
                hit = by_name.get((year, ccode))
                if hit is None:
                    hit = by_name[(year, ccode)] = lookups.commune_by_name(
                        ccode, year if rule is not None else 9999, editable
                    )
                commune, why = hit
                if commune is None:
                    add(rowno, H["commune"], why)
                    bad = True
                else:  # the next row of that commune finds it as fast as a code
                    table_[ccode] = commune
            elif commune is None:
                add(
                    rowno,
                    H["commune"],
                    _("Mã xã «%(code)s» không có trong danh mục.") % {"code": ccode},
                )
                bad = True
            unit = commune
            if commune is not None and p_village >= 0:
                v = row[p_village]
                if v not in empty:
                    vcode = cell_text(v)
                    if vcode:
                        unit = villages.get(vcode)
                        if unit is None:  # a village by name, matched once per commune
                            vkey = (commune.commune_id, vcode)
                            unit = village_names.get(vkey, villages)
                            if unit is villages:
                                unit = village_names[vkey] = lookups.village_by_name(*vkey)
                        if unit is None:
                            add(
                                rowno,
                                H["village"],
                                _("Mã thôn «%(code)s» không có.") % {"code": vcode},
                            )
                            bad = True
                        elif unit.commune_id != commune.commune_id:
                            # the code may name the current commune (codes were reused in 2025)
                            alt = lookups.current_commune(ccode)
                            if alt is None or alt.commune_id != unit.commune_id:
                                add(
                                    rowno, H["village"],
                                    _("Thôn «%(village)s» không thuộc xã «%(commune)s».")
                                    % {"village": vcode, "commune": ccode},
                                )  # fmt: skip
                                bad = True
                            else:
                                commune = alt
            if commune is not None:
                commune_id = commune.commune_id
                if editable is not None and commune_id not in editable:
                    add(
                        rowno, H["commune"],
                        _("Bạn không có quyền cập nhật xã «%(code)s».") % {"code": ccode},
                    )  # fmt: skip
                    bad = True
                elif locked and rule is not None and (commune_id, year) in locked:
                    add(
                        rowno, H["year"],
                        _(
                            "Kỳ rà soát năm %(year)s của xã «%(code)s» đã được công nhận; thay "
                            "đổi phải ghi nhận là phát sinh trên từng hộ."
                        ) % {"year": year, "code": ccode},
                    )  # fmt: skip
                    bad = True
            # -- head of household, members
            v = row[p_head]
            head = cell_text(v)
            if not head:
                add(rowno, H["head"], _("Thiếu họ tên chủ hộ."))
                bad = True
            elif len(head) > 150:
                add(rowno, H["head"], _("Họ tên chủ hộ dài quá 150 ký tự."))
                bad = True
            members = _whole(row[p_members])
            if members is None or not 1 <= members <= 99:
                add(rowno, H["members"], _("Số nhân khẩu phải là số nguyên từ 1 đến 99."))
                bad = True
            # -- area, flags
            urban = unit.urban if unit is not None else False
            if p_area >= 0:
                v = row[p_area]
                if v not in empty:
                    text = cell_text(v).lower()
                    if text in _URBAN:
                        urban = True
                    elif text in _RURAL:
                        urban = False
                    elif text:
                        add(rowno, H["area"], _("Khu vực phải là «Nông thôn» hoặc «Thành thị»."))
                        bad = True
            ethnic = policy = False
            if p_ethnic >= 0 and row[p_ethnic] not in empty:
                try:
                    ethnic = _YES_NO.parse(row[p_ethnic])
                except CellError as exc:
                    add(rowno, H["ethnic"], exc.reason)
                    bad = True
            if p_policy >= 0 and row[p_policy] not in empty:
                try:
                    policy = _YES_NO.parse(row[p_policy])
                except CellError as exc:
                    add(rowno, H["policy"], exc.reason)
                    bad = True
            # -- income (never echoed in the report: it is personal data), housing
            v = row[p_income]
            if v.__class__ is float and v == v and v != math.inf and v != -math.inf:
                income = int(v + 0.5) if v >= 0 else -1
            else:
                try:
                    income = _MONEY.parse(v)
                except CellError:
                    add(rowno, H["income"], _("Thu nhập phải là số."))
                    income = False
                    bad = True
            if income is None:
                add(rowno, H["income"], _("Thiếu thu nhập bình quân."))
                bad = True
            elif income is not False:
                if income < 0:
                    add(rowno, H["income"], _("Thu nhập không được âm."))
                    bad = True
                elif income > 2_000_000_000:
                    add(
                        rowno, H["income"],
                        _("Thu nhập quá lớn (kiểm tra đơn vị: đồng/người/tháng)."),
                    )  # fmt: skip
                    bad = True
            housing = None
            if p_housing >= 0:
                v = row[p_housing]
                if v.__class__ is float and v == v and 0 <= v != math.inf:
                    housing = v
                elif v not in empty:
                    try:
                        number = _NUMBER.parse(v)
                    except CellError as exc:
                        add(
                            rowno,
                            H["housing"],
                            _("Diện tích nhà ở phải là số: %(why)s") % {"why": exc.reason},
                        )
                        bad = True
                    else:
                        if number is not None and number < 0:
                            add(rowno, H["housing"], _("Diện tích nhà ở không được âm."))
                            bad = True
                        elif number is not None:
                            housing = float(number)
            # -- deprivations (numbers of the year's standard)
            mask = 0
            if p_deprived >= 0 and rule is not None:
                v = row[p_deprived]
                if v not in empty:
                    key = (v, rule.id)
                    flagged = deprived_cache.get(key)
                    if flagged is None:
                        text = cell_text(v)
                        try:
                            flagged = _parse_deprived(text, rule) if text else frozenset()
                        except CellError as exc:
                            add(rowno, H["deprived"], exc.reason)
                            bad = True
                            flagged = frozenset()
                        else:
                            deprived_cache[key] = flagged
                    for n in flagged:
                        mask |= 1 << (n - 1)
            if marks and rule is not None:
                numbers = numbers_of.get(rule.id, {})
                for p, k, header in marks:
                    v = row[p]
                    if v in empty:
                        continue
                    if v != "x" and v != "X":  # the form's mark, else the one yes/no parser
                        try:
                            flag = _YES_NO.parse(v)
                        except CellError as exc:
                            add(rowno, header, exc.reason)
                            bad = True
                            continue
                        if not flag:
                            continue
                    n = numbers.get(k)
                    if n is None:
                        add(
                            rowno, header,
                            _("Chỉ số «%(name)s» không có trong chuẩn %(rule)s.")
                            % {"name": header, "rule": rule.key},
                        )  # fmt: skip
                        bad = True
                    else:
                        mask |= 1 << (n - 1)
            if bad:
                continue
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
                    add(
                        rowno, H["code"],
                        _("Mã hộ «%(code)s» năm %(year)s trùng với dòng %(row)s.")
                        % {"code": code, "year": year, "row": years_of[year]},
                    )  # fmt: skip
                    continue
                years_of[year] = rowno
                if year > prev_year:
                    superseded.append(prev_row)
                    seen[code] = year << 24 | rowno
                else:
                    superseded.append(rowno)
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
            chunk.append(
                (rowno, code, year, commune_id, unit.id, head, members, int(urban), ethnic,
                 policy, income, housing, mask, count, rule.id, klass, 0)
            )  # fmt: skip
            n_ok += 1
            if len(chunk) >= CHUNK:
                summary.rows = n_ok
                yield chunk
                chunk = []
        summary.rows = n_ok
        summary.households = len(seen)
        if chunk:
            yield chunk
        if n_ok == 0 and not faults:
            faults.add(rowno, "", _("Tệp không có dòng dữ liệu nào."))


def _whole(v) -> int | None:
    """A whole-number cell (a year, a number of members); None when it is not one."""
    if v.__class__ is float and v.is_integer():
        return int(v)
    try:
        return _INTEGER.parse(v)
    except CellError:
        return None


def _parse_deprived(text: str, rule: Rule) -> frozenset[int]:
    out = set()
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        try:
            n = float(part)
        except ValueError:
            raise CellError(_("«%(part)s» không phải số thứ tự chỉ số.") % {"part": part}) from None
        if not n.is_integer() or int(n) not in rule.indicator_numbers:
            raise CellError(
                _("Chỉ số %(part)s không có trong chuẩn %(rule)s.")
                % {"part": part, "rule": rule.key}
            )
        out.add(int(n))
    return frozenset(out)
