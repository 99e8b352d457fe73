"""Criteria sets (bộ tiêu chí) as versioned data: reading YAML and Excel, validating, showing the
changes against the version in force, and storing a new version.

Two input shapes are understood:
- the shared domain files (data/ntm/ntm-*.yaml): frames with `"no"`, `groups_or_regions`,
  `threshold_columns`, `criteria_groups`, text thresholds such as "≥ 1" and `links`; the app
  metadata (kind, years, bands…) comes from data/ntm/MANIFEST.yaml;
- the app's own shape (demo files, uploads, the Excel template): the same keys with explicit
  `kind`, `operator`, `source` and numeric thresholds.

Both are normalised into one specification (a plain dict, stored on the version as `payload`).
A threshold that is absent or null stays null: it is missing, and is shown as "chưa có ngưỡng".
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from tamnong import tabular
from tamnong.core import safeparse
from tamnong.divisions.models import Division, Level
from tamnong.rules import RuleError, checksum, may_load, uploads
from tamnong.rules.models import Upload

from . import sources
from .models import CriteriaSet, Criterion, Indicator, IndicatorKind, SetKind

DATA_DIR = Path(settings.BASE_DIR) / "data" / "ntm"
LEVELS = ("commune", "village")
CLASSIFICATIONS = ("region", "group", "none")
YES, NO = "yes", "no"
_OPERATORS = {"ge": "ge", ">=": "ge", "≥": "ge", "le": "le", "<=": "le", "≤": "le"}


class SetDataError(ValueError):
    """The set is not valid; `problems` lists every error (where, message)."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__("; ".join(f"{p['where']}: {p['message']}" for p in problems))
        self.problems = problems


# -- cells ---------------------------------------------------------------------------------------
def decimal_text(value) -> str:
    """A JSON-safe canonical decimal string: 5.50 → "5.5", 100 → "100"."""
    number = Decimal(str(value))
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def parse_cell(cell) -> tuple[str | None, str | None, str | None]:
    """A threshold cell → (operator, value, unparsed text). Empty → (None, None, None).

    The cell is read by the one cell parser of every import (`tamnong.tabular.threshold`: "≥ 1,5",
    "95%", the yes/no words; "1.500" is ambiguous, so it stays unparsed text)."""
    op, value, text = tabular.threshold(cell)
    if isinstance(value, bool):
        return None, YES if value else NO, None
    return op, (None if value is None else decimal_text(value)), text


def _date_text(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value).strip()).isoformat()


# -- normalising ---------------------------------------------------------------------------------
def normalize(raw: dict, meta: dict | None = None, *, strict: bool) -> tuple[dict, list[dict]]:
    """Turn a raw set (shared or app shape) into the specification; return it and its problems.

    `strict` (Excel uploads) refuses a threshold written as free text; otherwise (the shared
    frames) such a text is kept beside a null threshold so that nobody reads it as a number.
    """
    problems: list[dict] = []

    def err(where: str, message: str) -> None:
        problems.append({"where": where, "message": message})

    if not isinstance(raw, dict):
        return {}, [{"where": "tệp", "message": _("Nội dung không phải một bộ tiêu chí.")}]
    src = {**raw, **(meta or {})}
    years = src.get("years") or [src.get("year_from"), src.get("year_to")]
    columns = src.get("columns")
    if not columns:
        named = {g["code"]: g["name"] for g in src.get("groups_or_regions") or []}
        codes = src.get("threshold_columns") or list(named)
        columns = [
            {"code": c, "name": named.get(c, _("Chỉ tiêu chung") if c == "chung" else c)}
            for c in codes
        ] or [{"code": "all", "name": _("Tất cả")}]
    group_of = {
        n: g["name"] for g in src.get("criteria_groups") or [] for n in g.get("criteria", [])
    }
    try:
        eff_from, eff_to = (
            _date_text(src.get("effective_from")),
            _date_text(src.get("effective_to")),
        )
    except ValueError:
        eff_from = eff_to = None
        err("effective_from", _("Ngày hiệu lực phải có dạng YYYY-MM-DD."))
    satisfaction = src.get("satisfaction_min")
    spec = {
        "key": str(src.get("key") or "").strip(),
        "title": str(src.get("title") or "").strip(),
        "decision": str(src.get("decision") or "").strip(),
        "kind": str(src.get("kind") or "").strip(),
        "level": str(src.get("level") or "").strip(),
        "province": str(src["province"]).strip() if src.get("province") not in (None, "") else None,
        "effective_from": eff_from,
        "effective_to": eff_to,
        "years": years,
        "classification": str(src.get("classification") or "").strip(),
        "columns": [{"code": str(c["code"]), "name": str(c.get("name") or "")} for c in columns],
        "special_column": str(src.get("special_column") or "").strip(),
        "bands": src.get("bands") or [],
        "satisfaction_min": None if satisfaction in (None, "") else str(satisfaction),
        "synthetic": bool(src.get("synthetic")),
        "based_on": str(src.get("based_on") or "").strip(),
        "status_note": str(src.get("status_note") or _first_comment(src)).strip(),
        "source": src.get("source") if isinstance(src.get("source"), dict) else {},
        "criteria": [],
    }
    col_codes = [c["code"] for c in spec["columns"]]
    for i, crit in enumerate(src.get("criteria") or [], start=1):
        where = f"tiêu chí #{i}"
        if not isinstance(crit, dict):
            err(where, _("Tiêu chí không đúng dạng."))
            continue
        number = crit.get("no", crit.get("number"))
        try:
            number = int(number)
        except (TypeError, ValueError):
            err(where, _("Số tiêu chí phải là số nguyên."))
            continue
        where = f"tiêu chí {number}"
        out = {
            "no": number,
            "name": str(crit.get("name") or "").strip(),
            "group": str(crit.get("group") or group_of.get(number, "")),
            "note": str(crit.get("note") or "").strip(),
            "indicators": [],
        }
        for j, ind in enumerate(crit.get("indicators") or [], start=1):
            out["indicators"].append(_indicator(ind, number, j, col_codes, strict, err))
        spec["criteria"].append(out)
    return spec, problems


