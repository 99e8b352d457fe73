"""The thin endpoints of the JSON API, declared instead of written again for every model: one
record by the id in its path, and the list of the records in scope with simple filters.

Both read through the one access policy: `access.lookups.get_visible_or_404` for one record
(404 when unknown or out of scope, logged) and the model's `visible_to(user)` for a list (which
`core.pagination.Router` pages by itself). The view functions they make carry the name, module
and parameters a hand-written one would, so the OpenAPI schema (operation ids, parameters,
summaries) stays what it was. It lives beside `tamnong/api.py`, above every app (it reads the
gate, `access.lookups`, which core's floor must not import).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Sequence
from typing import Any

from tamnong.access.lookups import get_visible_or_404

_PARAM = re.compile(r"{(\w+)}")


def _view(body, name: str, module: str, params: Sequence[inspect.Parameter]):
    """A view function named `name` in `module` whose signature ninja reads as
    `(request, *params)`; `body(request, **values)` answers it."""

    def view(request, **values):
        return body(request, **values)

    view.__name__ = view.__qualname__ = name
    view.__module__ = module
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    view.__signature__ = inspect.Signature([request, *params])
    return view


def _caller_module() -> str:
    """The module that declares the endpoint (its views' module: the operation id names it)."""
    return sys._getframe(2).f_globals["__name__"]


def detail(router, path: str, model, response, summary: str | None = None):
    """`GET path`: the record of `model` whose id is the path's one parameter (`{producer_id}`:
    the view is `get_producer`), in the user's scope, else 404."""
    (param,) = _PARAM.findall(path)

    def body(request, **values):
        return get_visible_or_404(request, model, values[param])

    params = [inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=int)]
    view = _view(body, f"get_{param.removesuffix('_id')}", _caller_module(), params)
    return router.get(path, response=response, summary=summary)(view)


def listing(
    router,
    path: str,
    model,
    response,
    summary: str | None = None,
    *,
    by: str = "",
    filters: dict[str, str] | None = None,
    select: Sequence[str] = (),
):
    """`GET path`: the records of `model` the user may see (`visible_to`), with `select` joined
    (the view of `/producers` is `list_producers`). `by` names the field they are ordered by and
    that `?q=` searches (contains, any case); each of `filters` is a text query parameter and
    the lookup it filters by when it is given: `{"state": "state"}`."""
    filters = {**({"q": f"{by}__icontains"} if by else {}), **(filters or {})}

    def body(request, **values: Any):
        qs = model.objects.visible_to(request.user)
        if select:
            qs = qs.select_related(*select)
        if by:
            qs = qs.order_by(by)
        for param, lookup in filters.items():
            if values.get(param):
                qs = qs.filter(**{lookup: values[param]})
        return qs

    params = [
        inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, default="", annotation=str)
        for p in filters
    ]
    name = "list_" + path.rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
    view = _view(body, name, _caller_module(), params)
    return router.get(path, response=response, summary=summary)(view)
