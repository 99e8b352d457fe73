"""Helpers shared by the OCOP pages: error lists, in-scope lookups, sheets from a form."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tamnong.access.lookups import get_visible_or_404
from tamnong.audit.services import denials_recorded

from .. import criteria as crit


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _visible(request, model, pk, **related):
    """The record in the user's scope, else 404 (access.lookups: the one policy, audited)."""
    return get_visible_or_404(request, model.objects.select_related(*related.get("select", ())), pk)


def _denied(view):
    return denials_recorded(view)


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
