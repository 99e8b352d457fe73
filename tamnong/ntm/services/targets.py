"""NTM targets (chỉ tiêu kế hoạch) per unit and year."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.divisions.models import Division

from ..models import (
    Target,
)
from ._base import NtmInputError, _require_province_role


@transaction.atomic
def set_target(actor, division: Division, year: int, metric: str, value, note: str = "") -> Target:
    _require_province_role(actor, division)
    from ..models import TargetMetric

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
