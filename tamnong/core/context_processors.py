from django.conf import settings

from tamnong.access.scope import Scope


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": "Tam Nông",
        "PRODUCTION": settings.PRODUCTION,
        "can_read_audit": bool(user and Scope.of(user).can_read_audit()),
    }
