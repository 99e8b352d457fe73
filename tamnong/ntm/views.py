"""NTM pages: figures, criteria sets (with template, upload and preview), communes,
assessments and the recognition workflow. Thin: every rule lives in services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tamnong.access.lookups import default_division, get_visible_or_404, visible_unit_or_404
from tamnong.access.roles import EDITOR_ROLES
from tamnong.access.scope import Scope
from tamnong.accounts.models import Role
from tamnong.audit.services import denials_recorded
from tamnong.core import datacache, storedfiles
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import within_q
from tamnong.rules import uploads

from . import criteria, forms, services
from .figures import figures, figures_xlsx
from .models import (
    Assessment,
    CommuneProfile,
    CriteriaSet,
    Dossier,
    Evidence,
    Recognition,
    Target,
)


def guarded(view):
    """Signed-in only; out-of-scope writes (services raise PermissionDenied) logged and refused."""
    return login_required(denials_recorded(view, "ntm "))


def _visible_division(request, pk) -> Division:
    """A unit by id: 404 if unknown, 403 outside the scope (logged by `guarded`)."""
    return visible_unit_or_404(request.user, pk)


def _errors(request, exc: services.NtmInputError) -> None:
    for e in exc.errors:
        messages.error(request, e["message"])


@guarded
def index(request):
    division = (
        _visible_division(request, request.GET["division"])
        if request.GET.get("division")
        else default_division(request.user)
    )
    scope = Scope.of(request.user)
    can_import = scope.is_admin or scope.has_role(*EDITOR_ROLES)
    if division is None:
        return render(request, "ntm/index.html", {"data": None, "can_import": can_import})
    years = datacache.cached_for(
        request.user,
        "ntm.years",
        division.pk,
        compute=lambda: sorted(
            set(
                Assessment.objects.visible_to(request.user)
                .filter(within_q(division, "division"))
                .values_list("year", flat=True)
            )
        ),
    )
    try:
        year = int(request.GET.get("year") or (years[-1] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    data = datacache.cached_for(
        request.user,
        "ntm.figures",
        *(division.pk, year),
        compute=lambda: figures(request.user, division, year),
    )
    fmt = request.GET.get("format")
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    if fmt == "xlsx":
        response = HttpResponse(
            figures_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="ntm-{division.code}-{year}.xlsx"'
        return response

    def communes_html():
        children = (
            Division.objects.filter(parent=division, level=Level.COMMUNE).order_by("code")
            if division.level != Level.COMMUNE
            else []
        )
        html = render_to_string("ntm/_communes.html", {"data": data, "children": children})
        return mark_safe(html)  # noqa: S308 – our template's output

    return render(
        request,
        "ntm/index.html",
        {
            "data": data,
            "division": division,
            "year": year,
            "years": years,
            # the table of every commune, rendered once per data version (core.datacache)
            "communes_html": datacache.cached_for(
                request.user, "ntm.communes-html", division.pk, year, compute=communes_html
            ),
            "can_plan": services.may_take_province_step(request.user, division),
            "can_import": can_import,
            "target_form": forms.TargetForm(initial={"year": year}),
        },
    )


@guarded
def target(request, pk: int):
    division = _visible_division(request, pk)
    form = forms.TargetForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_target(request.user, division, **form.cleaned_data)
            messages.success(request, _("Đã ghi kế hoạch."))
        except services.NtmInputError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Kế hoạch không hợp lệ."))
    year = form.cleaned_data.get("year", "") if form.is_valid() else ""
    return redirect(f"{reverse('ntm:index')}?division={division.pk}&year={year}")


# -- criteria sets -------------------------------------------------------------------------------
@guarded
def set_list(request):
    sets = list(criteria.latest_sets().order_by("year_from", "kind", "key"))
    for cs in sets:
        inds = [i for c in cs.payload.get("criteria", []) for i in c["indicators"]]
        cs.n_indicators = len(inds)
        cs.n_missing = sum(1 for i in inds for v in i["thresholds"].values() if v is None)
    scope = Scope.of(request.user)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = request.FILES["file"]
            staged = criteria.stage_upload(request.user, upload.name, upload.read())
            return redirect("ntm:upload", pk=staged.pk)
        messages.error(request, _("Chưa chọn tệp."))
    return render(
        request,
        "ntm/sets.html",
        {
            "sets": sets,
            "form": form,
            "can_upload": scope.is_admin or scope.has_role(Role.ADMIN, Role.COORDINATOR),
        },
    )


@guarded
def set_detail(request, pk: int):
    cs = get_object_or_404(CriteriaSet.objects.select_related("province"), pk=pk)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        response = HttpResponse(
            criteria.template_xlsx(cs),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{cs.key}-v{cs.version}.xlsx"'
        return response
    if fmt == "yaml":
        response = HttpResponse(criteria.export_yaml(cs), content_type="text/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{cs.key}-v{cs.version}.yaml"'
        return response
    versions = CriteriaSet.objects.filter(key=cs.key).order_by("-version")
    shown = {criteria.YES: _("có"), criteria.NO: _("không"), None: _("chưa có ngưỡng")}
    rows = [
        {
            **crit,
            "indicators": [
                {
                    **ind,
                    "cells": [
                        shown.get(ind["thresholds"].get(c), ind["thresholds"].get(c))
                        for c in cs.column_codes
                    ],
                }  # fmt: skip
                for ind in crit["indicators"]
            ],
        }
        for crit in cs.payload.get("criteria", [])
    ]
    return render(request, "ntm/set_detail.html", {"cs": cs, "versions": versions, "rows": rows})


@guarded
def set_template(request):
    response = HttpResponse(
        criteria.template_xlsx(None),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-bo-tieu-chi-ntm.xlsx"'
    return response


@guarded
def upload(request, pk: int):
    return uploads.handle(
        request,
        uploads.visible(request.user, pk, "ntm"),
        apply=criteria.apply_upload,
        done=lambda cs: redirect("ntm:set", pk=cs.pk),
        back_url=reverse("ntm:sets"),
        summary=lambda up: _("Mã bộ tiêu chí: %(k)s") % {"k": up.key} if up.key else "",
    )


# -- communes and assessments --------------------------------------------------------------------
@guarded
def commune(request, pk: int):
    division = _visible_division(request, pk)
    can_edit = Scope.of(request.user).can_edit(division)
    year = timezone.localdate().year
    profile_form = forms.ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        auto_id="profile-%s",  # two forms on the page, both with a year: one id each
    )
    sets = []
    for y in range(2021, year + 2):
        sets += [cs for cs in services.applicable_sets(division, y) if cs not in sets]
    assess_form = forms.AssessmentForm(
        request.POST if request.POST.get("form") == "assessment" else None,
        sets=sets,
        auto_id="assessment-%s",
    )
    status = 200
    if request.method == "POST":
        Scope.of(request.user).require_edit(division)
        try:
            if request.POST.get("form") == "profile" and profile_form.is_valid():
                services.set_profile(request.user, division, **profile_form.cleaned_data)
                messages.success(request, _("Đã ghi phân loại."))
                return redirect("ntm:commune", pk=division.pk)
            if request.POST.get("form") == "assessment" and assess_form.is_valid():
                a = services.start_assessment(request.user, division, **assess_form.cleaned_data)
                return redirect("ntm:assessment", pk=a.pk)
        except services.NtmInputError as exc:
            _errors(request, exc)
        status = 400
    return render(
        request,
        "ntm/commune.html",
        {
            "division": division,
            "can_edit": can_edit,
            "profiles": CommuneProfile.objects.filter(division=division).order_by("-year"),
            "assessments": Assessment.objects.filter(division=division).order_by(
                "-year", "set_key"
            ),
            "recognitions": Recognition.objects.filter(division=division).select_related(
                "decision"
            ),
            "dossiers": Dossier.objects.filter(division=division),
            "profile_form": profile_form,
            "assess_form": assess_form,
            "villages": division.children.filter(level=Level.VILLAGE).order_by("code"),
        },
        status=status,
    )


@login_required
def evidence(request, pk: int, evidence_pk: int):
    """An evidence file, sent after the assessment's scope check (core.storedfiles)."""
    a = get_visible_or_404(request, Assessment, pk)
    e = get_object_or_404(Evidence, pk=evidence_pk, value__assessment=a)
    return storedfiles.send(e.file, storedfiles.original_name(e.file, e.name))


