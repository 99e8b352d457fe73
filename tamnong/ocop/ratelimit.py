"""A fixed-window rate limit for the public pages, counted in the database: every process of the
server (the gunicorn workers) adds to one count per client address and minute.

The client is `client_ip(request)` (`tamnong.audit.middleware`): `X-Forwarded-For` is believed
only from a trusted reverse proxy, so a visitor cannot pick a new address for each request.

Each request is counted by one statement, atomic on both engines (`INSERT … ON CONFLICT DO
UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35). The database is the store because none of
the shared Django caches we have increments atomically (the file cache of the reports, or the
database cache: both read then write, and lose counts under parallel requests; django-ratelimit
requires memcached or Redis for that reason). When the count cannot be written (a database
busy with a long import on SQLite) the request is served: the limit protects the service and
must not take it down. The count's commit does not wait for the disk (PostgreSQL's
`synchronous_commit` off for that one transaction): a public page is not slowed by an fsync.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from tamnong.audit.middleware import client_ip
from tamnong.core.models import RateCount

log = logging.getLogger(__name__)


def count(bucket: str, address: str, now: float | None = None) -> int:
    """Count one request of `address` to `bucket` in the current minute; returns the minute's
    count so far, this request included."""
    minute = int((time.time() if now is None else now) // 60)
    q = connection.ops.quote_name
    table = q(RateCount._meta.db_table)
    bucket_, address_, minute_, n = (q(c) for c in ("bucket", "address", "minute", "n"))
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # a count lost in a crash costs nothing: no wait for the disk on every public page
            # (SQLite in WAL mode with synchronous=NORMAL does not wait either)
            cur.execute("SET LOCAL synchronous_commit TO OFF")
        cur.execute(
            f"INSERT INTO {table} ({bucket_}, {address_}, {minute_}, {n}) VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({bucket_}, {address_}, {minute_}) DO UPDATE SET {n} = {table}.{n} + 1 "
            f"RETURNING {n}",
            [bucket[:40], address[:45], minute],
        )
        so_far = cur.fetchone()[0]
        if so_far == 1:  # the address's first request this minute: forget the older minutes
            cur.execute(f"DELETE FROM {table} WHERE {minute_} < %s", [minute - 1])
    return so_far


def limit(bucket: str, per_minute_setting: str = "OCOP_PUBLIC_RATE_LIMIT", default: int = 120):
    """Allow `per_minute` requests per client address per minute; beyond that answer 429."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            per_minute = int(getattr(settings, per_minute_setting, default))
            try:
                so_far = count(bucket, client_ip(request) or "-")
            except DatabaseError:
                log.warning("rate limit %s: the count could not be written", bucket, exc_info=True)
                so_far = 0
            if so_far > per_minute:
                response = HttpResponse(
                    _("Quá nhiều yêu cầu, vui lòng thử lại sau một phút."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return inner

    return wrap