def _first_comment(src: dict) -> str:
    return src.get("_status", "")


def _indicator(ind: dict, number: int, j: int, col_codes: list[str], strict: bool, err) -> dict:
    code = ind.get("code")
    code = str(code).strip() if code not in (None, "") else f"{number}.{j}"
    where = f"chỉ tiêu {code}"
    unit = str(ind.get("unit") or "").strip()
    kind = str(ind.get("kind") or "").strip()
    op_raw = str(ind.get("operator") or "").strip()
    operator = _OPERATORS.get(op_raw, "") if op_raw else ""
    if op_raw and not operator:
        err(where, _("Phép so sánh «%(o)s» không hợp lệ (dùng >= hoặc <=).") % {"o": op_raw})
    source = str(ind.get("source") or "").strip()
    links = ind.get("links") or {}
    if not source and links.get("poverty_rate") is True:
        source = "poverty.poor_rate"
    if not source and links.get("ocop") is True:
        # the products the OCOP regime in force certifies (its lowest certified rank, from data)
        source = "ocop.valid_products"
    if source:
        try:
            sources.parse(source)
        except sources.SourceError as exc:
            err(where, str(exc))
    thresholds: dict[str, str | None] = {}
    texts: dict[str, str] = {}
    raw_th = ind.get("thresholds") or {}
    if not isinstance(raw_th, dict):
        err(where, _("Ngưỡng phải là bảng theo vùng/nhóm."))
        raw_th = {}
    cell_ops = set()
    for col, cell in raw_th.items():
        col = str(col)
        if col not in col_codes:
            err(where, _("Cột «%(c)s» không có trong bộ tiêu chí.") % {"c": col})
            continue
        op, value, text = parse_cell(cell)
        if text is not None:
            if strict:
                err(
                    f"{where}/{col}",
                    _("Ngưỡng «%(t)s» không phải số hoặc có/không.") % {"t": text},
                )
            texts[col] = text
        if op:
            cell_ops.add(op)
        thresholds[col] = value
    for col in col_codes:
        thresholds.setdefault(col, None)
    if len(cell_ops) > 1:
        err(where, _("Các ô ngưỡng dùng cả ≥ và ≤."))
    elif cell_ops:
        cell_op = cell_ops.pop()
        if operator and operator != cell_op:
            err(where, _("Ô ngưỡng và cột so sánh không cùng chiều."))
        operator = operator or cell_op
    values = [v for v in thresholds.values() if v is not None]
    if not kind and not strict:
        # Shared frames give no kind: read it from the unit and the cells, never from a guess
        # about the threshold itself.
        if unit == "%":
            kind = IndicatorKind.PERCENT
        elif unit.lower() in {"đạt/không đạt", ""} and (not values or set(values) <= {YES, NO}):
            kind = IndicatorKind.YES_NO if values or unit else ""
        else:
            kind = IndicatorKind.NUMBER
    if kind not in IndicatorKind.values:
        err(where, _("Kiểu chỉ tiêu «%(k)s» không hợp lệ (number, percent, yes_no).") % {"k": kind})
    for col, value in thresholds.items():
        if value is None:
            continue
        if kind == IndicatorKind.YES_NO and value not in (YES, NO):
            err(f"{where}/{col}", _("Chỉ tiêu đạt/không đạt: ngưỡng phải là «có» hoặc «không»."))
        elif kind in (IndicatorKind.NUMBER, IndicatorKind.PERCENT):
            if value in (YES, NO):
                err(f"{where}/{col}", _("Chỉ tiêu dạng số: ngưỡng phải là số."))
            elif kind == IndicatorKind.PERCENT and not 0 <= Decimal(value) <= 100:
                err(f"{where}/{col}", _("Tỷ lệ phải từ 0 đến 100."))
    if kind in (IndicatorKind.NUMBER, IndicatorKind.PERCENT) and values and not operator:
        err(where, _("Chỉ tiêu dạng số có ngưỡng phải nêu phép so sánh (>= hoặc <=)."))
    if kind == IndicatorKind.YES_NO:
        operator = ""
    return {
        "code": code,
        "name": str(ind.get("name") or "").strip() or _("(chưa có tên chỉ tiêu trong dữ liệu)"),
        "unit": unit,
        "kind": kind,
        "operator": operator,
        "source": source,
        "thresholds": thresholds,
        "texts": texts,
        "note": str(ind.get("note") or "").strip(),
    }


