"""OCOP council session pages: list, set-up and the session (seats, sheets, closing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamnong.access.roles import PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.divisions.services import within_q

from .. import forms, services
from ..models import (
    CouncilSession,
    Dossier,
    ScoreSheet,
    Seat,
)
from ._base import _denied, _errors, _sheet_answers, _sheet_rows, _visible


@login_required
def session_list(request):
    qs = CouncilSession.objects.visible_to(request.user).annotate(n=Count("dossiers"))
    return render(request, "ocop/sessions.html", {"sessions": qs})


@login_required
@_denied
def session_new(request):
    provinces = [
        d for d in forms.province_choices() if Scope.of(request.user).covers(d, PROVINCE_ROLES)
    ]
    candidates = services.council_candidates(provinces[0]) if provinces else []
    form = forms.SessionForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid() and provinces:
            try:
                session = services.create_session(
                    request.user,
                    division=provinces[0],
                    name=form.cleaned_data["name"],
                    held_on=form.cleaned_data["held_on"],
                    seats=form.seats(),
                )
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Đã lập phiên %(name)s.") % {"name": session.name})
                return redirect("ocop:session", pk=session.pk)
        elif not provinces:
            raise PermissionDenied
        status = 400
    return render(
        request,
        "ocop/session_new.html",
        {"form": form, "title": _("Lập phiên Hội đồng")},
        status=status,
    )


@login_required
@_denied
def session_detail(request, pk: int):
    session = _visible(request, CouncilSession, pk, select=("division", "regime"))
    seat = Seat.objects.filter(session=session, user=request.user).first()
    perms = services.session_permissions(request.user, session, seat)
    is_staff = perms.staff
    errors, status = [], 200
    target = None
    seated = set(session.seats.values_list("user_id", flat=True))
    seat_candidates = [
        u for u in services.council_candidates(session.division) if u.pk not in seated
    ]
    seat_form = forms.SeatForm(initial={"role": Seat.Role.MEMBER}, candidates=seat_candidates)
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
                seat_form = forms.SeatForm(request.POST, candidates=seat_candidates)
                if not seat_form.is_valid():
                    raise ValidationError(
                        {k: [str(e) for e in v] for k, v in seat_form.errors.items()}
                    )
                user = seat_form.cleaned_data["user"]
                services.add_seats(request.user, session, [(user, seat_form.cleaned_data["role"])])
                messages.success(request, _("Đã bổ sung %(u)s vào thành phần phiên.") % {"u": user})
            elif action == "close":
                if services.close_check(session).missing:  # who has not submitted: confirm first
                    return redirect("ocop:session_close", pk=pk)
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
    perms = services.session_permissions(request.user, session, seat)
    show_sheets = perms.sheets
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
        .filter(within_q(session.division, "product__division"), state=Dossier.State.FORWARDED)
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
            "can_close": perms.close,
            "decision_form": forms.DecisionForm(),
            "seat_form": seat_form if perms.seats else None,
            "scoring_started": ScoreSheet.objects.filter(session=session).exists(),
            "errors": errors,
        },
        status=status,
    )


@login_required
@_denied
def session_close(request, pk: int):
    """The close confirmation: per product, the sheets received against the quorum and the members
    who have not submitted; closing is refused below the quorum (the service decides)."""
    session = _visible(request, CouncilSession, pk, select=("division", "regime"))
    errors, status = [], 200
    if request.method == "POST":
        try:
            services.close_session(
                request.user, session, confirm_missing=request.POST.get("confirm") == "1"
            )
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            messages.success(request, _("Đã kết thúc chấm điểm và tính kết quả."))
            return redirect("ocop:session", pk=pk)
    check = services.close_check(session) if session.state == CouncilSession.State.OPEN else None
    return render(
        request,
        "ocop/session_close.html",
        {
            "session": session,
            "check": check,
            "quorum": session.regime.council_quorum,
            "errors": errors,
        },
        status=status,
    )
