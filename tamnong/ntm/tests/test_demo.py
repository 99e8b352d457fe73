from tamnong.demo.registry import DemoContext
from tamnong.ntm.demo import build_ntm
from tamnong.ntm.figures import figures
from tamnong.ntm.models import Assessment, CriteriaSet, IndicatorValue


def test_the_demo_step_builds_years_of_assessments_under_both_sets(personas, geo):
    ctx = DemoContext(
        province=geo.province,
        seed=7,
        households=0,
        say=lambda _m: None,
        users={"dieuphoi": personas.coordinator},
    )
    build_ntm(ctx)
    build_ntm(ctx)  # idempotent
    years = set(Assessment.objects.values_list("year", "set_key"))
    assert {(2024, "demo-318-xa-ntm"), (2025, "demo-318-xa-ntm"), (2026, "demo-51-xa-ntm")} <= years
    assert Assessment.objects.filter(year=2024).count() == 5  # the old communes of the map
    # Every threshold the demo judges by is synthetic, and says so.
    used = CriteriaSet.objects.filter(pk__in=Assessment.objects.values("criteria_set"))
    assert used.exists() and all(cs.synthetic for cs in used)
    overridden = IndicatorValue.objects.exclude(override_reason="")
    assert all("minh họa" in iv.override_reason for iv in overridden)
    data = figures(personas.coordinator, geo.province, 2026)
    assert data["sets"][0]["key"] == "demo-51-xa-ntm" and data["sets"][0]["average"] is not None
