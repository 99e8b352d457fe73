"""Interface helpers: {% icon "print" %} draws a symbol of the vendored sprite (static/icons)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon from static/icons/sprite.svg; decorative (hidden from screen readers) unless a
    label is given."""
    aria = (
        format_html('role="img" aria-label="{}"', label)
        if label
        else mark_safe('aria-hidden="true"')
    )
    return format_html(
        '<svg class="icon icon-{}" {} focusable="false"><use href="{}#i-{}"></use></svg>',
        name,
        aria,
        static("icons/sprite.svg"),
        name,
    )


@register.simple_tag
def crumbs(*trail) -> str:
    """{% crumbs "ocop:index" "OCOP" product_url _("Sản phẩm") product.name %}: where a detail
    page sits. Pairs of (URL name or path, label), then the page's own label (not a link). The
    home page comes first by itself."""
    from django.urls import reverse
    from django.utils.translation import gettext

    *pairs, here = trail
    items = [(reverse("core:home"), gettext("Trang chủ"))]
    for target, label in zip(pairs[::2], pairs[1::2], strict=True):
        items.append((target if "/" in str(target) else reverse(target), label))
    links = format_html_join("", '<li><a href="{}">{}</a></li>', items)
    return format_html(
        '<nav class="crumbs" aria-label="{}"><ol>{}<li aria-current="page">{}</li></ol></nav>',
        gettext("Vị trí trang"),
        links,
        here,
    )
