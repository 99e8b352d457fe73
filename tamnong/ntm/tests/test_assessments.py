import datetime as dt
import sys
import types
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.audit.models import AuditEvent
from tamnong.core.signals import figures_changed
from tamnong.ntm import services
from tamnong.ntm.models import Assessment, IndicatorValue


def values(assessment):
    return {iv.indicator.code: iv for iv in assessment.values.select_related("indicator")}


def region_assessment(user, division, year=2025, column="tdmnpb", special=False):
    services.set_profile(
        user, division, year, classification="region", column=column, special=special
    )
    return services.start_assessment(user, division, year, "test-vung")


@pytest.mark.parametrize(
    ("column", "code", "value", "met"),
    [
        ("tdmnpb", "2.1", "70", True),  # percent ≥ 70: the threshold itself meets
        ("tdmnpb", "2.1", "69,99", False),
        ("dbsh", "2.1", "89.9", False),  # the same value judged with the ĐBSH column (≥ 90)
        ("dbsh", "2.1", "90", True),
        ("tdmnpb", "2.2", "5", True),  # number ≤ 5
        ("tdmnpb", "2.2", "5.01", False),
        ("tdmnpb", "1.1", "có", True),  # yes/no
        ("tdmnpb", "1.1", "không", False),
    ],
)
def test_met_or_not_at_each_threshold_kind_and_region(
    personas, region_set, no_sources, column, code, value, met
):
    geo_commune = personas.alice.memberships.get().division
    a = region_assessment(personas.alice, geo_commune, column=column)
    services.enter_values(personas.alice, a, [{"code": code, "value": value}])
    assert values(a)[code].met is met


def test_a_missing_threshold_is_never_met(personas, region_set, no_sources):
    commune = personas.alice.memberships.get().division
    a = region_assessment(personas.alice, commune, column="dbsh")
    services.enter_values(
        personas.alice, a, [{"code": "2.1", "value": 95}, {"code": "2.2", "value": 0}]
    )
    iv = values(a)["2.2"]
    assert iv.met is None and iv.met_note == services.NOT_JUDGED_NO_THRESHOLD
    a.refresh_from_db()
    assert 2 in a.missing and a.unjudged >= 1


def test_a_special_commune_uses_the_tdmnpb_column(personas, region_set, no_sources):
    commune = personas.alice.memberships.get().division
    a = region_assessment(personas.alice, commune, column="dbsh", special=True)
    assert a.column == "tdmnpb"
    services.enter_values(personas.alice, a, [{"code": "2.1", "value": 75}])
    assert values(a)["2.1"].met is True


@pytest.mark.parametrize(("group", "met"), [("nhom_1", False), ("nhom_2", True), ("nhom_3", True)])
def test_met_or_not_by_commune_group(personas, group_set, no_sources, group, met):
    commune = personas.alice.memberships.get().division
    services.set_profile(personas.alice, commune, 2026, classification="group", column=group)
    a = services.start_assessment(personas.alice, commune, 2026, "test-nhom")
    services.enter_values(personas.alice, a, [{"code": "1.1", "value": 75}])
    assert values(a)["1.1"].met is met
    assert values(a)["1.1"].threshold == {"nhom_1": "80", "nhom_2": "70", "nhom_3": "50"}[group]


def test_a_criterion_is_met_when_all_its_indicators_are(personas, region_set, no_sources, geo):
    no_sources["poverty"][(geo.commune_a.pk, 2025)] = "3.5"
    no_sources["ocop"].append(
        {
            "division": geo.commune_a,
            "issued": dt.date(2023, 1, 1),
            "expires": dt.date(2026, 1, 1),
            "stars": 3,
        }
    )
    a = region_assessment(personas.alice, geo.commune_a)
    services.enter_values(
        personas.alice, a, [{"code": "1.1", "value": True}, {"code": "2.1", "value": 80}]
    )
    a.refresh_from_db()
    assert (a.criteria_met, a.missing, a.band) == (2, [2], "1-2")  # 2.2 not entered yet
    services.enter_values(personas.alice, a, [{"code": "2.2", "value": 1}])
    a.refresh_from_db()
    assert (a.criteria_met, a.missing, a.band, a.meets) == (3, [], "all", True)