# -- validating ----------------------------------------------------------------------------------
def validate(spec: dict) -> list[dict]:
    problems: list[dict] = []

    def err(where: str, message: str) -> None:
        problems.append({"where": where, "message": message})

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,58}", spec.get("key", "")):
        err("key", _("Mã bộ tiêu chí chỉ gồm chữ thường không dấu, số và dấu gạch (2–60 ký tự)."))
    if not spec.get("title"):
        err("title", _("Thiếu tên bộ tiêu chí."))
    if spec.get("kind") not in SetKind.values:
        err(
            "kind",
            _("Loại bộ tiêu chí phải là một trong: %(k)s.") % {"k": ", ".join(SetKind.values)},
        )
    if spec.get("level") not in LEVELS:
        err("level", _("Cấp áp dụng phải là commune hoặc village."))
    elif spec["level"] == "village" and not spec.get("province"):
        err("province", _("Bộ tiêu chí thôn chỉ do tỉnh ban hành: phải nêu mã tỉnh."))
    if spec.get("kind", "").startswith("village") != (spec.get("level") == "village"):
        err("kind", _("Loại bộ tiêu chí không khớp với cấp áp dụng."))
    if spec.get("province") and not _province(spec["province"]):
        err(
            "province", _("Không có tỉnh mã %(c)s trên bản đồ hiện hành.") % {"c": spec["province"]}
        )
    years = spec.get("years") or []
    try:
        y0, y1 = int(years[0]), int(years[1])
        if not 2000 <= y0 <= y1 <= 2100:
            raise ValueError
        spec["years"] = [y0, y1]
    except (TypeError, ValueError, IndexError):
        err("years", _("Năm áp dụng phải là hai năm (từ, đến) hợp lệ."))
    if spec.get("classification") not in CLASSIFICATIONS:
        err("classification", _("Phân loại xã phải là region, group hoặc none."))
    codes = [c["code"] for c in spec.get("columns", [])]
    if not codes or len(set(codes)) != len(codes):
        err("columns", _("Các cột ngưỡng phải có mã và không trùng."))
    if spec.get("special_column") and spec["special_column"] not in codes:
        err("special_column", _("Cột áp dụng cho xã ĐBKK/ATK không có trong các cột."))
    if spec.get("satisfaction_min") is not None:
        try:
            if not 0 <= Decimal(spec["satisfaction_min"]) <= 100:
                raise InvalidOperation
        except InvalidOperation:
            err("satisfaction_min", _("Tỷ lệ hài lòng tối thiểu phải từ 0 đến 100."))
    numbers = [c["no"] for c in spec.get("criteria", [])]
    if len(set(numbers)) != len(numbers):
        err("criteria", _("Số tiêu chí bị trùng."))
    seen: set[str] = set()
    for crit in spec.get("criteria", []):
        if not crit["name"]:
            err(f"tiêu chí {crit['no']}", _("Thiếu tên tiêu chí."))
        for ind in crit["indicators"]:
            if ind["code"] in seen:
                err(f"chỉ tiêu {ind['code']}", _("Mã chỉ tiêu bị trùng."))
            seen.add(ind["code"])
    problems += _validate_bands(spec.get("bands") or [], len(numbers))
    if spec.get("based_on") and not problems:
        problems += _stricter_than(spec)
    return problems


