"""NTM pages for recognitions at every level: what a unit and the units under it hold at the end
of a year (with the year-end sentences), a recognition recorded from its decision, and the
dossier of a district, town or province. Thin: the rules are in services and results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import CENTRAL_ROLES
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import within_q

from . import forms, services
from .figures import figures
from .models import Dossier, Recognition
from .views import guarded


@guarded
def recognitions(request, pk: int):
    division = get_object_or_404(Division.objects.select_related("map"), pk=pk)
    scope = Scope.of(request.user)
    if not scope.covers(division):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    # the province's staff record every kind; the central level the kinds it decides (the
    # service refuses it the others)
    can_record = services.may_take_province_step(request.user, division) or scope.covers(
        division, CENTRAL_ROLES
    )
    can_open = scope.can_edit(division) and division.level in (Level.DISTRICT, Level.PROVINCE)
    record_form = forms.RecordForm(
        request.POST if request.POST.get("action") == "record" else None,
        initial={"year": year},
        auto_id="record-%s",  # two forms on the page, both with a kind and a year: one id each
    )
    dossier_form = forms.UnitDossierForm(
        request.POST if request.POST.get("action") == "dossier" else None,
        initial={"year": year, "on": timezone.localdate()},
        auto_id="unit-dossier-%s",
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "record" and record_form.is_valid():
                data = record_form.cleaned_data
                unit = _unit_below(request, division, request.POST.get("unit"))
                rec = services.record_historical(
                    request.user,
                    unit,
                    data["kind"],
                    data["year"],
                    number=data["number"],
                    signed_on=data["signed_on"],
                    issuer=data["issuer"],
                    signer=data["signer"],
                    note=data["note"],
                )
                messages.success(request, _("Đã ghi %(r)s.") % {"r": rec})
                return redirect(f"{request.path}?year={data['year']}")
            if action == "dossier" and dossier_form.is_valid():
                d = services.open_unit_dossier(request.user, division, **dossier_form.cleaned_data)
                return redirect("ntm:dossier", pk=d.pk)
        except services.NtmInputError as exc:
            for e in exc.errors:
                messages.error(request, e["message"])
        status = 400
    data = figures(request.user, division, year)
    listed = (
        Recognition.objects.filter(within_q(division, "division"), year__lte=year)
        .select_related("division", "decision", "revocation")
        .order_by("-year", "division__level", "division__code")
    )
    return render(
        request,
        "ntm/recognitions.html",
        {
            "division": division,
            "year": year,
            "data": data,
            "recognitions": listed[:500],
            "dossiers": Dossier.objects.filter(division=division, assessment__isnull=True),
            "record_form": record_form if can_record else None,
            "dossier_form": dossier_form if can_open else None,
            "units": _units(division, year),
        },
        status=status,
    )


def _units(division: Division, year: int) -> list[Division]:
    """Units a recognition may be recorded for from this page: the unit and those under it that
    were in force in the year (old districts, communes and villages included)."""
    import datetime as dt

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (
        Division.objects.filter(within_q(division, ""))
        .exclude(valid_from__gt=end)
        .exclude(valid_to__lt=start)
        .select_related("parent")
        .order_by("level", "code")
    )
    return list(qs[:2000])


def _unit_below(request, division: Division, raw) -> Division:
    if not raw:
        return division
    unit = get_object_or_404(Division, pk=raw)
    if not Division.objects.filter(within_q(division, ""), pk=unit.pk).exists():
        raise PermissionDenied
    return unit
