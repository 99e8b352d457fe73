"""The one rule for who may see and change what.

A membership (user, division, role) covers the division and everything below it, and old
(pre-2025) units that resolve into it, because every `Division.path` starts with the path of
the current unit it is counted under. Producers (chủ thể) see only their own records.
Superusers are system administrators and see everything. A national membership (no division,
`access.roles.NATIONAL_ROLES`) has the empty path, which every path starts with: it reads every
province, and its role being in no provincial role set keeps it from changing their records.

Every list, page, export and API endpoint goes through `Scope.filter` (usually via
`ScopedQuerySet.visible_to(user)`), and every write through `Scope.require_edit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from .roles import AUDIT_READER_ROLES, EDITOR_ROLES, Role


@dataclass(frozen=True)
class Grant:
    role: str
    division_id: int | None  # None: the country (a national role)
    path: str  # "" for the country: every unit's path starts with it
    producer_ref: str


class Scope:
    def __init__(self, user, grants: Iterable[Grant], is_admin: bool) -> None:
        self.user = user
        self.grants = tuple(grants)
        self.is_admin = is_admin

    @classmethod
    def of(cls, user) -> Scope:
        if user is None or not user.is_authenticated:
            return cls(user, (), False)
        cached = getattr(user, "_tamnong_scope", None)
        if cached is None:
            grants = [
                Grant(
                    m.role, m.division_id, m.division.path if m.division_id else "", m.producer_ref
                )
                for m in (user.memberships.select_related("division") if user.pk else [])
            ]
            cached = cls(user, grants, bool(user.is_superuser and user.is_active))
            user._tamnong_scope = cached
        return cached

    # -- questions ---------------------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants} | ({Role.ADMIN} if self.is_admin else set())

    @property
    def is_national(self) -> bool:
        """Holds a role on the country (reads every province)."""
        return any(g.division_id is None and g.role != Role.PRODUCER for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or any(g.role in roles for g in self.grants)

    def paths(self, roles: Iterable[str] | None = None) -> list[str]:
        wanted = set(roles) if roles is not None else None
        return [
            g.path
            for g in self.grants
            if g.role != Role.PRODUCER and (wanted is None or g.role in wanted)
        ]

    @property
    def producer_refs(self) -> list[str]:
        return [g.producer_ref for g in self.grants if g.role == Role.PRODUCER and g.producer_ref]

    def covers(self, division, roles: Iterable[str] | None = None) -> bool:
        if self.is_admin:
            return True
        if division is None:
            return False
        return any(division.path.startswith(p) for p in self.paths(roles))

    def can_edit(self, division) -> bool:
        return self.covers(division, EDITOR_ROLES)

    def cache_key(self) -> tuple:
        """What of the user a cached entry may depend on (core.datacache.cached_for): the grants,
        not the person. Whatever else `Scope` comes to depend on (time-boxed or inactive grants,
        per-object shares) must be added here."""
        return (
            self.is_admin,
            tuple(sorted((g.role, g.division_id, g.producer_ref) for g in self.grants)),
        )

    def can_read_audit(self, division=None) -> bool:
        if division is None:
            return self.has_role(*AUDIT_READER_ROLES)
        return self.covers(division, AUDIT_READER_ROLES)

    # -- filters -----------------------------------------------------------------------------
    def q(
        self,
        path_field: str | None = "division__path",
        producer_field: str | None = None,
        roles: Iterable[str] | None = None,
    ) -> Q | None:
        """A Q for the rows this scope may see; None means everything."""
        if self.is_admin:
            return None
        cond = Q(pk__in=[])
        if path_field:
            paths = self.paths(roles)
            if "" in paths:  # a national grant of the asked roles: every province
                return None
            for path in paths:
                cond |= Q(**{f"{path_field}__startswith": path})
        if producer_field and self.producer_refs and (roles is None or Role.PRODUCER in roles):
            cond |= Q(**{f"{producer_field}__in": self.producer_refs})
        return cond

    def filter(self, qs: models.QuerySet, **kwargs) -> models.QuerySet:
        cond = self.q(**kwargs)
        return qs if cond is None else qs.filter(cond)

    def require_edit(self, division) -> None:
        if not self.can_edit(division):
            raise PermissionDenied("Bạn không có quyền thay đổi dữ liệu của đơn vị này.")


class ScopedQuerySet(models.QuerySet):
    """Add `visible_to(user)` to a model's queryset; the model names its scope fields."""

    scope_path_field: str | None = "division__path"
    scope_producer_field: str | None = None

    def visible_to(self, user, roles: Iterable[str] | None = None) -> models.QuerySet:
        return Scope.of(user).filter(
            self,
            path_field=self.scope_path_field,
            producer_field=self.scope_producer_field,
            roles=roles,
        )
