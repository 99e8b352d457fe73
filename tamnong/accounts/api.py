from ninja import Schema

from tamnong.access.scope import Scope
from tamnong.core.pagination import Router

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    role_label: str
    division_id: int | None  # None: a national role (the country)
    division_code: str
    division_name: str


class MeOut(Schema):
    username: str
    full_name: str
    is_admin: bool
    memberships: list[MembershipOut]


@router.get("", response=MeOut, summary="Người dùng hiện tại và phạm vi")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_admin": Scope.of(user).is_admin,
        "memberships": [
            {
                "role": m.role,
                "role_label": m.get_role_display(),
                "division_id": m.division_id,
                "division_code": m.division.code if m.division_id else "",
                "division_name": m.unit_name,
            }
            for m in user.memberships.select_related("division")
        ],
    }
