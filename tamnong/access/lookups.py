"""The lookups every page, API endpoint and command uses to reach a record or a unit in scope.

One policy for what lies outside the user's scope (the same on HTML pages and in the API):

- **A record the user may not see answers 404** (`get_visible_or_404`): the answer is the same as
  for a record that does not exist, so nobody learns that a household, producer or dossier exists
  outside their scope. The refusal is still written to the audit trail (`record_denied`) when the
  lookup is given the request.
- **An action the user's role may not take on a record or unit they can see answers 403**
  (`PermissionDenied`, raised by the services: `Scope.require_edit`, the role sets in
  `access.roles`). Seeing the record already tells the user it exists; 403 tells them why.
- **A unit (division) outside the scope, given as a filter or page subject, answers 403**
  (`resolve_division`, `require_unit`): the administrative map is public, so naming a unit
  reveals nothing; an unknown code answers 404. The surface's PermissionDenied handler logs it
  (the API handler in `tamnong/api.py`, the views' `guarded`/`_denied` wrappers).
- Anonymous users never reach these: pages redirect to the login, the API answers 401.

"Editable units" (form choices, import checks) come from `editable_units`, never from a filter
rebuilt from `Scope.paths()` at the call site.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tamnong.audit.services import record_denied
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import UnknownMap, as_of, as_of_map, find_unit, within_q

from .roles import EDITOR_ROLES, Role
from .scope import Scope


def _split(who):
    """(request or None, user) from a request or a user."""
    if isinstance(who, HttpRequest):
        return who, who.user
    return None, who


def get_visible_or_404(who, model_or_queryset, pk=None, *, what: str = "", **lookup):
    """The one record matching `pk`/`lookup` that the user may see, else Http404.

    `who` is the request (the refusal is then audited) or the acting user (commands: `SYSTEM`).
    `model_or_queryset` is a model or a queryset of a `ScopedQuerySet` (select_related kept)."""
    request, user = _split(who)
    qs = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    if pk is not None:
        lookup["pk"] = pk
    obj = qs.visible_to(user).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = qs.filter(**lookup).first()
    if hidden is not None and request is not None:
        label = what or f"{qs.model._meta.label} {pk if pk is not None else lookup}"
        record_denied(request, label, _division_of(hidden))
    raise Http404


def _division_of(obj):
    if isinstance(obj, Division):
        return obj
    for name in ("division", "commune"):
        div = getattr(obj, name, None)
        if isinstance(div, Division):
            return div
    return None


def require_role(request: HttpRequest, roles, what: str) -> Scope:
    """The user's scope when they hold one of `roles` somewhere; else the refusal is logged
    (`what`) and answered 403. For the pages a role opens (members, an upload form)."""
    scope = Scope.of(request.user)
    if not scope.has_role(*roles):
        record_denied(request, what)
        raise PermissionDenied
    return scope


def covers_unit(user, division: Division | None) -> bool:
    """The user's scope reaches the unit, or the current unit it is counted under."""
    scope = Scope.of(user)
    if division is None:
        return False
    return scope.covers(division) or (
        division.current_id is not None
        and division.current_id != division.pk
        and scope.covers(division.current)
    )


def require_unit(user, division: Division) -> Division:
    """The unit itself if in scope, else PermissionDenied (403: units are public)."""
    if not covers_unit(user, division):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi của bạn."))
    return division


def default_division(
    user, *, map_key: str | None = None, on: dt.date | None = None
) -> Division | None:
    """The unit a page, API call or command opens on when none is named, for every programme:
    the broadest unit of the user's reading memberships (a producer's membership names where
    its products are, not a unit it reads figures of), an administrator's, a national role's
    (the country is no unit of the map) or the system's first province in force. Named on map `map_key` (`as_of_map`) or as of day `on` (`as_of`) when
    given. None when the user reads no unit."""
    scope = Scope.of(user)
    grants = [g for g in scope.grants if g.role != Role.PRODUCER]
    unit = None
    if grants and not scope.is_national:
        widest = min(grants, key=lambda g: (g.path.count("/"), g.path))
        unit = Division.objects.select_related("map").filter(pk=widest.division_id).first()
    elif scope.is_admin or scope.is_national:
        if map_key:
            return (
                Division.objects.select_related("map")
                .filter(map__key=map_key, level=Level.PROVINCE)
                .order_by("code")
                .first()
            )
        unit = (
            Division.objects.resolved()
            .select_related("map")
            .filter(level=Level.PROVINCE)
            .order_by("code")
            .first()
        )
    if unit is None:
        return None
    if map_key:
        return as_of_map(unit, map_key)
    if on is not None:
        return as_of(unit, on)
    return unit


def resolve_division(
    user,
    code_or_id,
    on: dt.date | None = None,
    *,
    map_key: str | None = None,
    exclude_levels=(Level.DISTRICT,),
) -> Division:
    """A unit the user may read, by code (or id): 404 if unknown, 403 if outside the scope.

    The unit is named by the one rule of every programme, "as of either map"
    (`divisions.services.find_unit`): `map_key` picks the unit of that map (404 for an unknown
    map), else today's unit (the unit in force on `on`), else the newest unit with the code (an
    old province). An empty code gives the user's broadest unit (403 if the user has none)."""
    if code_or_id in (None, ""):
        div = default_division(user)
        if div is None:
            raise PermissionDenied
        return div
    try:
        div = find_unit(code_or_id, map_key=map_key, on=on, exclude_levels=exclude_levels, ids=True)
    except UnknownMap:
        raise Http404 from None
    if div is None:
        raise Http404
    return require_unit(user, div)


def visible_unit_or_404(user, pk) -> Division:
    """A unit by id for a page about it: 404 if unknown, 403 if outside the scope."""
    div = Division.objects.select_related("map", "current").filter(pk=pk).first()
    if div is None:
        raise Http404
    return require_unit(user, div)


def editable_units(
    user, *levels: str, roles=EDITOR_ROLES, with_granted: bool = False
) -> models.QuerySet:
    """Units of the map in force where the user may enter records (form choices, import checks).

    `levels` narrows to some levels (e.g. `Level.COMMUNE`); the default is every level.
    `with_granted` adds the units the user's editing memberships are held on, even when they
    belong to an older map (an import names a commune as the file spells it)."""
    scope = Scope.of(user)
    qs = Division.objects.all()
    if not scope.is_admin and with_granted:
        granted = [g.division_id for g in scope.grants if g.role in roles and g.division_id]
        qs = qs.filter(Q(current_id=F("pk")) | Q(pk__in=granted))
    else:
        qs = qs.resolved()
    if levels:
        qs = qs.filter(level__in=levels)
    return scope.filter(qs, path_field="path", roles=roles)


def subtree_q(division: Division, field: str = "division") -> Q:
    """Records whose `field` lies under the current unit that `division` is counted under (the
    unit itself when it is current): the path encoding stays in `divisions`."""
    unit = (
        division.current if division.current_id and division.current_id != division.pk else division
    )
    return within_q(unit, field)
