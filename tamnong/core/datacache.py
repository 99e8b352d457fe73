"""Computed pages and figures (summary reports, dashboards, module indexes, the public catalog)
cached until the data they are computed from change.

An entry is a pure function of the records, the viewer's scope, the language and the day. Its
key holds all of these plus the **versions of the programmes it reads**: one counter per
programme (`TOPICS`), raised after a transaction that changed that programme's data commits. An
entry is never served from before a change its reader could already see, and a change to one
programme leaves the entries of the others alone (a poverty import does not recompute the OCOP
catalog).

Reading — the only two ways:
- `cached_for(user, kind, *parts, compute=f)`: what `user` may see. The key always holds the
  user's scope (`Scope.cache_key()`): users with the same grants share an entry, and nobody
  reads an entry made for another scope, whatever the call site passes.
- `cached_public(kind, *parts, compute=f)`: the same for every visitor. Its parts must be
  numbers, dates or None that the caller took from the data (the id of a unit that exists, a
  page number it has bounded), never text a visitor typed: visitors cannot fill the cache with
  one entry per search. It refuses a text part.
- `cached_search(kind, text, *parts, compute=f)`: the same for every visitor, for a text a
  visitor typed (the catalog's search). The text is normalised (`search_text`: NFC, casefold,
  whitespace collapsed, at most `SEARCH_TEXT_MAX` characters; the caller searches with the
  normalised text, so one key is one result) and hashed into the key. Diacritics are kept: the
  search tells "chè" from "che", so must the key. These entries are not written to the shared
  "data" cache but to a bounded store in each process, a least-recently-used list of at most
  `settings.SEARCH_CACHE_ENTRIES` entries (default 256; 0 turns it off): whatever visitors type,
  a process holds at most that many search pages (a server at most workers × that many), and a
  new search pushes out the one read longest ago. Its keys hold the programmes' versions like
  every entry: a data change makes every older search entry unreadable (and they are pushed out
  first, being read no more).
A kind is "<area>.<name>"; the area says which programmes the entry reads (`READS`): an
"ocop." entry keys on the divisions and OCOP versions, a "reports." entry on all of them.

Writing raises the versions, once per transaction, after it commits (at once outside one):
- every ORM save or delete of a programme's model (`post_save`/`post_delete`; the programme of
  a model is its app's, `APP_TOPICS`). Accounts, audit, jobs, sessions and the rows listed in
  `QUIET` change no cached page: a login, a session renewal or a notification marked read
  recomputes nothing, and a membership changes the scope key instead. A model of an app named
  nowhere raises every programme;
- `changed(*topics)`, called by a service after a write that sends no model signal (a bulk
  `update`, `bulk_create`/`bulk_update`, raw SQL) unless the same transaction also saves a
  model of that programme: e.g. `poverty.figures.rebuild`, `reports.catalog.load_catalog`;
- `job_finished(kind)` at the end of every background job (the programme of its kind:
  "poverty.import" → poverty; imports write in bulk);
- every CLI command that may change data (`tamnong.cli`: every programme).
Entries also expire after `DATA_CACHE_SECONDS` (a net for a change made outside all of these,
e.g. SQL typed in a database console); 0 turns the cache off. A transaction that changed a
programme reads that programme's entries computed afresh: it sees its own changes, which
nobody else does yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
import unicodedata
from collections import OrderedDict
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

TOPICS = ("divisions", "ocop", "ntm", "poverty", "reports")

# What the entries of an area are computed from. NTM figures read NTM's own rows only: values
# derived from poverty and OCOP are stored NTM rows, refreshed by NTM when those change.
READS: dict[str, tuple[str, ...]] = {
    "divisions": ("divisions",),
    "ocop": ("divisions", "ocop"),
    "ntm": ("divisions", "ntm"),
    "poverty": ("divisions", "poverty"),
    "reports": TOPICS,  # the summary report and the dashboards read every programme
}

# The programme whose data an app's models are. A decision is recorded by OCOP or NTM.
APP_TOPICS: dict[str, tuple[str, ...]] = {
    "divisions": ("divisions",),
    "ocop": ("ocop",),
    "ntm": ("ntm",),
    "poverty": ("poverty",),
    "reports": ("reports",),
    "decisions": ("ocop", "ntm"),
}
# Apps and models ("app.model") that no cached entry reads: a change to them raises nothing.
QUIET = frozenset(
    {
        *("accounts", "audit", "jobs", "core", "auth", "contenttypes", "sessions", "admin"),
        # per-user rows, and workflow rows that reach figures only through another model's save
        # (a council's sheets through the dossier's result)
        *("ocop.notification", "ocop.scoresheet", "ocop.seat", "ocop.dossierfile"),
        *("ocop.criteriaupload", "ocop.importrun", "ntm.evidence", "ntm.setupload"),
        # derived rows, rebuilt from data whose own changes raise the versions
        "ntm.standingcount",
    }
)

_state = threading.local()  # per thread: .pending (topics not yet published), .memo (a request's)


def _pending() -> set[str]:
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = set()
    return pending


# -- writing -------------------------------------------------------------------------------------
def changed(*topics: str) -> None:
    """The data of these programmes changed: raise their versions once the current transaction
    commits (at once outside a transaction). Several calls in one transaction raise each version
    once; a transaction that rolls back raises nothing."""
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown data topics {sorted(unknown)}; known: {TOPICS}")
    if topics:
        _pending().update(topics)
        # registered every time (cheap); the first hook to run publishes everything pending and
        # the others find nothing left
        transaction.on_commit(_publish)


def _publish() -> None:
    pending = _pending()
    if not pending:
        return
    topics = sorted(pending)
    pending.clear()
    memo = getattr(_state, "memo", None)
    if memo is not None:
        memo.clear()
    try:
        now = timezone.now()
        raised = DataVersion.objects.filter(topic__in=topics).update(n=F("n") + 1, changed_at=now)
        if raised < len(topics):  # a topic without its row yet
            DataVersion.objects.bulk_create(
                [DataVersion(topic=t, n=1, changed_at=now) for t in topics],
                ignore_conflicts=True,
            )
    except DatabaseError:  # e.g. before migrate; entries still expire
        pass


def forget_uncommitted() -> None:
    """Drop the changes noted for the open transaction without publishing them (tests: what the
    fixtures wrote counts as data that was there before)."""
    _pending().clear()


@functools.cache
def _topics_of_model(app_label: str, model_name: str) -> tuple[str, ...]:
    if app_label in QUIET or f"{app_label}.{model_name}" in QUIET:
        return ()
    return APP_TOPICS.get(app_label, TOPICS)


def on_model_change(sender, **kwargs) -> None:
    topics = _topics_of_model(sender._meta.app_label, sender._meta.model_name)
    if topics:
        changed(*topics)


def job_finished(kind: str) -> None:
    """A background job of `kind` ("app.name") ended: it may have written its app's data in
    bulk (imports), so that programme's version rises."""
    app_label = kind.split(".", 1)[0]
    if app_label not in QUIET:
        changed(*APP_TOPICS.get(app_label, TOPICS))


