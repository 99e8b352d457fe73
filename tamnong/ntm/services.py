"""NTM rules: commune profiles, yearly assessments judged against the commune's threshold,
derived indicators, the recognition workflow and targets.

Every function takes the acting user first (views, API and CLI share them); writes check
`Scope.require_edit`, province-level steps check a province role. Input errors raise
`NtmInputError` with every field problem, before anything is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.accounts.models import Role
from tamnong.accounts.scoping import Scope
from tamnong.audit.services import record_transition
from tamnong.decisions.models import Decision
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from . import criteria, sources
from .models import (
    Assessment,
    CommuneProfile,
    CommuneStatus,
    CriteriaSet,
    Dossier,
    Evidence,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Recognition,
    RecognitionKind,
    Reexamination,
    Target,
)

PROVINCE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT})
STATUS_OF_KIND = {
    RecognitionKind.COMMUNE_NTM: CommuneStatus.NTM,
    RecognitionKind.COMMUNE_ADVANCED: CommuneStatus.ADVANCED,
    RecognitionKind.COMMUNE_MODEL: CommuneStatus.MODEL,
    RecognitionKind.COMMUNE_MODERN: CommuneStatus.MODERN,
}
STATUS_RANK = {
    CommuneStatus.NOT_YET: 0,
    CommuneStatus.NTM: 1,
    CommuneStatus.ADVANCED: 2,
    CommuneStatus.MODEL: 3,
    CommuneStatus.MODERN: 3,
}
DOSSIER_KINDS = {
    RecognitionKind.COMMUNE_NTM,
    RecognitionKind.COMMUNE_ADVANCED,
    RecognitionKind.COMMUNE_MODEL,
    RecognitionKind.COMMUNE_MODERN,
    RecognitionKind.VILLAGE_NTM,
    RecognitionKind.VILLAGE_MODEL,
}
HISTORICAL_LEVEL = {
    RecognitionKind.DISTRICT_NTM: Level.DISTRICT,
    RecognitionKind.DISTRICT_ADVANCED: Level.DISTRICT,
    RecognitionKind.TOWN_COMPLETED: Level.DISTRICT,
    RecognitionKind.PROVINCE_COMPLETED: Level.PROVINCE,
}
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
NOT_JUDGED_NO_THRESHOLD = "chưa có ngưỡng"
NOT_JUDGED_NO_VALUE = "chưa có số liệu"


class NtmInputError(ValueError):
    """Bad input: `errors` is a list of {field, message}; nothing was written."""

    def __init__(self, errors: list[dict] | str, field: str = "") -> None:
        if isinstance(errors, str):
            errors = [{"field": field, "message": errors}]
        super().__init__(" ".join(e["message"] for e in errors))
        self.errors = errors


def _require_province_role(actor, division) -> None:
    if not Scope.of(actor).covers(division, PROVINCE_ROLES):
        raise PermissionDenied(_("Bước này do cấp tỉnh (văn phòng điều phối, sở ngành) thực hiện."))


def _valid_in_year(division: Division, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (division.valid_from is None or division.valid_from <= end) and (
        division.valid_to is None or division.valid_to >= start
    )


def _province_of(division: Division) -> Division | None:
    return resolve(division, Level.PROVINCE)


# -- profiles ------------------------------------------------------------------------------------
def column_codes(classification: str, year: int) -> dict[str, str]:
    """Valid region/group codes for a year, from the sets in force (code → name)."""
    out: dict[str, str] = {}
    for cs in criteria.latest_sets().filter(
        classification=classification, year_from__lte=year, year_to__gte=year
    ):
        out.update({c["code"]: c["name"] for c in cs.columns if c["code"] != "chung"})
    return out


@transaction.atomic
def set_profile(
    actor,
    division: Division,
    year: int,
    *,
    classification: str,
    column: str,
    special: bool = False,
    decision: Decision | None = None,
    decision_ref: str = "",
    note: str = "",
) -> CommuneProfile:
    """Record the region (vùng) or group (nhóm) of a commune for a year, with its basis."""
    Scope.of(actor).require_edit(division)
    errors = []
    if division.level != Level.COMMUNE:
        errors.append({"field": "division", "message": _("Chỉ phân loại vùng/nhóm cho cấp xã.")})
    if not _valid_in_year(division, year):
        errors.append(
            {"field": "year", "message": _("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}}
        )
    valid = column_codes(classification, year)
    if classification not in ("region", "group"):
        errors.append(
            {
                "field": "classification",
                "message": _("Phân loại phải là vùng (region) hoặc nhóm (group)."),
            }
        )
    elif column not in valid:
        errors.append(
            {
                "field": "column",
                "message": _("Vùng/nhóm «%(c)s» không có trong bộ tiêu chí năm %(y)s; chọn: %(v)s.")
                % {"c": column, "y": year, "v": ", ".join(valid) or "–"},
            }
        )
    if decision is not None and not Scope.of(actor).covers(decision.division):
        errors.append(
            {"field": "decision", "message": _("Quyết định không thuộc phạm vi của bạn.")}
        )
    if errors:
        raise NtmInputError(errors)
    profile, _created = CommuneProfile.objects.update_or_create(
        division=division,
        year=year,
        classification=classification,
        defaults={
            "column": column,
            "special": special,
            "decision": decision,
            "decision_ref": decision_ref[:200],
            "note": note[:500],
        },
    )
    return profile


def column_for(cs: CriteriaSet, division: Division, year: int) -> str:
    """The threshold column that applies to a commune in a year under a set."""
    if cs.classification == "none":
        return cs.column_codes[0]
    profile = CommuneProfile.objects.filter(
        division=division, year=year, classification=cs.classification
    ).first()
    label = _("vùng") if cs.classification == "region" else _("nhóm xã")
    if profile is None:
        raise NtmInputError(
            _("Chưa có %(l)s của %(d)s năm %(y)s: hãy ghi hồ sơ phân loại trước.")
            % {"l": label, "d": division.name, "y": year},
            "profile",
        )
    if profile.special and cs.special_column:
        return cs.special_column
    if profile.column not in cs.column_codes:
        raise NtmInputError(
            _("Bộ tiêu chí không có cột cho %(l)s «%(c)s».") % {"l": label, "c": profile.column},
            "profile",
        )
    return profile.column


# -- judging -------------------------------------------------------------------------------------
def threshold_of(indicator: Indicator, column: str) -> str | None:
    return indicator.thresholds.get(column)


def judge(indicator: Indicator, value, threshold: str | None) -> tuple[bool | None, str]:
    """Met / not met / not judgeable (None, with the reason)."""
    if (
        threshold is None
        or not indicator.kind
        or (indicator.kind != IndicatorKind.YES_NO and not indicator.operator)
    ):
        return None, NOT_JUDGED_NO_THRESHOLD
    if value is None:
        return None, NOT_JUDGED_NO_VALUE
    if indicator.kind == IndicatorKind.YES_NO:
        return bool(value) == (threshold == criteria.YES), ""
    number, limit = Decimal(value), Decimal(threshold)
    return (number >= limit if indicator.operator == "ge" else number <= limit), ""


def recompute(assessment: Assessment) -> Assessment:
    """Judge every value, then refresh the summary row (criteria met, band, missing, status)."""
    cs = assessment.criteria_set
    values = list(
        assessment.values.select_related("indicator__criterion").order_by("indicator__position")
    )
    by_criterion: dict[int, list[bool | None]] = {c.number: [] for c in cs.criteria.all()}
    for iv in values:
        threshold = threshold_of(iv.indicator, assessment.column)
        iv.met, iv.met_note = judge(iv.indicator, iv.effective, threshold)
        iv.threshold = threshold or ""
        by_criterion[iv.indicator.criterion.number].append(iv.met)
    IndicatorValue.objects.bulk_update(values, ["met", "met_note", "threshold"])
    met = sorted(n for n, results in by_criterion.items() if results and all(results))
    unjudged = sum(1 for results in by_criterion.values() if not results or None in results)
    assessment.criteria_total = len(by_criterion)
    assessment.criteria_met = len(met)
    assessment.unjudged = unjudged
    assessment.missing = sorted(set(by_criterion) - set(met))
    assessment.meets = bool(by_criterion) and not assessment.missing
    assessment.band = cs.band_for(assessment.criteria_met)
    assessment.status = status_of(assessment.division, assessment.year)
    assessment.save()
    return assessment


# -- assessments ---------------------------------------------------------------------------------
def applicable_sets(division: Division, year: int) -> list[CriteriaSet]:
    level = "village" if division.level == Level.VILLAGE else "commune"
    province = _province_of(division)
    out = []
    for cs in criteria.latest_sets().filter(level=level, year_from__lte=year, year_to__gte=year):
        if cs.province_id is None or (province is not None and cs.province_id == province.pk):
            out.append(cs)
    return out


@transaction.atomic
def start_assessment(
    actor, division: Division, year: int, set_key: str, reference_date: dt.date | None = None
) -> Assessment:
    """Open the yearly assessment of a commune (or village) against the newest version of a set."""
    Scope.of(actor).require_edit(division)
    cs = criteria.latest(set_key)
    if cs is None:
        raise NtmInputError(_("Không có bộ tiêu chí «%(k)s».") % {"k": set_key}, "set_key")
    level = "village" if division.level == Level.VILLAGE else "commune"
    errors = []
    if division.level not in (Level.COMMUNE, Level.VILLAGE):
        errors.append({"field": "division", "message": _("Chỉ đánh giá cấp xã hoặc thôn.")})
    elif cs.level != level:
        errors.append(
            {
                "field": "set_key",
                "message": _("Bộ tiêu chí này không áp dụng cho cấp đơn vị đã chọn."),
            }
        )
    if not cs.year_from <= year <= cs.year_to:
        errors.append(
            {
                "field": "year",
                "message": _("Bộ tiêu chí áp dụng cho %(a)s–%(b)s, không áp dụng cho năm %(y)s.")
                % {"a": cs.year_from, "b": cs.year_to, "y": year},
            }
        )
    if not _valid_in_year(division, year):
        errors.append(
            {"field": "year", "message": _("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}}
        )
    if cs.province_id and (_province_of(division) or division).pk != cs.province_id:
        errors.append({"field": "set_key", "message": _("Bộ tiêu chí của tỉnh khác.")})
    if not cs.indicators.exists():
        errors.append(
            {
                "field": "set_key",
                "message": _(
                    "Bộ tiêu chí chưa có chỉ tiêu và ngưỡng: cần nạp phụ lục trước khi đánh giá."
                ),
            }
        )
    if Assessment.objects.filter(division=division, year=year, set_key=cs.key).exists():
        errors.append(
            {"field": "year", "message": _("Đơn vị đã có đánh giá năm này theo bộ tiêu chí này.")}
        )
    if errors:
        raise NtmInputError(errors)
    column = column_for(cs, division, year)
    assessment = Assessment.objects.create(
        division=division,
        commune=resolve(division),
        year=year,
        criteria_set=cs,
        set_key=cs.key,
        column=column,
        reference_date=reference_date or dt.date(year, 12, 31),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(assessment=assessment, indicator=ind) for ind in cs.indicators.all()]
    )
    refresh_derived(assessment, save=False)
    return recompute(assessment)


def parse_value(indicator: Indicator, raw, unit: str | None = None):
    """Check a value against the indicator's kind and unit; returns Decimal or bool."""
    if unit not in (None, "") and unit.strip() != indicator.unit:
        raise NtmInputError(
            _("Sai đơn vị: chỉ tiêu %(c)s tính bằng «%(u)s», không phải «%(g)s».")
            % {"c": indicator.code, "u": indicator.unit or _("không đơn vị"), "g": unit},
            indicator.code,
        )
    if raw is None or raw == "":
        return None
    if indicator.kind == IndicatorKind.YES_NO:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in {"có", "đạt", "yes", "true", "1"}:
            return True
        if word in {"không", "không đạt", "no", "false", "0"}:
            return False
        raise NtmInputError(
            _("Chỉ tiêu %(c)s chỉ nhận «có» hoặc «không».") % {"c": indicator.code}, indicator.code
        )
    if isinstance(raw, bool):
        raise NtmInputError(
            _("Chỉ tiêu %(c)s phải nhập số.") % {"c": indicator.code}, indicator.code
        )
    text = str(raw).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NtmInputError(
            _("Chỉ tiêu %(c)s phải nhập số (nhận «%(v)s»).") % {"c": indicator.code, "v": raw},
            indicator.code,
        ) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise NtmInputError(
            _("Chỉ tiêu %(c)s: số không hợp lệ.") % {"c": indicator.code}, indicator.code
        )
    if indicator.kind == IndicatorKind.PERCENT and number > 100:
        raise NtmInputError(
            _("Chỉ tiêu %(c)s là tỷ lệ phần trăm: phải từ 0 đến 100.") % {"c": indicator.code},
            indicator.code,
        )
    return number.quantize(Decimal("0.0001"))


