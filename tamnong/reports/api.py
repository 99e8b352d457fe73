import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from tamnong.core import datacache
from tamnong.core.pagination import Router

from .summary import Period, cached_summary, report_unit

router = Router(tags=["reports"])


@router.get("/summary", summary="Báo cáo tổng kết (JSON) cho một đơn vị và một kỳ")
def summary(request, division: str, period: str, map: str | None = None):
    """`division`: the unit's id, or its code with `map` (e.g. ``division=95&map=vn-2008``)."""
    unit = report_unit(request.user, division, map)
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"period": [str(exc)]}) from exc
    base = request.build_absolute_uri("/").rstrip("/")

    def body() -> str:
        made = cached_summary(request.user, unit, parsed, base_url=base)
        return json.dumps(made.as_dict(), ensure_ascii=False, cls=DjangoJSONEncoder)

    # the JSON text is kept per data version (core.datacache), not only the report
    return HttpResponse(
        datacache.cached_for(
            request.user,
            "reports.api-summary",
            unit.pk,
            parsed.start,
            parsed.end,
            base,
            compute=body,
        ),
        content_type="application/json; charset=utf-8",
    )
