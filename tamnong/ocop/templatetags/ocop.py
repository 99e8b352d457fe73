import json

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def stars(n) -> str:
    """3 → ★★★"""
    try:
        return "★" * int(n)
    except (TypeError, ValueError):
        return ""


@register.filter
def bands_json(regime) -> str:
    """The regime's star bands for the score sheet's running total (static/js/sheet.js)."""
    if regime is None:
        return "[]"
    return json.dumps(
        [
            {"stars": int(b["stars"]), "min": float(b["min"])}
            for b in regime.rules.get("star_bands", [])
        ]
    )


@register.filter
def certified_json(regime) -> str:
    return json.dumps(list(regime.certified_stars) if regime is not None else [])


@register.filter
def min3_attr(criterion) -> str:
    """` data-min3="…"` on a criterion with a 3★ minimum ("" = any option above 0), else ""."""
    reqs = (criterion or {}).get("star_requirements") or {}
    if "3" not in reqs:
        return ""
    value = reqs["3"]
    return format_html(' data-min3="{}"', "" if value is None else value)


@register.filter
def result_reasons(dossier) -> list[str]:
    """Why a scored product got no certificate or fewer stars than its band (services)."""
    from tamnong.ocop.services import result_reasons as reasons

    return reasons(dossier) if dossier is not None and dossier.mean_score is not None else []