@transaction.atomic
def enter_values(actor, assessment: Assessment, items: list[dict]) -> Assessment:
    """Enter indicator values: items of {code, value, unit?}. All are checked before any write."""
    Scope.of(actor).require_edit(assessment.division)
    values = {iv.indicator.code: iv for iv in assessment.values.select_related("indicator")}
    errors, parsed = [], []
    for item in items:
        code = str(item.get("code", ""))
        iv = values.get(code)
        if iv is None:
            errors.append(
                {
                    "field": code,
                    "message": _("Không có chỉ tiêu «%(c)s» trong bộ tiêu chí.") % {"c": code},
                }
            )
            continue
        if iv.is_derived:
            errors.append(
                {
                    "field": code,
                    "message": _("Chỉ tiêu %(c)s lấy tự động; muốn nhập thay phải nêu lý do.")
                    % {"c": code},
                }
            )
            continue
        try:
            parsed.append((iv, parse_value(iv.indicator, item.get("value"), item.get("unit"))))
        except NtmInputError as exc:
            errors += exc.errors
    if errors:
        raise NtmInputError(errors)
    for iv, value in parsed:
        _set_value(iv, value, actor)
        iv.save()
    return recompute(assessment)


def _set_value(iv: IndicatorValue, value, actor) -> None:
    if iv.indicator.kind == IndicatorKind.YES_NO:
        iv.value_bool, iv.value = value, None
    else:
        iv.value = value
    iv.entered_by = actor if getattr(actor, "pk", None) else None