def _validate_bands(bands: list, total: int) -> list[dict]:
    if not bands:
        return []
    out = []
    try:
        for band in bands:
            band["min"], band["max"] = int(band["min"]), int(band["max"])
            band["code"], band["label"] = str(band["code"]), str(band["label"])
            if band["min"] > band["max"]:
                raise ValueError
    except (KeyError, TypeError, ValueError):
        return [{"where": "bands", "message": _("Mỗi nhóm cần code, label, min ≤ max.")}]
    if total:
        for n in range(total + 1):
            hits = [b for b in bands if b["min"] <= n <= b["max"]]
            if len(hits) != 1:
                out.append(
                    {
                        "where": "bands",
                        "message": _("%(n)s tiêu chí thuộc %(k)s nhóm (phải đúng 1).")
                        % {"n": n, "k": len(hits)},
                    }
                )
                break
    return out


def _stricter_than(spec: dict) -> list[dict]:
    """A provincial set may only be as strict as, or stricter than, the set it is based on."""
    base = latest(spec["based_on"])
    if base is None:
        return [
            {
                "where": "based_on",
                "message": _("Không có bộ tiêu chí «%(k)s».") % {"k": spec["based_on"]},
            }
        ]
    base_ind = {i["code"]: i for c in base.payload.get("criteria", []) for i in c["indicators"]}
    out = []
    for crit in spec["criteria"]:
        for ind in crit["indicators"]:
            ref = base_ind.get(ind["code"])
            if ref is None or ind["kind"] == IndicatorKind.YES_NO:
                continue
            for col, value in ind["thresholds"].items():
                ref_value = ref["thresholds"].get(col)
                if value is None or ref_value is None or ref_value in (YES, NO):
                    continue
                looser = (
                    Decimal(value) < Decimal(ref_value)
                    if ind["operator"] == "ge"
                    else Decimal(value) > Decimal(ref_value)
                )
                if looser:
                    out.append(
                        {
                            "where": f"chỉ tiêu {ind['code']}/{col}",
                            "message": _(
                                "Ngưỡng của tỉnh (%(v)s) thấp hơn mức của bộ tiêu chí gốc (%(r)s)."
                            )
                            % {"v": value, "r": ref_value},
                        }
                    )
    return out


def _province(code: str) -> Division | None:
    return (
        Division.objects.filter(level=Level.PROVINCE, code=code, map__valid_to__isnull=True)
        .order_by("-map__valid_from")
        .first()
    )


# -- versions ------------------------------------------------------------------------------------
def latest(key: str) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(key=key).order_by("-version").first()


def latest_sets():
    """The newest version of every set."""
    from django.db.models import Max, OuterRef, Subquery

    newest = (
        CriteriaSet.objects.filter(key=OuterRef("key"))
        .values("key")
        .annotate(v=Max("version"))
        .values("v")
    )
    return CriteriaSet.objects.filter(version=Subquery(newest)).select_related("province")


def require_set_admin(actor, province_code: str | None) -> None:
    province = _province(province_code) if province_code else None
    if province_code and province is None:
        pass  # an unknown issuing province: nobody may load it
    elif may_load(actor, province):
        return
    raise PermissionDenied(
        _(
            "Chỉ quản trị hệ thống (hoặc văn phòng điều phối của tỉnh ban hành) được nạp bộ tiêu chí."
        )
    )


