"""NTM bulk imports: the results of many communes and their region/group, uploaded, previewed
(`tabular:preview`) and confirmed; the templates generated from a set's data. Thin: the rules
are in `bulk.py` and the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.roles import EDITOR_ROLES
from tamnong.access.scope import Scope

from . import bulk, criteria, forms
from .views import guarded

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(user) -> None:
    """Only who may enter NTM results (an editing role somewhere) sees these pages; each commune
    is checked again by the services (`Scope.require_edit`)."""
    scope = Scope.of(user)
    if not (scope.is_admin or scope.has_role(*EDITOR_ROLES)):
        raise PermissionDenied(_("Bạn không có quyền nhập kết quả nông thôn mới."))


def _commune_sets():
    return list(criteria.latest_sets().filter(level="commune").order_by("year_from", "key"))


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _upload(request, form, key: str, fields: tuple[str, ...]):
    """A posted upload: kept with its params and sent to the one preview; None (with the reason
    shown) when the form is wrong or has no file, the page then shown again."""
    from tamnong.tabular import preview

    if form.is_valid() and form.cleaned_data["file"]:
        params = {name: form.cleaned_data[name] for name in fields}
        pending = preview.stash(form.cleaned_data["file"], key, request.user, params)
        preview.say_uploaded(request, pending)
        return redirect("tabular:preview", pk=pending.pk)
    if form.is_valid():
        messages.error(request, _("Chưa chọn tệp."))
    return None


def _import_page(request, form_class, *, key, fields, page, template, **form_kwargs):
    """One bulk-import page: a posted upload goes to its preview; `?template=1` downloads the
    template (`template(cleaned_data, communes)` gives its bytes and name) of the communes in
    the user's scope; else the page, with the template's form beside the upload's (its own ids:
    one page, no id twice)."""
    _require_editor(request.user)
    year = timezone.localdate().year
    form = form_class(
        request.POST or request.GET or None,
        request.FILES or None,
        initial={"year": year},
        **form_kwargs,
    )
    status = 200
    if request.method == "POST":
        uploaded = _upload(request, form, key, fields)
        if uploaded:
            return uploaded
        status = 400
    elif request.GET.get("template") and form.is_valid():
        communes = bulk.communes_in_scope(request.user, form.cleaned_data["year"])
        return _xlsx(*template(form.cleaned_data, communes))
    template_form = form_class(
        request.GET if request.GET.get("template") else None,
        initial={"year": year},
        auto_id="mau_%s",
        **form_kwargs,
    )
    context = {"form": form, "template_form": template_form, **form_kwargs}
    return render(request, page, context, status=status)


def _results_template(data, communes) -> tuple[bytes, str]:
    cs, y = criteria.latest(data["set_key"]), data["year"]
    return bulk.template_xlsx(cs, y, communes), f"ket-qua-{cs.key}-{y}.xlsx"


def _profiles_template(data, communes) -> tuple[bytes, str]:
    y, kind = data["year"], data["classification"]
    return bulk.profiles_template_xlsx(y, kind, communes), f"phan-loai-xa-{y}.xlsx"


@guarded
def import_results(request):
    return _import_page(
        request,
        forms.ResultsUploadForm,
        key="ntm-results",
        fields=("set_key", "year"),
        page="ntm/import_results.html",
        template=_results_template,
        sets=_commune_sets(),
    )


@guarded
def import_profiles(request):
    return _import_page(
        request,
        forms.ProfilesUploadForm,
        key="ntm-profiles",
        fields=("year", "classification"),
        page="ntm/import_profiles.html",
        template=_profiles_template,
    )