@guarded
def assessment(request, pk: int):
    a = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related("division", "criteria_set"),
        pk=pk,
    )
    can_edit = Scope.of(request.user).can_edit(a.division)
    status = 200
    if request.method == "POST":
        Scope.of(request.user).require_edit(a.division)
        action = request.POST.get("action")
        try:
            if action == "values":
                items = [
                    {"code": key.removeprefix("v_"), "value": value}
                    for key, value in request.POST.items()
                    if key.startswith("v_") and value.strip() != ""
                ]
                services.enter_values(request.user, a, items)
                messages.success(request, _("Đã lưu giá trị chỉ tiêu."))
            elif action == "override":
                form = forms.OverrideForm(request.POST)
                if not form.is_valid():
                    raise services.NtmInputError(_("Phải nhập giá trị và lý do."), "reason")
                services.override_value(request.user, a, **form.cleaned_data)
                messages.success(request, _("Đã nhập thay số liệu tự động."))
            elif action == "clear_override":
                services.clear_override(request.user, a, request.POST.get("code", ""))
            elif action == "refresh":
                n = services.refresh_derived(a)
                messages.success(request, _("Đã cập nhật %(n)s số liệu tự động.") % {"n": n})
            elif action == "evidence":
                form = forms.EvidenceForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise services.NtmInputError(_("Chưa chọn tệp minh chứng."), "file")
                services.add_evidence(
                    request.user,
                    a,
                    form.cleaned_data["code"],
                    form.cleaned_data["file"],
                    form.cleaned_data["description"],
                )
                messages.success(request, _("Đã thêm minh chứng."))
            elif action == "dossier":
                form = forms.DossierForm(request.POST)
                if not form.is_valid():
                    raise services.NtmInputError(_("Chọn loại công nhận và ngày."), "kind")
                d = services.open_dossier(request.user, a, **form.cleaned_data)
                messages.success(request, _("Đã lập hồ sơ đề nghị công nhận."))
                return redirect("ntm:dossier", pk=d.pk)
            return redirect("ntm:assessment", pk=a.pk)
        except services.NtmInputError as exc:
            _errors(request, exc)
            status = 400
    a.refresh_from_db()
    values = a.values.select_related("indicator__criterion").prefetch_related("evidence")
    rows, current = [], None
    for iv in values:
        crit = iv.indicator.criterion
        if crit.number != current:
            rows.append({"criterion": crit, "values": [], "met": crit.number not in a.missing})
            current = crit.number
        rows[-1]["values"].append(iv)
    empty = [c for c in a.criteria_set.criteria.all() if not c.indicators.exists()]
    return render(
        request,
        "ntm/assessment.html",
        {
            "a": a,
            "rows": rows,
            "empty_criteria": empty,
            "can_edit": can_edit,
            "dossier_form": forms.DossierForm(initial={"on": timezone.localdate()}),
        },
        status=status,
    )