def changes(spec: dict, base: dict | None) -> list[dict]:
    """What a new specification changes against the version in force (for the preview)."""
    if not base:
        n_ind = sum(len(c["indicators"]) for c in spec["criteria"])
        return [
            {
                "what": _("Bộ tiêu chí mới"),
                "before": "",
                "after": _("%(c)s tiêu chí, %(i)s chỉ tiêu")
                % {"c": len(spec["criteria"]), "i": n_ind},
            }
        ]
    out = []
    for field in ("title", "decision", "kind", "level", "province", "years", "classification",
                  "effective_from", "effective_to", "special_column", "synthetic", "bands",
                  "satisfaction_min", "columns"):  # fmt: skip
        if base.get(field) != spec.get(field):
            out.append(
                {"what": field, "before": _show(base.get(field)), "after": _show(spec.get(field))}
            )
    old_c = {c["no"]: c for c in base.get("criteria", [])}
    new_c = {c["no"]: c for c in spec["criteria"]}
    for no in sorted(set(old_c) | set(new_c)):
        if no not in new_c:
            out.append(
                {
                    "what": _("Bỏ tiêu chí %(n)s") % {"n": no},
                    "before": old_c[no]["name"],
                    "after": "",
                }
            )
            continue
        if no not in old_c:
            out.append(
                {
                    "what": _("Thêm tiêu chí %(n)s") % {"n": no},
                    "before": "",
                    "after": new_c[no]["name"],
                }
            )
        elif old_c[no]["name"] != new_c[no]["name"]:
            out.append(
                {
                    "what": _("Tên tiêu chí %(n)s") % {"n": no},
                    "before": old_c[no]["name"],
                    "after": new_c[no]["name"],
                }
            )
        old_i = {i["code"]: i for i in old_c.get(no, {}).get("indicators", [])}
        for ind in new_c[no]["indicators"]:
            ref = old_i.pop(ind["code"], None)
            if ref is None:
                out.append(
                    {
                        "what": _("Thêm chỉ tiêu %(c)s") % {"c": ind["code"]},
                        "before": "",
                        "after": ind["name"],
                    }
                )
                continue
            for field in ("name", "unit", "kind", "operator", "source"):
                if ref.get(field) != ind.get(field):
                    out.append(
                        {
                            "what": f"{ind['code']} {field}",
                            "before": _show(ref.get(field)),
                            "after": _show(ind.get(field)),
                        }
                    )
            for col in sorted(set(ref["thresholds"]) | set(ind["thresholds"])):
                a, b = ref["thresholds"].get(col), ind["thresholds"].get(col)
                if a != b:
                    out.append(
                        {"what": f"{ind['code']} / {col}", "before": _show(a), "after": _show(b)}
                    )
        for code, ref in old_i.items():
            out.append(
                {"what": _("Bỏ chỉ tiêu %(c)s") % {"c": code}, "before": ref["name"], "after": ""}
            )
    return out


