"""Poverty standards as data, and the classification they drive.

The rules (lines, middle-income bands, deprivation threshold, indicators) come from
data/poverty/standards.json, loaded into `Standard`. `classify` and `transition` are pure
functions: the same code serves imports (millions of rows), forms and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.core import safeparse

from .models import Classification as C
from .models import Transition as T

DATA_FILE = Path(settings.BASE_DIR) / "data" / "poverty" / "standards.json"
MAX_INDICATORS = 31  # deprivations are a bit mask in a 32-bit column


class StandardDataError(ValueError):
    """A standards file or an administrator's value is invalid; nothing was written."""


@dataclass(frozen=True)
class Rule:
    """The part of a standard that classification needs (cheap to pass around in a hot loop)."""

    id: int
    key: str
    lines: tuple[int, int]  # (rural, urban)
    middle_up_to: tuple[int | None, int | None]
    threshold: int
    indicator_numbers: frozenset[int]
    area_indicator: int | None  # the indicator computed from housing area per person
    area_threshold: float | None

    @classmethod
    def of(cls, standard) -> Rule:
        area_no = area_threshold = None
        for ind in standard.indicators:
            comp = ind.get("compute") or {}
            if comp.get("kind") == "area_per_person_below":
                area_no, area_threshold = ind["no"], float(comp["threshold"])
        return cls(
            id=standard.pk,
            key=standard.key,
            lines=(standard.line_rural, standard.line_urban),
            middle_up_to=(standard.middle_rural_up_to, standard.middle_urban_up_to),
            threshold=standard.deprivation_threshold,
            indicator_numbers=frozenset(i["no"] for i in standard.indicators),
            area_indicator=area_no,
            area_threshold=area_threshold,
        )


def classify(rule: Rule, income: int, urban: bool, deprivation_count: int) -> str:
    """Decree 07/2021 and 351/2025: poor = income ≤ line and ≥ threshold deprivations;
    near-poor = income ≤ line and fewer; above the line the deprivations do not matter."""
    line = rule.lines[urban]
    if income <= line:
        return C.POOR if deprivation_count >= rule.threshold else C.NEAR_POOR
    up_to = rule.middle_up_to[urban]
    if up_to is None:
        return C.ABOVE_LINE
    return C.MIDDLE if income <= up_to else C.OTHER


def deprivation_mask(
    rule: Rule, flagged: set[int] | frozenset[int], housing_area: float | None, members: int
) -> int:
    """Bit mask of deprived indicators: the flagged ones, plus those computable from inputs
    (housing area per person below the standard's threshold)."""
    mask = 0
    for n in flagged:
        mask |= 1 << (n - 1)
    if rule.area_indicator and housing_area is not None and members > 0:
        bit = 1 << (rule.area_indicator - 1)
        if housing_area / members < rule.area_threshold:
            mask |= bit
        else:
            mask &= ~bit
    return mask


# Transition by (previous group, current group, poor in an earlier year). Groups: P poor,
# N near-poor, A anything above the line; None = no earlier record.
_GROUP = {C.POOR: "P", C.NEAR_POOR: "N"}


def group(classification: str | None) -> str | None:
    if classification is None:
        return None
    return _GROUP.get(classification, "A")


def transition(prev: str | None, cur: str, poor_before: bool) -> str:
    """The change against the household's previous record (poor_before: poor in any earlier
    record, which turns a new poor household into a re-poor one)."""
    p, c = group(prev), group(cur)
    if p is None:
        return T.FIRST
    if c == "P":
        if p == "P":
            return T.STAY_POOR
        if poor_before:
            return T.RE_POOR
        return T.NEAR_TO_POOR if p == "N" else T.NEW_POOR
    if p == "P":
        return T.POOR_TO_NEAR if c == "N" else T.ESCAPED
    if c == "N":
        return T.STAY_NEAR if p == "N" else T.NEW_NEAR
    return T.NEAR_ESCAPED if p == "N" else T.NONE


ESCAPE_TRANSITIONS = (T.POOR_TO_NEAR, T.ESCAPED)


