from decimal import Decimal

import pytest

from tamnong.ntm import criteria
from tamnong.ntm.models import CriteriaSet, Indicator
from tamnong.rules import checksum
from tamnong.testing.ntm import REGION_SET, spec


def test_the_builtin_frames_load_with_every_threshold_missing(db):
    loaded = criteria.load_builtin()
    keys = {cs.key for cs, _created in loaded}
    assert {"qd318-2022-xa-ntm", "qd51-2025-xa-ntm", "qd319-2022-xa-kieu-mau"} <= keys
    s318 = criteria.latest("qd318-2022-xa-ntm")
    assert s318.criteria.count() == 19
    assert s318.column_codes[:2] == ["chung", "tdmnpb"] and len(s318.columns) == 8
    poverty = Indicator.objects.get(criteria_set=s318, criterion__number=11)
    assert poverty.source == "poverty.poor_rate"
    assert set(poverty.thresholds.values()) == {None}
    s51 = criteria.latest("qd51-2025-xa-ntm")
    assert s51.criteria.count() == 10 and s51.column_codes == ["nhom_1", "nhom_2", "nhom_3"]
    assert not s51.indicators.exists()


def test_loading_twice_keeps_the_version(db):
    criteria.load_builtin()
    again = criteria.load_builtin()
    assert all(not created for _cs, created in again)
    assert CriteriaSet.objects.filter(key="qd318-2022-xa-ntm").count() == 1


def test_text_thresholds_of_the_shared_files_stay_missing_with_their_wording(db):
    criteria.load_builtin()
    s319 = criteria.latest("qd319-2022-xa-kieu-mau")
    income = Indicator.objects.get(criteria_set=s319, criterion__number=2)
    assert income.thresholds == {"all": None}
    assert "1,10" in income.threshold_texts["all"]
    village_model = Indicator.objects.get(criteria_set=s319, criterion__number=3)
    assert village_model.thresholds == {"all": "1"} and village_model.operator == "ge"


def test_a_changed_threshold_creates_a_new_version_and_keeps_the_old(db):
    first, _ = criteria.store(spec(REGION_SET))
    changed = spec(REGION_SET)
    changed["criteria"][1]["indicators"][0]["thresholds"]["tdmnpb"] = "75"
    second, created = criteria.store(changed)
    assert created and second.version == 2 and first.version == 1
    diff = criteria.changes(changed, first.payload)
    assert {"what": "2.1 / tdmnpb", "before": "70", "after": "75"} in diff


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("kind",), "commune_xyz", "Loại bộ tiêu chí"),
        (("criteria", 1, "indicators", 0, "kind"), "numeric", "Kiểu chỉ tiêu"),
        (("criteria", 1, "indicators", 0, "thresholds", "tdmnpb"), 150, "Tỷ lệ phải từ 0 đến 100"),
        (("criteria", 0, "indicators", 0, "thresholds", "tdmnpb"), 3, "ngưỡng phải là «có»"),
        (("criteria", 1, "indicators", 0, "thresholds", "mien_tay"), 3, "Cột «mien_tay»"),
        (("criteria", 2, "indicators", 0, "source"), "poverty.income", "Nguồn dữ liệu"),
        (
            ("criteria", 2, "indicators", 1, "source"),
            "ocop.valid_products(min_stars=9)",
            "min_stars",
        ),
        (("level",), "village", "tỉnh ban hành"),
    ],
)
def test_a_bad_set_is_refused_with_a_clear_message(db, path, value, message):
    import copy

    raw = copy.deepcopy(REGION_SET)
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    out, problems = criteria.normalize(raw, strict=False)
    problems += criteria.validate(out) if not problems else []
    assert any(message in p["message"] for p in problems), problems


def test_bands_must_cover_every_count_once(db):
    out = spec(REGION_SET)
    out["bands"] = [{"code": "a", "label": "a", "min": 0, "max": 1}]
    assert any("phải đúng 1" in p["message"] for p in criteria.validate(out))


def test_a_provincial_set_may_not_be_looser_than_its_base(geo):
    criteria.store(spec(REGION_SET))
    prov = spec(REGION_SET, key="test-tinh", province="01", based_on="test-vung")
    prov["criteria"][1]["indicators"][0]["thresholds"]["tdmnpb"] = "60"  # base: ≥ 70
    problems = criteria.validate(prov)
    assert any("thấp hơn mức của bộ tiêu chí gốc" in p["message"] for p in problems)
    prov["criteria"][1]["indicators"][0]["thresholds"]["tdmnpb"] = "80"
    assert criteria.validate(prov) == []


