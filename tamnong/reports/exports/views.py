"""Downloads of the exchange files from the reports page: the access gate is server-side
(`exports.require_province`), whatever the page offered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied
from tamnong.divisions.models import Division, Level

from . import EXPORT_ROLES, KINDS, XLSX, produce, province_by_code, to_json


def export_provinces(user) -> list[Division]:
    """Current provinces whose exchange files the user may produce (for the page's form)."""
    scope = Scope.of(user)
    qs = Division.objects.resolved().filter(level=Level.PROVINCE).select_related("map")
    return [d for d in qs.order_by("code")[:100] if scope.covers(d, EXPORT_ROLES)]


@login_required
def download(request, kind: str):
    if kind not in KINDS:
        raise Http404
    province = province_by_code(request.GET.get("province"))
    fmt = request.GET.get("format", "json")
    if fmt not in {"json", "xlsx"}:
        raise Http404
    try:
        module, document, name = produce(
            request.user,
            kind,
            province,
            year=request.GET.get("year", ""),
            cutoff=request.GET.get("cutoff") or None,
        )
    except PermissionDenied:
        record_denied(request, f"export {kind} {province.code}", province)
        raise
    except ValidationError as exc:
        return render(
            request,
            "reports/export_error.html",
            {"messages_list": exc.messages, "province": province},
            status=400,
        )
    if fmt == "json":
        response = HttpResponse(to_json(document), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = HttpResponse(module.to_xlsx(document), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