# -- loading ---------------------------------------------------------------------------------
def _int_or_none(value, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise StandardDataError(
            _("%(what)s: phải là số nguyên dương, có %(value)r") % {"what": what, "value": value}
        )
    return value


def parse_standard(spec: dict) -> dict:
    """Validate one standard's JSON and return model field values."""
    key = spec.get("key")
    if not key:
        raise StandardDataError(_("Thiếu mã chuẩn (key)."))
    try:
        first, last = int(spec["first_year"]), int(spec["last_year"])
        lines = spec["income_lines"]
        rural, urban = _int_or_none(lines["rural"], key), _int_or_none(lines["urban"], key)
        threshold = int(spec["deprivation_threshold"])
        indicators = list(spec["indicators"])
    except (KeyError, TypeError, ValueError) as exc:
        raise StandardDataError(
            _("%(key)s: thiếu hoặc sai trường %(exc)s") % {"key": key, "exc": exc}
        ) from exc
    if rural is None or urban is None:
        raise StandardDataError(
            _("%(key)s: phải có chuẩn thu nhập nông thôn và thành thị.") % {"key": key}
        )
    if last < first:
        raise StandardDataError(_("%(key)s: năm kết thúc trước năm bắt đầu.") % {"key": key})
    middle = spec.get("middle_income_up_to") or {}
    mid_r = _int_or_none(middle.get("rural"), f"{key} mức sống trung bình nông thôn")
    mid_u = _int_or_none(middle.get("urban"), f"{key} mức sống trung bình thành thị")
    check_middle(key, rural, urban, mid_r, mid_u)
    numbers = [i.get("no") for i in indicators]
    if not indicators or len(set(numbers)) != len(numbers):
        raise StandardDataError(
            _("%(key)s: danh sách chỉ số trống hoặc trùng số thứ tự.") % {"key": key}
        )
    if any(not isinstance(n, int) or not 1 <= n <= MAX_INDICATORS for n in numbers):
        raise StandardDataError(
            _("%(key)s: số thứ tự chỉ số phải từ 1 đến %(MAX_INDICATORS)s.")
            % {"key": key, "MAX_INDICATORS": MAX_INDICATORS}
        )
    if not 1 <= threshold <= len(indicators):
        raise StandardDataError(
            _("%(key)s: ngưỡng thiếu hụt phải từ 1 đến %(value)s.")
            % {"key": key, "value": len(indicators)}
        )
    return {
        "title": spec.get("title", key),
        "signed_on": spec.get("signed_on"),
        "first_year": first,
        "last_year": last,
        "line_rural": rural,
        "line_urban": urban,
        "middle_rural_up_to": mid_r,
        "middle_urban_up_to": mid_u,
        "deprivation_threshold": threshold,
        "indicators": indicators,
        "sources": spec.get("sources", []),
        "notes": spec.get("middle_income_note", ""),
    }


def check_middle(key, rural, urban, mid_r, mid_u) -> None:
    if (mid_r is None) != (mid_u is None):
        raise StandardDataError(_("%(key)s: cần cả mức nông thôn và thành thị.") % {"key": key})
    if mid_r is not None and (mid_r <= rural or mid_u <= urban):
        raise StandardDataError(
            _("%(key)s: mức sống trung bình phải cao hơn chuẩn nghèo.") % {"key": key}
        )


def load_standards(path: Path | None = None) -> list[str]:
    """Load every standard of a file (idempotent by checksum). Returns the keys loaded.

    A standard is never changed in place: households keep the standard they were classified by.
    A file whose standard differs from the one already loaded under its key is refused (a new
    standard gets a new key); the middle-income band an administrator completed
    (`set_middle_income`) is not a difference while the file still leaves it empty."""
    return [key for key, _created in _load(path)]


_COMPLETED_BY_ADMIN = ("middle_rural_up_to", "middle_urban_up_to", "notes")


def _load(path: Path | None = None) -> list[tuple[str, bool]]:
    from django.utils.translation import gettext as _

    from tamnong.rules import RuleError, checksum, problem

    from .models import Standard

    path = Path(path or DATA_FILE)
    raw = path.read_bytes()
    try:
        data = safeparse.json_loads(raw)
        specs = data["standards"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StandardDataError(
            _("%(name)s: không phải tệp chuẩn nghèo hợp lệ (%(exc)s).")
            % {"name": path.name, "exc": exc}
        ) from exc
    parsed = [(s.get("key"), parse_standard(s)) for s in specs]
    out = []
    with transaction.atomic():
        for key, values in parsed:
            digest = checksum(values)
            row = Standard.objects.filter(key=key).first()
            if row is None:
                Standard.objects.create(key=key, **values, checksum=digest)
                out.append((key, True))
                continue
            if row.checksum != digest:
                stored = {k: getattr(row, k) for k in values}
                wanted = dict(values)
                if wanted["middle_rural_up_to"] is None and row.middle_rural_up_to is not None:
                    wanted.update({k: stored[k] for k in _COMPLETED_BY_ADMIN})
                if checksum(stored) != checksum(wanted):
                    raise RuleError(
                        [
                            problem(
                                _(
                                    "Chuẩn %(key)s đã được nạp với nội dung khác; một chuẩn đã "
                                    "dùng để phân loại không được sửa. Hãy nạp phiên bản mới "
                                    "với mã chuẩn mới."
                                )
                                % {"key": key},
                                file=path.name,
                                field="key",
                            )
                        ]
                    )
                # the same content, checksummed by an older loader: record the one checksum
                Standard.objects.filter(pk=row.pk).update(checksum=digest)
            out.append((key, False))
        spans = sorted(Standard.objects.values_list("first_year", "last_year", "key"))
        for (_a, last, k1), (first, _b, k2) in zip(spans, spans[1:], strict=False):
            if first <= last:
                raise StandardDataError(
                    _("%(k1)s và %(k2)s trùng năm áp dụng.") % {"k1": k1, "k2": k2}
                )
    return out


def register_rules() -> None:
    """Poverty standards in the rules pipeline (tamnong.rules), loaded after every migrate."""
    from tamnong.rules import Programme, RuleError, problem, register

    def load(path: Path | None, actor=None) -> tuple[int, int]:
        try:
            done = _load(path)
        except StandardDataError as exc:
            raise RuleError([problem(str(exc), file=Path(path or DATA_FILE).name)]) from exc
        created = sum(1 for _k, new in done if new)
        return created, len(done) - created

    def versions() -> list[tuple]:
        from .models import Standard

        return [
            (s.key, 1, s.checksum, "data/poverty/standards.json") for s in Standard.objects.all()
        ]

    register(Programme("poverty", "Giảm nghèo", load, versions))


def standard_for_year(year: int):
    from .models import Standard

    return Standard.objects.filter(first_year__lte=year, last_year__gte=year).first()


def rules_by_year(years) -> dict[int, Rule]:
    out = {}
    for y in years:
        std = standard_for_year(y)
        if std is not None:
            out[y] = Rule.of(std)
    return out


def all_rules() -> dict[int, Rule]:
    """Review year → rule, for every year some standard governs."""
    from .models import Standard

    out = {}
    for std in Standard.objects.all():
        rule = Rule.of(std)
        for year in range(std.first_year, std.last_year + 1):
            out[year] = rule
    return out


def set_middle_income(key: str, rural_up_to: int, urban_up_to: int, note: str, user=None):
    """An administrator completes a missing middle-income band (e.g. 351/2025), with its source.
    Records already classified "above the line" for those years are re-classified."""
    from .models import Standard

    with transaction.atomic():
        std = Standard.objects.select_for_update().filter(key=key).first()
        if std is None:
            raise StandardDataError(_("Không có chuẩn %(key)s.") % {"key": key})
        rural_up_to = _int_or_none(rural_up_to, "nông thôn")
        urban_up_to = _int_or_none(urban_up_to, "thành thị")
        check_middle(key, std.line_rural, std.line_urban, rural_up_to, urban_up_to)
        if not note.strip():
            raise StandardDataError(_("Phải ghi nguồn (văn bản, trang) của mức sống trung bình."))
        std.middle_rural_up_to, std.middle_urban_up_to = rural_up_to, urban_up_to
        std.notes = (std.notes + "\n" if std.notes else "") + note.strip()
        std.save()
        from .figures import reclassify_above_line

        changed = reclassify_above_line(std)
    return std, changed
