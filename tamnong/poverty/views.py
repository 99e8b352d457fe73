"""Poverty pages: figures, households, review rounds, import. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tamnong.access.lookups import get_visible_or_404, require_role, resolve_division, subtree_q
from tamnong.access.roles import EDITOR_ROLES
from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied
from tamnong.core import datacache, storedfiles
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import within_q

from . import exports, services
from . import importing as importer
from .forms import ReviewForm, RoundStepForm, UploadForm
from .models import Household, ImportBatch, PovertyFigure, ReviewRound


def _year(request) -> int:
    """The year asked for, else the latest year with review results in the user's scope."""
    from tamnong.reports.scopeyears import latest_year

    try:
        return int(request.GET.get("year") or latest_year(request.user, ("poverty",)))
    except ValueError:
        return latest_year(request.user, ("poverty",))


def _division(request, code):
    try:
        return resolve_division(request.user, code, map_key=request.GET.get("map") or None)
    except PermissionDenied:
        record_denied(request, f"poverty figures {code}")
        raise


@login_required
def index(request):
    division = _division(request, request.GET.get("division"))
    year = _year(request)

    def compute():
        data = services.report(request.user, division, year)
        # the years with figures, which are the years with records (no scan of the records)
        years = sorted(
            set(
                PovertyFigure.objects.filter(within_q(division, "division"))
                .values_list("year", flat=True)
                .distinct()
            )
        )
        return data, years, services.support_totals(request.user, division, year)

    data, years, support = datacache.cached_for(
        request.user, "poverty.index", division.pk, year, compute=compute
    )
    if request.GET.get("format") == "xlsx" and data["figures"]:
        response = HttpResponse(
            exports.report_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="bao-cao-ho-ngheo-{division.code}-{year}.xlsx"'
        )
        return response
    names = {str(i["no"]): i["name"] for i in data["indicators"]}
    profile = []
    if data["figures"]:
        for no, name in names.items():
            profile.append(
                (no, name, data["figures"]["poor_deprived"].get(no, 0),
                 data["figures"]["poor_deprived_share"].get(no))
            )  # fmt: skip
    return render(
        request,
        "poverty/index.html",
        {
            "division": division,
            "year": year,
            "defaulted": not request.GET.get("year"),
            "years": years,
            "data": data,
            "fig": data["figures"],
            "profile": profile,
            "transitions": [
                (data["transition_labels"].get(k, k), v)
                for k, v in (data["figures"] or {}).get("transitions", {}).items()
            ],
            "can_edit": Scope.of(request.user).can_edit(division),
            "support": support,
        },
    )


@login_required
def household_list(request):
    q = request.GET.get("q", "").strip()
    scope = Scope.of(request.user)
    if q and not request.GET.get("division") and (scope.is_national or scope.is_admin):
        # The central level looks a household up by its code in every province (a code is
        # unique within a province only); the name search stays within one unit.
        matches = services.households_by_code(request.user, q)
        page = Paginator(matches, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "poverty/households.html",
            {"division": None, "page": page, "q": q, "countrywide": True},
        )
    division = _division(request, request.GET.get("division"))
    qs = (
        Household.objects.visible_to(request.user)
        .filter(within_q(division, "division"))
        .select_related("division", "province")
        .order_by("code")
    )
    if q:
        qs = qs.filter(code__startswith=q) | qs.filter(head_name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "poverty/households.html",
        {
            "division": division,
            "page": page,
            "q": q,
            "show_province": scope.is_national or scope.is_admin,
            "division_named": bool(request.GET.get("division")),
        },
    )


def _household(request, code) -> Household | list[Household]:
    """The household `code` (in the province `?province=` names, if any); a list when the user
    sees one with that code in several provinces (they choose)."""
    found = services.households_by_code(request.user, code, request.GET.get("province") or None)
    if len(found) == 1:
        return found[0]
    if found:
        return found
    lookup = {"code": code}
    if request.GET.get("province"):
        lookup["province__code"] = request.GET["province"]
    return get_visible_or_404(
        request,
        Household.objects.select_related("commune", "division"),
        what=f"household {code}",
        **lookup,
    )


