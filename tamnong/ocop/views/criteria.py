"""OCOP criteria-set pages for administrators: list, detail and the upload with preview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tamnong.rules import may_load, uploads

from .. import criteria as crit
from .. import forms, rules
from ..models import CriteriaSet
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
            "uploads": uploads.recent("ocop"),
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
    return uploads.handle(
        request,
        uploads.visible(request.user, pk, "ocop"),
        apply=rules.apply_upload,
        done=lambda new: redirect("ocop:criteria_detail", pk=new.pk),
        back_url=reverse("ocop:criteria"),
        summary=_summary,
        note=_(
            "Các hồ sơ đã đánh giá giữ nguyên phiên bản cũ; phiên bản mới chỉ áp dụng cho hồ sơ "
            "đăng ký sau."
        ),
    )


def _summary(upload) -> str:
    c = upload.content or {}
    if not c.get("set_no"):
        return ""
    return _("%(d)s · bộ %(n)s: %(s)s") % {
        "d": c["decision"],
        "n": c["set_no"],
        "s": c.get("product_set", ""),
    }
