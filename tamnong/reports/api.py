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


def _exchange_doc(key: str) -> dict:
    """The 200 answer of an exchange endpoint: the file's published JSON Schema."""
    from .exports import schema

    body = {k: v for k, v in schema(key).items() if k not in {"$schema", "$id"}}
    return {
        "responses": {
            200: {
                "description": f"Tài liệu JSON của tệp `{key}` (docs/schemas/{key}.schema.json).",
                "content": {"application/json": {"schema": body}},
            }
        }
    }


def _exchange(request, kind: str, province: str, year: str = "", cutoff: str | None = None):
    from .exports import produce, province_by_code, to_json

    unit = province_by_code(province)
    _module, document, _name = produce(request.user, kind, unit, year=year, cutoff=cutoff)
    return HttpResponse(to_json(document), content_type="application/json; charset=utf-8")


@router.get(
    "/exports/mof-ntp",
    summary="Báo cáo cơ sở dữ liệu chương trình mục tiêu quốc gia gửi Bộ Tài chính (JSON)",
    openapi_extra=_exchange_doc("mof-ntp"),
)
def export_mof_ntp(request, province: str, year: str, cutoff: str | None = None):
    """The document `tamnong export mof-ntp` writes: `province` its code (``01``), `year` a year
    (``2025``) or a period (``2021-2025``), `cutoff` the cut-off day (``2025-12-14``, default the
    regime's). Only the roles of `exports.EXPORT_ROLES` over the whole province (national roles:
    any province) get it; others 403, an unknown province 404, bad input 400."""
    return _exchange(request, "mof-ntp", province, year, cutoff)


@router.get(
    "/exports/ocop-national",
    summary="Danh sách sản phẩm OCOP gửi hệ thống OCOP quốc gia (JSON)",
    openapi_extra=_exchange_doc("ocop-national"),
)
def export_ocop_national(request, province: str, cutoff: str | None = None):
    """The document `tamnong export ocop-national` writes: `province` its code, `cutoff` the day
    of the list (default today). Same gate as the MoF report."""
    return _exchange(request, "ocop-national", province, cutoff=cutoff)
