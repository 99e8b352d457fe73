from __future__ import annotations

from tamnong.core.clientip import client_ip

from . import context

__all__ = ["RequestOriginMiddleware", "client_ip", "request_actor"]


def request_actor(request, user) -> context.Actor:
    """The acting user and where the request came from, for the audit trail."""
    return context.Actor(
        user=user if user is not None and user.is_authenticated else None,
        origin=context.Origin.API if request.path.startswith("/api/") else context.Origin.WEB,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        path=request.path[:255],
    )


class RequestOriginMiddleware:
    """Records the acting user and request origin for every audit event of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_actor(request_actor(request, getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
