from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tamnong.access.lookups import covers_unit, default_division, editable_units
from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied
from tamnong.core import datacache
from tamnong.divisions.models import Division, Level
from tamnong.jobs import files as job_files
from tamnong.jobs.services import enqueue

from . import importing
from . import render as outputs
from .catalog import ensure_catalog
from .forms import ActivityForm, CommendationForm, ContributionForm, FundingForm, ImportForm
from .national import may_read_national
from .summary import Period, ReportContext, cached_summary, report_unit


@dataclass(frozen=True)
class RecordKind:
    """One kind of record the records page lists: its model (a class, or "app.Model" of a
    programme app, looked up when asked), title, columns, the query parameters that filter it
    (`param → field`), the field that `from`/`to` years filter, a further filter `apply(qs,
    params)`, and the form that enters it (none: the programme's own pages enter it)."""

    model: type | str
    title: str
    columns: tuple[str, ...]
    filters: dict[str, str] = field(default_factory=dict)
    year_field: str | None = None
    apply: Callable | None = None
    form: type | None = None

    @property
    def readonly(self) -> bool:
        return self.form is None

    @classmethod
    def entered(cls, form, title, **filters: str) -> RecordKind:
        """A kind entered on the reports pages: the model, columns and year field come from the
        form (`date__year` for a record dated by day)."""
        model = form._meta.model
        dated = "year" if any(f.name == "year" for f in model._meta.fields) else "date__year"
        return cls(model, title, form.list_columns, filters, dated, form=form)

    def resolved(self) -> RecordKind:
        if not isinstance(self.model, str):
            return self
        try:
            return replace(self, model=apps.get_model(self.model))
        except LookupError:
            raise Http404 from None


KINDS = {
    "funding": RecordKind.entered(
        FundingForm, _l("Nguồn vốn"), source="source__code", component="component__code"
    ),
    "contributions": RecordKind.entered(
        ContributionForm, _l("Nguồn lực huy động"), purpose="purpose"
    ),
    "activities": RecordKind.entered(
        ActivityForm, _l("Hoạt động truyền thông, tập huấn"), kind="kind__code"
    ),
    "commendations": RecordKind.entered(
        CommendationForm, _l("Khen thưởng"), recipient_kind="recipient_kind"
    ),
}


def _ocop_certificates(qs, params):
    """Certificates by state on a day, stars, issue period, first certification or not."""
    import datetime as dt

    from django.db.models import Exists, OuterRef

    from tamnong.ocop.models import Certificate, Extension, Revocation

    try:
        on = dt.date.fromisoformat(params.get("on", "")) if params.get("on") else None
        issued_from = (
            dt.date.fromisoformat(params["issued_from"]) if params.get("issued_from") else None
        )
        issued_to = dt.date.fromisoformat(params["issued_to"]) if params.get("issued_to") else None
    except ValueError:
        raise Http404 from None
    state = params.get("state")
    if on and state == "valid":
        qs = qs.filter(pk__in=Certificate.objects.valid_on(on).values("pk"))
    elif on and state in {"expired", "revoked"}:
        # The product's latest certificate by then is no longer in force for this reason.
        later = Certificate.objects.filter(
            product=OuterRef("product"), issued_on__lte=on, issued_on__gt=OuterRef("issued_on")
        )
        revoked = Revocation.objects.filter(certificate=OuterRef("pk"), revoked_on__lte=on)
        qs = qs.filter(issued_on__lte=on).exclude(Exists(later))
        qs = (
            qs.filter(Exists(revoked))
            if state == "revoked"
            else qs.filter(expires_on__lte=on)
            .exclude(Exists(revoked))
            # in force past expiry by a late re-evaluation (Điều 12.3 QĐ 26/2026): not expired
            .exclude(Exists(Extension.objects.filter(certificate=OuterRef("pk"), until__gt=on)))
        )
    if params.get("stars", "").isdigit():
        qs = qs.filter(stars=int(params["stars"]))
    if issued_from:
        qs = qs.filter(issued_on__gte=issued_from)
    if issued_to:
        qs = qs.filter(issued_on__lte=issued_to)
    if params.get("first") in {"0", "1"}:
        earlier = Certificate.objects.filter(
            product=OuterRef("product"), issued_on__lt=OuterRef("issued_on")
        )
        first = Q(supersedes__isnull=True) & ~Q(Exists(earlier))
        qs = qs.filter(first) if params["first"] == "1" else qs.exclude(first)
    return qs


