from django import template
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