@transaction.atomic
def override_value(
    actor, assessment: Assessment, code: str, value, reason: str, unit=None
) -> IndicatorValue:
    """Replace a derived value by an entered one; the reason is required and audited."""
    Scope.of(actor).require_edit(assessment.division)
    iv = assessment.values.select_related("indicator").filter(indicator__code=code).first()
    if iv is None:
        raise NtmInputError(_("Không có chỉ tiêu «%(c)s».") % {"c": code}, "code")
    if not iv.indicator.source:
        raise NtmInputError(
            _("Chỉ tiêu %(c)s không lấy tự động; hãy nhập trực tiếp.") % {"c": code}, "code"
        )
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise NtmInputError(_("Phải nêu lý do nhập thay số liệu tự động."), "reason")
    parsed = parse_value(iv.indicator, value, unit)
    if parsed is None:
        raise NtmInputError(_("Phải nhập giá trị thay thế."), "value")
    before = "derived" if not iv.override_reason else "override"
    _set_value(iv, parsed, actor)
    iv.override_reason = reason[:500]
    iv.save()
    record_transition(iv, before, "override", note=reason)
    recompute(assessment)
    return iv


@transaction.atomic
def clear_override(actor, assessment: Assessment, code: str) -> IndicatorValue:
    Scope.of(actor).require_edit(assessment.division)
    iv = assessment.values.select_related("indicator").get(indicator__code=code)
    if iv.override_reason:
        iv.override_reason, iv.value = "", None
        iv.save()
        record_transition(iv, "override", "derived", note=_("Dùng lại số liệu tự động"))
        recompute(assessment)
    return iv