def _show(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@transaction.atomic
def store(spec: dict, *, actor=None, note: str = "") -> tuple[CriteriaSet, bool]:
    """Store `spec` as a new version unless it equals the newest one. Returns (set, created)."""
    problems = validate(spec)
    if problems:
        raise SetDataError(problems)
    digest = checksum(spec)
    current = latest(spec["key"])
    if current is not None and current.checksum == digest:
        return current, False
    cs = CriteriaSet.objects.create(
        key=spec["key"],
        version=(current.version + 1) if current else 1,
        title=spec["title"],
        decision=spec["decision"],
        kind=spec["kind"],
        level=spec["level"],
        province=_province(spec["province"]) if spec["province"] else None,
        effective_from=spec["effective_from"],
        effective_to=spec["effective_to"],
        year_from=spec["years"][0],
        year_to=spec["years"][1],
        classification=spec["classification"],
        columns=spec["columns"],
        special_column=spec["special_column"],
        bands=spec["bands"],
        satisfaction_min=spec["satisfaction_min"],
        synthetic=spec["synthetic"],
        based_on=spec["based_on"],
        status_note=spec["status_note"],
        source=spec["source"],
        payload=spec,
        checksum=digest,
        change_note=note[:500],
        loaded_by=actor if getattr(actor, "pk", None) else None,
    )
    position = 0
    for crit in spec["criteria"]:
        criterion = Criterion.objects.create(
            criteria_set=cs,
            number=crit["no"],
            name=crit["name"],
            group=crit["group"],
            note=crit["note"],
        )
        rows = []
        for ind in crit["indicators"]:
            position += 1
            rows.append(
                Indicator(
                    criteria_set=cs,
                    criterion=criterion,
                    code=ind["code"],
                    name=ind["name"][:600],
                    unit=ind["unit"],
                    kind=ind["kind"],
                    operator=ind["operator"],
                    source=ind["source"],
                    thresholds=ind["thresholds"],
                    threshold_texts=ind["texts"],
                    note=ind["note"],
                    position=position,
                )
            )
        Indicator.objects.bulk_create(rows)
    return cs, True


# -- files ---------------------------------------------------------------------------------------
def _status_comment(text: str) -> str:
    """The "STATUS: …" paragraph at the top of a shared YAML file (kept as the data status)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").rstrip())
    body = " ".join(filter(None, lines))
    idx = body.find("STATUS:")
    return body[idx : idx + 600] if idx >= 0 else ""


def read_yaml(text: str, meta: dict | None = None) -> tuple[dict, list[dict]]:
    try:
        raw = safeparse.yaml_load(text)
    except yaml.YAMLError as exc:
        return {}, [{"where": "YAML", "message": _("Tệp YAML không đọc được: %(e)s") % {"e": exc}}]
    if isinstance(raw, dict) and not raw.get("status_note"):
        raw["_status"] = _status_comment(text)
    spec, problems = normalize(raw, meta, strict=False)
    return spec, problems + (validate(spec) if not problems else [])


def load_builtin(
    *,
    demo: bool = False,
    demo_province: str | None = None,
    actor=None,
    data_dir: Path | None = None,
) -> list[tuple[CriteriaSet, bool]]:
    """Load every set of data/ntm/MANIFEST.yaml (and the synthetic demo sets when `demo`;
    provincial demo sets are issued by `demo_province` when given)."""
    base = Path(data_dir or DATA_DIR)
    manifest = yaml.safe_load((base / "MANIFEST.yaml").read_text(encoding="utf-8"))
    entries = list(manifest.get("sets", []))
    if demo:
        entries += [{**e, "_demo": True} for e in manifest.get("demo_sets", [])]
    out = []
    for entry in entries:
        meta = {k: v for k, v in entry.items() if k not in ("file", "_demo")}
        if entry.get("_demo") and demo_province and entry.get("provincial"):
            meta["province"] = demo_province
        meta.pop("provincial", None)
        spec, problems = read_yaml((base / entry["file"]).read_text(encoding="utf-8"), meta)
        if problems:
            raise SetDataError([{**p, "where": f"{entry['file']}: {p['where']}"} for p in problems])
        out.append(store(spec, actor=actor, note=f"data/ntm/{entry['file']}"))
    return out


def register_rules() -> None:
    """NTM in the rules pipeline (tamnong.rules): the sets of MANIFEST.yaml, after every migrate."""
    from tamnong.rules import Programme, RuleError, problem, register

    def load(path: Path | None, actor=None) -> tuple[int, int]:
        try:
            stored = load_builtin(
                actor=actor, data_dir=path.parent if path and path.is_file() else path
            )
        except SetDataError as exc:
            raise RuleError(
                [
                    problem(p["message"], file=p["where"].split(":")[0], field=p["where"])
                    for p in exc.problems
                ]
            ) from exc
        created = sum(1 for _cs, new in stored if new)
        return created, len(stored) - created

    def versions() -> list[tuple]:
        return [
            (cs.key, cs.version, cs.checksum, cs.change_note)
            for cs in CriteriaSet.objects.order_by("key", "version")
        ]

    register(Programme("ntm", "Nông thôn mới", load, versions))


# -- Excel template ------------------------------------------------------------------------------
META_FIELDS = [
    ("key", "Mã bộ tiêu chí (chữ thường không dấu, gạch nối)"),
    ("title", "Tên bộ tiêu chí"),
    ("decision", "Văn bản ban hành (số/ký hiệu)"),
    ("kind", "Loại: " + ", ".join(SetKind.values)),
    ("level", "Cấp áp dụng: commune hoặc village"),
    ("province", "Mã tỉnh ban hành (để trống nếu là bộ tiêu chí quốc gia)"),
    ("effective_from", "Hiệu lực từ (YYYY-MM-DD)"),
    ("effective_to", "Hiệu lực đến (YYYY-MM-DD, có thể trống)"),
    ("year_from", "Áp dụng từ năm"),
    ("year_to", "Áp dụng đến năm"),
    ("classification", "Phân loại xã: region (7 vùng), group (3 nhóm) hoặc none"),
    ("special_column", "Cột áp dụng cho xã ĐBKK/ATK (vd. tdmnpb), có thể trống"),
    ("satisfaction_min", "Tỷ lệ hài lòng tối thiểu khi xét công nhận (%), trống nếu chưa có"),
    ("synthetic", "Dữ liệu minh họa? (có/không)"),
    ("based_on", "Mã bộ tiêu chí gốc mà bộ của tỉnh phải chặt hơn, có thể trống"),
    ("status_note", "Tình trạng dữ liệu, nguồn, người nhập"),
]
IND_FIELDS = [
    ("criterion_no", "Tiêu chí số"),
    ("criterion_name", "Tên tiêu chí"),
    ("criterion_group", "Nhóm tiêu chí"),
    ("code", "Mã chỉ tiêu"),
    ("name", "Tên chỉ tiêu"),
    ("unit", "Đơn vị"),
    ("kind", "Kiểu (number/percent/yes_no)"),
    ("operator", "So sánh (>= hoặc <=)"),
    ("source", "Nguồn tự động (vd. poverty.poor_rate)"),
    ("note", "Ghi chú, nguồn trích"),
]
SHEETS = ("Thông tin", "Cột ngưỡng", "Nhóm kết quả", "Chỉ tiêu")


def template_xlsx(cs: CriteriaSet | None = None) -> bytes:
    """The Excel template: one row per indicator, one column per region/group (pre-filled)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    spec = cs.payload if cs else {"columns": [], "criteria": [], "bands": [], "years": [None, None]}
    wb = Workbook()
    info = wb.active
    info.title = SHEETS[0]
    bold = Font(bold=True)
    info.append(["Trường", "Giá trị", "Giải thích"])
    for key, label in META_FIELDS:
        if key == "year_from":
            value = spec["years"][0]
        elif key == "year_to":
            value = spec["years"][1]
        elif key == "synthetic":
            value = "có" if spec.get("synthetic") else "không"
        else:
            value = spec.get(key)
        info.append([key, value, label])
    cols = wb.create_sheet(SHEETS[1])
    cols.append(["code", "name"])
    for col in spec["columns"]:
        cols.append([col["code"], col["name"]])
    bands = wb.create_sheet(SHEETS[2])
    bands.append(["code", "label", "min", "max"])
    for band in spec.get("bands") or []:
        bands.append([band["code"], band["label"], band["min"], band["max"]])
    sheet = wb.create_sheet(SHEETS[3])
    col_codes = [c["code"] for c in spec["columns"]]
    sheet.append([label for _k, label in IND_FIELDS] + [c["name"] for c in spec["columns"]])
    sheet.append([k for k, _label in IND_FIELDS] + col_codes)
    missing = PatternFill("solid", fgColor="FFF2CC")
    for crit in spec["criteria"]:
        inds = crit["indicators"] or [None]
        for ind in inds:
            row = [crit["no"], crit["name"], crit["group"]]
            if ind is None:
                sheet.append(row)
                continue
            op = {"ge": ">=", "le": "<="}.get(ind["operator"], "")
            row += [
                ind["code"],
                ind["name"],
                ind["unit"],
                ind["kind"],
                op,
                ind["source"],
                ind["note"],
            ]
            for col in col_codes:
                value = ind["thresholds"].get(col)
                row.append(_cell_out(value))
            sheet.append(row)
            for k, col in enumerate(col_codes):
                if ind["thresholds"].get(col) is None:
                    sheet.cell(sheet.max_row, len(IND_FIELDS) + 1 + k).fill = missing
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = bold
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_out(value: str | None):
    if value is None:
        return None
    if value in (YES, NO):
        return "có" if value == YES else "không"
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _xlsx_cell(value):
    """A cell as the template's reader takes it: empty is None, a whole number an int."""
    if value == "":
        return None
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def read_xlsx(content: bytes) -> tuple[dict, list[dict]]:
    """Read a filled template; every problem names the sheet, row and column."""
    # through the one tabular layer: a file that is not a workbook, a password-protected one, a zip
    # bomb or an over-long cell is refused in Vietnamese before anything is unpacked; formulas give
    # their saved value, never evaluated
    try:
        names = tabular.open_table(content, name="bo-tieu-chi.xlsx").sheets
        missing_sheets = [s for s in SHEETS if s not in names]
        if missing_sheets:
            return {}, [
                {
                    "where": "tệp",
                    "message": _("Thiếu trang: %(s)s (hãy dùng tệp mẫu).")
                    % {"s": ", ".join(missing_sheets)},
                }
            ]
        sheets = {
            name: [
                [_xlsx_cell(v) for v in row]
                for row in tabular.open_table(content, name="bo-tieu-chi.xlsx", sheet=name)
            ]
            for name in SHEETS
        }
    except tabular.FileRefused as exc:
        return {}, [{"where": "tệp", "message": _("Không đọc được tệp Excel: %(e)s") % {"e": exc}}]
    problems: list[dict] = []
    raw: dict = {}
    for row in sheets[SHEETS[0]][1:]:
        if row and row[0]:
            raw[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    raw["years"] = [raw.pop("year_from", None), raw.pop("year_to", None)]
    syn = raw.get("synthetic")
    raw["synthetic"] = syn is True or tabular.yes_no_word(str(syn or "")) is True
    raw["columns"] = [
        {"code": str(r[0]).strip(), "name": str(r[1] or "").strip()}
        for r in sheets[SHEETS[1]][1:]
        if r and r[0]
    ]
    raw["bands"] = [
        {"code": r[0], "label": r[1], "min": r[2], "max": r[3]}
        for r in sheets[SHEETS[2]][1:]
        if r and r[0]
    ]
    rows = sheets[SHEETS[3]]
    if len(rows) < 2:
        return {}, [{"where": SHEETS[3], "message": _("Thiếu dòng tiêu đề (dòng 2 là mã cột).")}]
    header = [str(h).strip() if h is not None else "" for h in rows[1]]
    fixed = [k for k, _label in IND_FIELDS]
    if header[: len(fixed)] != fixed:
        return {}, [
            {
                "where": f"{SHEETS[3]} dòng 2",
                "message": _("Dòng mã cột phải bắt đầu bằng: %(f)s.") % {"f": ", ".join(fixed)},
            }
        ]
    col_codes = [h for h in header[len(fixed) :] if h]
    known = [c["code"] for c in raw["columns"]]
    for code in col_codes:
        if code not in known:
            problems.append(
                {
                    "where": f"{SHEETS[3]} dòng 2",
                    "message": _("Cột «%(c)s» không có trong trang «Cột ngưỡng».") % {"c": code},
                }
            )
    criteria: dict[int, dict] = {}
    for n, row in enumerate(rows[2:], start=3):
        cells = dict(zip(header, row, strict=False))
        if not any(v not in (None, "") for v in row):
            continue
        try:
            no = int(cells.get("criterion_no"))
        except (TypeError, ValueError):
            problems.append(
                {
                    "where": f"{SHEETS[3]} dòng {n}, cột criterion_no",
                    "message": _("Số tiêu chí phải là số nguyên."),
                }
            )
            continue
        crit = criteria.setdefault(
            no,
            {
                "no": no,
                "name": cells.get("criterion_name"),
                "group": cells.get("criterion_group"),
                "indicators": [],
            },
        )
        if not cells.get("code"):
            continue
        ind = {
            k: cells.get(k) for k in ("code", "name", "unit", "kind", "operator", "source", "note")
        }
        ind["code"] = str(ind["code"]).strip()
        ind["thresholds"] = {c: cells.get(c) for c in col_codes if c in known}
        ind["_row"] = n
        crit["indicators"].append(ind)
    raw["criteria"] = list(criteria.values())
    rownum = {i["code"]: i.pop("_row") for c in raw["criteria"] for i in c["indicators"]}
    spec, found = normalize(raw, strict=True)
    for p in found:
        code = p["where"].removeprefix("chỉ tiêu ").split("/")[0]
        if code in rownum:
            col = p["where"].split("/")[1] if "/" in p["where"] else ""
            p["where"] = f"{SHEETS[3]} dòng {rownum[code]}" + (f", cột {col}" if col else "")
    problems += found
    return spec, problems + (validate(spec) if not problems else [])


# -- uploads with preview ------------------------------------------------------------------------
def stage_upload(actor, filename: str, content: bytes) -> Upload:
    """Read an uploaded file, validate it and prepare the preview; nothing is stored yet."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        spec, problems = read_xlsx(content)
    elif name.endswith((".yaml", ".yml")):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            spec, problems = {}, [{"where": "tệp", "message": _("Tệp YAML phải mã hóa UTF-8.")}]
        else:
            spec, problems = read_yaml(text)
    else:
        spec, problems = (
            {},
            [{"where": "tệp", "message": _("Chỉ nhận tệp .xlsx (theo mẫu) hoặc .yaml.")}],
        )
    if spec and not problems:
        require_set_admin(actor, spec.get("province"))
    base = latest(spec["key"]) if spec.get("key") else None
    return uploads.stage(
        actor,
        "ntm",
        filename,
        content=spec if not problems else None,
        problems=problems,
        changes=changes(spec, base.payload if base else None) if spec and not problems else [],
        key=spec.get("key", ""),
        previous_id=base.pk if base else None,
    )


@transaction.atomic
def apply_upload(actor, upload: Upload) -> CriteriaSet:
    try:
        upload = uploads.claim(upload, "ntm")
    except RuleError:
        raise SetDataError(
            [{"where": "tệp", "message": _("Bản tải lên này không thể áp dụng.")}]
        ) from None
    require_set_admin(actor, upload.content.get("province"))
    cs, _created = store(
        upload.content, actor=actor, note=_("Tải lên: %(f)s") % {"f": upload.file_name}
    )
    uploads.finish(upload, cs.pk)
    return cs


def export_yaml(cs: CriteriaSet) -> str:
    return yaml.safe_dump(cs.payload, allow_unicode=True, sort_keys=False, width=110)
