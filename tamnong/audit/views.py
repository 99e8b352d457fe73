from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from tamnong.access.roles import AUDIT_READER_ROLES
from tamnong.access.scope import Scope

from . import display
from .models import AuditEvent
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