# -- reading -------------------------------------------------------------------------------------
def versions() -> dict[str, int]:
    """The current version of every programme (read once per request)."""
    memo = getattr(_state, "memo", None)
    if memo is not None and "versions" in memo:
        return memo["versions"]
    value = dict(DataVersion.objects.values_list("topic", "n"))
    if memo is not None:
        memo["versions"] = value
    return value


def last_changed(area: str) -> dt.datetime | None:
    """When the data an area's entries read (`READS`) last changed: what a cached page's figures
    include ("số liệu đến …"). None when no change was ever recorded."""
    from django.db.models import Max

    try:
        return DataVersion.objects.filter(topic__in=READS[area]).aggregate(at=Max("changed_at"))[
            "at"
        ]
    except DatabaseError:
        return None


def _unpublished(topics: tuple[str, ...]) -> bool:
    """Did the open transaction change one of these programmes?"""
    pending = _pending()
    if not pending:
        return False
    if not transaction.get_connection().in_atomic_block:
        # outside a transaction changes are published at once: these were rolled back
        pending.clear()
        return False
    return not pending.isdisjoint(topics)


def _key(kind: str, parts: tuple) -> str | None:
    """The entry's key, or None when it must be computed afresh (cache off, or the open
    transaction changed what it reads)."""
    topics = READS.get(kind.split(".", 1)[0])
    if topics is None or "." not in kind:
        raise ValueError(f"cache kind {kind!r} must be '<area>.<name>' with an area of {READS}")
    if not getattr(settings, "DATA_CACHE_SECONDS", 0) or _unpublished(topics):
        return None
    current = versions()
    stamp = ".".join(str(current.get(t, 0)) for t in topics)
    raw = repr((parts, timezone.localdate().isoformat(), translation.get_language()))
    return f"tn:{kind}:{_code_stamp()}:{stamp}:{hashlib.sha1(raw.encode()).hexdigest()}"


