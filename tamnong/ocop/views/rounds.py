"""Evaluation rounds (đợt đánh giá, 26/2026 Điều 5): the list with what is late, the form that
creates a year's rounds (province staff), and a round's dossiers with the form to file one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from .. import services
from ..models import Dossier, EvaluationRound
from ..services.rounds import FILEABLE
from ._base import _denied, _errors, _visible


def _provinces(user):
    scope = Scope.of(user)
    units = Division.objects.current().filter(level=Level.PROVINCE).order_by("code")
    return [u for u in units if scope.covers(u, PROVINCE_ROLES)]


@login_required
@_denied
def round_list(request):
    errors, status = [], 200
    provinces = _provinces(request.user)
    if request.method == "POST":
        year = request.POST.get("year", "").strip()
        province = next((p for p in provinces if str(p.pk) == request.POST.get("province")), None)
        try:
            if not provinces:
                raise PermissionDenied(_("Chỉ Văn phòng điều phối/Sở ngành cấp tỉnh được lập đợt."))
            if not year.isdigit():
                raise ValidationError({"year": [_("Năm phải là số (ví dụ 2027).")]})
            if province is None:
                raise ValidationError({"province": [_("Chọn tỉnh, thành phố.")]})
            created = services.create_rounds(request.user, province, int(year))
            messages.success(
                request,
                _("Đã lập %(n)s đợt đánh giá năm %(year)s.") % {"n": len(created), "year": year},
            )
            return redirect("ocop:rounds")
        except ValidationError as exc:
            errors, status = _errors(exc), 400
    return render(
        request,
        "ocop/rounds.html",
        {
            "rows": services.rounds_with_status(request.user),
            "provinces": provinces,
            "errors": errors,
            "year": timezone.localdate().year + 1,
        },
        status=status,
    )


@login_required
@_denied
def round_detail(request, pk: int):
    round_ = _visible(request, EvaluationRound, pk, select=("division", "regime"))
    errors, status = [], 200
    if request.method == "POST":
        try:
            dossier = _visible(request, Dossier, int(request.POST.get("dossier") or 0))
            services.file_into_round(request.user, dossier, round_)
            return redirect("ocop:round", pk=pk)
        except (ValidationError, ValueError) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else [_("Chọn hồ sơ.")]
            status = 400
    field = "round" if round_.level == EvaluationRound.Level.PROVINCE else "central_round"
    members = (round_.dossiers if field == "round" else round_.central_dossiers).select_related(
        "product"
    )
    candidates = [
        d
        for d in Dossier.objects.visible_to(request.user)
        .filter(state__in=FILEABLE[round_.level], **{f"{field}__isnull": True})
        .select_related("product__division")
        if resolve(d.product.division, Level.PROVINCE) == round_.division
    ]
    return render(
        request,
        "ocop/round.html",
        {
            "round": round_,
            "status": services.rounds_with_status(
                request.user, rounds=EvaluationRound.objects.filter(pk=pk)
            )[0],
            "members": members,
            "candidates": candidates,
            "can_file": Scope.of(request.user).covers(round_.division, PROVINCE_ROLES),
            "errors": errors,
        },
        status=status,
    )