def refresh_derived(assessment: Assessment, *, save: bool = True) -> int:
    """Fetch every derived value again; returns how many changed."""
    changed = []
    for iv in assessment.values.select_related("indicator").exclude(indicator__source=""):
        got = sources.fetch(
            iv.indicator.source, assessment.division, assessment.year, assessment.reference_date
        )
        if (iv.derived_value, iv.derived_state, iv.derived_note) != (
            got.value,
            got.state,
            got.note,
        ):
            iv.derived_value, iv.derived_state, iv.derived_note = got.value, got.state, got.note
            iv.derived_at = timezone.now()
            changed.append(iv)
    IndicatorValue.objects.bulk_update(
        changed, ["derived_value", "derived_state", "derived_note", "derived_at"]
    )
    if save and changed:
        recompute(assessment)
    return len(changed)


def on_figures_changed(source: str, division: Division, year: int) -> int:
    """A poverty record or an OCOP certificate changed: refresh the assessments it feeds.

    OCOP certificates stay valid for years after issue, so an OCOP change refreshes the
    assessments of that year and later ones.
    """
    qs = Assessment.objects.filter(
        division__path__startswith=division.path,
        criteria_set__indicators__source__startswith=f"{source}.",
    )
    qs = qs.filter(year__gte=year) if source == "ocop" else qs.filter(year=year)
    n = 0
    with transaction.atomic():
        for assessment in qs.distinct().select_related("division", "criteria_set"):
            n += refresh_derived(assessment)
    return n


