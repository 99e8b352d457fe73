"""OCOP certificate pages: list, detail and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import PROVINCE_ROLES
from tamnong.access.scope import Scope

from .. import forms, pdf, services
from ..models import (
    Certificate,
)
from ._base import _denied, _errors, _visible


@login_required
def certificate_list(request):
    qs = Certificate.objects.visible_to(request.user).select_related(
        "product", "producer", "decision"
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(number=q) | Q(product__name__icontains=q) | Q(producer__name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for c in page:
        c.state, c.state_on = c.status_on(today)
    return render(request, "ocop/certificates.html", {"page": page, "q": q})


@login_required
@_denied
def certificate_detail(request, pk: int):
    cert = _visible(
        request, Certificate, pk, select=("product", "producer", "decision", "division")
    )
    can_revoke = Scope.of(request.user).covers(cert.division, PROVINCE_ROLES)
    today = timezone.localdate()
    rule = services.revocation_grounds(today)
    action = request.POST.get("action", "revoke") if request.method == "POST" else ""
    form = forms.RevokeForm(request.POST if action == "revoke" else None, rule=rule)
    inspection_form = forms.InspectionForm(request.POST if action == "inspection" else None)
    errors, status = [], 200
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        chosen = inspection_form if action == "inspection" else form
        if chosen.is_valid():
            data = chosen.cleaned_data
            try:
                if action == "inspection":
                    services.record_inspection(request.user, cert, **data)
                else:
                    services.revoke(
                        request.user,
                        cert,
                        reason=data["reason"],
                        number=data["number"],
                        signed_on=data["signed_on"],
                        issuer=data["issuer"],
                        signer=data["signer"],
                        **{k: data[k] for k in ("ground", "found_on", "late_reason") if k in data},
                    )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã thu hồi giấy chứng nhận."))
                return redirect("ocop:certificate", pk=pk)
        status = 400
    state, state_on = cert.status_on(today)
    return render(
        request,
        "ocop/certificate.html",
        {
            "cert": cert,
            "state": state,
            "state_on": state_on,
            "versions": cert.versions(),
            "url": pdf.verification_url(cert),
            "qr": pdf.qr_svg(pdf.verification_url(cert)),
            "form": form if can_revoke and state == Certificate.Status.VALID else None,
            "revocation_rule": rule,
            "inspections": cert.inspections.all(),
            "inspection_rule": services.inspection_rule(today),
            "inspection_form": inspection_form if can_revoke else None,
            "errors": errors,
        },
        status=status,
    )


@login_required
def certificate_pdf(request, pk: int):
    cert = _visible(
        request, Certificate, pk, select=("product", "producer", "decision", "division")
    )
    response = HttpResponse(pdf.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response
