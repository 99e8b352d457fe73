"""NTM yearly assessments (đánh giá hằng năm): values entered, derived from other programmes,
overridden, evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.services import record_transition
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve, within_q
from tamnong.tabular import cells

from .. import criteria, sources
from ..models import (
    Assessment,
    CriteriaSet,
    Evidence,
    Indicator,
    IndicatorKind,
    IndicatorValue,
)
from ._base import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    NtmInputError,
    _province_of,
    _valid_in_year,
)
from .judging import recompute
from .profiles import column_for


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
        # the one yes/no vocabulary of every import and form (tamnong.tabular.cells)
        answer = cells.yes_no_word(str(raw))
        if answer is None:
            raise NtmInputError(
                _("Chỉ tiêu %(c)s chỉ nhận «có» hoặc «không».") % {"c": indicator.code},
                indicator.code,
            )
        return answer
    if isinstance(raw, bool):
        raise NtmInputError(
            _("Chỉ tiêu %(c)s phải nhập số.") % {"c": indicator.code}, indicator.code
        )
    try:
        if isinstance(raw, int | float | Decimal):
            number = Decimal(str(raw))
        else:
            # the one number reading of every import: "1.500" is refused as ambiguous in a
            # column with decimals, never silently 1,5 (tamnong.tabular.cells)
            number = cells.number_text(str(raw), whole=False, decimals=True)
    except (cells.CellError, InvalidOperation) as exc:
        reason = str(exc) if isinstance(exc, cells.CellError) else raw
        raise NtmInputError(
            _("Chỉ tiêu %(c)s phải nhập số (%(v)s).") % {"c": indicator.code, "v": reason},
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
        within_q(division, "division"),
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
