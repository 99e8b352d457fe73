from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tamnong.access.roles import AUDIT_READER_ROLES
from tamnong.access.scope import Scope
from tamnong.jobs.services import enqueue

from . import changes, display
from .models import AuditEvent, ImportChange
from .services import record_denied


@login_required
def audit_list(request):
    scope = Scope.of(request.user)
    if not scope.can_read_audit():
        record_denied(request, "audit log")
        raise PermissionDenied
    events = AuditEvent.objects.visible_to(request.user, roles=AUDIT_READER_ROLES).select_related(
        "division"
    )
    if action := request.GET.get("action"):
        events = events.filter(action=action)
    if model := request.GET.get("model"):
        events = events.filter(model=model)
    if obj := request.GET.get("object"):
        events = events.filter(object_id=obj)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "rows": display.rows(page),
            "actions": AuditEvent.Action.choices,
            "action": action or "",
        },
    )


# -- the changes of one import, and undoing it -------------------------------------------------
def _import_run(request, label: str, pk: int):
    """The import's run key and event, or 404 (logged) for whoever may not see it: the person
    who imported, or a reader of the audit trail of its unit."""
    run = changes.run_key(label, pk)
    event = changes.import_event(run)
    user = request.user
    visible = event is not None and (
        event.actor_id == user.pk
        or AuditEvent.objects.visible_to(user, roles=AUDIT_READER_ROLES)
        .filter(pk=event.pk)
        .exists()
    )
    if not visible:
        record_denied(request, f"import changes {run}")
        raise Http404
    return run, event


def _page_context(request, label: str, pk: int) -> dict:
    run, event = _import_run(request, label, pk)
    op = request.GET.get("op", "")
    if op not in ImportChange.Op.values:
        op = ""
    page = Paginator(changes.for_run(run, op or None), 50).get_page(request.GET.get("page"))
    return {
        "run": run,
        "event": event,
        "origin": display.origin(event.origin),
        "label": label,
        "pk": pk,
        "op": op,
        "ops": ImportChange.Op.choices,
        "page": page,
        "rows": display.change_rows(run, page),
        "counts": changes.counts(run),
        "undone": changes.undo_event(run),
        "can_undo": changes.may_undo(request.user, run),
    }


@login_required
def import_changes(request, label: str, pk: int):
    return render(request, "audit/import_changes.html", _page_context(request, label, pk))


@login_required
def import_undo(request, label: str, pk: int):
    """POST: undo the import (the owner or an administrator of its unit); a large one is a job."""
    if request.method != "POST":
        return redirect("audit:import_changes", label=label, pk=pk)
    run, event = _import_run(request, label, pk)
    if not changes.may_undo(request.user, run):
        record_denied(request, f"undo import {run}", event.division)
        raise PermissionDenied
    if sum(changes.counts(run).values()) > changes.JOB_ABOVE:
        job = enqueue(
            "audit.undo_import",
            user=request.user,
            division=event.division,
            run=run,
            user_id=request.user.pk,
        )
        return redirect("jobs:detail", pk=job.pk)
    try:
        changes.undo(run, request.user)
    except changes.UndoRefused as exc:
        context = _page_context(request, label, pk)
        context["error"] = str(exc)
        return render(request, "audit/import_changes.html", context, status=400)
    messages.success(request, _("Đã hoàn tác lần nhập %(what)s.") % {"what": event.object_repr})
    return redirect("audit:import_changes", label=label, pk=pk)
