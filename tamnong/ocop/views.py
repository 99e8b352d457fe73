"""OCOP pages. Thin: parse the request, call a service with the acting user, render.

Every page that shows records goes through `visible_to`; an object outside the user's scope is
a logged 403. Workflow actions post to the page they are shown on (`action=` field); a refused
action re-renders that page with the Vietnamese message and status 400.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tamnong.accounts.models import Role, User
from tamnong.accounts.scoping import Scope
from tamnong.audit.services import record_denied
from tamnong.core import datacache
from tamnong.divisions.models import Division, Level

from . import criteria as crit
from . import figures as figures_service
from . import forms, importer, pdf, rules, services
from .models import (
    Certificate,
    CouncilSession,
    CriteriaSet,
    CriteriaUpload,
    Dossier,
    ImportRun,
    Notification,
    Producer,
    Product,
    ScoreSheet,
    Seat,
)
from .ratelimit import limit


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _visible(request, model, pk, **related):
    obj = get_object_or_404(model.objects.select_related(*related.get("select", ())), pk=pk)
    if not model.objects.visible_to(request.user).filter(pk=pk).exists():
        record_denied(request, f"{model._meta.label} {pk}", getattr(obj, "division", None))
        raise PermissionDenied
    return obj


def _denied(view):
    @wraps(view)
    def inner(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            record_denied(request, f"{request.method} {request.path}")
            raise

    return inner


def _sheet_answers(post, content: dict) -> dict:
    out = {}
    for c in crit.criteria_of(content):
        value = post.get(f"c_{c['code']}", "")
        if value != "":
            out[c["code"]] = value
    return out


def _sheet_rows(
    content: dict, values: dict | None = None, locked: dict | None = None
) -> list[dict]:
    values, locked = values or {}, locked or {}
    return [
        dict(c, value=locked.get(c["code"], values.get(c["code"], "")), locked=c["code"] in locked)
        for c in crit.criteria_of(content)
    ]


# -- dashboard -------------------------------------------------------------------------------------


@login_required
def index(request):
    today = timezone.localdate()
    certs = Certificate.objects.visible_to(request.user)

    def counts() -> dict:
        return {
            "producers": Producer.objects.visible_to(request.user).count(),
            "products": Product.objects.visible_to(request.user).count(),
            "valid": certs.valid_on(today).count(),
            "expiring": certs.valid_on(today)
            .filter(expires_on__lte=today + dt.timedelta(days=30))
            .count(),
            "dossiers": list(
                Dossier.objects.visible_to(request.user)
                .values("state")
                .annotate(n=Count("id"))
                .order_by("state")
            ),
        }

    context = {
        # the same for everyone with these grants until the data change (core.datacache)
        **datacache.cached("ocop.index", (datacache.scope_key(request.user),), counts),
        "notifications": Notification.objects.filter(user=request.user, read_at__isnull=True)[:10],
        "is_admin": Scope.of(request.user).is_admin,
        "states": dict(Dossier.State.choices),
    }
    return render(request, "ocop/index.html", context)


@login_required
@require_http_methods(["POST"])
def notification_read(request, pk: int):
    Notification.objects.filter(user=request.user, pk=pk).update(read_at=timezone.now())
    return redirect("ocop:index")


# -- registry --------------------------------------------------------------------------------------


@login_required
def producer_list(request):
    qs = Producer.objects.visible_to(request.user).select_related("division")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q) | Q(registration_no=q))
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "ocop/producers.html", {"page": page, "q": q})


def _editable_communes(user):
    scope = Scope.of(user)
    qs = Division.objects.filter(level=Level.COMMUNE, current_id__isnull=False).select_related(
        "parent"
    )
    qs = qs.filter(map__valid_to__isnull=True)
    if scope.is_admin:
        return qs.order_by("name")
    cond = Q(pk__in=[])
    for path in scope.paths(roles=forms_roles()):
        cond |= Q(path__startswith=path)
    return qs.filter(cond).order_by("name")


def forms_roles():
    from tamnong.accounts.models import EDITOR_ROLES

    return EDITOR_ROLES


@login_required
@_denied
def producer_new(request):
    form = forms.ProducerForm(request.POST or None, divisions=_editable_communes(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                producer = services.create_producer(request.user, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(
                    request, _("Đã đăng ký chủ thể %(name)s.") % {"name": producer.name}
                )
                return redirect("ocop:producer", pk=producer.pk)
        status = 400
    return render(
        request, "ocop/form.html", {"form": form, "title": _("Đăng ký chủ thể OCOP")}, status=status
    )


@login_required
def producer_detail(request, pk: int):
    producer = _visible(request, Producer, pk, select=("division",))
    return render(
        request,
        "ocop/producer.html",
        {
            "producer": producer,
            "products": producer.products.all(),
            "can_act": services.can_act_for(request.user, producer),
        },
    )


@login_required
@_denied
def product_new(request, producer_pk: int):
    producer = _visible(request, Producer, producer_pk)
    services.require_producer_access(request.user, producer)
    form = forms.ProductForm(request.POST or None, sets=services.product_sets())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = services.create_product(request.user, producer, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                return redirect("ocop:product", pk=product.pk)
        status = 400
    title = _("Thêm sản phẩm của %(p)s") % {"p": producer}
    return render(request, "ocop/form.html", {"form": form, "title": title}, status=status)


@login_required
def product_list(request):
    qs = Product.objects.visible_to(request.user).select_related("producer", "division")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q) | Q(producer__name__icontains=q))
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "ocop/products.html", {"page": page, "q": q})


@login_required
@_denied
def product_detail(request, pk: int):
    product = _visible(request, Product, pk, select=("producer", "division"))
    can_act = services.can_act_for(request.user, product.producer)
    channel_form, fair_form, open_form = (
        forms.ChannelForm(),
        forms.FairForm(),
        forms.OpenDossierForm(),
    )
    errors, status = [], 200
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "channel":
                channel_form = forms.ChannelForm(request.POST)
                if channel_form.is_valid():
                    services.add_channel(request.user, product, **channel_form.cleaned_data)
                    return redirect("ocop:product", pk=pk)
            elif action == "fair":
                fair_form = forms.FairForm(request.POST)
                if fair_form.is_valid():
                    services.add_fair(request.user, product, **fair_form.cleaned_data)
                    return redirect("ocop:product", pk=pk)
            elif action == "open":
                open_form = forms.OpenDossierForm(request.POST)
                if open_form.is_valid():
                    dossier = services.open_dossier(
                        request.user, product, kind=open_form.cleaned_data["kind"]
                    )
                    return redirect("ocop:dossier", pk=dossier.pk)
        except ValidationError as exc:
            errors = _errors(exc)
        status = 400
    return render(
        request,
        "ocop/product.html",
        {
            "product": product,
            "can_act": can_act,
            "channels": product.channels.all(),
            "fairs": product.fairs.all(),
            "certificates": product.certificates.select_related("decision").order_by("-issued_on"),
            "dossiers": product.dossiers.all(),
            "channel_form": channel_form,
            "fair_form": fair_form,
            "open_form": open_form,
            "errors": errors,
            "today": timezone.localdate(),
        },
        status=status,
    )


# -- dossiers --------------------------------------------------------------------------------------


@login_required
def dossier_list(request):
    qs = Dossier.objects.visible_to(request.user).select_related(
        "product__producer", "product__division"
    )
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ocop/dossiers.html",
        {"page": page, "state": state, "states": Dossier.State.choices},
    )


@login_required
@_denied
def dossier_detail(request, pk: int):
    dossier = _visible(
        request, Dossier, pk, select=("product__producer", "criteria_set", "regime", "session")
    )
    scope = Scope.of(request.user)
    can_producer = services.can_act_for(request.user, dossier.product.producer)
    can_commune = scope.covers(dossier.product.division, forms_roles())
    content = dossier.criteria_set.content if dossier.criteria_set else None
    errors, status = [], 200
    file_form = forms.FileForm()
    is_province = scope.covers(dossier.product.division, services.PROVINCE_ROLES)
    can_central = is_province and dossier.state == Dossier.State.FORWARDED_CENTRAL
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
                    return redirect("ocop:dossier", pk=pk)
                errors = [str(e) for errs in file_form.errors.values() for e in errs]
            elif action == "submit":
                services.submit_dossier(request.user, dossier)
                return redirect("ocop:dossier", pk=pk)
            elif action == "commune":
                local = {c["code"] for c in crit.commune_criteria(content)}
                answers = {
                    k: v for k, v in _sheet_answers(request.POST, content).items() if k in local
                }
                services.commune_assess(
                    request.user, dossier, answers=answers, report=request.POST.get("report", "")
                )
                return redirect("ocop:dossier", pk=pk)
            elif action == "central":
                if not is_province:  # the service refuses too; refuse before reading the form
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
                return redirect("ocop:dossier", pk=pk)
            else:
                errors = [_("Thao tác không hợp lệ.")]
        except ValidationError as exc:
            errors = _errors(exc)
        status = 400
        dossier.refresh_from_db()
    sheets = (
        list(dossier.sheets.select_related("member"))
        if dossier.state not in (Dossier.State.IN_SESSION,)
        or scope.has_role(Role.ADMIN, Role.COORDINATOR)
        else []
    )
    return render(
        request,
        "ocop/dossier.html",
        {
            "dossier": dossier,
            "content": content,
            "self_rows": _sheet_rows(content, dossier.self_assessment) if content else [],
            "commune_rows": [
                r for r in _sheet_rows(content, dossier.commune_answers) if r["commune"]
            ]
            if content
            else [],
            "can_producer": can_producer
            and dossier.state in (Dossier.State.DRAFT, Dossier.State.RETURNED),
            "can_commune": can_commune and dossier.state == Dossier.State.SUBMITTED,
            "files": dossier.files.all(),
            "file_form": file_form,
            "sheets": sheets,
            "central_form": central_form if can_central else None,
            "errors": errors,
        },
        status=status,
    )


# -- council ---------------------------------------------------------------------------------------


@login_required
def session_list(request):
    qs = CouncilSession.objects.visible_to(request.user).annotate(n=Count("dossiers"))
    return render(request, "ocop/sessions.html", {"sessions": qs})


def _parse_seats(text: str) -> list[tuple]:
    seats, errors = [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        username, role = parts[0], (parts[1] if len(parts) > 1 else Seat.Role.MEMBER)
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            errors.append(
                _("Dòng %(n)s: không có người dùng %(u)s.") % {"n": lineno, "u": username}
            )
        elif role not in Seat.Role.values:
            errors.append(_("Dòng %(n)s: vai trò %(r)s không hợp lệ.") % {"n": lineno, "r": role})
        else:
            seats.append((user, role))
    if errors:
        raise ValidationError({"members": errors})
    return seats


@login_required
@_denied
def session_new(request):
    form = forms.SessionForm(request.POST or None)
    provinces = [
        d
        for d in forms.province_choices()
        if Scope.of(request.user).covers(d, services.PROVINCE_ROLES)
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid() and provinces:
            try:
                session = services.create_session(
                    request.user,
                    division=provinces[0],
                    name=form.cleaned_data["name"],
                    held_on=form.cleaned_data["held_on"],
                    seats=_parse_seats(form.cleaned_data["members"]),
                )
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                return redirect("ocop:session", pk=session.pk)
        elif not provinces:
            raise PermissionDenied
        status = 400
    return render(
        request, "ocop/form.html", {"form": form, "title": _("Lập phiên Hội đồng")}, status=status
    )


@login_required
@_denied
def session_detail(request, pk: int):
    session = _visible(request, CouncilSession, pk, select=("division", "regime"))
    seat = Seat.objects.filter(session=session, user=request.user).first()
    scope = Scope.of(request.user)
    is_staff = scope.covers(session.division, services.PROVINCE_ROLES)
    errors, status = [], 200
    target = None
    seat_form = forms.SeatForm(initial={"role": Seat.Role.MEMBER})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                ids = request.POST.getlist("dossier")
                picked = list(Dossier.objects.visible_to(request.user).filter(pk__in=ids))
                services.add_to_session(request.user, session, picked)
            elif action == "sheet":
                target = get_object_or_404(Dossier, pk=request.POST.get("dossier"))
                services.submit_sheet(
                    request.user,
                    session,
                    target,
                    _sheet_answers(request.POST, target.criteria_set.content),
                    request.POST.get("comment", ""),
                )
                messages.success(request, _("Đã nộp phiếu đánh giá."))
            elif action == "seat":
                seat_form = forms.SeatForm(request.POST)
                if not seat_form.is_valid():
                    raise ValidationError(
                        {k: [str(e) for e in v] for k, v in seat_form.errors.items()}
                    )
                username = seat_form.cleaned_data["username"].strip()
                user = User.objects.filter(username__iexact=username).first()
                if user is None:
                    raise ValidationError(
                        {"username": [_("Không có người dùng %(u)s.") % {"u": username}]}
                    )
                services.add_seats(request.user, session, [(user, seat_form.cleaned_data["role"])])
                messages.success(request, _("Đã bổ sung %(u)s vào thành phần phiên.") % {"u": user})
            elif action == "close":
                services.close_session(request.user, session)
            elif action == "recognise":
                form = forms.DecisionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
                picked = list(session.dossiers.filter(pk__in=request.POST.getlist("dossier")))
                services.recognise(request.user, picked, **form.cleaned_data)
                messages.success(request, _("Đã ban hành quyết định công nhận."))
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
            return redirect("ocop:session", pk=pk)
        except ValidationError as exc:
            errors = _errors(exc)
            status = 400
        session.refresh_from_db()
    dossiers = list(session.dossiers.select_related("product__producer", "criteria_set"))
    mine = {s.dossier_id for s in ScoreSheet.objects.filter(session=session, member=request.user)}
    show_sheets = (
        session.state == CouncilSession.State.CLOSED
        or is_staff
        or (seat is not None and seat.role == Seat.Role.SECRETARY)
    )
    rows = []
    for d in dossiers:
        sheets = list(d.sheets.select_related("member")) if show_sheets else []
        rows.append(
            {
                "dossier": d,
                "sheets": sheets,
                "count": d.sheets.count(),
                "mine": d.pk in mine,
                "form_rows": _sheet_rows(d.criteria_set.content, locked=d.commune_answers)
                if d.criteria_set and seat and seat.role in Seat.SCORING and d.pk not in mine
                else [],
            }
        )
    candidates = (
        Dossier.objects.visible_to(request.user)
        .filter(
            state=Dossier.State.FORWARDED, product__division__path__startswith=session.division.path
        )
        .select_related("product")
        if is_staff and session.state == CouncilSession.State.OPEN
        else []
    )
    return render(
        request,
        "ocop/session.html",
        {
            "session": session,
            "seats": session.seats.select_related("user"),
            "seat": seat,
            "rows": rows,
            "candidates": candidates,
            "is_staff": is_staff,
            "can_close": session.state == CouncilSession.State.OPEN
            and (is_staff or (seat and seat.role in (Seat.Role.SECRETARY, Seat.Role.CHAIR))),
            "decision_form": forms.DecisionForm(),
            "seat_form": seat_form
            if session.state == CouncilSession.State.OPEN
            and services.can_manage_seats(request.user, session)
            else None,
            "scoring_started": ScoreSheet.objects.filter(session=session).exists(),
            "errors": errors,
        },
        status=status,
    )


# -- certificates ----------------------------------------------------------------------------------


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
    can_revoke = Scope.of(request.user).covers(cert.division, services.PROVINCE_ROLES)
    form = forms.RevokeForm(request.POST or None)
    errors, status = [], 200
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.revoke(
                    request.user,
                    cert,
                    reason=data["reason"],
                    number=data["number"],
                    signed_on=data["signed_on"],
                    issuer=data["issuer"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                return redirect("ocop:certificate", pk=pk)
        status = 400
    state, state_on = cert.status_on(timezone.localdate())
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


# -- criteria sets (administrators) ----------------------------------------------------------------


@login_required
def criteria_list(request):
    sets = CriteriaSet.objects.all().order_by("set_no", "-effective_from", "-version")
    return render(
        request,
        "ocop/criteria_list.html",
        {
            "sets": sets,
            "is_admin": Scope.of(request.user).is_admin,
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
    if not Scope.of(request.user).is_admin:
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
    if not Scope.of(request.user).is_admin:
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


# -- import, figures -------------------------------------------------------------------------------


@login_required
@_denied
def import_page(request):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    run = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data["file"]
            run = importer.import_file(request.user, f.name, f.read())
            status = 200 if run.committed else 400
        else:
            status = 400
    return render(
        request,
        "ocop/import.html",
        {"form": form, "run": run, "runs": ImportRun.objects.filter(created_by=request.user)[:10]},
        status=status,
    )


@login_required
def import_template(request):
    response = HttpResponse(
        importer.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ocop.xlsx"'
    return response


@login_required
def import_rejected(request, pk: int):
    run = get_object_or_404(ImportRun, pk=pk, created_by=request.user)
    response = HttpResponse(importer.rejected_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dong-bi-loai-{run.pk}.csv"'
    return response


@login_required
@_denied
def figures(request):
    try:
        params = figures_service.parse_params(
            request.user, request.GET.get("division"), request.GET.get("date")
        )
    except ValidationError as exc:
        return render(request, "ocop/figures.html", {"errors": _errors(exc)}, status=400)
    data = figures_service.figures(request.user, **params)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            figures_service.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="so-lieu-ocop.xlsx"'
        return response
    return render(request, "ocop/figures.html", {"data": data, "division": params["division"]})


# -- public pages (no login) -----------------------------------------------------------------------


def _catalog_choices() -> dict:
    choices = cache.get("ocop:catalog-choices")
    if choices is None:
        choices = {
            "provinces": list(forms.province_choices().values("id", "name")),
            "groups": sorted(set(CriteriaSet.objects.values_list("product_group", flat=True))),
        }
        cache.set("ocop:catalog-choices", choices, 300)
    return choices


def _unit_ids(unit: Division) -> list[int]:
    key = f"ocop:units:{unit.pk}"
    ids = cache.get(key)
    if ids is None:
        ids = list(Division.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        cache.set(key, ids, 600)
    return ids


@limit("ocop-public")
def catalog(request):
    """Public catalog: only products with a certificate valid today are shown as OCOP."""
    today = timezone.localdate()
    qs = Certificate.objects.valid_on(today).select_related(
        "product", "producer", "division", "division__parent"
    )
    f = {k: request.GET.get(k, "").strip() for k in ("province", "commune", "group", "stars", "q")}
    # A place filter becomes the list of unit ids under it (old units included): an indexed
    # IN on the certificate row instead of a LIKE through a join.
    for key, level in (("province", Level.PROVINCE), ("commune", Level.COMMUNE)):
        if f[key].isdigit():
            unit = Division.objects.filter(pk=f[key], level=level).first()
            if unit is not None:
                qs = qs.filter(division_id__in=_unit_ids(unit))
    if f["group"]:
        qs = qs.filter(product__product_group=f["group"])
    if f["stars"] in {"3", "4", "5"}:
        qs = qs.filter(stars=int(f["stars"]))
    if f["q"]:
        qs = qs.filter(Q(product__name__icontains=f["q"]) | Q(producer__name__icontains=f["q"]))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)

    def render_list():
        page = Paginator(qs.order_by("-stars", "product__name", "id"), 24).get_page(
            request.GET.get("page")
        )
        html = render_to_string("ocop/_catalog_list.html", {"page": page, "query": query})
        return mark_safe(html)  # noqa: S308 – our template's output

    # the same for every visitor: rendered once per data version and day (core.datacache)
    list_html = datacache.cached(
        "ocop.catalog", (tuple(f.items()), request.GET.get("page", "")), render_list
    )
    communes = []
    if f["province"].isdigit():
        communes = Division.objects.filter(parent_id=f["province"], level=Level.COMMUNE).values(
            "id", "name"
        )
    return render(
        request,
        "ocop/public_catalog.html",
        {"list_html": list_html, "f": f, "communes": communes, **_catalog_choices()},
    )


@limit("ocop-public")
def verify(request, public_id: str):
    cert = (
        Certificate.objects.select_related(
            "product", "producer", "division", "division__parent", "decision"
        )
        .filter(public_id=public_id)
        .first()
    )
    if cert is None:
        raise Http404
    state, on = cert.status_on(timezone.localdate())
    return render(request, "ocop/public_verify.html", {"cert": cert, "state": state, "on": on})