def test_the_excel_template_round_trips(db):
    cs, _ = criteria.store(spec(REGION_SET))
    data = criteria.template_xlsx(cs)
    parsed, problems = criteria.read_xlsx(data)
    assert problems == []
    assert checksum(parsed) == checksum(cs.payload)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "không phải là bảng tính"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "không phải là bảng tính"),
    ],
)
def test_a_criteria_file_that_is_not_a_workbook_is_refused_by_the_one_reader(content, reason):
    """The criteria upload reads through tamnong.tabular like every import: a broken file is
    refused in Vietnamese, not by openpyxl's own exception."""
    parsed, problems = criteria.read_xlsx(content)
    assert parsed == {}
    assert len(problems) == 1 and "Không đọc được tệp Excel" in problems[0]["message"]
    assert reason in problems[0]["message"]


def test_an_excel_upload_reports_every_bad_cell_with_row_and_column(db, personas):
    import io

    from openpyxl import load_workbook

    cs, _ = criteria.store(spec(REGION_SET))
    wb = load_workbook(io.BytesIO(criteria.template_xlsx(cs)))
    sheet = wb["Chỉ tiêu"]
    header = [c.value for c in sheet[2]]
    sheet.cell(4, header.index("tdmnpb") + 1).value = "khoảng bảy mươi"
    sheet.cell(5, header.index("kind") + 1).value = "so"
    buf = io.BytesIO()
    wb.save(buf)
    upload = criteria.stage_upload(personas.admin, "318.xlsx", buf.getvalue())
    wheres = {p["field"] for p in upload.problems}
    assert "Chỉ tiêu dòng 4, cột tdmnpb" in wheres
    assert "Chỉ tiêu dòng 5" in wheres
    assert upload.content is None and upload.status == "rejected"
    with pytest.raises(criteria.SetDataError):
        criteria.apply_upload(personas.admin, upload)
    assert CriteriaSet.objects.filter(key="test-vung").count() == 1


def test_an_upload_shows_the_changes_then_applies_a_new_version(db, personas):
    import io

    from openpyxl import load_workbook

    cs, _ = criteria.store(spec(REGION_SET))
    wb = load_workbook(io.BytesIO(criteria.template_xlsx(cs)))
    sheet = wb["Chỉ tiêu"]
    header = [c.value for c in sheet[2]]
    sheet.cell(5, header.index("dbsh") + 1).value = 4  # 2.2 / dbsh was missing
    buf = io.BytesIO()
    wb.save(buf)
    upload = criteria.stage_upload(personas.admin, "318.xlsx", buf.getvalue())
    assert upload.problems == []
    assert upload.changes == [{"what": "2.2 / dbsh", "before": "–", "after": "4"}]
    new = criteria.apply_upload(personas.admin, upload)
    assert new.version == 2
    assert Indicator.objects.get(criteria_set=new, code="2.2").thresholds["dbsh"] == "4"
    assert Decimal(Indicator.objects.get(criteria_set=cs, code="2.1").thresholds["dbsh"]) == 90


def test_only_an_administrator_loads_a_national_set(db, personas):
    from django.core.exceptions import PermissionDenied

    data = criteria.export_yaml(criteria.store(spec(REGION_SET))[0]).encode()
    for user in (personas.coordinator, personas.alice):
        with pytest.raises(PermissionDenied):
            criteria.stage_upload(user, "set.yaml", data)
    assert criteria.stage_upload(personas.admin, "set.yaml", data).problems == []


def test_an_indicator_linked_to_ocop_counts_the_ranks_the_regime_certifies(db, geo):
    """`links: {ocop: true}` names no star rank in code: it counts the products the OCOP regime
    in force certifies, and the note names that regime's lowest certified rank."""
    import copy
    import datetime as dt

    from tamnong.ntm import sources
    from tamnong.ocop.models import Regime

    raw = copy.deepcopy(REGION_SET)
    linked = raw["criteria"][2]["indicators"][1]
    del linked["source"]
    linked["links"] = {"ocop": True}
    out, problems = criteria.normalize(raw, strict=False)
    assert problems == []
    assert out["criteria"][2]["indicators"][1]["source"] == "ocop.valid_products"

    on = dt.date(2025, 6, 1)
    regime = Regime.on(on)
    regime.rules = {**regime.rules, "certified_stars": [4, 5]}
    regime.save()
    derived = sources.fetch("ocop.valid_products", geo.province, 2025, on)
    assert derived.state == "ok" and "từ 4 sao" in derived.note