@login_required
def household_detail(request, code: str):
    hh = _household(request, code)
    if isinstance(hh, list):
        return render(request, "poverty/household_choices.html", {"code": code, "matches": hh})
    can_edit = Scope.of(request.user).can_edit(hh.division)
    year = _year(request)
    form = ReviewForm(request.POST or None, initial={"year": year, "members": hh.members})
    status = 200
    if request.method == "POST":
        if not can_edit:
            record_denied(request, f"edit household {code}", hh.division)
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_review(
                    request.user, hh, form.cleaned_data["year"], form.review_input()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã lưu kết quả rà soát."))
                return redirect(
                    f"{reverse('poverty:household', args=[hh.code])}?province={hh.province.code}"
                )
        status = 400
    reviews = hh.reviews.select_related("standard").order_by("-year")
    return render(
        request,
        "poverty/household.html",
        {
            "hh": hh,
            "reviews": reviews,
            "form": form,
            "can_edit": can_edit,
            "supports": hh.supports.all(),
        },  # fmt: skip
        status=status,
    )


# -- import ---------------------------------------------------------------------------------
@login_required
def import_upload(request):
    require_role(request, EDITOR_ROLES, "poverty import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from tamnong.tabular import preview

        # kept for its preview: checked by a job, written only once the user confirms
        pending = preview.stash(form.cleaned_data["file"], "poverty", request.user)
        preview.say_uploaded(request, pending)
        return redirect("tabular:preview", pk=pending.pk)
    batches = ImportBatch.objects.filter(user=request.user)[:20]
    return render(
        request,
        "poverty/import.html",
        {"form": form, "batches": batches, "columns": importer.COLUMNS},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_template(request, fmt: str):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            importer.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-ho-ngheo.{fmt}"'
    return response


@login_required
def import_errors(request, pk: int):
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.user_id != request.user.pk and not Scope.of(request.user).is_admin:
        record_denied(request, f"import error report {pk}")
        raise Http404
    if not batch.error_report:
        raise Http404
    # stored under a random name (importing.run), downloaded under a name that says what it is
    return storedfiles.send(batch.error_report, f"loi-nhap-ho-{batch.pk}.csv")


# -- review rounds ----------------------------------------------------------------------------
@login_required
def round_document(request, commune_id: int, year: int):
    rnd = get_visible_or_404(request, ReviewRound, commune_id=commune_id, year=year)
    return storedfiles.send(
        rnd.document, storedfiles.original_name(rnd.document, rnd.document_name)
    )


@login_required
def rounds(request):
    division = _division(request, request.GET.get("division"))
    year = _year(request)
    communes = Division.objects.filter(subtree_q(division, ""), level=Level.COMMUNE).order_by(
        "code"
    )
    if division.level == Level.COMMUNE:
        communes = communes.filter(pk=division.current_id or division.pk)
    existing = {
        r.commune_id: r
        for r in ReviewRound.objects.visible_to(request.user).filter(
            year=year, commune__in=communes
        )
    }
    rows = [(c, existing.get(c.pk)) for c in communes[:500]]
    return render(
        request, "poverty/rounds.html", {"division": division, "year": year, "rows": rows}
    )


@login_required
def round_detail(request, commune_id: int, year: int):
    commune = get_object_or_404(Division, pk=commune_id, level=Level.COMMUNE)
    scope = Scope.of(request.user)
    if not scope.covers(commune):
        record_denied(request, f"review round {commune.code}/{year}", commune)
        raise Http404
    rnd = ReviewRound.objects.filter(commune=commune, year=year).first()
    form = RoundStepForm(request.POST or None)
    if request.method == "POST":
        if not scope.can_edit(commune):
            record_denied(request, f"advance round {commune.code}/{year}", commune)
            raise PermissionDenied
        if form.is_valid():
            rnd = rnd or services.get_round(commune, year)
            try:
                services.advance_round(request.user, rnd, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã cập nhật kỳ rà soát."))
                return redirect("poverty:round", commune_id=commune.pk, year=year)
    return render(
        request,
        "poverty/round.html",
        {
            "commune": commune,
            "year": year,
            "round": rnd,
            "form": form,
            "steps": ReviewRound.Step.choices,
            "can_edit": scope.can_edit(commune),
        },  # fmt: skip
        status=400 if request.method == "POST" else 200,
    )
