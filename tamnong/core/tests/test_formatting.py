import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from tamnong.core import formatting


def test_vietnamese_numbers_group_thousands_with_dots():
    assert formatting.number(1581, lang="vi") == "1.581"
    assert formatting.number(1234567, lang="vi") == "1.234.567"
    assert formatting.number(-4236, lang="vi") == "-4.236"
    assert formatting.number(999, lang="vi") == "999"


def test_decimals_use_a_comma_and_round_half_up():
    assert formatting.number(12.805, 2, lang="vi") == "12,81"
    assert formatting.number(Decimal("137.8"), 1, lang="vi") == "137,8"
    assert formatting.number(0.365, 2, lang="vi") == "0,37"


def test_percentages_have_two_decimals():
    assert formatting.percent(Decimal("0.6912"), lang="vi") == "0,69%"
    assert formatting.ratio_percent(1581, 229130, lang="vi") == "0,69%"
    assert formatting.ratio_percent(1, 0) == "–"


def test_english_uses_commas_for_thousands():
    assert formatting.number(1234567, lang="en") == "1,234,567"
    assert formatting.percent(1.86, lang="en") == "1.86%"


def test_dates_are_day_first():
    assert formatting.date(dt.date(2023, 2, 24)) == "24/02/2023"


def test_template_filters_follow_the_active_language():
    tpl = Template("{{ n|vn_number }} {{ r|vn_percent }} {{ d|vn_date }}")
    ctx = Context({"n": 1581, "r": 0.69, "d": dt.date(2023, 2, 24)})
    with translation.override("vi"):
        assert tpl.render(ctx) == "1.581 0,69% 24/02/2023"
    with translation.override("en"):
        assert tpl.render(ctx) == "1,581 0.69% 24/02/2023"


def test_ids_and_years_are_never_grouped_but_figures_are():
    ctx = Context({"n": 1234567, "year": 2025})
    with translation.override("vi"):
        assert Template("{{ year }} {{ n }}").render(ctx) == "2025 1234567"
        assert Template("{% load humanize %}{{ n|intcomma }}").render(ctx) == "1.234.567"
        assert (
            Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(
                Context({"d": dt.date(2023, 2, 24)})
            )
            == "24/02/2023"
        )


def test_one_rule_for_every_cell_years_never_grouped_money_with_a_decimal_comma():
    from decimal import Decimal

    from tamnong.core.formatting import cell

    assert cell(2025, "year") == "2025"
    assert cell(45583000, "allocated") == "45.583.000"
    assert cell(Decimal("45583.500"), "value") == "45.583,5"
    assert cell(Decimal("45583000.000"), "value") == "45.583.000"
    assert cell(7.0, "average", decimals=2) == "7,00"
    assert cell(Decimal("100.0000"), "score") == "100"
    assert cell(Decimal("7.00"), "plan") == "7,00" and cell(Decimal("7.94")) == "7,94"
    assert cell(None, "x") == ""
