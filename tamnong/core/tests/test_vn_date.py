"""vn_date takes whatever a template hands it and never raises (issue 11, defect 1)."""

import datetime as dt

import pytest
from django.template import Context, Template

from tamnong.core import formatting


def render(value):
    return Template("{% load vn %}{{ v|vn_date }}").render(Context({"v": value}))


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2026, 3, 5), "05/03/2026"),
        (dt.datetime(2026, 3, 5, 8, 30), "08:30 05/03/2026"),
        ("2026-03-05", "05/03/2026"),
        ("2026-03-05T08:30:00", "08:30 05/03/2026"),
        (None, "–"),
        ("", "–"),
    ],
)
def test_vn_date_accepts_dates_datetimes_iso_strings_and_none(value, expected):
    assert render(value) == expected


@pytest.mark.parametrize("value", ["không phải ngày", 2026, object(), "2026-13-45"])
def test_vn_date_never_raises(value):
    out = formatting.date(value)
    assert isinstance(out, str)
