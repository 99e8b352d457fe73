from __future__ import annotations

from . import context


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestOriginMiddleware:
    """Records the acting user and request origin for every audit event of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = context.set_actor(
            context.Actor(
                user=user if user is not None and user.is_authenticated else None,
                origin="api" if request.path.startswith("/api/") else "web",
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
                path=request.path[:255],
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
