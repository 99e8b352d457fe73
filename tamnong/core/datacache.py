"""Computed views of the data (summary reports, dashboards) cached until the data change.

A report is a pure function of the records, the unit, the period, the viewer's scope, the
language and the day. Its cache key holds all of these plus the **data version**: one counter
row raised *after* every commit that changes programme data, so a report is never served from
before a change its reader could already see. The counter is raised

- on `post_save`/`post_delete` of every model of the programme apps (once per transaction),
- after every successful write request (POST/PUT/PATCH/DELETE), whatever the view did (bulk
  updates and raw SQL send no model signal),
- after every background job (imports run as jobs),
- when a module announces changed figures (`core.signals.figures_changed`).

Entries also expire after `DATA_CACHE_SECONDS` (a net for a change made outside all of these,
e.g. SQL typed in a database console); 0 turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone, translation

from .models import DataVersion

T = TypeVar("T")
DATA_APPS = {"divisions", "ocop", "ntm", "poverty", "reports", "decisions", "accounts"}
ACCOUNT_MODELS = {"membership"}  # of accounts, only memberships change what a report shows


_request = threading.local()  # within a request the version is read once


def version() -> int:
    memo = getattr(_request, "memo", None)
    if memo is not None and "version" in memo:
        return memo["version"]
    value = DataVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0
    if memo is not None:
        memo["version"] = value
    return value


def _bump_now() -> None:
    memo = getattr(_request, "memo", None)
    if memo is not None:
        memo.clear()
    try:
        if not DataVersion.objects.filter(pk=1).update(n=F("n") + 1):
            DataVersion.objects.get_or_create(pk=1, defaults={"n": 1})
    except DatabaseError:  # e.g. before migrate; entries still expire
        pass


def _changed_in_this_transaction() -> bool:
    conn = transaction.get_connection()
    return conn.in_atomic_block and any(item[1] is _bump_now for item in conn.run_on_commit)


def bump() -> None:
    """Raise the data version once the current transaction commits (now, in autocommit)."""
    if not _changed_in_this_transaction():
        transaction.on_commit(_bump_now)


def scope_key(user) -> tuple:
    """What of the user a report depends on: the grants, not the person."""
    from tamnong.access.scope import Scope

    scope = Scope.of(user)
    return (
        scope.is_admin,
        tuple(sorted((g.role, g.division_id, g.producer_ref) for g in scope.grants)),
    )


def cached(kind: str, parts: tuple, compute: Callable[[], T]) -> T:
    seconds = getattr(settings, "DATA_CACHE_SECONDS", 0)
    if not seconds or _changed_in_this_transaction():
        # a transaction that changed data sees its own changes, which nobody else does yet
        return compute()
    raw = repr((parts, timezone.localdate().isoformat(), translation.get_language()))
    key = f"tn:{kind}:{_code_stamp()}:{version()}:{hashlib.sha1(raw.encode()).hexdigest()}"
    store = caches["data"]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, seconds)
    return value


@functools.cache
def _code_stamp() -> str:
    """The deployed code (Python files, templates, translations): entries made by another version of
    the code are never read, even though the cache outlives a restart. The same for every process
    of one deployment."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".mo"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def on_model_change(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label in DATA_APPS and (
        meta.app_label != "accounts" or meta.model_name in ACCOUNT_MODELS
    ):
        bump()


class DataVersionMiddleware:
    """Reads the data version once per request; raises it after every successful write
    request."""

    SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
    QUIET = ("/accounts/login/", "/accounts/logout/", "/i18n/")  # no data change

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.memo = {}
        try:
            response = self.get_response(request)
        finally:
            _request.memo = None
        if (
            request.method not in self.SAFE
            and response.status_code < 400
            and not request.path.startswith(self.QUIET)
        ):
            bump()
        return response
