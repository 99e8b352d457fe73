"""NTM judging: each indicator value against the commune's threshold, and the assessment's summary
row."""

from __future__ import annotations

from decimal import Decimal

from .. import criteria
from ..models import (
    Assessment,
    Indicator,
    IndicatorKind,
    IndicatorValue,
)
from ._base import NOT_JUDGED_NO_THRESHOLD, NOT_JUDGED_NO_VALUE, status_of


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