def test_hand_entry_reads_cells_as_every_import_does(personas, region_set, no_sources):
    """The form and the API read a typed value with the imports' one parser (tabular.cells)."""
    commune = personas.alice.memberships.get().division
    a = region_assessment(personas.alice, commune)
    services.enter_values(
        personas.alice, a, [{"code": "1.1", "value": "x"}, {"code": "2.1", "value": "72,5"}]
    )
    got = values(a)
    assert got["1.1"].value_bool is True and got["2.1"].value == Decimal("72.5")


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"code": "2.1", "value": "bảy mươi"}, "2.1", "phải nhập số"),
        ({"code": "2.1", "value": 120}, "2.1", "từ 0 đến 100"),
        # the one cell parser: "1.500" in a column with decimals is ambiguous, never 1,5
        ({"code": "2.1", "value": "1.500"}, "2.1", "không rõ là số nguyên hay số thập phân"),
        ({"code": "1.1", "value": "hình như có"}, "1.1", "«có» hoặc «không»"),
        ({"code": "2.2", "value": True}, "2.2", "phải nhập số"),
        ({"code": "1.1", "value": 5}, "1.1", "«có» hoặc «không»"),
        ({"code": "2.2", "value": 3, "unit": "m"}, "2.2", "Sai đơn vị"),
        ({"code": "9.9", "value": 3}, "9.9", "Không có chỉ tiêu"),
        ({"code": "3.1", "value": 3}, "3.1", "lấy tự động"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    personas, region_set, no_sources, item, field, message
):
    commune = personas.alice.memberships.get().division
    a = region_assessment(personas.alice, commune)
    with pytest.raises(services.NtmInputError) as exc:
        services.enter_values(personas.alice, a, [{"code": "2.1", "value": 80}, item])
    assert any(e["field"] == field and message in e["message"] for e in exc.value.errors)
    assert values(a)["2.1"].value is None  # the good item of the same batch was not written


def test_a_commune_officer_cannot_assess_another_commune(personas, region_set, no_sources, geo):
    with pytest.raises(PermissionDenied):
        services.set_profile(
            personas.alice, geo.commune_c, 2024, classification="region", column="tdmnpb"
        )
    a = region_assessment(personas.bob, geo.commune_c)
    with pytest.raises(PermissionDenied):
        services.enter_values(personas.alice, a, [{"code": "2.1", "value": 80}])
    assert not Assessment.objects.visible_to(personas.alice).filter(pk=a.pk).exists()
    assert Assessment.objects.visible_to(personas.coordinator).filter(pk=a.pk).exists()


def test_an_old_commune_is_assessed_before_the_reorganisation_and_counts_under_its_successor(
    personas, region_set, no_sources, geo
):
    a = region_assessment(personas.alice, geo.old_commune_binh, year=2023)
    assert a.commune == geo.commune_a
    with pytest.raises(services.NtmInputError):
        services.start_assessment(personas.alice, geo.old_commune_an, 2026, "test-vung")


def test_an_assessment_needs_the_commune_profile_and_a_set_with_thresholds(
    personas, region_set, no_sources, geo
):
    with pytest.raises(services.NtmInputError, match="Chưa có vùng"):
        services.start_assessment(personas.alice, geo.commune_a, 2025, "test-vung")
    from tamnong.ntm import criteria

    criteria.load_builtin()
    services.set_profile(
        personas.alice, geo.commune_a, 2026, classification="group", column="nhom_1"
    )
    with pytest.raises(services.NtmInputError, match="chưa có chỉ tiêu và ngưỡng"):
        services.start_assessment(personas.alice, geo.commune_a, 2026, "qd51-2025-xa-ntm")


# -- derived indicators ------------------------------------------------------------------------
@pytest.fixture
def fake_apps(monkeypatch):
    """Fake poverty and OCOP service modules with the contract's signatures."""
    state = {"rates": {}, "certs": []}
    poverty = types.ModuleType("tamnong.poverty.services")

    def commune_poverty_rate(division, year):
        rate = state["rates"].get((division.pk, year))
        if rate is None:
            return None
        return {
            "households": 1000,
            "poor": int(rate * 10),
            "near_poor": 20,
            "poor_rate": Decimal(str(rate)),
            "standard": "07/2021",
        }

    poverty.commune_poverty_rate = commune_poverty_rate
    ocop = types.ModuleType("tamnong.ocop.services")

    def valid_products(division, on, min_stars=3):
        return sum(
            1
            for c in state["certs"]
            if c["division"].path.startswith(division.path)
            and c["issued"] <= on < c["expires"]
            and not c.get("revoked")
            and c["stars"] >= min_stars
        )

    ocop.valid_products = valid_products
    monkeypatch.setitem(sys.modules, "tamnong.poverty.services", poverty)
    monkeypatch.setitem(sys.modules, "tamnong.ocop.services", ocop)
    return state


