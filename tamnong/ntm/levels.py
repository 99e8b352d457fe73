"""Recognition levels (mức công nhận) and how they nest, read from data/ntm/MANIFEST.yaml.

The programme, not this code, says that a kiểu mẫu commune is also nâng cao and NTM, that the
2026–2030 period has "xã NTM hiện đại" on top of NTM and no district level, which unit kinds a
scale's shares are taken over (xã, not phường), and what a unit formed by a merger keeps of its
predecessors' levels. Those rules are the `levels` and `succession` parts of the manifest; this
module only reads and checks them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

from .models import RecognitionKind

SCALE_LEVELS = ("province", "district", "commune", "village")
MERGE_RULES = ("all", "none")
DECIDING_LEVELS = ("province", "central")

# How a level reads in a sentence after the unit word ("2 xã đạt chuẩn nông thôn mới", "Thành phố
# Tây hoàn thành nhiệm vụ xây dựng nông thôn mới"): wording, not rules.
PHRASES = {
    RecognitionKind.COMMUNE_NTM: _("đạt chuẩn nông thôn mới"),
    RecognitionKind.COMMUNE_ADVANCED: _("đạt chuẩn nông thôn mới nâng cao"),
    RecognitionKind.COMMUNE_MODEL: _("nông thôn mới kiểu mẫu"),
    RecognitionKind.COMMUNE_MODERN: _("nông thôn mới hiện đại (thí điểm)"),
    RecognitionKind.VILLAGE_NTM: _("đạt chuẩn nông thôn mới"),
    RecognitionKind.VILLAGE_MODEL: _("nông thôn mới kiểu mẫu"),
    RecognitionKind.DISTRICT_NTM: _("đạt chuẩn nông thôn mới"),
    RecognitionKind.DISTRICT_ADVANCED: _("đạt chuẩn nông thôn mới nâng cao"),
    RecognitionKind.DISTRICT_MODEL: _("đạt chuẩn nông thôn mới kiểu mẫu"),
    RecognitionKind.TOWN_COMPLETED: _("hoàn thành nhiệm vụ xây dựng nông thôn mới"),
    RecognitionKind.PROVINCE_COMPLETED: _("hoàn thành nhiệm vụ xây dựng nông thôn mới"),
}
# The unit word of a scale in a count ("12 xã", "3 thôn", "2 huyện").
UNIT_WORDS = {
    "commune": _("xã"),
    "village": _("thôn"),
    "district": _("huyện"),
    "town": _("thị xã/thành phố"),
    "province": _("tỉnh"),
}


class LevelsDataError(ValueError):
    """The `levels`/`succession` part of the manifest is not valid."""


@dataclass(frozen=True)
class Scale:
    """A kind of unit recognised in a period (xã, thôn, huyện, thị xã/thành phố, tỉnh)."""

    name: str
    level: str
    kinds: tuple[str, ...]
    chain: tuple[str, ...]  # from the base level up; each includes the ones before it
    # Who decides a recognition of this scale: "province" (Chủ tịch UBND tỉnh: xã, thôn) or
    # "central" (Thủ tướng Chính phủ: huyện, thị xã/thành phố, tỉnh), recorded by the central level.
    decided_by: str = "province"


@dataclass(frozen=True)
class Period:
    year_from: int
    year_to: int
    scales: dict[str, Scale]

    def scale_of(self, kind: str) -> Scale | None:
        return next((s for s in self.scales.values() if kind in s.chain), None)


@dataclass(frozen=True)
class Levels:
    periods: tuple[Period, ...]
    identity: frozenset[str]
    merged: str

    def period(self, year: int) -> Period:
        """The period of a year (years before the first count by the first, after the last by the
        last: a 2008 recognition has no chain of its own in the data)."""
        for p in self.periods:
            if p.year_from <= year <= p.year_to:
                return p
        return self.periods[0] if year < self.periods[0].year_from else self.periods[-1]

    def scale_of(self, kind: str, year: int) -> Scale | None:
        return self.period(year).scale_of(kind)

    def implied(self, kind: str, year: int) -> tuple[str, ...]:
        """The levels a recognition of `kind` made in `year` counts for: itself and the levels
        before it in its chain."""
        scale = self.scale_of(kind, year)
        if scale is None:
            return (kind,)
        return scale.chain[: scale.chain.index(kind) + 1]

    def including(self, kind: str, year: int) -> set[str]:
        """The kinds whose recognition in `year` counts for `kind` (itself and those above)."""
        scale = self.scale_of(kind, year)
        return {kind} if scale is None else set(scale.chain[scale.chain.index(kind) :])


def parse(manifest: dict) -> Levels:
    """Check and read the `levels` and `succession` parts of a manifest."""
    raw = manifest.get("levels")
    if not isinstance(raw, list) or not raw:
        raise LevelsDataError("MANIFEST.yaml: thiếu mục «levels».")
    known = set(RecognitionKind.values)
    periods = []
    for i, entry in enumerate(raw, start=1):
        where = f"levels #{i}"
        try:
            year_from, year_to = (int(y) for y in entry["years"])
        except (KeyError, TypeError, ValueError):
            raise LevelsDataError(f"{where}: «years» phải là [năm đầu, năm cuối].") from None
        if year_from > year_to:
            raise LevelsDataError(f"{where}: năm đầu sau năm cuối.")
        if periods and year_from <= periods[-1].year_to:
            raise LevelsDataError(f"{where}: các giai đoạn phải nối tiếp, không chồng nhau.")
        scales, seen = {}, set()
        for name, spec in (entry.get("scales") or {}).items():
            chain = tuple(str(k) for k in spec.get("chain") or [])
            unknown = [k for k in chain if k not in known]
            if unknown:
                raise LevelsDataError(
                    f"{where} {name}: loại công nhận không có: {', '.join(unknown)}."
                )
            if not chain or seen & set(chain):
                raise LevelsDataError(f"{where} {name}: chuỗi mức trống hoặc trùng.")
            seen |= set(chain)
            level = str(spec.get("level") or "")
            if level not in SCALE_LEVELS:
                raise LevelsDataError(f"{where} {name}: cấp «{level}» không hợp lệ.")
            kinds = tuple(str(k) for k in spec.get("kinds") or [])
            if not kinds:
                raise LevelsDataError(f"{where} {name}: thiếu «kinds».")
            decided_by = str(spec.get("decided_by") or "province")
            if decided_by not in DECIDING_LEVELS:
                raise LevelsDataError(
                    f"{where} {name}: «decided_by» phải là {' hoặc '.join(DECIDING_LEVELS)}."
                )
            scales[str(name)] = Scale(str(name), level, kinds, chain, decided_by)
        if not scales:
            raise LevelsDataError(f"{where}: không có cấp nào.")
        periods.append(Period(year_from, year_to, scales))
    succession = manifest.get("succession") or {}
    merged = str(succession.get("merged") or "none")
    if merged not in MERGE_RULES:
        raise LevelsDataError(f"succession.merged phải là {' hoặc '.join(MERGE_RULES)}.")
    identity = frozenset(str(k) for k in succession.get("identity") or [])
    return Levels(tuple(periods), identity, merged)


@functools.cache
def _load(path: str, mtime: float) -> Levels:
    text = Path(path).read_text(encoding="utf-8")
    return parse(yaml.safe_load(text) or {})


def manifest_path() -> Path:
    from . import criteria

    return Path(criteria.DATA_DIR) / "MANIFEST.yaml"


def levels() -> Levels:
    """The levels of data/ntm/MANIFEST.yaml (read again when the file changes)."""
    path = manifest_path()
    return _load(str(path), path.stat().st_mtime)
