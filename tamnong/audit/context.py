"""Who is acting and from where, for the audit trail (set by middleware, the API, CLI and jobs)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Origin(TextChoices):
    """Where an action came from, as the audit trail stores it and a person reads it."""

    WEB = "web", _("trang web")
    API = "api", _("API")
    CLI = "cli", _("dòng lệnh")
    JOB = "job", _("tác vụ nền")
    SYSTEM = "system", _("hệ thống")


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    origin: str = Origin.SYSTEM
    ip: str | None = None
    user_agent: str = ""
    path: str = ""
    # the operator's name when no user account acts (a command: the OS user)
    name: str = ""


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "tamnong_actor", default=None
)
_NOBODY = Actor()


def current() -> Actor:
    return _current.get() or _NOBODY


@contextmanager
def acting(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_actor(actor: Actor) -> contextvars.Token:
    return _current.set(actor)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def cli_actor(user=None) -> Actor:
    """The actor of a command: the `--as` user, or else the operator's OS account by name."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        name = ""
    label = f"dòng lệnh ({name})" if name else "dòng lệnh"
    return Actor(user=user, origin=Origin.CLI, name="" if user is not None else label)
