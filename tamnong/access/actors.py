"""Who acts when no person does: the named system actor of the command line and the daily jobs.

Every service that reads or writes in someone's name takes the acting user. A missing user is an
error (`require_actor`), never "everything": server-side commands pass `SYSTEM`, which sees every
division and which the audit trail names.
"""

from __future__ import annotations

from .scope import Scope


class SystemActor:
    """The actor of server-side commands (`tamnong …`, daily jobs): sees every division."""

    is_authenticated = True
    is_superuser = True
    is_active = True
    is_staff = False
    pk = None
    username = "he-thong"

    def __init__(self, name: str) -> None:
        self.name = name
        self._tamnong_scope = Scope(self, (), True)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<SystemActor {self.name}>"


SYSTEM = SystemActor("hệ thống (dòng lệnh)")


class MissingActor(TypeError):
    """A service was called without saying who acts (a programming error, not a user's)."""


def require_actor(user):
    """The acting user, or MissingActor: `None` never means "every division"."""
    if user is None:
        raise MissingActor("A service that scopes its data needs the acting user (or SYSTEM).")
    return user


def is_system(user) -> bool:
    return isinstance(user, SystemActor)
