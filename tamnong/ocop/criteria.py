"""OCOP criteria sets (bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP) as data.

A set arrives as a YAML document (the files under data/ocop/148/, see their README) or as an Excel
workbook made from the template (`set_to_xlsx` / `parse_xlsx`). `normalise` checks it against the
decision's part maxima (data/ocop/regimes.yaml) and returns the canonical content stored, frozen, in a
`CriteriaSet` version, with blocking errors and known defects (warnings) in words; each defect also
carries a `DefectCode`, which alone decides whether the set is incomplete (the words may be
translated or reworded).

Scoring a sheet and combining the members' sheets into a star rank are pure functions of that content
and of the regime's star bands, so a past result is reproducible from the version it pinned.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _


class CriteriaError(ValueError):
    """A set that cannot be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class DefectCode(StrEnum):
    # the set cannot score a sheet: a part's criteria do not add up to its maximum, or an option
    # has no points (blank or impossible in the source); no new dossier is opened on it
    INCOMPLETE = "incomplete"
    # known, but the set still scores (the best option of a criterion below its maximum)
    NOTE = "note"


class Defect(str):
    """A known defect of a set: its message (translated; shown and stored as text) and its code."""

    code: DefectCode

    def __new__(cls, message: str, code: DefectCode = DefectCode.NOTE) -> Defect:
        defect = super().__new__(cls, message)
        defect.code = code
        return defect


@dataclass
class Checked:
    content: dict
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def gaps(self) -> list[Defect]:
        """The defects that make the set incomplete (by their code)."""
        return [w for w in self.warnings if getattr(w, "code", None) == DefectCode.INCOMPLETE]


