"""The recognition sentences of a provincial year-end report, from the NTM figures:

    "Đến hết năm 2025, 30/49 xã đạt chuẩn nông thôn mới, chiếm 61,22%; 12 xã đạt chuẩn nông thôn
    mới nâng cao; 3 xã nông thôn mới kiểu mẫu."  "Huyện A đạt chuẩn nông thôn mới (1/2 huyện);
    Thành phố B hoàn thành nhiệm vụ xây dựng nông thôn mới."  "5 thôn nông thôn mới kiểu mẫu."
    "Kế hoạch năm 2025: 4 xã đạt chuẩn nông thôn mới, đạt 3 xã (chưa đạt kế hoạch)."

A paragraph is a list of text and `Num` parts, so that the summary report links each number to
the records behind it and the API and the command line print it as text (`text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from tamnong.core import formatting


@dataclass
class Num:
    value: int | Decimal | None
    decimals: int = 0
    percent: bool = False
    # the records behind the number: a reports records kind and its filters
    records: str = ""
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        if self.percent:
            return formatting.percent(self.value)
        return formatting.number(self.value, self.decimals)


def text(paragraph: list) -> str:
    return "".join(p.text if isinstance(p, Num) else str(p) for p in paragraph)


def _held(year: int, kind: str, **extra) -> dict:
    return {"year": year, "level": kind, **extra}


def paragraphs(data: dict) -> list[list]:
    """The sentences of `data` (ntm.figures.figures)."""
    year = data["year"]
    scales = {s["scale"]: s for s in data.get("levels", [])}
    out = []
    communes = scales.get("commune")
    if communes and communes["total"]:
        out.append(_communes(year, communes, data["denominator"]))
    higher = _higher(year, [scales[k] for k in ("district", "town", "province") if k in scales])
    if higher:
        out.append(higher)
    villages = scales.get("village")
    if villages and any(r["count"] for r in villages["rows"]):
        parts = []
        for row in villages["rows"]:
            if row["count"] or row is villages["rows"][0]:
                parts += ([", "] if parts else []) + [
                    Num(row["count"], records="ntm-recognitions", params=_held(year, row["kind"])),
                    f" {villages['unit_word']} {row['phrase']}",
                ]
        out.append([_("Đến hết năm %(y)s: ") % {"y": year}, *parts, "."])
    reached = _reached(year, data.get("levels", []))
    if reached:
        out.append(reached)
    for scale in (communes, villages):
        if scale:
            out += _reassessed(year, scale)
    out += _plan(year, data.get("plan", []))
    return out


def _communes(year: int, scale: dict, denominator: dict) -> list:
    base, *above = scale["rows"]
    others = [o for o in denominator.get("others", []) if o["count"]]
    parts = [
        _("Đến hết năm %(y)s, ") % {"y": year},
        Num(base["count"], records="ntm-recognitions", params=_held(year, base["kind"])),
        "/",
        Num(scale["total"]),
        f" {scale['unit_word']}",
    ]
    if others:
        parts.append(
            " ("
            + _("không tính %(units)s")
            % {"units": ", ".join(f"{o['count']} {o['label'].lower()}" for o in others)}
            + ")"
        )
    parts += [f" {base['phrase']}, ", _("chiếm") + " ", Num(Decimal(base["share"]), percent=True)]
    for row in above:
        if row["count"]:
            parts += [
                "; ",
                Num(row["count"], records="ntm-recognitions", params=_held(year, row["kind"])),
                f" {scale['unit_word']} {row['phrase']}",
            ]
    return [*parts, "."]


def _higher(year: int, scales: list[dict]) -> list:
    clauses = []
    for scale in scales:
        for i, row in enumerate(scale["rows"]):
            if not row["count"]:
                continue
            names = ", ".join(u["name"] for u in row["units"])
            clause = [f"{names} {row['phrase']}"]
            if scale["scale"] == "district" and i == 0:
                clause += [
                    " (",
                    Num(row["count"], records="ntm-recognitions", params=_held(year, row["kind"])),
                    "/",
                    Num(scale["total"]),
                    f" {scale['unit_word']})",
                ]
            clauses.append(clause)
    if not clauses:
        return []
    out = [_("Đến hết năm %(y)s: ") % {"y": year}]
    for i, clause in enumerate(clauses):
        out += (["; "] if i else []) + clause
    return [*out, "."]


def _reached(year: int, scales: list[dict]) -> list:
    parts = []
    for scale in scales:
        for row in scale["rows"]:
            if row["reached"]:
                parts += ([", "] if parts else []) + [
                    Num(
                        row["reached"],
                        records="ntm-recognitions",
                        params=_held(year, row["kind"], reached=1),
                    ),
                    f" {scale['unit_word']} {row['phrase']}",
                ]
    if not parts:
        return []
    return [_("Trong năm %(y)s có thêm ") % {"y": year}, *parts, "."]


def _reassessed(year: int, scale: dict) -> list[list]:
    out = []
    for row in scale["rows"]:
        counts = row["reassessed"]
        assessed = counts.get("maintained", 0) + counts.get("not_again", 0)
        if not row["earlier"] or not assessed:  # nothing re-assessed: nothing to report
            continue
        word = scale["unit_word"]
        out.append(
            [
                _("Trong số "),
                Num(row["earlier"]),
                f" {word} {row['phrase']} " + _("từ trước năm %(y)s: ") % {"y": year},
                Num(counts.get("maintained", 0)),
                f" {word} " + _("được đánh giá lại giữ vững chuẩn") + ", ",
                Num(counts.get("not_again", 0)),
                f" {word} " + _("chưa đạt lại") + ", ",
                Num(counts.get("not_assessed", 0)),
                f" {word} " + _("chưa đánh giá lại trong năm") + ".",
            ]
        )
    return out


def _plan(year: int, rows: list[dict]) -> list[list]:
    out = []
    for row in rows:
        if row["result"] is None:
            verdict = _("chưa có kết quả")
        else:
            verdict = _("đạt kế hoạch") if row["reached"] else _("chưa đạt kế hoạch")
        if row["metric"] == "average_criteria":
            out.append(
                [
                    _("Kế hoạch năm %(y)s: bình quân ") % {"y": year},
                    Num(Decimal(row["plan"]), decimals=2),
                    " " + _("tiêu chí/xã, đạt") + " ",
                    Num(None if row["result"] is None else Decimal(row["result"]), decimals=2),
                    f" ({verdict}).",
                ]
            )
            continue
        lead = (
            _("Kế hoạch năm %(y)s (trong năm): ")
            if row["reading"] == "year"
            else _("Kế hoạch đến hết năm %(y)s (lũy kế): ")
        ) % {"y": year}
        word = row["unit_word"] or _("đơn vị")
        phrase = row["phrase"]
        result = None if row["result"] is None else int(row["result"])
        out.append(
            [
                lead,
                Num(int(row["plan"])),
                f" {word} {phrase}, " + _("đạt") + " ",
                Num(result),
                f" {word} ({verdict}).",
            ]
        )
    return out
