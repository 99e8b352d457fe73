"""One pipeline for the versioned rule documents of every programme (OCOP criteria sets and
regimes, poverty standards, NTM criteria sets).

    file → the programme's schema check → `checksum` → a NEW version row (never an update in place)

Each programme keeps its own schema and pure interpreter and registers a `Programme` here (in its
AppConfig.ready). `load_all()` runs for all programmes at the same moment: after every `migrate`
(`tamnong.rules.apps`), so a fresh production database has every bundled document; no data
migration imports live code. The CLI wraps it: `tamnong rules load|list`.

Versions. A record keeps the version it was judged by:
- OCOP criteria sets and NTM sets: a changed file under the same key becomes version n+1; the old
  version stays with the records that pinned it. Loading the same file twice is a no-op.
- Poverty standards have no version column (households point at the standard by key); a changed
  file under a key already loaded is refused with a Vietnamese error that asks for a new key (a new
  standard, with its own years). Decided so, rather than silently re-classifying history.

Errors have one shape: `RuleError.problems`, a list of {"file", "line", "field", "message"} where
`message` is in Vietnamese and `line` may be None.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def checksum(document) -> str:
    """The one checksum of a rule document (its parsed content, key order ignored)."""
    raw = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def problem(message: str, *, file: str = "", line: int | None = None, field: str = "") -> dict:
    return {"file": file, "line": line, "field": field, "message": str(message)}


class RuleError(Exception):
    """A rule document that cannot be loaded: `problems` in the one error shape."""

    def __init__(self, problems: list[dict] | str):
        if isinstance(problems, str):
            problems = [problem(problems)]
        self.problems = [p if "message" in p else problem(str(p)) for p in problems]
        super().__init__("; ".join(self.text(p) for p in self.problems))

    @staticmethod
    def text(p: dict) -> str:
        where = ":".join(str(x) for x in (p.get("file"), p.get("line")) if x)
        where = " ".join(x for x in (where, p.get("field") or "") if x)
        return f"{where}: {p['message']}" if where else p["message"]


@dataclass
class Report:
    programme: str
    created: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Programme:
    """What a programme registers: `load(path | None, actor)` loads its bundled documents (or one
    file) and returns (created, unchanged); `versions()` lists (key, version, checksum, source)."""

    key: str
    title: str
    load: Callable[..., tuple[int, int]]
    versions: Callable[[], list[tuple]]


_REGISTRY: dict[str, Programme] = {}
ORDER = ("ocop", "poverty", "ntm")


def register(programme: Programme) -> None:
    _REGISTRY[programme.key] = programme


def programmes() -> list[Programme]:
    return sorted(_REGISTRY.values(), key=lambda p: ORDER.index(p.key) if p.key in ORDER else 99)


def get(key: str) -> Programme:
    from django.utils.translation import gettext as _

    try:
        return _REGISTRY[key]
    except KeyError:
        raise RuleError(_("Không có chương trình %(k)s.") % {"k": key}) from None


def load(key: str, path: Path | str | None = None, *, actor=None) -> Report:
    created, unchanged = get(key).load(Path(path) if path else None, actor)
    return Report(key, created, unchanged)


def load_all(*, actor=None) -> list[Report]:
    """Every bundled rule document of every programme (idempotent by checksum)."""
    return [load(p.key, actor=actor) for p in programmes()]


def may_load(user, province=None) -> bool:
    """The one admin check for loading a rule document, for every programme and every door (page,
    API, service): a national document needs a superuser or the ADMIN role; a document a province
    issues (an NTM provincial set) may also be loaded by that province's coordinator or admin."""
    from tamnong.access.scope import Scope
    from tamnong.accounts.models import Role

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = Scope.of(user)
    if province is not None:
        return scope.covers(province, {Role.ADMIN, Role.COORDINATOR})
    return scope.has_role(Role.ADMIN)
