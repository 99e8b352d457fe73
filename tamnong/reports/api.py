from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router

from tamnong.accounts.scoping import Scope
from tamnong.divisions.models import Division

from .summary import Period, cached_summary

router = Router(tags=["reports"])


@router.get("/summary", summary="Báo cáo tổng kết (JSON) cho một đơn vị và một kỳ")
def summary(request, division: int, period: str):
    unit = get_object_or_404(Division.objects.select_related("map"), pk=division)
    scope = Scope.of(request.user)
    if not (scope.covers(unit) or scope.covers(unit.current)):
        raise PermissionDenied("Đơn vị ngoài phạm vi của bạn.")
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"period": [str(exc)]}) from exc
    return cached_summary(
        request.user, unit, parsed, base_url=request.build_absolute_uri("/").rstrip("/")
    ).as_dict()