def _num(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except Exception:
        return None
    return d if d.is_finite() else None


def _plain(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


IDENTITY_KEYS = (
    "decision",
    "decision_date",
    "set_no",
    "product_group",
    "product_subgroup",
    "product_set",
    "confidence",
    "parts",
)


def identity(content: dict) -> dict:
    """Identity of a version: what scores and classifies (source notes do not make a new version).
    Its checksum (`tamnong.rules.checksum`) is the version's checksum."""
    return {k: content.get(k) for k in IDENTITY_KEYS}


def normalise(raw: dict, decisions: dict[str, dict]) -> Checked:
    """Validate a set document. `decisions` maps a decision code to {"part_maxima", "date", …}."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(raw, dict):
        return Checked(
            {}, ["Tệp không phải một bộ tiêu chí (cần các mục decision, set_no, parts)."]
        )
    decision = str(raw.get("decision") or "").strip()
    spec = decisions.get(decision)
    # the star ranks a minimum may name: those the decision's regime certifies
    stars = tuple(int(s) for s in (spec or {}).get("certified_stars") or ())
    if not decision:
        errors.append(_("Thiếu số quyết định (decision)."))
    elif spec is None:
        errors.append(
            _(
                "Quyết định «%(decision)s» chưa được khai báo trong data/ocop/regimes.yaml (có: %(value)s)."
            )
            % {"decision": decision, "value": ", ".join(sorted(decisions))}
        )
    set_no = raw.get("set_no")
    try:
        set_no = int(set_no)
        if set_no < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(_("Số thứ tự bộ sản phẩm (set_no) phải là số nguyên dương."))
        set_no = None
    decision_date = str(raw.get("decision_date") or (spec or {}).get("date") or "")
    try:
        dt.date.fromisoformat(decision_date)
    except ValueError:
        errors.append(
            _("Ngày quyết định «%(decision_date)s» không hợp lệ (YYYY-MM-DD).")
            % {"decision_date": decision_date}
        )
    for key, label in [("product_group", "ngành"), ("product_set", "tên bộ sản phẩm")]:
        if not str(raw.get(key) or "").strip():
            errors.append(_("Thiếu %(label)s (%(key)s).") % {"label": label, "key": key})

    expected = {k: Decimal(str(v)) for k, v in ((spec or {}).get("part_maxima") or {}).items()}
    parts_out = []
    seen_codes: set[str] = set()
    raw_parts = raw.get("parts") or []
    if not isinstance(raw_parts, list) or not raw_parts:
        errors.append(_("Bộ tiêu chí không có phần nào (parts)."))
        raw_parts = []
    part_codes = [str(p.get("code", "")).strip() for p in raw_parts if isinstance(p, dict)]
    if expected and sorted(part_codes) != sorted(expected):
        errors.append(
            _("Các phần phải là %(value)s theo %(decision)s; tệp có %(value2)s.")
            % {
                "value": ", ".join(sorted(expected)),
                "decision": decision,
                "value2": ", ".join(part_codes) or _("không phần nào"),
            }
        )
    for part in raw_parts:
        if not isinstance(part, dict):
            errors.append(_("Một phần không đúng định dạng."))
            continue
        pcode = str(part.get("code", "")).strip()
        pmax = _num(part.get("max_points"))
        if pmax is None or pmax <= 0:
            errors.append(_("Phần %(pcode)s: điểm tối đa không hợp lệ.") % {"pcode": pcode})
            pmax = Decimal(0)
        elif pcode in expected and pmax != expected[pcode]:
            errors.append(
                _("Phần %(pcode)s: điểm tối đa %(value)s, %(decision)s quy định %(value2)s.")
                % {
                    "pcode": pcode,
                    "value": _plain(pmax),
                    "decision": decision,
                    "value2": _plain(expected[pcode]),
                }
            )
        criteria_out = []
        for crit in part.get("criteria") or []:
            c, c_errors, c_warnings = _criterion(pcode, crit, stars)
            errors += c_errors
            warnings += c_warnings
            if c is None:
                continue
            if c["code"] in seen_codes:
                errors.append(_("Mã tiêu chí %(code)s bị trùng.") % {"code": c["code"]})
            seen_codes.add(c["code"])
            criteria_out.append(c)
        if not criteria_out:
            errors.append(_("Phần %(pcode)s: không có tiêu chí nào.") % {"pcode": pcode})
        total = part_max_sum(criteria_out)
        if pmax and total != pmax:
            warnings.append(
                Defect(
                    _(
                        "Phần %(pcode)s: tổng điểm tối đa các tiêu chí là %(value)s, phần này tối đa %(value2)s — bộ tiêu chí chưa đầy đủ, cần bổ sung từ văn bản gốc."
                    )
                    % {"pcode": pcode, "value": _plain(total), "value2": _plain(pmax)},
                    DefectCode.INCOMPLETE,
                )
            )
        parts_out.append(
            {
                "code": pcode,
                "name": str(part.get("name") or "").strip(),
                "max_points": _plain(pmax),
                "criteria": criteria_out,
            }
        )
    if expected and parts_out:
        stated = sum((_num(p["max_points"]) or 0) for p in parts_out)
        if stated != sum(expected.values()):
            errors.append(
                _("Tổng điểm tối đa các phần là %(value)s, phải là 100.")
                % {"value": _plain(stated)}
            )
    source_issues = [str(i) for i in (raw.get("issues") or [])]
    content = {
        "decision": decision,
        "decision_date": decision_date,
        "set_no": set_no,
        "product_group": str(raw.get("product_group") or "").strip(),
        "product_subgroup": str(raw.get("product_subgroup") or "").strip(),
        "product_set": str(raw.get("product_set") or "").strip(),
        "managing_ministry": raw.get("managing_ministry") or "",
        "classification_confidence": raw.get("classification_confidence") or "",
        "confidence": str(raw.get("confidence") or "unknown"),
        "confidence_reason": raw.get("confidence_reason") or "",
        "source": raw.get("source") or {},
        "issues": source_issues,
        "parts": parts_out,
    }
    checked = Checked(content, errors, warnings)
    checked.complete = not checked.gaps
    return checked


def _criterion(
    pcode: str, crit: Any, stars: tuple[int, ...]
) -> tuple[dict | None, list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(crit, dict):
        return None, [f"Phần {pcode}: một tiêu chí không đúng định dạng."], []
    code = str(crit.get("code") or "").strip()
    where = f"Tiêu chí {code or '(không mã)'} (phần {pcode})"
    if not code:
        errors.append(_("%(where)s: thiếu mã tiêu chí.") % {"where": where})
    if not str(crit.get("name") or "").strip():
        errors.append(_("%(where)s: thiếu tên tiêu chí.") % {"where": where})
    cmax = _num(crit.get("max_points"))
    if cmax is None or cmax <= 0:
        errors.append(_("%(where)s: điểm tối đa không hợp lệ.") % {"where": where})
        cmax = Decimal(0)
    options = []
    for i, opt in enumerate(crit.get("options") or [], start=1):
        if not isinstance(opt, dict):
            errors.append(
                _("%(where)s: lựa chọn %(i)s không đúng định dạng.") % {"where": where, "i": i}
            )
            continue
        if opt.get("points") is None:
            # Blank or impossible in the source, kept null (data/ocop/26-2026/README.md): the set
            # loads, marked incomplete, until an administrator loads the corrected one.
            written = opt.get("points_as_written")
            warnings.append(
                Defect(
                    _("%(where)s: lựa chọn %(i)s «%(value)s» chưa có điểm (")
                    % {"where": where, "i": i, "value": str(opt.get("text") or "").strip()[:80]}
                    + (
                        _("nguồn ghi «%(written)s»") % {"written": written}
                        if written not in (None, "")
                        else _("ô trống trong nguồn")
                    )
                    + _(") — bộ tiêu chí chưa đầy đủ, cần bổ sung từ văn bản gốc."),
                    DefectCode.INCOMPLETE,
                )
            )
            options.append(
                {
                    "text": str(opt.get("text") or "").strip(),
                    "points": None,
                    "required_for_star": None,
                }
            )
            continue
        pts = _num(opt.get("points"))
        if pts is None or pts < 0:
            errors.append(
                _("%(where)s: lựa chọn %(i)s có điểm «%(value)s» không hợp lệ.")
                % {"where": where, "i": i, "value": opt.get("points")}
            )
            continue
        if cmax and pts > cmax:
            errors.append(
                _("%(where)s: lựa chọn %(i)s cho %(value)s điểm, vượt điểm tối đa %(value2)s.")
                % {"where": where, "i": i, "value": _plain(pts), "value2": _plain(cmax)}
            )
        req = opt.get("required_for_star")
        if req is not None and req not in stars:
            errors.append(
                _("%(where)s: lựa chọn %(i)s ghi hạng sao «%(req)s» không hợp lệ (%(value)s).")
                % {"where": where, "i": i, "req": req, "value": ", ".join(map(str, stars))}
            )
            req = None
        options.append(
            {
                "text": str(opt.get("text") or "").strip(),
                "points": _plain(pts),
                "required_for_star": req,
            }
        )
    scored = [_num(o["points"]) for o in options if o["points"] is not None]
    if not options:
        errors.append(_("%(where)s: không có lựa chọn nào.") % {"where": where})
    elif cmax and scored and max(scored) < cmax:
        warnings.append(
            _("%(where)s: lựa chọn cao nhất cho %(value)s điểm, thấp hơn điểm tối đa %(value2)s.")
            % {"where": where, "value": _plain(max(scored)), "value2": _plain(cmax)}
        )
    reqs: dict[str, int | float | None] = {}
    raw_reqs = crit.get("star_requirements") or {}
    if not isinstance(raw_reqs, dict):
        errors.append(_("%(where)s: yêu cầu hạng sao không đúng định dạng.") % {"where": where})
        raw_reqs = {}
    for star, minimum in raw_reqs.items():
        try:
            star_i = int(star)
        except (TypeError, ValueError):
            star_i = 0
        if star_i not in stars:
            errors.append(
                _("%(where)s: hạng sao «%(star)s» không hợp lệ.") % {"where": where, "star": star}
            )
            continue
        if minimum is None:
            reqs[str(star_i)] = None
            continue
        m = _num(minimum)
        if m is None or m < 0 or (cmax and m > cmax):
            errors.append(
                _("%(where)s: điểm tối thiểu cho %(star_i)s sao «%(minimum)s» không hợp lệ.")
                % {"where": where, "star_i": star_i, "minimum": minimum}
            )
            continue
        reqs[str(star_i)] = _plain(m)
    mandatory = bool(crit.get("mandatory")) or "3" in reqs
    return (
        {
            "code": code,
            "group": str(crit.get("group") or "").strip(),
            "name": str(crit.get("name") or "").strip(),
            "max_points": _plain(cmax),
            "mandatory": mandatory,
            "star_requirements": reqs,
            "commune": str(
                crit.get("assessed_by_commune_1489")
                or crit.get("assessed_by_commune_dieu_7_2")
                or crit.get("commune")
                or ""
            ).strip(),
            "alternative": str(crit.get("alternative") or "").strip(),
            "note": str(crit.get("note") or "").strip(),
            "options": options,
        },
        errors,
        warnings,
    )


def part_max_sum(criteria: list[dict]) -> Decimal:
    """Sum of criterion maxima; in a group with alternatives ("Trường hợp 1/2") only the larger
    alternative counts, since a product is scored on one of them."""
    plain = Decimal(0)
    alts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for c in criteria:
        m = _num(c["max_points"]) or Decimal(0)
        if c.get("alternative"):
            alts[c["group"]][c["alternative"]] += m
        else:
            plain += m
    return plain + sum((max(a.values()) for a in alts.values()), Decimal(0))


# -- reading the content --------------------------------------------------------------------------


def criteria_of(content: dict) -> list[dict]:
    return [dict(c, part=p["code"]) for p in content.get("parts", []) for c in p["criteria"]]


def criteria_by_code(content: dict) -> dict[str, dict]:
    return {c["code"]: c for c in criteria_of(content)}


def commune_criteria(content: dict) -> list[dict]:
    return [c for c in criteria_of(content) if c.get("commune")]


def requirements(content: dict, star: int) -> list[tuple[dict, Decimal | None]]:
    """(criterion, minimum points or None for "any option") required for `star`."""
    out = []
    for c in criteria_of(content):
        key = str(star)
        if key in c.get("star_requirements", {}):
            m = c["star_requirements"][key]
            out.append((c, None if m is None else Decimal(str(m))))
    return out


# -- one member's sheet ---------------------------------------------------------------------------


class SheetError(ValueError):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def score_sheet(content: dict, answers: dict[str, Any]) -> tuple[dict[str, Decimal], dict]:
    """Check a member's answers ({criterion code: points}) and return (clean answers, totals).

    Points must be one of the criterion's options, or 0 where no option is met ("a product that
    meets none of the options scores 0 there"). Every criterion must be answered, except in groups
    with alternatives, where exactly one alternative is answered in full.
    """
    by_code = criteria_by_code(content)
    errors: list[dict] = []
    clean: dict[str, Decimal] = {}
    if not isinstance(answers, dict):
        raise SheetError(
            [{"field": "answers", "message": _("Phiếu phải là danh sách điểm theo tiêu chí.")}]
        )
    for code, value in answers.items():
        crit = by_code.get(str(code))
        if crit is None:
            errors.append(
                {
                    "field": f"answers.{code}",
                    "message": _("Không có tiêu chí %(code)s trong bộ này.") % {"code": code},
                }
            )
            continue
        pts = _num(value)
        allowed = {
            Decimal(str(o["points"])) for o in crit["options"] if o["points"] is not None
        } | {Decimal(0)}
        if pts is None or pts not in allowed:
            shown = ", ".join(str(_plain(a)) for a in sorted(allowed))
            errors.append(
                {
                    "field": f"answers.{code}",
                    "message": _(
                        "Tiêu chí %(code)s: điểm «%(value)s» không thuộc các lựa chọn (%(shown)s)."
                    )
                    % {"code": code, "value": value, "shown": shown},
                }
            )
            continue
        clean[str(code)] = pts
    # Completeness, alternatives-aware.
    groups: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for c in by_code.values():
        if c.get("alternative"):
            groups[c["group"]][c["alternative"]].append(c)
        elif c["code"] not in clean and c["code"] not in {e["field"][8:] for e in errors}:
            errors.append(
                {
                    "field": f"answers.{c['code']}",
                    "message": _("Chưa chấm tiêu chí %(code)s.") % {"code": c["code"]},
                }
            )
    for group, alts in groups.items():
        chosen = [a for a, cs in alts.items() if any(c["code"] in clean for c in cs)]
        if len(chosen) != 1:
            errors.append(
                {
                    "field": "answers",
                    "message": _("Nhóm «%(group)s»: chấm đúng một trường hợp (%(value)s).")
                    % {"group": group, "value": ", ".join(alts)},
                }
            )
            continue
        for c in alts[chosen[0]]:
            if c["code"] not in clean:
                errors.append(
                    {
                        "field": f"answers.{c['code']}",
                        "message": _("Chưa chấm tiêu chí %(code)s.") % {"code": c["code"]},
                    }
                )
    if errors:
        raise SheetError(errors)
    parts: dict[str, Decimal] = defaultdict(Decimal)
    for code, pts in clean.items():
        parts[by_code[code]["part"]] += pts
    total = sum(parts.values(), Decimal(0))
    return clean, {"total": total, "parts": {k: parts[k] for k in sorted(parts)}}


# -- combining the sheets -------------------------------------------------------------------------


def star_band(bands: list[dict], score: Decimal | Fraction) -> int:
    """The highest band whose minimum the score reaches (bands from the regime's data)."""
    for band in sorted(bands, key=lambda b: -Decimal(str(b["min"]))):
        if Fraction(Decimal(str(band["min"]))) <= Fraction(score):
            return int(band["stars"])
    return 0


@dataclass
class Ranking:
    """The council's result for one product."""

    sheets: int
    mean: Decimal  # rounded to 0.01 for display; the band uses the exact mean
    band: int
    stars: int
    failed: list[dict]  # [{star, criterion, name, required, met, sheets}]
    spread: Decimal  # highest minus lowest member total

    def as_dict(self) -> dict:
        return {
            "sheets": self.sheets,
            "mean": str(self.mean),
            "band": self.band,
            "stars": self.stars,
            "failed": self.failed,
            "spread": str(self.spread),
        }


def minimum_met(
    rule: str, required: Decimal | None, points: list[Decimal | None]
) -> tuple[bool, int]:
    """Whether the members' points on one criterion meet a star minimum.

    `None` in `points` means that member scored the other alternative (criterion not applicable);
    `required` None means "any option" (a marker on the criterion heading): more than 0 points.
    Rule "majority": more than half of the applicable sheets reach it. Rule "mean": the mean does.
    """
    applicable = [p for p in points if p is not None]
    if not applicable:
        return True, 0

    def reaches(p: Decimal) -> bool:
        return p > 0 if required is None else p >= required

    met = sum(1 for p in applicable if reaches(p))
    if rule == "mean":
        mean = Fraction(sum(applicable, Decimal(0))) / len(applicable)
        return (mean > 0 if required is None else mean >= Fraction(required)), met
    return met * 2 > len(applicable), met


def rank(
    content: dict, regime: dict, sheets: list[dict[str, Decimal]], totals: list[Decimal]
) -> Ranking:
    """Mean of the members' totals → star band → per-star minima (cumulative: 4★ also needs the
    3★ minima). A product missing a 3★ minimum is capped at 2★ and gets no certificate."""
    if not sheets:
        raise ValueError(_("Chưa có phiếu đánh giá nào."))
    exact = Fraction(sum(totals, Decimal(0))) / len(totals)
    mean = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    band = star_band(regime["star_bands"], exact)
    stars = band
    failed: list[dict] = []
    rule = regime["minimum_rule"]
    for star in sorted(int(s) for s in regime["certified_stars"]):
        if star > band:
            break
        misses = []
        for crit, required in requirements(content, star):
            points = [s.get(crit["code"]) for s in sheets]
            ok, met = minimum_met(rule, required, points)
            if not ok:
                misses.append(
                    {
                        "star": star,
                        "criterion": crit["code"],
                        "name": crit["name"],
                        "required": None if required is None else str(_plain(required)),
                        "met": met,
                        "sheets": sum(1 for p in points if p is not None),
                    }
                )
        if misses:
            failed = misses
            stars = star - 1
            break
    return Ranking(
        sheets=len(sheets),
        mean=mean,
        band=band,
        stars=stars,
        failed=failed,
        spread=max(totals) - min(totals),
    )


# -- Excel template -------------------------------------------------------------------------------

META_FIELDS = [
    ("decision", "Số quyết định"),
    ("decision_date", "Ngày quyết định (YYYY-MM-DD)"),
    ("set_no", "Số thứ tự bộ sản phẩm"),
    ("product_group", "Ngành"),
    ("product_subgroup", "Nhóm"),
    ("product_set", "Bộ sản phẩm"),
    ("managing_ministry", "Bộ chủ trì quản lý"),
    ("confidence", "Độ tin cậy (confirmed/partial)"),
    ("confidence_reason", "Ghi chú độ tin cậy"),
]
ROW_COLUMNS = [
    ("part", "Phần"),
    ("part_name", "Tên phần"),
    ("part_max", "Điểm tối đa phần"),
    ("code", "Mã tiêu chí"),
    ("group", "Nhóm tiêu chí"),
    ("name", "Tên tiêu chí"),
    ("max_points", "Điểm tối đa tiêu chí"),
    ("star_requirements", "Điểm tối thiểu theo hạng sao (vd 3:2; 4:3)"),
    ("commune", "Nội dung xã đánh giá (1489)"),
    ("alternative", "Trường hợp"),
    ("note", "Ghi chú"),
    ("option", "Lựa chọn"),
    ("points", "Điểm lựa chọn"),
    ("required_for_star", "Mức tối thiểu cho hạng sao"),
]


def set_to_xlsx(content: dict | None = None) -> bytes:
    """The upload template: blank, or filled with a set (to correct it and load it back)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    content = content or {}
    wb = Workbook()
    meta = wb.active
    meta.title = "Thông tin"
    meta.append([_("Mục"), _("Giá trị"), _("Khóa")])
    for key, label in META_FIELDS:
        meta.append([label, content.get(key, ""), key])
    rows = wb.create_sheet("Tiêu chí")
    rows.append([label for _k, label in ROW_COLUMNS])
    for cell in (*meta[1], *rows[1]):
        cell.font = Font(bold=True)
    for part in content.get("parts", []):
        for crit in part["criteria"]:
            reqs = "; ".join(
                f"{s}:{'' if m is None else m}"
                for s, m in sorted(crit["star_requirements"].items())
            )
            for i, opt in enumerate(crit["options"]):
                head = i == 0
                rows.append(
                    [
                        part["code"],
                        part["name"] if head else "",
                        part["max_points"] if head else "",
                        crit["code"],
                        crit["group"] if head else "",
                        crit["name"] if head else "",
                        crit["max_points"] if head else "",
                        reqs if head else "",
                        crit.get("commune", "") if head else "",
                        crit.get("alternative", "") if head else "",
                        crit.get("note", "") if head else "",
                        opt["text"],
                        opt["points"],
                        opt.get("required_for_star") or "",
                    ]
                )
    rows.freeze_panes = "A2"
    for col, width in zip(
        "ABCDEFGHIJKLMN", [6, 30, 8, 9, 30, 45, 8, 16, 20, 16, 30, 60, 8, 10], strict=True
    ):
        rows.column_dimensions[col].width = width
    meta.column_dimensions["A"].width = 32
    meta.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    from tamnong.tabular import inert_formulas

    inert_formulas(wb)  # names from imported files stay text
    wb.save(buf)
    return buf.getvalue()


def _cell(value):
    """A cell as the template's reader takes it: empty is None, a whole number an int."""
    if value == "":
        return None
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def parse_xlsx(data: bytes) -> dict:
    """Read a workbook made from the template into the YAML-shaped document `normalise` takes.

    Read through the one tabular layer (`tamnong.tabular.open_table`): a file that is not a
    workbook, a password-protected one, a zip bomb or an over-long cell is refused in Vietnamese
    before anything is unpacked; formulas give their saved value, never evaluated."""
    from tamnong import tabular

    sheets = {}
    try:
        for name in ("Thông tin", "Tiêu chí"):
            table = tabular.open_table(data, name="tieu-chi.xlsx", sheet=name)
            sheets[name] = [[_cell(v) for v in row] for row in table]
    except tabular.FileRefused as exc:
        if exc.code == "sheet":
            raise CriteriaError(
                [_("Tệp Excel phải có hai trang «Thông tin» và «Tiêu chí» như mẫu.")]
            ) from None
        raise CriteriaError([_("Không đọc được tệp Excel: %(exc)s") % {"exc": exc}]) from None
    doc: dict[str, Any] = {}
    for row in sheets["Thông tin"][1:]:
        if row and len(row) >= 3 and row[2]:
            value = row[1]
            if isinstance(value, dt.datetime | dt.date):
                value = value.strftime("%Y-%m-%d")
            doc[str(row[2]).strip()] = "" if value is None else value
    parts: dict[str, dict] = {}
    crits: dict[str, dict] = {}
    errors = []
    header = None
    for lineno, row in enumerate(sheets["Tiêu chí"], start=1):
        if header is None:
            header = [str(c or "").strip() for c in row]
            expected = [label for _k, label in ROW_COLUMNS]
            if header[: len(expected)] != expected:
                raise CriteriaError([_("Trang «Tiêu chí»: tiêu đề cột không đúng mẫu.")])
            continue
        if not any(v not in (None, "") for v in row):
            continue
        rec = {k: (row[i] if i < len(row) else None) for i, (k, _l) in enumerate(ROW_COLUMNS)}
        pcode = str(rec["part"] or "").strip()
        code = str(rec["code"] or "").strip()
        if not pcode or not code:
            errors.append(
                _("Trang «Tiêu chí» dòng %(lineno)s: thiếu phần hoặc mã tiêu chí.")
                % {"lineno": lineno}
            )
            continue
        part = parts.setdefault(
            pcode, {"code": pcode, "name": "", "max_points": None, "criteria": []}
        )
        if rec["part_name"]:
            part["name"] = str(rec["part_name"])
        if rec["part_max"] not in (None, ""):
            part["max_points"] = rec["part_max"]
        crit = crits.get(code)
        if crit is None:
            crit = {"code": code, "options": [], "star_requirements": {}}
            crits[code] = crit
            part["criteria"].append(crit)
        for key in ("group", "name", "max_points", "commune", "alternative", "note"):
            if rec[key] not in (None, ""):
                crit[key] = rec[key]
        if rec["star_requirements"]:
            for piece in str(rec["star_requirements"]).split(";"):
                if not piece.strip():
                    continue
                star, _sep, minimum = piece.partition(":")
                crit["star_requirements"][star.strip()] = minimum.strip() or None
        if rec["option"] not in (None, "") or rec["points"] not in (None, ""):
            crit["options"].append(
                {
                    "text": str(rec["option"] or ""),
                    "points": rec["points"],
                    "required_for_star": int(rec["required_for_star"])
                    if str(rec["required_for_star"] or "").strip().isdigit()
                    else None,
                }
            )
    if errors:
        raise CriteriaError(errors)
    doc["parts"] = list(parts.values())
    return doc


def diff(old: dict | None, new: dict) -> list[str]:
    """What loading `new` over `old` changes, in words (the administrator's preview)."""
    if not old:
        return ["Bộ tiêu chí mới (chưa có phiên bản trước)."]
    out = []
    a, b = criteria_by_code(old), criteria_by_code(new)
    for code in sorted(set(b) - set(a)):
        out.append(
            _("Thêm tiêu chí %(code)s «%(name)s» (%(max_points)s điểm).")
            % {"code": code, "name": b[code]["name"], "max_points": b[code]["max_points"]}
        )
    for code in sorted(set(a) - set(b)):
        out.append(_("Bỏ tiêu chí %(code)s «%(name)s».") % {"code": code, "name": a[code]["name"]})
    for code in sorted(set(a) & set(b)):
        x, y = a[code], b[code]
        if x["max_points"] != y["max_points"]:
            out.append(
                _("Tiêu chí %(code)s: điểm tối đa %(max_points)s → %(max_points2)s.")
                % {"code": code, "max_points": x["max_points"], "max_points2": y["max_points"]}
            )
        if [(o["text"], o["points"]) for o in x["options"]] != [
            (o["text"], o["points"]) for o in y["options"]
        ]:
            out.append(
                _("Tiêu chí %(code)s: lựa chọn %(value)s → %(value2)s.")
                % {
                    "code": code,
                    "value": [o["points"] for o in x["options"]],
                    "value2": [o["points"] for o in y["options"]],
                }
            )
        if x["star_requirements"] != y["star_requirements"]:
            out.append(
                _(
                    "Tiêu chí %(code)s: yêu cầu hạng sao %(star_requirements)s → %(star_requirements2)s."
                )
                % {
                    "code": code,
                    "star_requirements": x["star_requirements"],
                    "star_requirements2": y["star_requirements"],
                }
            )
        if x.get("name") != y.get("name"):
            out.append(
                _("Tiêu chí %(code)s: đổi tên «%(name)s» → «%(name2)s».")
                % {"code": code, "name": x["name"], "name2": y["name"]}
            )
    for key in ("product_group", "product_subgroup", "product_set", "confidence"):
        if old.get(key) != new.get(key):
            out.append(f"{key}: «{old.get(key)}» → «{new.get(key)}».")
    return out or ["Không có thay đổi về nội dung."]
