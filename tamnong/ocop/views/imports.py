"""OCOP registry import and figures pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .. import figures as figures_service
from .. import forms, importer
from ..models import (
    ImportRun,
)
from ._base import _denied, _errors


@login_required
@_denied
def import_page(request):
    from tamnong.tabular import preview

    form = forms.UploadForm(request.POST or None, request.FILES or None)
    run = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # kept for its preview: checked by a job, written only once the user confirms
            pending = preview.stash(form.cleaned_data["file"], "ocop", request.user)
            preview.say_uploaded(request, pending)
            return redirect("tabular:preview", pk=pending.pk)
        status = 400
    return render(
        request,
        "ocop/import.html",
        {
            "form": form,
            "run": run,
            "view": importer.result_view(run) if run is not None else None,
            "runs": ImportRun.objects.filter(created_by=request.user)[:10],
        },
        status=status,
    )


@login_required
def import_template(request):
    response = HttpResponse(
        importer.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ocop.xlsx"'
    return response


@login_required
def import_rejected(request, pk: int):
    run = get_object_or_404(ImportRun, pk=pk, created_by=request.user)
    response = HttpResponse(importer.rejected_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dong-bi-loai-{run.pk}.csv"'
    return response


@login_required
@_denied
def figures(request):
    try:
        params = figures_service.parse_params(
            request.user,
            request.GET.get("division"),
            request.GET.get("date"),
            request.GET.get("since"),
            request.GET.get("map"),
        )
    except ValidationError as exc:
        return render(request, "ocop/figures.html", {"errors": _errors(exc)}, status=400)
    data = figures_service.figures(request.user, **params)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            figures_service.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="so-lieu-ocop.xlsx"'
        return response
    return render(request, "ocop/figures.html", {"data": data, "division": params["division"]})
