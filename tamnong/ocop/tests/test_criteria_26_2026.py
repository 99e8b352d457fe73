"""The 26 criteria sets of Decision 26/2026/QĐ-TTg (data/ocop/26-2026/), loaded through the
current loader into the test database next to the bundled 148 sets."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tamnong.ocop import criteria as crit
from tamnong.ocop import rules
from tamnong.ocop.models import CriteriaSet

FOLDER = Path(settings.BASE_DIR) / "data" / "ocop" / "26-2026"
DECISION = "26/2026/QĐ-TTg"
INCOMPLETE = [4, 7, 10, 11]


@pytest.fixture
def sets_2026(db):
    # Loaded on migrate by the rules pipeline, beside the 148 sets; loading again changes nothing
    # (the folder also holds regime.yaml and the README, which are not sets).
    assert rules.load_bundled(FOLDER) == {"created": 0, "skipped": 26}
    return {cs.set_no: cs for cs in CriteriaSet.objects.filter(decision=DECISION)}


def named(cs: CriteriaSet, words: str) -> list[dict]:
    return [c for c in cs.criteria if words.lower() in c["name"].lower()]


def only(cs: CriteriaSet, words: str) -> dict:
    found = named(cs, words)
    assert len(found) == 1, (cs.set_no, words, [c["code"] for c in found])
    return found[0]


def maximum(cs: CriteriaSet, words: str):
    found = named(cs, words)
    return found[0]["max_points"] if len(found) == 1 else None


def points(c: dict) -> list:
    return [o["points"] for o in c["options"]]


def test_every_file_validates_against_the_part_maxima_of_26_2026(db):
    files = sorted(FOLDER.glob("[0-9][0-9]-*.yaml"))
    assert [int(p.name[:2]) for p in files] == list(range(1, 27))
    for path in files:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        checked = crit.normalise(raw, rules.decisions())
        assert checked.ok, (path.name, checked.errors)
        assert checked.complete == (raw["set_no"] not in INCOMPLETE), path.name
        assert raw["confidence"] == "partial" and raw["source"]["repository"], path.name


def test_the_26_sets_load_22_complete_and_4_incomplete_with_their_null_scores(sets_2026):
    assert sorted(sets_2026) == list(range(1, 27))
    incomplete = sorted(n for n, cs in sets_2026.items() if not cs.complete)
    assert incomplete == INCOMPLETE
    assert sum(cs.complete for cs in sets_2026.values()) == 22
    for n in INCOMPLETE:
        cs = sets_2026[n]
        blank = [o for c in cs.criteria for o in c["options"] if o["points"] is None]
        assert blank and all(o["required_for_star"] is None for o in blank)
        assert any("1.2" in d and "chưa đầy đủ" in d for d in cs.defects)
    assert any("Tiêu chí 7 " in d and "«13»" in d for d in sets_2026[4].defects)
    assert any("6.1.1" in d and "«11»" in d for d in sets_2026[11].defects)
    for cs in sets_2026.values():
        assert cs.part_sums == {"A": "40/40", "B": "25/25", "C": "35/35"}, cs.set_no
        assert cs.effective_from == dt.date(2026, 5, 22)
        assert cs.confidence == "partial"


def test_new_dossiers_use_26_2026_from_22_05_2026_and_148_the_day_before(sets_2026):
    assert CriteriaSet.objects.for_set(1, dt.date(2026, 5, 21)).decision == "148/QĐ-TTg"
    assert CriteriaSet.objects.for_set(1, dt.date(2026, 5, 22)) == sets_2026[1]
    assert not CriteriaSet.objects.for_set(4, dt.date(2026, 6, 1)).complete


def test_option_scores_and_star_minima_are_those_of_the_source(sets_2026):
    s1 = sets_2026[1]
    assert points(only(s1, "Quảng bá sản phẩm")) == [0, 1, 2, 3, 5]
    assert points(only(s1, "Sở hữu trí tuệ")) == [1, 2, 3]
    assert only(s1, "Sở hữu trí tuệ")["star_requirements"] == {"3": 1, "4": 2}
    assert only(s1, "Khu vực phân phối chính")["star_requirements"] == {"3": 2, "4": 3, "5": 5}
    # The commune's four contents (Điều 7.2.a) are tagged.
    assert {c["code"] for c in crit.commune_criteria(s1.content)} == {"1.1", "2.1", "3.3", "5.3"}
    assert {c["code"] for c in crit.commune_criteria(sets_2026[26].content)} == {"2.1", "3.3"}
    # Set 3's "* * * *" marker is the 4-star minimum of 5.1, as in every other set.
    assert crit.criteria_by_code(sets_2026[3].content)["5.1"]["star_requirements"] == {"4": 5}
    # Tourism: two cases per group, one scored; each part still adds up once.
    tourism = crit.criteria_by_code(sets_2026[26].content)
    assert {"8.TH1", "8.TH2", "9.TH1", "9.TH2", "15.TH1", "15.TH2"} <= set(tourism)
    assert tourism["8.TH2"]["alternative"].startswith("Trường hợp 2")


def test_a_complete_set_scores_a_sheet(sets_2026):
    content = sets_2026[1].content
    answers = {c["code"]: max(o["points"] for o in c["options"]) for c in crit.criteria_of(content)}
    _clean, totals = crit.score_sheet(content, answers)
    assert totals["total"] == Decimal(100)
    assert totals["parts"] == {"A": Decimal(40), "B": Decimal(25), "C": Decimal(35)}


def test_the_differences_from_148_are_in_the_data(sets_2026):
    old = {cs.set_no: cs for cs in CriteriaSet.objects.filter(decision="148/QĐ-TTg")}
    # Intellectual property 2 → 3 points, with a new 1-point bottom level required for 3★.
    for n in range(1, 27):
        assert only(old[n], "Sở hữu trí tuệ")["max_points"] == 2
        ip = only(sets_2026[n], "Sở hữu trí tuệ")
        assert ip["max_points"] == 3 and ip["star_requirements"]["3"] == 1
    # Accounting (kế toán) is gone.
    for n in range(1, 27):
        assert named(old[n], "Kế toán") and not named(sets_2026[n], "Kế toán")
    # Distribution 4 → 3 and promotion 4 → 5, in 24 sets.
    distribution = [
        n
        for n in range(1, 27)
        if (maximum(old[n], "Tổ chức phân phối"), maximum(sets_2026[n], "Tổ chức phân phối"))
        == (4, 3)
    ]
    promotion = [
        n
        for n in range(1, 27)
        if (maximum(old[n], "Quảng bá sản phẩm"), maximum(sets_2026[n], "Quảng bá sản phẩm"))
        == (4, 5)
    ]
    assert len(distribution) == 24 and len(promotion) == 24
    # A bilingual-label criterion, 1 point, in sets 1-22 (none in 148).
    for n in range(1, 27):
        assert not named(old[n], "song ngữ")
        bilingual = named(sets_2026[n], "song ngữ")
        assert len(bilingual) == (1 if n <= 22 else 0)
        if bilingual:
            assert bilingual[0]["max_points"] == 1 and points(bilingual[0]) == [1]
    # A certified raw-material area criterion (VietGAP/organic 1, GlobalGAP/Organic 2).
    area = [n for n in range(1, 27) if named(sets_2026[n], "được cấp chứng nhận chất lượng")]
    assert area == [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 18]
    assert only(sets_2026[2], "Vùng sản xuất")["max_points"] == 2
    assert points(only(sets_2026[1], "Vùng nguyên liệu")) == [0, 1, 2]
    assert not any(named(old[n], "Vùng nguyên liệu") for n in range(1, 27))
    # One "công bố chất lượng" criterion (5 points) instead of công bố + kiểm tra định kỳ.
    for n in range(1, 18):
        assert named(old[n], "Kiểm tra định kỳ"), n
        assert not named(sets_2026[n], "Kiểm tra định kỳ"), n
        announce = only(sets_2026[n], "Công bố")
        assert announce["max_points"] == 5 and announce["star_requirements"]["3"] == 2, n
    # Renamed sets use the 26/2026 name.
    assert sets_2026[13].product_set == "Cà phê, cacao"
    assert sets_2026[19].product_set == "Mỹ phẩm có thành phần từ dược liệu"