def test_the_poverty_indicator_follows_the_poverty_review(personas, region_set, fake_apps, geo):
    fake_apps["rates"][(geo.commune_a.pk, 2025)] = 5.5
    a = region_assessment(personas.alice, geo.commune_a)
    iv = values(a)["3.1"]
    assert iv.is_derived and iv.derived_value == Decimal("5.5") and iv.met is True
    fake_apps["rates"][(geo.commune_a.pk, 2025)] = 6.2
    figures_changed.send(sender=None, source="poverty", division=geo.commune_a, year=2025)
    iv = values(a)["3.1"]
    assert iv.derived_value == Decimal("6.2") and iv.met is False
    a.refresh_from_db()
    assert 3 in a.missing


def test_the_ocop_indicator_counts_certificates_valid_at_the_reference_date(
    personas, region_set, fake_apps, geo
):
    an = geo.old_commune_an
    cert = {
        "division": an,
        "issued": dt.date(2021, 5, 1),
        "expires": dt.date(2024, 5, 1),
        "stars": 4,
    }
    fake_apps["certs"].append(cert)
    fake_apps["certs"].append(
        {"division": an, "issued": dt.date(2022, 1, 1), "expires": dt.date(2025, 1, 1), "stars": 2}
    )
    a2023 = region_assessment(personas.alice, an, year=2023)
    a2024 = region_assessment(personas.alice, an, year=2024)
    assert values(a2023)["3.2"].derived_value == 1 and values(a2023)["3.2"].met is True
    # The 4★ certificate expired on 01/05/2024: at 31/12/2024 nothing ≥ 3★ is valid any more.
    assert values(a2024)["3.2"].derived_value == 0 and values(a2024)["3.2"].met is False
    cert["revoked"] = True
    # The OCOP app signals with the current commune; old communes below it are refreshed too.
    figures_changed.send(sender=None, source="ocop", division=geo.commune_a, year=2023)
    assert values(a2023)["3.2"].derived_value == 0


def test_a_certificate_elsewhere_does_not_refresh_this_commune(
    personas, region_set, fake_apps, geo
):
    a = region_assessment(personas.alice, geo.commune_a)
    fake_apps["certs"].append(
        {
            "division": geo.commune_a,
            "issued": dt.date(2024, 1, 1),
            "expires": dt.date(2027, 1, 1),
            "stars": 3,
        }
    )
    figures_changed.send(sender=None, source="ocop", division=geo.commune_c, year=2025)
    assert values(a)["3.2"].derived_value == 0
    figures_changed.send(sender=None, source="ocop", division=geo.commune_a, year=2024)
    assert values(a)["3.2"].derived_value == 1


def test_without_the_other_apps_the_derived_value_says_so(personas, region_set, monkeypatch, geo):
    monkeypatch.setitem(sys.modules, "tamnong.poverty.services", None)
    monkeypatch.setitem(sys.modules, "tamnong.ocop.services", None)
    a = region_assessment(personas.alice, geo.commune_a)
    iv = values(a)["3.1"]
    assert iv.derived_state == "no_source" and "Chưa có nguồn dữ liệu" in iv.derived_note
    assert iv.met is None


def test_an_override_needs_a_reason_and_is_audited(personas, region_set, fake_apps, geo):
    fake_apps["rates"][(geo.commune_a.pk, 2025)] = 7
    a = region_assessment(personas.alice, geo.commune_a)
    with pytest.raises(services.NtmInputError, match="lý do"):
        services.override_value(personas.alice, a, "3.1", "4", reason="")
    iv = services.override_value(
        personas.alice, a, "3.1", "4", reason="Số liệu rà soát bổ sung tháng 12"
    )
    assert not iv.is_derived and iv.effective == Decimal("4") and values(a)["3.1"].met is True
    assert values(a)["3.1"].derived_value == Decimal("7")  # the derived value stays visible
    event = AuditEvent.objects.filter(
        model="ntm.IndicatorValue", object_id=str(iv.pk), action="transition"
    ).get()
    assert event.note == "Số liệu rà soát bổ sung tháng 12" and event.after == {"state": "override"}
    services.clear_override(personas.alice, a, "3.1")
    assert values(a)["3.1"].met is False


def test_evidence_files_are_checked(personas, region_set, no_sources, geo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = region_assessment(personas.alice, geo.commune_a)
    with pytest.raises(services.NtmInputError, match="Tệp minh chứng phải là"):
        services.add_evidence(personas.alice, a, "2.1", SimpleUploadedFile("x.exe", b"MZ"))
    ev = services.add_evidence(
        personas.alice, a, "2.1", SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4"), "Biên bản"
    )
    assert IndicatorValue.objects.get(pk=ev.value_id).indicator.code == "2.1"
