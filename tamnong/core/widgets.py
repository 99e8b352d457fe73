"""Form widgets shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker wherever a date is typed: a Vietnamese browser shows and takes
    dd/mm/yyyy, the value travels as yyyy-mm-dd (accepted by every DATE_INPUT_FORMATS), and a
    browser without a picker still accepts 24/02/2023 typed by hand."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
