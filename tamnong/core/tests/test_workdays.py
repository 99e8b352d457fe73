"""Working days from data/calendar/holidays-vn.yaml (weekends, public holidays, compensatory and
swapped days off; swapped working Saturdays count)."""

import datetime as dt

import pytest

from tamnong.core import workdays

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # the Friday before Tết Bính Ngọ
        (D(2026, 2, 16), False),  # Giao thừa (Monday)
        (D(2026, 2, 20), False),  # mùng 4 (Friday)
        (D(2026, 2, 23), True),
        (D(2026, 4, 27), False),  # Giỗ Tổ fell on Sunday 26/4: compensatory Monday
        (D(2026, 4, 30), False),
        (D(2026, 5, 1), False),
        (D(2025, 1, 27), False),  # 29 Tết Ất Tỵ, compensatory
        (D(2025, 4, 26), True),  # a Saturday worked in exchange for Friday 02/05/2025
        (D(2025, 5, 2), False),  # the swapped day off
        (D(2026, 9, 1), False),
        (D(2026, 9, 2), False),
        (D(2026, 12, 5), False),  # a plain Saturday
        (D(2026, 12, 7), True),
    ],
)
def test_is_working_day(day, working):
    assert workdays.is_working_day(day) is working


def test_fifteen_working_days_across_tet_start_the_day_after():
    # received Friday 13/02/2026: Tết 16-20/02 and four weekends are skipped
    assert workdays.add_working_days(D(2026, 2, 13), 15) == D(2026, 3, 13)
    assert workdays.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_compensatory_and_holiday_days_at_the_end_of_april():
    # received Friday 24/04/2026: 27/04 (nghỉ bù), 30/04 and 01/05 are off
    assert workdays.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)
    assert workdays.add_working_days(D(2026, 4, 24), 3) == D(2026, 5, 4)
    assert workdays.add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 20)


def test_a_swapped_saturday_counts_and_its_friday_does_not():
    # received Thursday 24/04/2025: Fri 25, Sat 26 (worked), Mon 28, Tue 29; 30/04-02/05 off
    assert workdays.add_working_days(D(2025, 4, 24), 2) == D(2025, 4, 26)
    assert workdays.add_working_days(D(2025, 4, 24), 5) == D(2025, 5, 5)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert workdays.working_days_between(D(2026, 3, 13), D(2026, 3, 16)) == 1
    assert workdays.working_days_between(D(2026, 3, 13), D(2026, 3, 13)) == 0
    assert workdays.working_days_between(D(2026, 3, 16), D(2026, 3, 13)) == 0


def test_outside_the_covered_years_only_weekends_are_counted():
    assert workdays.covers(D(2026, 1, 1)) and not workdays.covers(D(2030, 1, 1))
    assert workdays.is_working_day(D(2030, 1, 1))  # a Tuesday; no holiday data for 2030
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 1, 1), 0)
