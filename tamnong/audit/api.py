import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Schema
from ninja.pagination import paginate

from tamnong.access.roles import AUDIT_READER_ROLES
from tamnong.access.scope import Scope
from tamnong.core.pagination import KeysetPage, Router

from .models import AuditEvent

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_name: str
    action: str
    model: str
    object_id: str
    object_repr: str
    division_id: int | None
    before: dict | None
    after: dict | None
    note: str
    origin: str
    ip: str | None


@router.get("", response=list[AuditOut], summary="Nhật ký thay đổi trong phạm vi")
@paginate(KeysetPage, ordering=("-at", "-id"))
def list_events(request, model: str | None = None, object_id: str | None = None):
    if not Scope.of(request.user).can_read_audit():
        raise PermissionDenied("Chỉ văn phòng điều phối và quản trị được xem nhật ký.")
    qs = AuditEvent.objects.visible_to(request.user, roles=AUDIT_READER_ROLES)
    if model:
        qs = qs.filter(model=model)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs
