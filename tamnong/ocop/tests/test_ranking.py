from decimal import Decimal

import pytest

from tamnong.ocop import criteria as crit
from tamnong.ocop import rules
from tamnong.ocop.models import Regime
from tamnong.testing.ocop import answers, synthetic_raw


@pytest.fixture
def content(db):
    return crit.normalise(synthetic_raw(), rules.decisions()).content


@pytest.fixture
def regime(db):
    return Regime.objects.get(key="qd148-1489")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_star_bands_at_every_boundary(regime, score, band):
    assert regime.band(Decimal(score)) == band


def _sheets(*rows):
    return [{k: Decimal(v) for k, v in r.items()} for r in rows]


def test_the_result_is_the_mean_of_the_members_totals(content, regime):
    rows = [answers(c=20), answers(c=35), answers(c=10)]  # totals 55, 70, 45
    totals = [Decimal(sum(r.values())) for r in rows]
    r = crit.rank(content, regime.rules, _sheets(*rows), totals)
    assert r.mean == Decimal("56.67") and r.band == 3 and r.stars == 3
    assert r.spread == Decimal(25)


def test_the_band_uses_the_exact_mean_not_the_rounded_one(content, regime):
    # 3 members: 50 + 50 + 49 → 49.666…, shown 49.67, band 2 (never rounded up to 50).
    rows = [answers(c=20), answers(c=20), answers(c=20, m=14)]
    rows[2]["2.a"] = 14  # not an option: rank() works on already-checked sheets
    totals = [Decimal(50), Decimal(50), Decimal(49)]
    r = crit.rank(content, regime.rules, _sheets(*rows), totals)
    assert r.band == 2 and r.stars == 2


def test_a_missed_mandatory_criterion_caps_the_product_at_two_stars(content, regime):
    # Mean 75 (4★ band) but 1.a (3★ minimum 10) reached on only 2 of 5 sheets.
    rows = [answers(a=0, b=20, m=25, c=35)] * 3 + [answers(a=10, b=20, m=15, c=35)] * 2
    totals = [Decimal(sum(r.values())) for r in rows]
    r = crit.rank(content, regime.rules, _sheets(*rows), totals)
    assert r.band == 4
    assert r.stars == 2
    assert (
        r.failed[0]["criterion"] == "1.a" and r.failed[0]["met"] == 2 and r.failed[0]["sheets"] == 5
    )


def test_a_minimum_is_met_by_a_majority_of_sheets(content, regime):
    # 3 of 5 members give 1.a its 3★ minimum: met.
    rows = [answers(a=10)] * 3 + [answers(a=0, c=35)] * 2
    totals = [Decimal(sum(r.values())) for r in rows]
    r = crit.rank(content, regime.rules, _sheets(*rows), totals)
    assert r.stars == 3 and not r.failed


def test_a_tie_is_not_a_majority(content, regime):
    rows = [answers(a=10, c=35)] * 2 + [answers(a=0, c=35)] * 2
    totals = [Decimal(sum(r.values())) for r in rows]
    assert crit.rank(content, regime.rules, _sheets(*rows), totals).stars == 2


def test_a_four_star_score_missing_a_four_star_minimum_gets_three_stars(content, regime):
    rows = [answers(a=20, b=20, m=5, c=35)] * 3  # 80 points, 2.a below 15
    totals = [Decimal(80)] * 3
    r = crit.rank(content, regime.rules, _sheets(*rows), totals)
    assert r.band == 4 and r.stars == 3 and r.failed[0]["criterion"] == "2.a"


def test_the_mean_rule_is_data(content, regime):
    rules_ = dict(regime.rules, minimum_rule="mean")
    rows = [answers(a=20, c=35), answers(a=0, c=35), answers(a=0, c=35)]  # mean on 1.a = 6.67 < 10
    totals = [Decimal(sum(r.values())) for r in rows]
    assert crit.rank(content, rules_, _sheets(*rows), totals).stars == 2


def test_a_sheet_with_a_score_outside_the_options_is_refused(content):
    with pytest.raises(crit.SheetError) as exc:
        crit.score_sheet(content, {**answers(), "2.a": 7, "9.z": 1})
    messages = " ".join(e["message"] for e in exc.value.errors)
    assert "điểm «7» không thuộc các lựa chọn (0, 5, 15, 25)" in messages
    assert "Không có tiêu chí 9.z" in messages


def test_an_incomplete_sheet_is_refused(content):
    with pytest.raises(crit.SheetError, match="Chưa chấm tiêu chí 3.a"):
        crit.score_sheet(content, {"1.a": 10, "1.b": 10, "2.a": 15})


def test_a_criterion_without_a_zero_option_may_score_zero(db):
    from tamnong.ocop.models import CriteriaSet

    s1 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=1).content
    all_zero = {c["code"]: 0 for c in crit.criteria_of(s1)}
    _clean, totals = crit.score_sheet(s1, all_zero)
    assert totals["total"] == 0


def test_the_tourism_set_is_scored_on_one_alternative_per_group(db):
    from tamnong.ocop.models import CriteriaSet

    s26 = CriteriaSet.objects.get(decision="148/QĐ-TTg", set_no=26).content
    best = {c["code"]: max(o["points"] for o in c["options"]) for c in crit.criteria_of(s26)}
    with pytest.raises(crit.SheetError, match="đúng một trường hợp"):
        crit.score_sheet(s26, best)
    one_case = {k: v for k, v in best.items() if k not in {"8.b", "9.b", "15.b"}}
    _clean, totals = crit.score_sheet(s26, one_case)
    assert totals["total"] == 100
