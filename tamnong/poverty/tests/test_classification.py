"""Classification by the standard in force for the review year, at every boundary."""

import pytest

from tamnong.poverty.models import Classification as C
from tamnong.poverty.models import Standard
from tamnong.poverty.models import Transition as T
from tamnong.poverty.standards import (
    Rule,
    StandardDataError,
    classify,
    deprivation_mask,
    set_middle_income,
    standard_for_year,
    transition,
)

pytestmark = pytest.mark.django_db


def rule(year):
    return Rule.of(standard_for_year(year))


def test_review_years_are_judged_by_the_standard_in_force():
    assert standard_for_year(2022).key == "07/2021/NĐ-CP"
    assert standard_for_year(2026).key == "07/2021/NĐ-CP"
    assert standard_for_year(2027).key == "351/2025/NĐ-CP"
    assert standard_for_year(2030).key == "351/2025/NĐ-CP"
    assert standard_for_year(2031) is None


@pytest.mark.parametrize(
    ("income", "urban", "deprived", "expected"),
    [
        (1_500_000, False, 3, C.POOR),  # exactly at the rural line, 3 deprivations
        (1_500_000, False, 2, C.NEAR_POOR),  # at the line, 2 deprivations
        (1_500_001, False, 5, C.MIDDLE),  # above the line: deprivations do not matter
        (2_250_000, False, 0, C.MIDDLE),
        (2_250_001, False, 0, C.OTHER),
        (2_000_000, True, 3, C.POOR),  # urban line
        (2_000_000, True, 2, C.NEAR_POOR),
        (1_800_000, True, 0, C.NEAR_POOR),  # below the urban line, above the rural one
        (1_800_000, False, 0, C.MIDDLE),
        (3_000_001, True, 0, C.OTHER),
        (0, False, 12, C.POOR),
    ],
)
def test_decree_07_boundaries_in_2026(income, urban, deprived, expected):
    assert classify(rule(2026), income, urban, deprived) == expected


@pytest.mark.parametrize(
    ("income", "urban", "deprived", "expected"),
    [
        (2_200_000, False, 3, C.POOR),
        (2_200_000, False, 2, C.NEAR_POOR),
        (2_200_001, False, 3, C.ABOVE_LINE),  # 351/2025 has no middle-income band yet
        (2_800_000, True, 3, C.POOR),
        (2_800_000, True, 2, C.NEAR_POOR),
        (2_800_001, True, 9, C.ABOVE_LINE),
    ],
)
def test_decree_351_boundaries_in_2027(income, urban, deprived, expected):
    assert classify(rule(2027), income, urban, deprived) == expected


def test_the_same_household_changes_class_between_2026_and_2027():
    # 1.8 M rural, 3 deprivations: above the 07/2021 line, poor under 351/2025
    assert classify(rule(2026), 1_800_000, False, 3) == C.MIDDLE
    assert classify(rule(2027), 1_800_000, False, 3) == C.POOR


def test_housing_area_per_person_is_computed_when_the_standard_defines_it():
    r = rule(2025)  # indicator 8: below 8 m² per person
    assert deprivation_mask(r, set(), 31.9, 4) == 1 << 7
    assert deprivation_mask(r, set(), 32, 4) == 0
    assert deprivation_mask(r, {8}, 40, 4) == 0  # the measurement overrides the flag
    assert deprivation_mask(r, {1, 2}, None, 4) == 0b11
    r27 = rule(2027)  # no threshold retrieved for 351/2025: not computed
    assert deprivation_mask(r27, set(), 1, 4) == 0


@pytest.mark.parametrize(
    ("prev", "cur", "poor_before", "expected"),
    [
        (None, C.POOR, False, T.FIRST),
        (C.OTHER, C.POOR, False, T.NEW_POOR),
        (C.MIDDLE, C.POOR, True, T.RE_POOR),
        (C.NEAR_POOR, C.POOR, False, T.NEAR_TO_POOR),
        (C.NEAR_POOR, C.POOR, True, T.RE_POOR),
        (C.POOR, C.POOR, True, T.STAY_POOR),
        (C.POOR, C.NEAR_POOR, True, T.POOR_TO_NEAR),
        (C.POOR, C.MIDDLE, True, T.ESCAPED),
        (C.POOR, C.ABOVE_LINE, True, T.ESCAPED),
        (C.MIDDLE, C.NEAR_POOR, False, T.NEW_NEAR),
        (C.NEAR_POOR, C.NEAR_POOR, False, T.STAY_NEAR),
        (C.NEAR_POOR, C.OTHER, False, T.NEAR_ESCAPED),
        (C.OTHER, C.MIDDLE, False, T.NONE),
    ],
)
def test_transitions_between_years(prev, cur, poor_before, expected):
    assert transition(prev, cur, poor_before) == expected


def test_an_administrator_completes_the_missing_middle_income_band():
    with pytest.raises(StandardDataError):
        set_middle_income("351/2025/NĐ-CP", 2_000_000, 3_500_000, "x")  # below the line
    with pytest.raises(StandardDataError):
        set_middle_income("351/2025/NĐ-CP", 3_000_000, 3_500_000, "   ")  # no source
    std, _changed = set_middle_income(
        "351/2025/NĐ-CP", 3_000_000, 3_800_000, "Công văn thử nghiệm, trang 2"
    )
    assert Standard.objects.get(key=std.key).middle_rural_up_to == 3_000_000
    assert classify(rule(2027), 2_500_000, False, 0) == C.MIDDLE
    assert classify(rule(2027), 3_000_001, False, 0) == C.OTHER
