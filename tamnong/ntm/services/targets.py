"""NTM targets (chỉ tiêu kế hoạch) per unit and year, read two ways: the units that reach a level
in the year against the year's target, or the running total against a cumulative target."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.divisions.models import Division

from ..levels import levels
from ..models import RecognitionKind, Target, TargetMetric, TargetReading
from ._base import NtmInputError, _require_province_role

# The recognition level a target counts (names only; which levels exist in a year is data).
METRIC_KIND = {
    TargetMetric.COMMUNES_NTM: RecognitionKind.COMMUNE_NTM,
    TargetMetric.COMMUNES_ADVANCED: RecognitionKind.COMMUNE_ADVANCED,
    TargetMetric.COMMUNES_MODEL: RecognitionKind.COMMUNE_MODEL,
    TargetMetric.COMMUNES_MODERN: RecognitionKind.COMMUNE_MODERN,
    TargetMetric.VILLAGES_NTM: RecognitionKind.VILLAGE_NTM,
    TargetMetric.VILLAGES_MODEL: RecognitionKind.VILLAGE_MODEL,
    TargetMetric.DISTRICTS_NTM: RecognitionKind.DISTRICT_NTM,
    TargetMetric.DISTRICTS_ADVANCED: RecognitionKind.DISTRICT_ADVANCED,
    TargetMetric.DISTRICTS_MODEL: RecognitionKind.DISTRICT_MODEL,
}


@transaction.atomic
def set_target(
    actor,
    division: Division,
    year: int,
    metric: str,
    value,
    note: str = "",
    reading: str = TargetReading.CUMULATIVE,
) -> Target:
    _require_province_role(actor, division)
    errors = []
    if metric not in TargetMetric.values:
        errors.append({"field": "metric", "message": _("Chỉ tiêu kế hoạch không hợp lệ.")})
    elif metric in METRIC_KIND and levels().scale_of(METRIC_KIND[metric], year) is None:
        errors.append(
            {
                "field": "metric",
                "message": _("Năm %(y)s không có mức «%(k)s».")
                % {"y": year, "k": RecognitionKind(METRIC_KIND[metric]).label},
            }
        )
    if reading not in TargetReading.values:
        errors.append(
            {"field": "reading", "message": _("Cách tính phải là «trong năm» hoặc «lũy kế».")}
        )
    elif metric == TargetMetric.AVERAGE_CRITERIA and reading != TargetReading.CUMULATIVE:
        errors.append(
            {
                "field": "reading",
                "message": _("Bình quân tiêu chí/xã chỉ tính theo kết quả cuối năm (lũy kế)."),
            }
        )
    try:
        number = Decimal(str(value))
        if not number.is_finite() or number < 0 or number >= 10**8:
            raise InvalidOperation
    except InvalidOperation:
        errors.append({"field": "value", "message": _("Giá trị kế hoạch phải là số không âm.")})
    if errors:
        raise NtmInputError(errors)
    target, _created = Target.objects.update_or_create(
        division=division,
        year=year,
        metric=metric,
        reading=reading,
        defaults={"value": number, "note": note[:300]},
    )
    return target
