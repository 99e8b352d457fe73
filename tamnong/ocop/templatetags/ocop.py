from django import template

register = template.Library()


@register.filter
def stars(n) -> str:
    """3 → ★★★"""
    try:
        return "★" * int(n)
    except (TypeError, ValueError):
        return ""
