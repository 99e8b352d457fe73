"""OCOP dossier pages: list and the dossier with its workflow actions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.core import storedfiles

from .. import criteria as crit
from .. import forms, services, transition
from ..models import (
    Dossier,
    DossierFile,
)
from ._base import _denied, _errors, _sheet_answers, _sheet_rows, _visible

# The list's date orders: newest registration first (the default) or oldest first.
DOSSIER_ORDERS = {
    "moi": ("-registered_on", "-pk"),
    "cu": ("registered_on", "pk"),
}


@login_required
def dossier_list(request):
    qs = Dossier.objects.visible_to(request.user).select_related(
        "product__producer", "product__division"
    )
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(product__name__icontains=q)
            | Q(product__producer__name__icontains=q)
            | Q(product__code__iexact=q)
        )
    order = request.GET.get("order", "")
    if order not in DOSSIER_ORDERS:
        order = "moi"
    page = Paginator(qs.order_by(*DOSSIER_ORDERS[order]), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("state", state), ("order", order)) if v})
    return render(
        request,
        "ocop/dossiers.html",
        {
            "page": page,
            "state": state,
            "states": Dossier.State.choices,
            "q": q,
            "order": order,
            "query": query,
        },
    )


@login_required
def dossier_file(request, pk: int, file_pk: int):
    """A dossier file, sent after the dossier's scope check (core.storedfiles)."""
    dossier = _visible(request, Dossier, pk)
    f = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    return storedfiles.send(f.file, storedfiles.original_name(f.file, f.name))


@login_required
@_denied
def dossier_detail(request, pk: int):
    dossier = _visible(
        request, Dossier, pk, select=("product__producer", "criteria_set", "regime", "session")
    )
    perms = services.dossier_permissions(request.user, dossier)
    content = dossier.criteria_set.content if dossier.criteria_set else None
    errors, status = [], 200
    file_form = forms.FileForm()
    central_form = forms.CentralResultForm(initial={"stars": dossier.stars})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "self_assessment":
                services.save_self_assessment(
                    request.user, dossier, _sheet_answers(request.POST, content)
                )
                messages.success(request, _("Đã lưu bản tự đánh giá."))
                return redirect("ocop:dossier", pk=pk)
            if action == "file":
                file_form = forms.FileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    services.add_file(
                        request.user,
                        dossier,
                        kind=file_form.cleaned_data["kind"],
                        criterion=file_form.cleaned_data["criterion"].strip(),
                        upload=file_form.cleaned_data["file"],
                    )
                    messages.success(
                        request,
                        _("Đã tải lên tệp %(name)s.")
                        % {"name": file_form.cleaned_data["file"].name},
                    )
                    return redirect("ocop:dossier", pk=pk)
                errors = [str(e) for errs in file_form.errors.values() for e in errs]
            elif action == "submit":
                services.submit_dossier(request.user, dossier)
                messages.success(request, _("Đã nộp hồ sơ."))
                return redirect("ocop:dossier", pk=pk)
            elif action == "commune":
                local = {c["code"] for c in crit.commune_criteria(content)}
                answers = {
                    k: v for k, v in _sheet_answers(request.POST, content).items() if k in local
                }
                samples = request.POST.get("samples", "").strip()
                if samples and not samples.isdigit():
                    raise ValidationError({"samples": [_("Số mẫu sản phẩm phải là số nguyên.")]})
                services.commune_assess(
                    request.user,
                    dossier,
                    answers=answers,
                    report=request.POST.get("report", ""),
                    samples=int(samples) if samples else None,
                )
                messages.success(request, _("Đã lưu đánh giá của xã và đề nghị tỉnh."))
                return redirect("ocop:dossier", pk=pk)
            elif action == "central":
                if not perms.province:  # the service refuses too; refuse before reading the form
                    raise PermissionDenied
                central_form = forms.CentralResultForm(request.POST)
                if central_form.is_valid():
                    cert = services.record_central_result(
                        request.user, dossier, **central_form.cleaned_data
                    )
                    if cert is None:
                        messages.success(
                            request,
                            _("Đã ghi nhận quyết định của Bộ: sản phẩm không được công nhận OCOP."),
                        )
                        return redirect("ocop:dossier", pk=pk)
                    messages.success(
                        request,
                        _("Đã ghi nhận quyết định của Bộ và cấp giấy chứng nhận %(n)s.")
                        % {"n": cert.number},
                    )
                    return redirect("ocop:certificate", pk=cert.pk)
                errors = [str(e) for errs in central_form.errors.values() for e in errs]
            elif action == "return":
                services.return_dossier(request.user, dossier, request.POST.get("reason", ""))
                messages.success(request, _("Đã trả lại hồ sơ để bổ sung."))
                return redirect("ocop:dossier", pk=pk)
            else:
                errors = [_("Thao tác không hợp lệ.")]
        except ValidationError as exc:
            errors = _errors(exc)
        status = 400
        dossier.refresh_from_db()
        perms = services.dossier_permissions(request.user, dossier)
    sheets = list(dossier.sheets.select_related("member")) if perms.sheets else []
    return render(
        request,
        "ocop/dossier.html",
        {
            "dossier": dossier,
            # Filed under a replaced regime: the last day it may be finished (Điều 12.2)
            "finish_by": transition.finish_by(dossier),
            "content": content,
            "self_rows": _sheet_rows(content, dossier.self_assessment) if content else [],
            "commune_rows": [
                r for r in _sheet_rows(content, dossier.commune_answers) if r["commune"]
            ]
            if content
            else [],
            "can_producer": perms.producer,
            "can_commune": perms.commune,
            "files": dossier.files.all(),
            "file_form": file_form,
            "sheets": sheets,
            "central_form": central_form if perms.central else None,
            "errors": errors,
            "documents": services.dossier_documents(dossier),
            "deadlines": services.dossier_deadlines(dossier),
        },
        status=status,
    )


@login_required
@_denied
def dossier_print(request, pk: int):
    """The paper set (bộ hồ sơ giấy) of the electronic dossier: the required documents, present
    or missing, and every file with its SHA-256, uploader and time; printed from the browser."""
    dossier = _visible(
        request,
        Dossier,
        pk,
        select=("product__producer", "product__division", "criteria_set", "regime"),
    )
    files = [
        {"file": f, "sha256": services.file_sha256(f)}
        for f in dossier.files.select_related("uploaded_by").order_by("uploaded_at", "pk")
    ]
    return render(
        request,
        "ocop/dossier_print.html",
        {
            "dossier": dossier,
            "documents": services.dossier_documents(dossier),
            "deadlines": services.dossier_deadlines(dossier),
            "files": files,
            "printed_at": timezone.localtime(),
        },
    )
