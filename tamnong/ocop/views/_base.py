"""Helpers shared by the OCOP pages: error lists, in-scope lookups, sheets from a form."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError

from tamnong.access.lookups import get_visible_or_404
from tamnong.audit.services import record_denied

from .. import criteria as crit


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _visible(request, model, pk, **related):
    """The record in the user's scope, else 404 (access.lookups: the one policy, audited)."""
    return get_visible_or_404(request, model.objects.select_related(*related.get("select", ())), pk)


def _denied(view):
    @wraps(view)
    def inner(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            record_denied(request, f"{request.method} {request.path}")
            raise

    return inner


def _sheet_answers(post, content: dict) -> dict:
    out = {}
    for c in crit.criteria_of(content):
        value = post.get(f"c_{c['code']}", "")
        if value != "":
            out[c["code"]] = value
    return out


def _sheet_rows(
    content: dict, values: dict | None = None, locked: dict | None = None
) -> list[dict]:
    values, locked = values or {}, locked or {}
    return [
        dict(c, value=locked.get(c["code"], values.get(c["code"], "")), locked=c["code"] in locked)
        for c in crit.criteria_of(content)
    ]
