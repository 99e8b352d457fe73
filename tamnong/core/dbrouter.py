"""Reads on a streaming replica, writes on the primary (issue 15).

With `DATABASE_REPLICA_URL` set, settings define a second alias, "replica", and this router sends
to it the reads of the requests that only read and may see data a moment old: GET/HEAD requests of
the reports and dashboards, the public OCOP catalog and verification pages and the API's GET
endpoints (`REPLICA_READ_VIEWS`, URL namespaces or namespace:name). Everything else reads and
writes on the primary ("default"):

- every write, and every read after the first write of the request (read-your-writes inside a
  request that wrote);
- every read inside a transaction (`transaction.atomic` on the primary);
- every read of the REPLICA_STICKY_SECONDS after the client's last write (a cookie), so a person who
  has just saved something sees it on the report they open next, whatever the replica's lag;
- the command line, the job worker and the tests (no request context: the primary).

Without a replica (the embedded SQLite default, a single PostgreSQL) the router always answers
"default" and costs nothing.
"""

from __future__ import annotations

import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
COOKIE = "tn_primary_until"

# Per request: may reads go to the replica, and has the request written?
_replica_ok: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_ok", default=False)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("wrote", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True)


def _may_read_replica() -> bool:
    if not (_replica_ok.get() and replica_configured()) or _wrote.get():
        return False
    return not connections[PRIMARY].in_atomic_block


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _may_read_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two doors

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _replica_view(match) -> bool:
    if match is None:
        return False
    allowed = set(getattr(settings, "REPLICA_READ_VIEWS", ()))
    return bool({match.namespace, f"{match.namespace}:{match.url_name}", match.view_name} & allowed)


class ReplicaReadMiddleware:
    """Marks the requests whose reads may go to the replica (see the module docstring) and keeps a
    client that has just written on the primary for REPLICA_STICKY_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote = _wrote.set(False)
        ok = _replica_ok.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and replica_configured():
                sticky = int(getattr(settings, "REPLICA_STICKY_SECONDS", 10))
                response.set_cookie(
                    COOKIE,
                    str(int(time.time()) + sticky),
                    max_age=sticky,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _wrote.reset(wrote)
            _replica_ok.reset(ok)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not replica_configured():
            return None
        try:
            sticky_until = int(request.COOKIES.get(COOKIE, "0"))
        except ValueError:
            sticky_until = 0
        if sticky_until > time.time():
            return None
        if _replica_view(request.resolver_match):
            _replica_ok.set(True)
        return None
