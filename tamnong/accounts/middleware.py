import time

from django.conf import settings


class SessionRefreshMiddleware:
    """Sliding session expiry without a database write on every request: the session (and so
    its expiry) is saved again only when the last save is older than SESSION_REFRESH_SECONDS.
    An idle session still ends SESSION_COOKIE_AGE after the last refresh."""

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response
