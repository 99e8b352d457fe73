import json

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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


@register.filter
def certificate_state(code) -> str:
    """'valid' → 'Còn hiệu lực': a certificate state by its translated display name."""
    from tamnong.ocop.models import Certificate

    try:
        label = str(Certificate.Status(code).label)
    except ValueError:
        return str(code)
    return label[:1] + label[1:].lower()


@register.filter
def star_counts(by_stars) -> str:
    """{3: 2, 4: 1} → '(3★: 2; 4★: 1)', nothing for an empty count."""
    from tamnong.core.formatting import number

    if not by_stars:
        return ""
    return "(" + "; ".join(f"{s}★: {number(n)}" for s, n in sorted(by_stars.items())) + ")"


_CONFIDENCE = {
    "confirmed": _("đã đối chiếu"),
    "high": _("cao"),
    "full": _("đầy đủ"),
    "partial": _("chưa đối chiếu đầy đủ"),
    "low": _("thấp"),
    "draft": _("bản nháp"),
}


@register.filter
def confidence_label(code) -> str:
    """How sure the transcription of a criteria set is, in Vietnamese ('partial' → 'một phần')."""
    label = _CONFIDENCE.get(str(code))
    return str(label) if label is not None else str(code or "–")
