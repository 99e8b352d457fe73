"""The one cell parser: every ambiguous case of the module docstring, decided and pinned."""

import datetime as dt
from decimal import Decimal

import pytest

from tamnong import tabular
from tamnong.tabular import CellError

MONEY = tabular.MONEY  # whole đồng
MILLIONS = tabular.Money(3)  # triệu đồng, three decimals
SCORE = tabular.Number(2)
INTEGER = tabular.INTEGER
PERCENT = tabular.Percent()


def reason(kind, value) -> str:
    with pytest.raises(CellError) as exc:
        kind.parse(value)
    return exc.value.reason


@pytest.mark.parametrize(
    "value", ["1.500.000", "1 500 000", "1\u00a0500\u00a0000", "1,500,000", "1500000", 1500000.0]
)
def test_money_written_every_usual_way_is_the_same_amount(value):
    assert MONEY.parse(value) == 1_500_000


def test_a_lone_dot_group_is_thousands_in_money_columns_of_any_unit():
    assert MONEY.parse("1.500") == 1500
    assert MILLIONS.parse("1.500") == Decimal("1500")


def test_a_lone_dot_group_in_a_decimal_column_is_an_error_never_one_and_a_half():
    why = reason(SCORE, "1.500")
    assert "1500" in why and "1,5" in why
    assert "không rõ" in why
    assert "không rõ" in reason(PERCENT, "12.345")


def test_a_lone_comma_group_is_thousands_for_whole_numbers_and_decimal_elsewhere():
    assert MONEY.parse("1,500") == 1500
    assert INTEGER.parse("1,500") == 1500
    assert MILLIONS.parse("1,500") == Decimal("1.5")
    assert SCORE.parse("1,500") == Decimal("1.5")


def test_the_vietnamese_decimal_comma_and_english_numbers_are_read():
    assert SCORE.parse("12,5") == Decimal("12.5")
    assert SCORE.parse("1.234,5") == Decimal("1234.5")
    assert SCORE.parse("1,234.5") == Decimal("1234.5")
    assert SCORE.parse("72.5") == Decimal("72.5")  # a dot not followed by three digits
    assert MILLIONS.parse("1.500,25") == Decimal("1500.25")
    assert MILLIONS.parse("1500.5") == Decimal("1500.5")


def test_numbers_round_half_up_to_the_columns_places():
    assert SCORE.parse("72,555") == Decimal("72.56")
    assert MONEY.parse("1.450.000,5") == 1_450_001
    assert MONEY.parse(1450000.4) == 1_450_000


def test_currency_marks_and_signs_in_money_columns():
    assert MONEY.parse("1.500.000 đ") == 1_500_000
    assert MONEY.parse("1.500.000 VNĐ") == 1_500_000
    assert MONEY.parse("-1.500") == -1500


@pytest.mark.parametrize("value", ["1.2.3", "12a", "1,5,0", "1.500,5.0", "1 50 000", "--5"])
def test_text_that_is_no_number_is_an_error(value):
    assert "không phải là số" in reason(MONEY, value)


def test_integers_refuse_a_fraction_but_accept_a_whole_decimal():
    assert INTEGER.parse("4,0") == 4
    assert INTEGER.parse(4.0) == 4
    assert INTEGER.parse(4) == 4
    assert reason(INTEGER, "4,5") == "Phải là số nguyên."
    assert "không phải Có/Không" in reason(INTEGER, True)
    assert tabular.Integer(minimum=1, maximum=99).parse("99") == 99
    assert "lớn hơn 99" in reason(tabular.Integer(minimum=1, maximum=99), "100")


def test_excel_numbers_keep_their_shortest_decimal_form():
    assert tabular.Number().parse(0.1) == Decimal("0.1")
    assert tabular.Number().parse(12.5) == Decimal("12.5")


def test_percentages_are_points_from_text_and_fractions_from_excel_numbers():
    assert PERCENT.parse("12,5%") == Decimal("12.5")
    assert PERCENT.parse("12,5") == Decimal("12.5")
    assert PERCENT.parse(0.125) == Decimal("12.5")
    assert PERCENT.parse(1.0) == Decimal("100")
    why = reason(tabular.Percent(maximum=100), 12.5)
    assert "1.250" in why and "12,5%" in why