def _cached(kind: str, parts: tuple, compute: Callable[[], T]) -> T:
    key = _key(kind, parts)
    if key is None:
        return compute()
    store = caches["data"]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, settings.DATA_CACHE_SECONDS)
    return value


def cached_for(user, kind: str, *parts, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the data it reads change, for everyone with `user`'s scope."""
    from tamnong.access.scope import Scope

    return _cached(kind, ("scope", Scope.of(user).cache_key(), *parts), compute)


_BOUNDED = (type(None), bool, int, dt.date)


def cached_public(kind: str, *parts, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the data it reads change, the same for every visitor. `parts`:
    numbers, dates, None (or tuples of them) taken from the data, never a visitor's text."""
    for part in parts:
        for item in part if isinstance(part, tuple) else (part,):
            if not isinstance(item, _BOUNDED):
                raise TypeError(
                    f"cached_public({kind!r}): {type(item).__name__} part {item!r}; a public "
                    "entry is keyed by ids, numbers and dates from the data, never by text"
                )
    return _cached(kind, ("public", *parts), compute)


SEARCH_TEXT_MAX = 80


def search_text(text: str) -> str:
    """A visitor's search as it is searched and keyed: NFC, casefolded, whitespace collapsed,
    at most `SEARCH_TEXT_MAX` characters ("  Chè   THÁI " → "chè thái")."""
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return text[:SEARCH_TEXT_MAX].rstrip()


class SearchStore:
    """A least-recently-used map of at most `size` entries, shared by the threads of a process
    (the bound on the search entries, see the module's docstring)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def size() -> int:
        return max(0, getattr(settings, "SEARCH_CACHE_ENTRIES", 256))

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < timezone.now().timestamp():  # expired (DATA_CACHE_SECONDS)
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def set(self, key: str, value, seconds: int) -> None:
        size = self.size()
        if not size:
            return
        with self._lock:
            self._entries[key] = (timezone.now().timestamp() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


search_store = SearchStore()


def cached_search(kind: str, text: str, *parts, compute: Callable[[str], T]) -> T:
    """`compute(search_text(text))`, kept until the data it reads change, the same for every
    visitor, in this process's bounded store (`SearchStore`). `parts` as for `cached_public`;
    `compute` receives the normalised text and must search with it."""
    normal = search_text(text)
    for part in parts:
        for item in part if isinstance(part, tuple) else (part,):
            if not isinstance(item, _BOUNDED):
                raise TypeError(f"cached_search({kind!r}): {type(item).__name__} part {item!r}")
    digest = hashlib.sha1(normal.encode()).hexdigest()
    key = _key(kind, ("search", digest, *parts)) if SearchStore.size() else None
    if key is None:
        return compute(normal)
    value = search_store.get(key)
    if value is None:
        value = compute(normal)
        search_store.set(key, value, settings.DATA_CACHE_SECONDS)
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


class DataVersionMiddleware:
    """Reads the programmes' versions once per request, however many entries a page reads.
    (It no longer raises them after a write request: the writes do, see above.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _state.memo = {}
        try:
            return self.get_response(request)
        finally:
            _state.memo = None