KINDS["ocop-certificates"] = RecordKind(
    "ocop.Certificate",
    _l("Giấy chứng nhận OCOP"),
    ("number", "product", "producer", "division", "stars", "issued_on", "expires_on"),
    apply=_ocop_certificates,
)


def _ntm_assessments(qs, params):
    if params.get("unit_kind"):
        qs = qs.filter(division__kind__in=params["unit_kind"].split(","))
    return qs


KINDS["ntm-assessments"] = RecordKind(
    "ntm.Assessment",
    _l("Kết quả đánh giá nông thôn mới"),
    ("division", "year", "set_key", "criteria_met", "criteria_total", "status"),
    {"year": "year", "set": "set_key", "band": "band", "status": "status"},
    apply=_ntm_assessments,
)


def _ntm_recognitions(qs, params):
    """Recognitions counted for a level at the end of a year (`level`, `year`; nested by the
    levels data, until revoked), or made that year (`reached=1`)."""
    from tamnong.ntm.levels import levels

    qs = qs.select_related("decision")
    if not params.get("year", "").isdigit():
        return qs
    year = int(params["year"])
    qs = qs.filter(year__lte=year).exclude(revoked_year__lte=year)
    if params.get("level"):
        data = levels()
        kinds = set().union(*(data.including(params["level"], p.year_from) for p in data.periods))
        qs = qs.filter(kind__in=kinds)
    if params.get("reached") == "1":
        qs = qs.filter(year=year)
    return qs


KINDS["ntm-recognitions"] = RecordKind(
    "ntm.Recognition",
    _l("Công nhận nông thôn mới"),
    ("division", "kind", "year", "decision", "state"),
    {"kind": "kind"},
    apply=_ntm_recognitions,
)


def _poverty_reviews(qs, params):
    if params.get("transition"):
        qs = qs.filter(transition__in=params["transition"].split(","))
    return qs.select_related("household")


KINDS["poverty-reviews"] = RecordKind(
    "poverty.ReviewRecord",
    _l("Kết quả rà soát hộ nghèo, cận nghèo"),
    (
        "household",
        "year",
        "division",
        "area",
        "income",
        "deprivation_count",
        "classification",
        "transition",
    ),
    {"year": "year", "classification": "classification", "area": "area"},
    "year",
    apply=_poverty_reviews,
)


def _kind(kind: str) -> RecordKind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind].resolved()


def editable_divisions(user):
    """Current units where the user may enter records (for form choices)."""
    return editable_units(user).exclude(level=Level.VILLAGE).order_by("path")


def report_divisions(user):
    """Units a user may report on: current provinces/communes in scope, and old provinces inside them."""
    qs = Division.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]).select_related("map")
    return (
        Scope.of(user)
        .filter(qs, path_field="path")
        .order_by(F("map__valid_from").desc(nulls_last=True), "level", "code")
    )


def _unit_options(user) -> tuple[list[tuple[int, str, bool]], list[tuple[int, str, bool]]]:
    """(provinces, current communes) a user may report on, as (pk, name, is current), kept
    until the data change: long lists that every report page offers."""

    def compute():
        divisions = report_divisions(user)
        provinces = divisions.filter(level=Level.PROVINCE)[:100]
        communes = divisions.resolved().filter(level=Level.COMMUNE)[:500]
        return (
            [(d.pk, d.name, d.is_current) for d in provinces],
            [(d.pk, d.name, True) for d in communes],
        )

    return datacache.cached_for(user, "divisions.report-units", compute=compute)


def _current_units(user) -> list[tuple[int, str, bool]]:
    provinces, communes = _unit_options(user)
    return [p for p in provinces if p[2]] + communes


def _unit_select_options(user, selected: int) -> str:
    """The <option>s of the unit picker (up to 300 current units), built once per data version:
    rendering them through the template language cost more than the rest of the page."""
    options = datacache.cached_for(
        user,
        "divisions.unit-options",
        compute=lambda: str(
            format_html_join(
                "",
                '<option value="{}">{}</option>',
                ((pk, name) for pk, name, _current in _current_units(user)[:300]),
            )
        ),
    )
    mark = f'<option value="{int(selected)}">'
    return mark_safe(options.replace(mark, mark[:-1] + " selected>", 1))  # noqa: S308 – escaped above


