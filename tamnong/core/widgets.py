"""Form widgets shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker wherever a date is typed: a Vietnamese browser shows and takes
    dd/mm/yyyy, the value travels as yyyy-mm-dd (accepted by every DATE_INPUT_FORMATS), and a
    browser without a picker still accepts 24/02/2023 typed by hand. Whatever order the browser
    shows, static/js/app.js writes the chosen day as dd/mm/yyyy under the field (data-hint when
    empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"data-hint": _("ngày/tháng/năm"), **(attrs or {})}, format="%Y-%m-%d")
