"""Vietnamese number, percentage and date formatting, independent of template context.

Used by templates (through the `vn` filters), reports, exports and CLI output so that
every surface writes 1.581 hộ, 0,69% and 24/02/2023 the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def _separators(lang: str | None) -> tuple[str, str]:
    lang = (lang or translation.get_language() or "vi")[:2]
    return _SEPARATORS.get(lang, _SEPARATORS["vi"])


def number(value: int | float | Decimal | None, decimals: int = 0, lang: str | None = None) -> str:
    """Group thousands and round half up: number(1234567) == '1.234.567'; number(12.805, 2) == '12,81'."""
    if value is None:
        return "–"
    thousands, point = _separators(lang)
    quant = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = thousands.join(groups)
    if decimals:
        text += point + frac.ljust(decimals, "0")
    return sign + text


def percent(value: float | Decimal | None, decimals: int = 2, lang: str | None = None) -> str:
    """A ratio already in percent: percent(0.6912) == '0,69%'."""
    if value is None:
        return "–"
    return number(value, decimals, lang) + "%"


def ratio_percent(
    part: int | float, whole: int | float, decimals: int = 2, lang: str | None = None
) -> str:
    """part / whole as a percentage, '–' when whole is zero."""
    if not whole:
        return "–"
    return percent(Decimal(part) * 100 / Decimal(whole), decimals, lang)


def date(value: dt.date | dt.datetime | str | None) -> str:
    """24/02/2023 in every language (Vietnamese documents are day-first).

    Accepts a date, a datetime, an ISO string (what JSON fields and GET parameters give templates)
    or None, and never raises: anything else is shown as it is.
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                dt.datetime.fromisoformat(text)
                if "T" in text or " " in text
                else dt.date.fromisoformat(text)
            )
        except ValueError:
            return text
    if not isinstance(value, dt.date):
        return str(value)
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%H:%M %d/%m/%Y")
    return value.strftime("%d/%m/%Y")


# Fields whose integers are years or codes: never grouped ("2025", not "2.025").
UNGROUPED_FIELDS = {"year", "code", "number", "decision_number", "from_year", "to_year"}


def cell(value, field: str = "", decimals: int | None = None, lang: str | None = None) -> str:
    """One value for a table cell, a PDF or a text export: years and codes as they are,
    integers grouped (45.583.000), decimals with a comma and no trailing zeros (45.583,5)
    unless `decimals` fixes them (7,00)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("có") if value else gettext("không")
    if isinstance(value, dt.date):
        return date(value)
    if isinstance(value, int):
        return str(value) if field in UNGROUPED_FIELDS else number(value, 0, lang)
    if isinstance(value, float | Decimal):
        if decimals is not None:
            return number(value, decimals, lang)
        d = Decimal(str(value))
        exponent = -d.as_tuple().exponent
        if isinstance(value, Decimal) and exponent == 2:
            return number(d, 2, lang)  # an average or money kept to the cent: 7,00
        d = d.normalize()
        places = 0 if d == d.to_integral_value() else min(2, -d.as_tuple().exponent)
        return number(value, places, lang)
    return str(value)


def age(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago a figure was computed, in words a reader relates to freshness:
    'vừa xong', '5 phút trước', '2 giờ trước', '3 ngày trước' ('–' for None)."""
    from django.utils import timezone
    from django.utils.translation import gettext, ngettext

    if not isinstance(value, dt.datetime):
        return "–"
    now = now or timezone.now()
    if timezone.is_naive(value) and timezone.is_aware(now):
        value = timezone.make_aware(value)
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return gettext("vừa xong")
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(n)d phút trước", "%(n)d phút trước", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d giờ trước", "%(n)d giờ trước", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d ngày trước", "%(n)d ngày trước", days) % {"n": days}


def moment(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """A time a reader places at once: '14:05 hôm nay', '09:10 hôm qua', else '14:05 01/12/2026'
    (local time, Asia/Ho_Chi_Minh; '–' for None)."""
    from django.utils import timezone
    from django.utils.translation import gettext

    if not isinstance(value, dt.datetime):
        return date(value)
    now = now or timezone.now()
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if timezone.is_aware(now):
        now = timezone.localtime(now)
    days = (now.date() - value.date()).days
    clock = value.strftime("%H:%M")
    if days == 0:
        return gettext("%(time)s hôm nay") % {"time": clock}
    if days == 1:
        return gettext("%(time)s hôm qua") % {"time": clock}
    return f"{clock} {value.strftime('%d/%m/%Y')}"