@guarded
def dossier(request, pk: int):
    d = get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related("division", "assessment"), pk=pk
    )
    step_forms = {
        Dossier.State.SELF_ASSESSMENT: ("consultation", forms.ConsultationForm),
        Dossier.State.CONSULTATION: ("appraisal", forms.AppraisalForm),
        Dossier.State.APPRAISAL: ("decision", forms.DecisionForm),
    }
    step, form_class = step_forms.get(d.state, (None, None))
    form = form_class(request.POST or None) if form_class else None
    revoke_form = None
    if d.recognition and d.recognition.state == Recognition.State.ACTIVE:
        revoke_form = forms.RevokeForm(
            request.POST if request.POST.get("step") == "revoke" else None
        )
    status = 200
    # the forms are bound for any POST (the services refuse what the role may not do: 403) but
    # shown only to those who may submit them
    perms = services.dossier_permissions(request.user, d)
    if request.method == "POST":
        try:
            posted = request.POST.get("step")
            if posted == "revoke" and revoke_form is not None and revoke_form.is_valid():
                services.revoke(request.user, d.recognition, **revoke_form.cleaned_data)
                messages.success(request, _("Đã thu hồi quyết định công nhận."))
                return redirect("ntm:dossier", pk=d.pk)
            if posted == step and form.is_valid():
                if step == "consultation":
                    services.record_consultation(
                        request.user,
                        d,
                        form.cleaned_data["on"],
                        form.cleaned_data["satisfaction_pct"],
                    )
                elif step == "appraisal":
                    services.record_appraisal(request.user, d, **form.cleaned_data)
                else:
                    services.decide(request.user, d, **form.cleaned_data)
                messages.success(request, _("Đã ghi bước hồ sơ."))
                return redirect("ntm:dossier", pk=d.pk)
        except services.NtmInputError as exc:
            _errors(request, exc)
        status = 400
    return render(
        request,
        "ntm/dossier.html",
        {
            "d": d,
            "form": form if perms.step else None,
            "step": step,
            "revoke_form": revoke_form if perms.revoke else None,
        },
        status=status,
    )


@guarded
def targets(request, pk: int):
    division = _visible_division(request, pk)
    rows = Target.objects.filter(division=division).order_by("-year", "metric")
    return render(request, "ntm/targets.html", {"division": division, "rows": rows})
