"""The central level's pages: the national dashboard and the national summary report (both
comparing provinces, from `reports.national`). Only national roles and administrators open them;
anyone else is refused (403) and the refusal is audited."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tamnong.audit.services import record_denied
from tamnong.core import datacache

from .dashboard import chart_csv
from .national import cached_national, comparison_table, may_read_national, panels, paragraphs
from .summary import Period


def _require(request, what: str) -> None:
    if not may_read_national(request.user):
        record_denied(request, what)
        raise PermissionDenied


def _year(request) -> int:
    from .views import _default_year

    try:
        return int(request.GET.get("year") or _default_year(request.user))
    except ValueError:
        return _default_year(request.user)


@login_required
def dashboard(request):
    _require(request, "national dashboard")
    year = _year(request)
    data = cached_national(request.user, Period(year, year))
    if key := request.GET.get("download"):
        chart = next((p.chart for p in panels(data) if p.chart and p.chart.key == key), None)
        if chart is None:
            raise Http404
        response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{key}-{year}.csv"'
        return response

    def html():
        return mark_safe(  # noqa: S308 – our template's output
            render_to_string("reports/_panels.html", {"panels": panels(data), "year": year})
        )

    panels_html = datacache.cached_for(
        request.user, "reports.national-dashboard-html", year, compute=html
    )
    return render(
        request,
        "reports/national_dashboard.html",
        {
            "panels_html": panels_html,
            "generated_at": data.generated_at,
            "year": year,
            "defaulted": not request.GET.get("year"),
        },
    )


@login_required
def summary(request):
    _require(request, "national summary report")
    try:
        period = Period.parse(request.GET.get("period") or str(_year(request)))
    except ValueError as exc:
        return render(request, "reports/national_summary.html", {"error": str(exc)}, status=400)
    data = cached_national(request.user, period)
    if request.GET.get("format") == "json":
        body = json.dumps(data.as_dict(), ensure_ascii=False, indent=1)
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    if request.GET.get("format") in {"pdf", "xlsx"}:
        return _download(data, request.GET["format"])
    return render(
        request,
        "reports/national_summary.html",
        {
            "data": data,
            "total": data.total,
            "table": comparison_table(data),
            "paragraphs": paragraphs(data),
            "period": period,
            "generated_at": data.generated_at,
            "defaulted": not request.GET.get("period"),
        },
    )


def _download(data, fmt: str) -> HttpResponse:
    """The report as PDF or Excel, by the province summary report's renderers."""
    from . import national_outputs as outputs

    name = outputs.file_name(data)
    if fmt == "pdf":
        response = HttpResponse(outputs.to_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        response = HttpResponse(
            outputs.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def decisions(request):
    """What waits for the central level: OCOP dossiers forwarded to the ministry for 5★ and NTM
    dossiers of the kinds the Prime Minister decides, in every province the user reads. The
    forms are on each dossier's page (shown to whoever `may_record_*` allows; the services check
    again)."""
    _require(request, "central decisions")
    from tamnong.access.roles import CENTRAL_ROLES
    from tamnong.access.scope import Scope
    from tamnong.ntm.models import Dossier as NtmDossier
    from tamnong.ntm.services import may_record_decision
    from tamnong.ntm.services._base import decided_centrally
    from tamnong.ocop.models import Dossier as OcopDossier

    from .national import provinces

    ocop = (
        OcopDossier.objects.visible_to(request.user)
        .filter(state=OcopDossier.State.FORWARDED_CENTRAL)
        .select_related("product__producer", "product__division")
        .order_by("product__division__path", "pk")
    )
    ntm = [
        d
        for d in NtmDossier.objects.visible_to(request.user)
        .filter(state=NtmDossier.State.APPRAISAL)
        .select_related("division")
        .order_by("division__path", "year")
        if decided_centrally(d.kind, d.year)
    ]
    return render(
        request,
        "reports/national_decisions.html",
        {
            "ocop": ocop[:500],
            "ntm": [
                (d, may_record_decision(request.user, d.division, d.kind, d.year)) for d in ntm
            ],
            "provinces": provinces(),
            "can_record": Scope.of(request.user).has_role(*CENTRAL_ROLES),
        },
    )
