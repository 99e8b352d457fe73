"""Template filters for Vietnamese formats: {{ n|vn_number }}, {{ r|vn_percent }}, {{ d|vn_date }}."""

from django import template

from tamnong.core import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return formatting.number(value, int(decimals))


@register.filter
def vn_percent(value, decimals=2):
    return formatting.percent(value, int(decimals))


@register.filter
def vn_date(value):
    return formatting.date(value)


@register.filter
def vn_cell(value, field=""):
    """{{ v|vn_cell:"year" }}: one rule for every table cell (years never grouped)."""
    return formatting.cell(value, field)


@register.filter
def vn_decimal(value):
    """A decimal number or decimal string ('100.0000') the Vietnamese way ('100'; '7,5')."""
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return "–"
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formatting.cell(d.normalize() if d == d.to_integral_value() else d)


@register.filter
def vn_age(value):
    """{{ generated_at|vn_age }}: '5 phút trước' (how fresh a cached figure is)."""
    return formatting.age(value)


@register.filter
def vn_moment(value):
    """{{ at|vn_moment }}: '14:05 hôm nay', '09:10 hôm qua', '14:05 01/12/2026'."""
    return formatting.moment(value)