@transaction.atomic
def add_evidence(
    actor, assessment: Assessment, code: str, upload, description: str = ""
) -> Evidence:
    Scope.of(actor).require_edit(assessment.division)
    iv = assessment.values.filter(indicator__code=code).first()
    if iv is None:
        raise NtmInputError(_("Không có chỉ tiêu «%(c)s».") % {"c": code}, "code")
    if upload is None:
        raise NtmInputError(_("Chưa chọn tệp minh chứng."), "file")
    if not upload.name.lower().endswith(EVIDENCE_EXTENSIONS):
        raise NtmInputError(
            _("Tệp minh chứng phải là: %(e)s.") % {"e": ", ".join(EVIDENCE_EXTENSIONS)}, "file"
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise NtmInputError(_("Tệp minh chứng tối đa 10 MB."), "file")
    return Evidence.objects.create(
        value=iv, file=upload, description=description[:300], uploaded_by=actor
    )


# -- recognition ---------------------------------------------------------------------------------
def status_of(division: Division, year: int) -> str:
    """The highest recognition of a commune in force at the end of a year."""
    best = CommuneStatus.NOT_YET
    for kind, revoked_year in Recognition.objects.filter(
        division=division, year__lte=year, kind__in=list(STATUS_OF_KIND)
    ).values_list("kind", "revoked_year"):
        if revoked_year is not None and revoked_year <= year:
            continue
        status = STATUS_OF_KIND[kind]
        if STATUS_RANK[status] > STATUS_RANK[best]:
            best = status
    return best


def refresh_status(division: Division) -> None:
    for assessment in Assessment.objects.filter(division=division):
        status = status_of(division, assessment.year)
        if assessment.status != status:
            assessment.status = status
            assessment.save(update_fields=["status"])


SET_KIND_FOR = {k: k for k in DOSSIER_KINDS}  # a dossier kind is judged by the set of that kind


@transaction.atomic
def open_dossier(actor, assessment: Assessment, kind: str, on: dt.date | None = None) -> Dossier:
    """Step 1: the commune's self-assessment, based on an assessment that meets the set."""
    Scope.of(actor).require_edit(assessment.division)
    if kind not in DOSSIER_KINDS:
        raise NtmInputError(_("Loại công nhận không hợp lệ."), "kind")
    if assessment.criteria_set.kind != SET_KIND_FOR[kind]:
        raise NtmInputError(
            _("Đánh giá này không theo bộ tiêu chí của loại công nhận đã chọn."), "kind"
        )
    recompute(assessment)
    _require_meets(assessment)
    if (
        Dossier.objects.filter(division=assessment.division, year=assessment.year, kind=kind)
        .exclude(state=Dossier.State.REJECTED)
        .exists()
    ):
        raise NtmInputError(_("Đã có hồ sơ xét công nhận cho đơn vị, năm và loại này."), "kind")
    dossier = Dossier.objects.create(
        division=assessment.division,
        kind=kind,
        year=assessment.year,
        assessment=assessment,
        self_assessed_on=on or timezone.localdate(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_transition(dossier, "", Dossier.State.SELF_ASSESSMENT)
    return dossier


def _require_meets(assessment: Assessment) -> None:
    if not assessment.meets:
        names = dict(assessment.criteria_set.criteria.values_list("number", "name"))
        missing = ", ".join(f"{n}. {names.get(n, '')}" for n in assessment.missing)
        raise NtmInputError(
            _("%(d)s chưa đạt đủ bộ tiêu chí (%(m)s/%(t)s tiêu chí); còn thiếu: %(x)s.")
            % {
                "d": assessment.division.name,
                "m": assessment.criteria_met,
                "t": assessment.criteria_total,
                "x": missing,
            },
            "assessment",
        )


def _step(dossier: Dossier, expected: str) -> None:
    if dossier.state != expected:
        raise NtmInputError(
            _("Hồ sơ đang ở bước «%(s)s», không thực hiện được bước này.")
            % {"s": dossier.get_state_display()},
            "state",
        )


@transaction.atomic
def record_consultation(actor, dossier: Dossier, on: dt.date, satisfaction_pct) -> Dossier:
    """Step 2: public consultation, with the residents' satisfaction rate."""
    Scope.of(actor).require_edit(dossier.division)
    _step(dossier, Dossier.State.SELF_ASSESSMENT)
    try:
        pct = Decimal(str(satisfaction_pct))
        if not 0 <= pct <= 100:
            raise InvalidOperation
    except InvalidOperation:
        raise NtmInputError(_("Tỷ lệ hài lòng phải từ 0 đến 100."), "satisfaction_pct") from None
    if on < dossier.self_assessed_on:
        raise NtmInputError(_("Ngày lấy ý kiến không được trước ngày tự đánh giá."), "on")
    minimum = dossier.assessment.criteria_set.satisfaction_min
    dossier.consultation_on, dossier.satisfaction_pct = on, pct
    dossier.satisfaction_ok = None if minimum is None else pct >= minimum
    dossier.state = Dossier.State.CONSULTATION
    dossier.save()
    record_transition(
        dossier, Dossier.State.SELF_ASSESSMENT, Dossier.State.CONSULTATION, note=f"{pct}%"
    )
    return dossier


@transaction.atomic
def record_appraisal(actor, dossier: Dossier, on: dt.date, passed: bool, note: str = "") -> Dossier:
    """Step 3: provincial appraisal (thẩm định)."""
    _require_province_role(actor, dossier.division)
    _step(dossier, Dossier.State.CONSULTATION)
    if on < (dossier.consultation_on or on):
        raise NtmInputError(_("Ngày thẩm định không được trước ngày lấy ý kiến."), "on")
    if passed and dossier.satisfaction_ok is False:
        raise NtmInputError(
            _("Tỷ lệ hài lòng chưa đạt mức tối thiểu: không thể thẩm định đạt."), "passed"
        )
    dossier.appraisal_on, dossier.appraisal_passed, dossier.appraisal_note = on, passed, note[:500]
    new_state = Dossier.State.APPRAISAL if passed else Dossier.State.REJECTED
    dossier.state = new_state
    dossier.save()
    record_transition(dossier, Dossier.State.CONSULTATION, new_state, note=note)
    return dossier


def _new_decision(actor, division, *, number, signed_on, issuer, signer, subject, kind) -> Decision:
    errors = []
    if not (number or "").strip():
        errors.append({"field": "number", "message": _("Thiếu số quyết định.")})
    if not (issuer or "").strip():
        errors.append({"field": "issuer", "message": _("Thiếu cơ quan ban hành.")})
    if signed_on is None:
        errors.append({"field": "signed_on", "message": _("Thiếu ngày ký.")})
    elif Decision.objects.filter(issuer=issuer, number=number, signed_on=signed_on).exists():
        errors.append({"field": "number", "message": _("Quyết định số này đã có trong hệ thống.")})
    if errors:
        raise NtmInputError(errors)
    return Decision.objects.create(
        number=number.strip(),
        signed_on=signed_on,
        effective_on=signed_on,
        issuer=issuer.strip(),
        signer=signer or "",
        subject=subject[:500],
        kind=kind,
        division=division,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def decide(
    actor, dossier: Dossier, *, number: str, signed_on: dt.date, issuer: str, signer: str = ""
) -> Recognition:
    """Step 4: the recognition decision. Refused when the assessment does not meet the set."""
    _require_province_role(actor, dossier.division)
    _step(dossier, Dossier.State.APPRAISAL)
    assessment = recompute(dossier.assessment)
    _require_meets(assessment)
    decision = _new_decision(
        actor,
        dossier.division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=_("Công nhận %(k)s: %(d)s năm %(y)s")
        % {"k": dossier.get_kind_display(), "d": dossier.division.name, "y": dossier.year},
        kind="ntm_recognition",
    )
    recognition = Recognition.objects.create(
        division=dossier.division,
        kind=dossier.kind,
        year=dossier.year,
        decision=decision,
        assessment=assessment,
    )
    dossier.state, dossier.decided_on, dossier.recognition = (
        Dossier.State.DECIDED,
        signed_on,
        recognition,
    )
    dossier.save()
    record_transition(dossier, Dossier.State.APPRAISAL, Dossier.State.DECIDED, note=str(decision))
    refresh_status(dossier.division)
    return recognition


@transaction.atomic
def record_historical(
    actor,
    division: Division,
    kind: str,
    year: int,
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    signer: str = "",
) -> Recognition:
    """A district or province recognition from the records (huyện NTM, tỉnh hoàn thành nhiệm vụ…)."""
    _require_province_role(actor, division)
    level = HISTORICAL_LEVEL.get(kind)
    if level is None:
        raise NtmInputError(_("Xã và thôn được công nhận qua hồ sơ xét công nhận."), "kind")
    if division.level != level:
        raise NtmInputError(_("Loại công nhận không đúng cấp đơn vị."), "division")
    if not _valid_in_year(division, year):
        raise NtmInputError(_("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}, "year")
    decision = _new_decision(
        actor,
        division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=f"{RecognitionKind(kind).label}: {division.name}",
        kind="ntm_recognition",
    )
    rec = Recognition.objects.create(
        division=division, kind=kind, year=year, decision=decision, historical=True
    )
    record_transition(rec, "", Recognition.State.ACTIVE, note=str(decision))
    return rec


@transaction.atomic
def reexamine(
    actor, recognition: Recognition, year: int, on: dt.date | None = None
) -> Reexamination:
    """Yearly re-examination: does the unit still meet the set it was recognised by?"""
    _require_province_role(actor, recognition.division)
    if recognition.state != Recognition.State.ACTIVE:
        raise NtmInputError(_("Công nhận đã bị thu hồi."), "recognition")
    assessment = (
        Assessment.objects.filter(
            division=recognition.division, year=year, criteria_set__kind=recognition.kind
        )
        .select_related("criteria_set")
        .first()
    )
    if assessment is None:
        raise NtmInputError(_("Chưa có đánh giá năm %(y)s để rà soát.") % {"y": year}, "year")
    recompute(assessment)
    result = Reexamination.objects.create(
        recognition=recognition,
        year=year,
        assessment=assessment,
        still_meets=assessment.meets,
        criteria_missing=assessment.missing,
        examined_on=on or timezone.localdate(),
        note="" if assessment.meets else _("Không còn đạt chuẩn: xem xét thu hồi."),
    )
    record_transition(
        recognition, "active", "still_meets" if assessment.meets else "no_longer_meets"
    )
    return result


@transaction.atomic
def revoke(
    actor,
    recognition: Recognition,
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    reason: str,
    signer: str = "",
) -> Recognition:
    """Revocation (thu hồi) by decision when the unit no longer meets the standard."""
    _require_province_role(actor, recognition.division)
    if recognition.state != Recognition.State.ACTIVE:
        raise NtmInputError(_("Công nhận đã bị thu hồi."), "recognition")
    if not (reason or "").strip():
        raise NtmInputError(_("Phải nêu lý do thu hồi."), "reason")
    decision = _new_decision(
        actor,
        recognition.division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=_("Thu hồi %(r)s") % {"r": recognition},
        kind="ntm_revocation",
    )
    recognition.state = Recognition.State.REVOKED
    recognition.revocation, recognition.revoked_year = decision, signed_on.year
    recognition.revoke_reason = reason[:500]
    recognition.save()
    record_transition(recognition, Recognition.State.ACTIVE, Recognition.State.REVOKED, note=reason)
    refresh_status(recognition.division)
    return recognition


# -- targets -------------------------------------------------------------------------------------
@transaction.atomic
def set_target(actor, division: Division, year: int, metric: str, value, note: str = "") -> Target:
    _require_province_role(actor, division)
    from .models import TargetMetric

    if metric not in TargetMetric.values:
        raise NtmInputError(_("Chỉ tiêu kế hoạch không hợp lệ."), "metric")
    try:
        number = Decimal(str(value))
        if number < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise NtmInputError(_("Giá trị kế hoạch phải là số không âm."), "value") from None
    target, _created = Target.objects.update_or_create(
        division=division, year=year, metric=metric, defaults={"value": number, "note": note[:300]}
    )
    return target