@login_required
def index(request):
    from .exports.views import export_provinces

    provinces, communes = _unit_options(request.user)
    year = _default_year(request.user)
    plan_start = 2021 + 5 * ((year - 2021) // 5)
    kinds = []
    for key in KINDS:
        spec = _kind(key)
        qs = spec.model.objects.visible_to(request.user)
        if spec.apply:
            qs = spec.apply(qs, {})
        kinds.append((key, spec.title, qs.count()))  # what the list page counts
    return render(
        request,
        "reports/index.html",
        {
            "divisions": provinces,
            "communes": communes,
            "kinds": kinds,
            # the five-year plan (2021-2025, 2026-2030) holding the latest year with records
            "default_period": f"{plan_start}-{plan_start + 4}",
            "can_import": editable_divisions(request.user).exists(),
            "export_provinces": export_provinces(request.user),
            "export_year": year,
            "national": may_read_national(request.user),
        },
    )


def _report_division(request) -> Division:
    raw = request.GET.get("division")
    if raw and request.GET.get("map"):
        try:
            return report_unit(request.user, raw, request.GET["map"])
        except PermissionDenied:
            record_denied(request, f"summary report {raw}")
            raise
    if raw:
        division = get_object_or_404(Division.objects.select_related("map"), pk=raw)
    else:
        # The broadest unit of the scope (old-map units are chosen explicitly).
        division = default_division(request.user)
        if division is None:
            raise PermissionDenied
    if not covers_unit(request.user, division):
        record_denied(request, f"summary report {division.code}", division)
        raise PermissionDenied
    return division


@login_required
def summary(request):
    division = _report_division(request)
    try:
        period = Period.parse(request.GET.get("period") or str(_default_year(request.user)))
    except ValueError as exc:
        return render(
            request, "reports/summary.html", {"error": str(exc), "division": division}, status=400
        )
    fmt = request.GET.get("format", "html")
    base = "" if fmt == "html" else request.build_absolute_uri("/").rstrip("/")

    def report():
        return cached_summary(request.user, division, period, base_url=base)

    name = f"bao-cao-tong-ket-{division.code}-{period.start}-{period.end}"
    # Each output is made once per data version (core.datacache): the JSON text and the HTML of
    # the sections are kept as they are served; the page around the sections (user menu, CSRF
    # token) is rendered for each request.
    if fmt == "json":
        body = datacache.cached_for(
            request.user,
            "reports.summary-json",
            *(division.pk, period.start, period.end, base),
            compute=lambda: outputs.to_json(report()),
        )
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    if fmt == "xlsx":
        response = HttpResponse(
            outputs.to_xlsx(report()),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(outputs.to_pdf(report()), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response

    def html():
        made = report()
        sections = render_to_string("reports/_sections.html", {"report": made})
        toc = [(sec.key, sec.title) for sec in made.sections]
        return made.generated_at, mark_safe(sections), toc  # noqa: S308 – our template's output

    generated_at, sections_html, toc = datacache.cached_for(
        request.user, "reports.summary-html", division.pk, period.start, period.end, compute=html
    )
    return render(
        request,
        "reports/summary.html",
        {
            "generated_at": generated_at,
            "data_as_of": datacache.last_changed("reports"),
            "division": division,
            "period": period,
            "defaulted": not request.GET.get("period"),
            "sections_html": sections_html,
            "report_toc": toc,
        },
    )


def _default_year(user=None) -> int:
    """The latest year with records in the user's scope (this year when there are none)."""
    from tamnong.reports.scopeyears import latest_year

    return latest_year(user) if user is not None else timezone.localdate().year


@login_required
def records(request, kind: str):
    spec = _kind(kind)
    qs = spec.model.objects.visible_to(request.user).select_related("division")
    division = None
    if request.GET.get("division"):
        division = get_object_or_404(Division, pk=request.GET["division"])
        ctx = ReportContext(request.user, division, Period(2000, 2100))
        qs = qs.filter(ctx.records_q())
    if year_field := spec.year_field:
        if request.GET.get("from", "").isdigit():
            qs = qs.filter(**{f"{year_field}__gte": int(request.GET["from"])})
        if request.GET.get("to", "").isdigit():
            qs = qs.filter(**{f"{year_field}__lte": int(request.GET["to"])})
    for param, lookup in spec.filters.items():
        if request.GET.get(param):
            qs = qs.filter(**{lookup: request.GET[param]})
    if spec.apply is not None:
        qs = spec.apply(qs, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    fields = [spec.model._meta.get_field(c) for c in spec.columns]
    rows = [[_display(obj, f) for f in fields] for obj in page]
    return render(
        request,
        "reports/records.html",
        {
            "kind": kind,
            "spec": spec,
            "page": page,
            "rows": rows,
            "division": division,
            "headers": [_header(f) for f in fields],
            "can_add": editable_divisions(request.user).exists(),
            "query": request.GET.urlencode(),
        },
    )


# Display names for columns whose model field has no Vietnamese verbose name.
HEADERS = {
    "division": _("đơn vị hành chính"),
    "product": _("sản phẩm"),
    "producer": _("chủ thể"),
    "household": _("hộ"),
    "set_key": _("bộ tiêu chí"),
    "status": _("trạng thái"),
}


def _header(field) -> str:
    from django.utils.translation import gettext

    if field.name in HEADERS:
        return gettext(HEADERS[field.name])
    return str(field.verbose_name)


def _display(obj, field):
    from tamnong.core.formatting import cell

    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    if field.name == "set_key" and getattr(obj, "criteria_set_id", None):
        return obj.criteria_set.title
    value = getattr(obj, field.name)
    if hasattr(value, "_meta"):
        return value  # rendered by its __str__ (a name)
    return cell(value, field.name)


@login_required
def create(request, kind: str):
    spec = _kind(kind)
    if spec.readonly:
        raise Http404
    ensure_catalog()
    divisions = editable_divisions(request.user)
    if not divisions.exists():
        record_denied(request, f"create {kind}")
        raise PermissionDenied
    form = spec.form(request.POST or None, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        Scope.of(request.user).require_edit(form.cleaned_data["division"])
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("reports:records", kind=kind)
    return render(
        request,
        "reports/form.html",
        {"form": form, "spec": spec, "kind": kind},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def funding_import(request):
    if not editable_divisions(request.user).exists():
        record_denied(request, "funding import")
        raise PermissionDenied
    ensure_catalog()
    if request.GET.get("template"):
        response = HttpResponse(
            importing.template_xlsx(),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-nguon-von.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = job_files.save_upload(form.cleaned_data["file"])  # owned by the job
        job = enqueue(
            "reports.import_funding",
            user=request.user,
            files=[path],
            path=path,
            user_id=request.user.pk,
        )
        messages.success(
            request,
            _("Đã tải lên tệp «%(name)s»; đang kiểm tra và nhập, kết quả hiện ở trang này.")
            % {"name": form.cleaned_data["file"].name},
        )
        return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "reports/import.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def dashboard(request):
    from .dashboard import cached_dashboard, chart_csv

    division = _report_division(request)
    try:
        year = int(request.GET.get("year") or _default_year(request.user))
    except ValueError:
        year = _default_year(request.user)
    if key := request.GET.get("download"):
        panels = cached_dashboard(request.user, division, year)
        chart = next((p.chart for p in panels if p.chart and p.chart.key == key), None)
        if chart is None:
            raise Http404
        response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{key}-{division.code}-{year}.csv"'
        return response

    def html():
        panels = render_to_string(
            "reports/_panels.html",
            {
                "panels": cached_dashboard(request.user, division, year),
                "division": division,
                "year": year,
            },
        )
        return timezone.now(), mark_safe(panels)  # noqa: S308 – our template's output

    # kept with the time it was computed: the page says how fresh its figures are
    generated_at, panels_html = datacache.cached_for(
        request.user, "reports.dashboard-html", *(division.pk, year), compute=html
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "panels_html": panels_html,
            "generated_at": generated_at,
            "data_as_of": datacache.last_changed("reports"),
            "division": division,
            "year": year,
            "defaulted": not request.GET.get("year"),
            "unit_options": _unit_select_options(request.user, division.pk),
        },
    )
