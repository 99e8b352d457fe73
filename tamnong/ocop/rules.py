"""Loading the OCOP rules: regimes (data/ocop/regimes.yaml) and criteria-set versions
(data/ocop/148/*.yaml, or an administrator's YAML/Excel upload).

Loading is idempotent: a file whose content equals the newest version of its set changes nothing;
a changed file becomes a new version and the previous version is marked superseded (it stays, with
the evaluations that pinned it).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.core import safeparse
from tamnong.rules import Programme, RuleError, checksum, may_load, problem, register, uploads
from tamnong.rules.models import Upload

from . import criteria as crit
from .models import CriteriaSet, Regime

DATA_DIR = Path(settings.BASE_DIR) / "data" / "ocop"
# The bundled criteria sets, one folder per decision, oldest first: a newer decision's set ends the
# older one's the day before it takes effect (`install`).
BUNDLED_FOLDERS = (DATA_DIR / "148", DATA_DIR / "26-2026")
BUNDLED_SETS = BUNDLED_FOLDERS[0]
SET_FILES = "[0-9][0-9]-*.yaml"
REGIMES_FILE = DATA_DIR / "regimes.yaml"
MAX_UPLOAD = 2 * 1024 * 1024


def _yaml(text: str | bytes):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _includes(data: dict) -> list[Path]:
    return [DATA_DIR / r["include"] for r in data.get("regimes", []) if "include" in r]


@lru_cache(maxsize=4)
def _rules_file(path: Path, mtimes: tuple) -> dict:
    data = _yaml(path.read_text(encoding="utf-8"))
    # `- include: 26-2026/regime.yaml`: a regime kept beside its decision's sets (one file).
    data["regimes"] = [
        _yaml((DATA_DIR / r["include"]).read_text(encoding="utf-8")) if "include" in r else r
        for r in data.get("regimes", [])
    ]
    return data


def rules_data() -> dict:
    raw = _yaml(REGIMES_FILE.read_text(encoding="utf-8"))
    mtimes = tuple(p.stat().st_mtime for p in [REGIMES_FILE, *_includes(raw)])
    return _rules_file(REGIMES_FILE, mtimes)


def decisions() -> dict[str, dict]:
    """Decision code → its entry, with the `certified_stars` of the regime it names."""
    data = rules_data()
    regimes = {r["key"]: r for r in data["regimes"]}
    return {
        d["code"]: {**d, "certified_stars": list(regimes[d["regime"]]["certified_stars"])}
        for d in data.get("decisions", [])
    }


def producer_type_targets() -> dict[str, float]:
    return dict(rules_data().get("producer_type_targets") or {})


def load_regimes() -> int:
    """Create the regimes of regimes.yaml; returns how many were created or changed.

    A regime is not changed in place (evaluations and certificates keep the regime they were
    judged by): a changed name, start or rule under a known key is refused; a new regime gets a
    new key. Only the end of its effective period (`valid_to`) may be set or moved, as when a
    later decision takes over."""
    changed = 0
    for spec in rules_data()["regimes"]:
        rules = {
            k: v for k, v in spec.items() if k not in {"key", "name", "valid_from", "valid_to"}
        }
        rules["star_bands"] = sorted(rules["star_bands"], key=lambda b: -b["min"])
        rules["recognised_by"] = {str(k): v for k, v in rules.get("recognised_by", {}).items()}
        check_regime(spec)
        digest = checksum(spec)
        values = {
            "name": spec["name"],
            "valid_from": dt.date.fromisoformat(str(spec["valid_from"])),
            "valid_to": dt.date.fromisoformat(str(spec["valid_to"]))
            if spec.get("valid_to")
            else None,
            "rules": rules,
        }
        regime = Regime.objects.filter(key=spec["key"]).first()
        if regime is None:
            Regime.objects.create(key=spec["key"], checksum=digest, **values)
            changed += 1
            continue
        if regime.checksum == digest:
            continue
        same = checksum([regime.name, regime.valid_from, regime.rules]) == checksum(
            [values["name"], values["valid_from"], values["rules"]]
        )
        if not same:
            raise RuleError(
                [
                    problem(
                        _(
                            "Chế độ đánh giá %(key)s đã được nạp với nội dung khác; các hồ sơ đã "
                            "đánh giá giữ chế độ này. Hãy khai báo chế độ mới với mã mới."
                        )
                        % {"key": spec["key"]},
                        file="data/ocop/regimes.yaml",
                        field=f"{spec['key']}",
                    )
                ]
            )
        changed += int(regime.valid_to != values["valid_to"])
        Regime.objects.filter(pk=regime.pk).update(valid_to=values["valid_to"], checksum=digest)
    return changed


def parse_file(name: str, data: bytes) -> dict:
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        try:
            return safeparse.yaml_load(data.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise crit.CriteriaError(
                [_("Tệp YAML không đọc được: %(exc)s") % {"exc": exc}]
            ) from exc
    if lower.endswith(".xlsx"):
        return crit.parse_xlsx(data)
    raise crit.CriteriaError([_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx.")])


def _latest(decision: str, set_no: int) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(decision=decision, set_no=set_no).order_by("-version").first()


@transaction.atomic
def install(checked: crit.Checked, *, user=None, source_name: str = "") -> tuple[CriteriaSet, bool]:
    """Store a validated set as a new version (or return the identical newest one)."""
    if not checked.ok:
        raise crit.CriteriaError(checked.errors)
    content = checked.content
    digest = checksum(crit.identity(content))
    previous = _latest(content["decision"], content["set_no"])
    if previous is not None and previous.checksum == digest:
        return previous, False
    spec = decisions()[content["decision"]]
    effective_from = dt.date.fromisoformat(content["decision_date"] or spec["date"])
    if previous is not None:
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    new = CriteriaSet.objects.create(
        decision=content["decision"],
        set_no=content["set_no"],
        version=(previous.version + 1) if previous else 1,
        product_group=content["product_group"],
        product_subgroup=content["product_subgroup"],
        product_set=content["product_set"],
        effective_from=effective_from,
        confidence=content["confidence"],
        complete=checked.complete,
        defects=checked.warnings + [f"Nguồn: {i}" for i in content["issues"]],
        gaps=checked.gaps,
        content=content,
        checksum=digest,
        source_name=source_name[:255],
        loaded_by=user if getattr(user, "pk", None) else None,
    )
    # A newer decision's set ends the older decisions' sets for the same product set.
    CriteriaSet.objects.filter(
        set_no=new.set_no, effective_from__lt=effective_from, effective_to__isnull=True
    ).exclude(decision=new.decision).update(effective_to=effective_from - dt.timedelta(days=1))
    record(
        AuditEvent.Action.IMPORT,
        new,
        after={"decision": new.decision, "set_no": new.set_no, "version": new.version},
        note=f"Nạp bộ tiêu chí từ {source_name}"[:500],
        user=user,
    )
    return new, True


REQUIRED_REGIME_KEYS = (
    "star_bands",
    "certified_stars",
    "certificate_months",
    "notice_days",
    "minimum_rule",
    "steps",
)


def check_regime(spec: dict) -> None:
    """A regime must say every rule the code reads: no key falls back to an older decree."""
    missing = [k for k in REQUIRED_REGIME_KEYS if spec.get(k) in (None, "", [])]
    if missing:
        raise RuleError(
            [
                problem(
                    _("Chế độ đánh giá thiếu trường bắt buộc."),
                    file="data/ocop/regimes.yaml",
                    field=f"{spec.get('key', '?')}.{k}",
                )
                for k in missing
            ]
        )
    bands = {int(b["stars"]) for b in spec["star_bands"]}
    if not {int(s) for s in spec["certified_stars"]} <= bands:
        raise RuleError(
            [
                problem(
                    _("Hạng sao được cấp giấy chứng nhận phải nằm trong các bậc sao."),
                    file="data/ocop/regimes.yaml",
                    field=f"{spec.get('key', '?')}.certified_stars",
                )
            ]
        )


def load_bundled(directory: Path | None = None) -> dict:
    """Load regimes and every bundled set whose (decision, set_no) has no version yet.

    A set an administrator has replaced is not overwritten by the bundled file."""
    load_regimes()
    created = skipped = 0
    known = decisions()
    folders = [Path(directory)] if directory else list(BUNDLED_FOLDERS)
    for folder in folders:
        # The set files only: a decision's regime (26-2026/regime.yaml) lives beside its sets.
        for path in sorted(folder.glob(SET_FILES)):
            raw = _yaml(path.read_text(encoding="utf-8"))
            if _latest(str(raw.get("decision")), int(raw.get("set_no") or 0)) is not None:
                skipped += 1
                continue
            checked = crit.normalise(raw, known)
            install(checked, source_name=f"{_shown(folder)}/{path.name}")
            created += 1
    return {"created": created, "skipped": skipped}


def _require_admin(user) -> None:
    if not may_load(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được nạp bộ tiêu chí."))


def preview_upload(user, name: str, data: bytes) -> Upload:
    """Validate an uploaded set and record what loading it would change (nothing is applied)."""
    _require_admin(user)
    content, problems, warnings, changes, previous = None, [], [], [], None
    if len(data) > MAX_UPLOAD:
        problems = [f"Tệp quá lớn (tối đa {MAX_UPLOAD // 1024 // 1024} MB)."]
    else:
        try:
            checked = crit.normalise(parse_file(name, data), decisions())
        except crit.CriteriaError as exc:
            problems = exc.errors
        else:
            content, problems, warnings = checked.content, checked.errors, checked.warnings
            if checked.ok:
                previous = _latest(checked.content["decision"], checked.content["set_no"])
                changes = crit.diff(previous.content if previous else None, checked.content)
    return uploads.stage(
        user,
        "ocop",
        name,
        content=content,
        problems=problems,
        warnings=warnings,
        changes=changes,
        key=f"{content['decision']}#{content['set_no']}" if content else "",
        previous_id=previous.pk if previous else None,
    )


@transaction.atomic
def apply_upload(user, upload: Upload) -> CriteriaSet:
    _require_admin(user)
    try:
        upload = uploads.claim(upload, "ocop")
    except RuleError as exc:
        raise crit.CriteriaError([p["message"] for p in exc.problems]) from None
    checked = crit.normalise(upload.content, decisions())
    new, _created = install(checked, user=user, source_name=upload.file_name)
    uploads.finish(upload, new.pk)
    return new


def _shown(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return folder.name


# -- the rules pipeline (tamnong.rules) ----------------------------------------------------------
def _pipeline_load(path: Path | None, actor=None) -> tuple[int, int]:
    """OCOP in the pipeline: regimes, then the bundled sets, or the sets of one folder or file
    (e.g. data/ocop/26-2026, loaded as further versions beside the 148 sets)."""
    if path is not None and path.is_file():
        try:
            content = parse_file(path.name, path.read_bytes())
        except crit.CriteriaError as exc:
            raise RuleError([problem(e, file=path.name) for e in exc.errors]) from None
        checked = crit.normalise(content, decisions())
        if not checked.ok:
            raise RuleError([problem(e, file=path.name) for e in checked.errors])
        _set, created = install(checked, user=actor, source_name=path.name)
        return int(created), int(not created)
    try:
        report = load_bundled(path)
    except crit.CriteriaError as exc:
        raise RuleError([problem(e, file=str(path or DATA_DIR)) for e in exc.errors]) from exc
    return report["created"], report["skipped"]


def _pipeline_versions() -> list[tuple]:
    rows = [
        (f"chế độ {r.key}", 1, r.checksum, "data/ocop/regimes.yaml") for r in Regime.objects.all()
    ]
    rows += [
        (f"{cs.decision} bộ {cs.set_no}", cs.version, cs.checksum, cs.source_name)
        for cs in CriteriaSet.objects.order_by("decision", "set_no", "version")
    ]
    return rows


register(Programme("ocop", "OCOP", _pipeline_load, _pipeline_versions))