@pytest.mark.parametrize(
    "value",
    ["24/02/2023", "24-02-2023", "24.02.2023", "2023-02-24", "24/02/2023 08:30", 44981.0, 44981],
)
def test_dates_are_day_first_or_iso_or_excel_serials(value):
    assert tabular.DATE.parse(value) == dt.date(2023, 2, 24)


def test_excel_date_cells_are_dates():
    assert tabular.DATE.parse(dt.datetime(2023, 2, 24, 10, 0)) == dt.date(2023, 2, 24)
    assert tabular.DATE.parse(dt.date(2023, 2, 24)) == dt.date(2023, 2, 24)
    assert tabular.DATE.parse("2/3/2023") == dt.date(2023, 3, 2)  # 2 March, never 3 February


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/2024", "không có thật"),
        ("02/24/2023", "không có thật"),  # month first is not read
        ("24/02/23", "4 chữ số"),
        ("45000", "không hợp lệ"),  # a text of digits is no serial
        ("hôm qua", "không hợp lệ"),
        (True, "Phải là một ngày"),
    ],
)
def test_dates_that_cannot_be_read_are_errors(value, words):
    assert words in reason(tabular.DATE, value)


def test_years():
    assert tabular.YEAR.parse(2025.0) == 2025
    assert tabular.YEAR.parse("2025") == 2025
    assert "không phải năm hợp lệ" in reason(tabular.YEAR, "20x5")
    assert "không phải năm hợp lệ" in reason(tabular.YEAR, "1800")
    assert "ví dụ 2025" in reason(tabular.YEAR, dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    "word", ["x", "X", "có", "Có", "CÓ", "co", "c", "đạt", "Đạt", "yes", "true", "1", "đúng"]
)
def test_one_yes_vocabulary(word):
    assert tabular.YES_NO.parse(word) is True


@pytest.mark.parametrize(
    "word", ["", "  ", None, "không", "Không", "ko", "k", "không đạt", "no", "false", "0", "sai"]
)
def test_one_no_vocabulary_with_empty_as_no(word):
    assert tabular.YES_NO.parse(word) is False


def test_yes_no_from_excel_and_what_is_neither():
    assert tabular.YES_NO.parse(True) is True
    assert tabular.YES_NO.parse(0.0) is False
    assert tabular.YES_NO.parse(1) is True
    assert reason(tabular.YES_NO, "có lẽ") == "Phải là «Có» hoặc «Không»."
    assert reason(tabular.YES_NO, 2.0) == "Phải là «Có» hoặc «Không»."


def test_text_is_stripped_nfc_and_formulas_stay_text():
    decomposed = "Nguye\u0302\u0303n"  # what a cp1258 file or a Mac keyboard writes
    assert tabular.TEXT.parse(f"  {decomposed} ") == "Nguyễn"
    assert tabular.TEXT.parse("=SUM(A1:A3)") == "=SUM(A1:A3)"
    assert tabular.TEXT.parse(6001.0) == "6001"
    assert tabular.TEXT.parse(dt.date(2023, 2, 24)) == "24/02/2023"
    assert tabular.TEXT.parse(None) == ""
    assert "Dài quá 3 ký tự" in reason(tabular.Text(3), "abcd")


def test_every_kind_but_text_and_yes_no_reads_empty_as_none():
    for kind in (MONEY, SCORE, INTEGER, PERCENT, tabular.DATE, tabular.YEAR):
        assert kind.parse("") is None and kind.parse(None) is None and kind.parse("  ") is None


def test_a_threshold_is_a_number_first_then_a_yes_no_word():
    assert tabular.threshold("≥ 1,5") == ("ge", Decimal("1.5"), None)
    assert tabular.threshold("<= 95%") == ("le", Decimal("95"), None)
    assert tabular.threshold("1") == (None, Decimal("1"), None)  # a number, not "yes"
    assert tabular.threshold("x") == (None, True, None)
    assert tabular.threshold("Không") == (None, False, None)
    assert tabular.threshold(True) == (None, True, None)
    assert tabular.threshold("theo vùng") == (None, None, "theo vùng")
    assert tabular.threshold("  ") == (None, None, None)
    assert tabular.threshold("1.500") == (None, None, "1.500")  # ambiguous: not a number
