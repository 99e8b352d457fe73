from django.conf import settings

from tamnong.access.scope import Scope
from tamnong.accounts.models import Role


def site(request):
    user = getattr(request, "user", None)
    scope = Scope.of(user) if user is not None and user.is_authenticated else None
    # Producers only (no officer role): the menu hides what they may not open.
    officer = bool(scope and (scope.is_admin or any(g.role != Role.PRODUCER for g in scope.grants)))
    return {
        "menu_poverty": officer,
        "menu_reports": officer,
        "SITE_NAME": "Tam Nông",
        "PRODUCTION": settings.PRODUCTION,
        "can_read_audit": bool(user and Scope.of(user).can_read_audit()),
    }
