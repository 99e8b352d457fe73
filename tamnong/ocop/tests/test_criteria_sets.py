import datetime as dt
from decimal import Decimal

import pytest

from tamnong.ocop import criteria as crit
from tamnong.ocop import rules
from tamnong.ocop.models import CriteriaSet, Regime
from tamnong.rules import checksum
from tamnong.testing.ocop import synthetic_raw


def test_the_bundled_sets_of_148_and_26_2026_and_four_regimes_are_loaded_on_migrate(db):
    assert CriteriaSet.objects.filter(decision="148/QĐ-TTg").count() == 26
    assert CriteriaSet.objects.filter(decision="26/2026/QĐ-TTg").count() == 26
    assert set(Regime.objects.values_list("key", flat=True)) == {
        "qd1048",
        "qd148",
        "qd148-1489",
        "qd26-2026",
    }
    # 148 is ended the day before 26/2026 takes effect (Điều 11.1), its sets too.
    assert Regime.objects.get(key="qd148-1489").valid_to == dt.date(2026, 5, 21)
    assert set(
        CriteriaSet.objects.filter(decision="148/QĐ-TTg").values_list("effective_to", flat=True)
    ) == {dt.date(2026, 5, 21)}


def test_sets_short_in_part_c_are_marked_incomplete_with_their_defect(db):
    incomplete = CriteriaSet.objects.filter(complete=False, decision="148/QĐ-TTg").order_by(
        "set_no"
    )
    assert list(incomplete.values_list("set_no", flat=True)) == [11, 12, 13]
    tea = incomplete.get(set_no=11)
    assert any("Phần C" in d and "32" in d for d in tea.defects)
    assert tea.part_sums == {"A": "40/40", "B": "25/25", "C": "32/35"}


def test_set_7_loads_with_its_option_below_maximum_shown_as_a_defect(db):
    s7 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=7)
    assert s7.complete and s7.confidence == "partial"
    assert any("6.d" in d and "thấp hơn điểm tối đa 4" in d for d in s7.defects)


def test_loading_the_bundled_files_twice_changes_nothing(db):
    # 148 (26 sets) and 26/2026 (26 sets), both loaded on migrate
    assert rules.load_bundled() == {"created": 0, "skipped": 52}
    assert CriteriaSet.objects.count() == 52


def test_part_maxima_must_match_the_decision(db):
    raw = synthetic_raw()
    raw["parts"][0]["max_points"] = 35  # 1048 weights under a 148 decision
    checked = crit.normalise(raw, rules.decisions())
    assert not checked.ok
    assert any("Phần A: điểm tối đa 35, 148/QĐ-TTg quy định 40" in e for e in checked.errors)


def test_an_unknown_decision_or_bad_points_are_errors(db):
    raw = synthetic_raw(decision="99/2030/QĐ-TTg")
    raw["parts"][1]["criteria"][0]["options"][1]["points"] = "năm"
    errors = crit.normalise(raw, rules.decisions()).errors
    assert any("99/2030/QĐ-TTg" in e for e in errors)
    assert any("«năm» không hợp lệ" in e for e in errors)


def test_normalised_content_normalises_to_itself(db):
    once = crit.normalise(synthetic_raw(), rules.decisions()).content
    assert crit.normalise(once, rules.decisions()).content == once


def test_a_set_round_trips_through_the_excel_template(db):
    s1 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=1)
    again = crit.normalise(crit.parse_xlsx(crit.set_to_xlsx(s1.content)), rules.decisions())
    assert again.ok, again.errors
    assert again.content["parts"] == s1.content["parts"]
    assert checksum(crit.identity(again.content)) == s1.checksum


def test_the_version_content_cannot_be_edited_in_place(db):
    s1 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=1)
    s1.content["parts"][0]["criteria"][0]["max_points"] = 99
    with pytest.raises(Exception, match="phiên bản mới"):
        s1.save()


def test_alternatives_count_once_in_the_tourism_set(db):
    s26 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=26)
    assert s26.complete
    part_c = s26.content["parts"][2]
    assert crit.part_max_sum(part_c["criteria"]) == Decimal(35)
