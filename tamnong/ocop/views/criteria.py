"""OCOP criteria-set pages for administrators: list, detail and the upload with preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamnong.rules import may_load

from .. import criteria as crit
from .. import forms, rules
from ..models import (
    CriteriaSet,
    CriteriaUpload,
)
from ._base import _denied


@login_required
def criteria_list(request):
    sets = CriteriaSet.objects.all().order_by("set_no", "-effective_from", "-version")
    return render(
        request,
        "ocop/criteria_list.html",
        {
            "sets": sets,
            "is_admin": may_load(request.user),
            "uploads": CriteriaUpload.objects.all()[:10],
        },
    )


@login_required
def criteria_detail(request, pk: int):
    cs = get_object_or_404(CriteriaSet, pk=pk)
    return render(request, "ocop/criteria_detail.html", {"cs": cs, "in_use": cs.dossiers.count()})


@login_required
def criteria_xlsx(request, pk: int | None = None):
    content = get_object_or_404(CriteriaSet, pk=pk).content if pk else None
    name = f"bo-tieu-chi-{content['set_no']}.xlsx" if content else "mau-bo-tieu-chi-ocop.xlsx"
    response = HttpResponse(
        crit.set_to_xlsx(content),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@_denied
def criteria_upload(request):
    if not may_load(request.user):
        raise PermissionDenied
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        upload = rules.preview_upload(request.user, f.name, f.read())
        return redirect("ocop:criteria_upload_detail", pk=upload.pk)
    return render(
        request,
        "ocop/form.html",
        {"form": form, "title": _("Nạp bộ tiêu chí (YAML hoặc Excel)"), "multipart": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@_denied
def criteria_upload_detail(request, pk: int):
    if not may_load(request.user):
        raise PermissionDenied
    upload = get_object_or_404(CriteriaUpload, pk=pk)
    errors, status = [], 200
    if request.method == "POST":
        if (
            request.POST.get("action") == "discard"
            and upload.status == CriteriaUpload.Status.PENDING
        ):
            upload.status = CriteriaUpload.Status.DISCARDED
            upload.save(update_fields=["status"])
            return redirect("ocop:criteria")
        try:
            new = rules.apply_upload(request.user, upload)
        except crit.CriteriaError as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(request, _("Đã nạp %(s)s.") % {"s": new})
            return redirect("ocop:criteria_detail", pk=new.pk)
    return render(
        request, "ocop/criteria_upload.html", {"upload": upload, "errors": errors}, status=status
    )
