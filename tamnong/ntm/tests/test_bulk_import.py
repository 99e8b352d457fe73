"""NTM results in bulk (issue 13, item 3): a workbook of one criteria set and year, made the way an
office makes it, imported through the tabular layer into assessments exactly as entered by hand;
the commune region/group from a file; the generated template; bad files refused with nothing
written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from tamnong.audit.models import AuditEvent
from tamnong.conftest import CHROMIUM
from tamnong.ntm import bulk, services
from tamnong.ntm.models import Assessment, CommuneProfile, IndicatorValue

YEAR = 2025
PASSWORD = "Mat-khau-thu-1"


@pytest.fixture
def communes_95(geo):
    """95 communes "Xã Hòa Bình 1…95" of Tỉnh Mới on the map in force."""
    from tamnong.divisions.models import Division, Level
    from tamnong.divisions.services import refresh_paths

    units = Division.objects.bulk_create(
        Division(
            map=geo.commune_a.map,
            code=f"{15000 + i}",
            name=f"Xã Hòa Bình {i}",
            kind="xa",
            level=Level.COMMUNE,
            parent=geo.province,
            valid_from=geo.commune_a.valid_from,
            path="",
        )
        for i in range(1, 96)
    )
    refresh_paths()
    return list(Division.objects.filter(pk__in=[u.pk for u in units]).order_by("code"))


def _office_name(i: int) -> str:
    """How an office writes the commune: with "xã", without it, without diacritics, in capitals."""
    return [f"Xã Hòa Bình {i}", f"Hòa Bình {i}", f"xa hoa binh {i}", f"HOA BINH {i}"][i % 4]


def _values(i: int) -> dict:
    return {
        "1.1": ["x", "Có", "", "không"][i % 4],
        "2.1": f"{60 + i % 40},5",
        "2.2": i % 9,
    }


def office_workbook(path, rows, *, title=True, merged=True):
    """Title rows, a two-row header with the criteria merged over their indicators, STT and
    commune merged down, a numbering row; rows = [(commune text, {code: value})]."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["UBND TỈNH MỚI"])
        ws.append(["KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2025"])
        ws.append([])
    ws.append(["STT", "Tên xã", "Tiêu chí 1. Quy hoạch", "Tiêu chí 2. Giao thông", None])
    top = ws.max_row
    ws.append([None, None, "1.1", "2.1", "2.2"])
    if merged:
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
        ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
        ws.merge_cells(start_row=top, start_column=4, end_row=top, end_column=5)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)"])
    for n, (name, v) in enumerate(rows, start=1):
        ws.append([n, name, v.get("1.1"), v.get("2.1"), v.get("2.2")])
    ws.append([None, "Tổng cộng", None, None, None])
    wb.save(path)
    return path


def profiles_csv(path, communes, column="Trung du miền núi phía Bắc"):
    lines = ["Tên xã;Vùng;ĐBKK"] + [
        f"{_office_name(i)};{column};" for i, _d in enumerate(communes, 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def counts():
    return (
        Assessment.objects.count(),
        IndicatorValue.objects.count(),
        CommuneProfile.objects.count(),
        AuditEvent.objects.count(),
    )


def run(actor, path, **kw):
    return bulk.import_results(actor, path, name=path.name, set_key="test-vung", year=YEAR, **kw)


def test_an_office_workbook_of_95_communes_imports_with_the_right_counts(
    personas, region_set, no_sources, communes_95, tmp_path
):
    coord = personas.coordinator
    p = bulk.import_profiles(
        coord, profiles_csv(tmp_path / "vung.csv", communes_95), name="vung.csv", year=YEAR
    )
    assert p.ok and p.committed and (p.rows, p.created) == (95, 95), p.errors
    path = office_workbook(
        tmp_path / "ket-qua.xlsx", [(_office_name(i), _values(i)) for i in range(1, 96)]
    )
    out = run(coord, path)
    assert out.ok and out.committed, out.errors[:5]
    assert (out.rows, out.created, out.updated, out.rejected) == (95, 95, 0, 0)
    assert Assessment.objects.filter(year=YEAR, set_key="test-vung").count() == 95
    a = Assessment.objects.get(division=communes_95[6])  # Xã Hòa Bình 7: "HOA BINH 7"
    got = {iv.indicator.code: iv for iv in a.values.select_related("indicator")}
    assert got["1.1"].value_bool is False  # "không"
    assert got["2.1"].value == Decimal("67.5") and got["2.1"].met is False  # < 70 (TDMNPB)
    assert got["2.2"].value == Decimal(7) and got["2.2"].met is False
    assert a.column == "tdmnpb"
    a3 = Assessment.objects.get(division=communes_95[1])  # "" in 1.1: not entered, not "no"
    assert {iv.indicator.code: iv for iv in a3.values.select_related("indicator")}[
        "1.1"
    ].value_bool is None


def test_a_reimport_of_the_same_file_changes_nothing(
    personas, region_set, no_sources, communes_95, tmp_path
):
    coord = personas.coordinator
    some = communes_95[:20]
    bulk.import_profiles(coord, profiles_csv(tmp_path / "v.csv", some), name="v.csv", year=YEAR)
    path = office_workbook(
        tmp_path / "k.xlsx", [(_office_name(i), _values(i)) for i in range(1, 21)]
    )
    assert run(coord, path).created == 20
    before = counts()
    again = run(coord, path)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert counts() == before
    p = bulk.import_profiles(coord, profiles_csv(tmp_path / "v.csv", some), name="v.csv", year=YEAR)
    assert (p.created, p.updated, p.unchanged) == (0, 0, 20) and counts() == before
    changed = office_workbook(
        tmp_path / "k2.xlsx",
        [
            (_office_name(i), {**_values(i), "2.2": 8} if i == 3 else _values(i))
            for i in range(1, 21)
        ],
    )
    third = run(coord, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 19)


def _audit(assessment) -> list[tuple]:
    """The audit trail of an assessment and its values, without ids, times and the unit."""
    ids = {str(pk) for pk in assessment.values.values_list("pk", flat=True)}
    events = AuditEvent.objects.filter(
        model="ntm.Assessment", object_id=str(assessment.pk)
    ) | AuditEvent.objects.filter(model="ntm.IndicatorValue", object_id__in=ids)
    skip = {
        "id",
        "division_id",
        "commune_id",
        "assessment_id",
        "updated_at",
        "derived_at",
        "created_at",
    }
    out = []
    for e in events.order_by("pk"):
        strip = lambda d: {k: v for k, v in (d or {}).items() if k not in skip}  # noqa: E731
        code = ""
        if e.model == "ntm.IndicatorValue":
            code = IndicatorValue.objects.get(pk=e.object_id).indicator.code
        out.append((e.action, e.model, code, strip(e.before), strip(e.after), e.actor_id))
    return sorted(out, key=repr)


def _state(assessment) -> dict:
    assessment.refresh_from_db()
    fields = ("column", "reference_date", "criteria_met", "criteria_total", "unjudged", "band",
              "missing", "meets", "status", "created_by_id", "criteria_set_id")  # fmt: skip
    values = {
        iv.indicator.code: (
            iv.value,
            iv.value_bool,
            iv.derived_value,
            iv.derived_state,
            iv.met,
            iv.met_note,
            iv.threshold,
            iv.entered_by_id,
            iv.override_reason,
        )  # fmt: skip
        for iv in assessment.values.select_related("indicator")
    }
    return {**{f: getattr(assessment, f) for f in fields}, "values": values}


def test_a_bulk_imported_assessment_is_the_one_entered_by_hand(
    personas, region_set, no_sources, communes_95, tmp_path
):
    coord = personas.coordinator
    by_hand, by_file = communes_95[0], communes_95[1]
    for d in (by_hand, by_file):
        services.set_profile(coord, d, YEAR, classification="region", column="dbsh")
    no_sources["poverty"][(by_hand.pk, YEAR)] = "1.5"
    no_sources["poverty"][(by_file.pk, YEAR)] = "1.5"
    # the hand-entry form: open the assessment, then type the values
    a = services.start_assessment(coord, by_hand, YEAR, "test-vung")
    services.enter_values(
        coord, a, [{"code": "1.1", "value": "có"}, {"code": "2.1", "value": "92,25"},
                   {"code": "2.2", "value": "3"}]
    )  # fmt: skip
    path = office_workbook(
        tmp_path / "one.xlsx", [(by_file.name, {"1.1": "x", "2.1": "92,25", "2.2": 3})]
    )
    out = run(coord, path)
    assert out.ok and out.created == 1, out.errors
    b = Assessment.objects.get(division=by_file)
    assert _state(b) == _state(a)
    assert _audit(b) == _audit(a) and _audit(a)


def test_the_long_format_commune_by_indicator_imports_too(
    personas, region_set, no_sources, communes_95, tmp_path
):
    d = communes_95[0]
    services.set_profile(personas.coordinator, d, YEAR, classification="region", column="tdmnpb")
    path = tmp_path / "doc.csv"
    path.write_text(
        "Xã,Chỉ tiêu,Giá trị,Đơn vị tính\n"
        "hoa binh 1,1.1,có,\n"
        'hoa binh 1,2.1,"75,5",%\n'
        "hoa binh 1,2.2,2,km\n",
        encoding="utf-8",
    )
    out = run(personas.coordinator, path)
    assert out.ok and (out.rows, out.created) == (3, 1), out.errors
    from tamnong.ntm.tasks import describe_results

    dry = bulk.import_results(
        personas.coordinator, path, name=path.name, set_key="test-vung", year=YEAR, dry_run=True
    )
    result = {**dry.as_dict(), "preview": True, "long": dry.long}
    assert (
        describe_results(result).sentences[0]
        == "Đã đọc 3 dòng; không có gì thay đổi (dữ liệu đã có trong hệ thống)."
    )
    got = {iv.indicator.code: iv for iv in Assessment.objects.get(division=d).values.all()}
    assert got["2.1"].value == Decimal("75.5") and got["2.1"].met is True


def test_a_file_with_faulty_rows_is_refused_with_every_fault_and_nothing_written(
    personas, region_set, no_sources, communes_95, geo, tmp_path
):
    coord = personas.coordinator
    for d in communes_95[:3]:
        services.set_profile(coord, d, YEAR, classification="region", column="tdmnpb")
    path = office_workbook(
        tmp_path / "bad.xlsx",
        [
            ("Xã Hòa Bình 1", {"1.1": "x", "2.1": "80", "2.2": 1}),
            ("Hòa Bình 2", {"1.1": "có lẽ", "2.1": "120", "2.2": "1.500"}),  # three faults
            ("Xã Không Có", {"2.1": "80"}),
            ("Xã Hòa Bình 1", {"2.1": "81"}),  # twice
            ("Xã Xa", {"2.1": "80"}),  # another province
            ("Hòa Bình 50", {"2.1": "80"}),  # no region recorded
        ],
    )
    before = counts()
    out = run(coord, path)
    assert not out.ok and not out.committed and counts() == before, out.errors
    by_row: dict[int, list] = {}
    for row, column, reason in out.errors:
        by_row.setdefault(row, []).append((column, reason))
    first = 7  # 3 title rows, 2 header rows, the numbering row
    assert len(by_row[first + 1]) == 3
    assert any("1.1" in c and "Có" in r for c, r in by_row[first + 1])
    assert any("2.1" in c and "100" in r for c, r in by_row[first + 1])
    assert "Không tìm thấy" in by_row[first + 2][0][1]
    assert "đã có ở dòng 7" in by_row[first + 3][0][1]
    assert "ngoài phạm vi" in by_row[first + 4][0][1]
    assert "Chưa có vùng" in by_row[first + 5][0][1]
    assert (out.created, out.rejected) == (0, 5)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a sheet", "ket-qua.xlsx", "không phải"),
        ("Họ tên;Địa chỉ\nA;B\n".encode(), "x.csv", "Thiếu cột bắt buộc"),
        ("Xã;Ghi chú\nHòa Bình 1;x\n".encode(), "y.csv", "Không nhận ra cột chỉ tiêu"),
        ("Xã;2.1\n".encode(), "z.csv", "không có dữ liệu"),
    ],
)
def test_bad_files_are_refused_with_a_vietnamese_message_and_nothing_written(
    personas, region_set, no_sources, communes_95, tmp_path, content, name, message
):
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    out = run(personas.coordinator, path)
    assert not out.ok and counts() == before
    assert message in out.errors[0][2], out.errors


def test_a_commune_officer_imports_only_their_commune(
    personas, region_set, no_sources, geo, tmp_path
):
    services.set_profile(
        personas.alice, geo.commune_a, YEAR, classification="region", column="tdmnpb"
    )
    path = office_workbook(
        tmp_path / "a.xlsx",
        [("An Bình", {"2.1": "80"}), ("Xã Châu", {"2.1": "80"})],
    )
    before = counts()
    out = run(personas.alice, path)
    assert not out.ok and counts() == before
    assert [r for _row, _c, r in out.errors if "ngoài phạm vi" in r]


def test_the_generated_template_lists_the_communes_with_their_region_and_reimports(
    personas, region_set, no_sources, communes_95, tmp_path
):
    coord = personas.coordinator
    for d in bulk.communes_in_scope(coord, YEAR):  # the template lists every one in scope
        services.set_profile(coord, d, YEAR, classification="region", column="dbsh")
    out_path = tmp_path / "mau.xlsx"
    call_command("ntm", "template", "--set", "test-vung", "--year", str(YEAR),
                 "--user", "coordinator", "-o", str(out_path))  # fmt: skip
    wb = load_workbook(out_path)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]][:3] == ["Mã xã", "Xã", "Vùng/nhóm"]  # merged down
    header = [c.value for c in ws[3]]
    assert "2.1. Đường cứng hóa (%)" in header
    note = ws.cell(3, header.index("2.1. Đường cứng hóa (%)") + 1).comment.text
    assert "Đơn vị: %" in note and "ĐBSH: ≥ 90 %" in note and "TDMNPB: ≥ 70 %" in note
    rows = {r[1].value: r for r in ws.iter_rows(min_row=4) if r[1].value}
    assert rows["Xã Hòa Bình 5"][2].value == "ĐBSH"
    assert len([n for n in rows if n.startswith("Xã Hòa Bình")]) == 95
    guide = [[c.value for c in r] for r in wb["Chỉ tiêu và ngưỡng"].iter_rows()]
    assert guide[3][:4] == ["2.2", "2. Giao thông", "Số km đường hư hỏng", "km"]
    col = header.index("2.1. Đường cứng hóa (%)") + 1
    for r in ws.iter_rows(min_row=4):
        r[col - 1].value = 95
    wb.save(out_path)
    result = run(coord, out_path)
    assert result.ok and result.created == len(rows), result.errors[:3]
    a = Assessment.objects.get(division=communes_95[0])
    assert a.values.get(indicator__code="2.1").met is True


def test_the_cli_imports_and_a_dry_run_writes_nothing(
    personas, region_set, no_sources, communes_95, tmp_path, capsys, monkeypatch
):
    from django.db import connections

    # `tamnong …` closes every connection when it ends; the test's transaction lives on it (on
    # PostgreSQL the next query would fail)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    profiles = profiles_csv(tmp_path / "v.csv", communes_95[:4])
    call_command("import_ntm_profiles", str(profiles), "--year", str(YEAR))
    assert CommuneProfile.objects.filter(year=YEAR).count() == 4
    path = office_workbook(
        tmp_path / "k.xlsx", [(_office_name(i), _values(i)) for i in (1, 2, 3, 4)]
    )
    before = counts()
    call_command(
        "import_ntm_results", str(path), "--set", "test-vung", "--year", str(YEAR), "--dry-run"
    )
    assert Assessment.objects.count() == before[0]
    from tamnong.cli import main  # the command line as typed: `tamnong import ntm-results …`

    main(["import", "ntm-results", str(path), "--set", "test-vung", "--year", str(YEAR)])
    assert "Đã nhập 4 xã: 4 đánh giá mới." in capsys.readouterr().out
    assert Assessment.objects.count() == before[0] + 4


def _run_job():
    from tamnong.jobs.services import claim_next, run

    return run(claim_next())


def test_the_page_uploads_previews_and_commits_only_on_confirmation(
    personas, region_set, no_sources, communes_95, client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for d in communes_95[:10]:
        services.set_profile(personas.coordinator, d, YEAR, classification="region", column="dbsh")
    client.login(username="coordinator", password=PASSWORD)
    page = client.get("/ntm/")
    assert 'id="ntm-import-results"' in page.content.decode()
    form = client.get("/ntm/nhap/ket-qua/").content.decode()
    assert 'id="ntm-results-upload"' in form and "Bộ tiêu chí thử (vùng)" in form
    assert 'id="ntm-profiles-upload"' in client.get("/ntm/nhap/phan-loai/").content.decode()
    r = client.get(
        "/ntm/nhap/phan-loai/", {"year": YEAR, "classification": "region", "template": 1}
    )
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Xã", "Mã xã", "Vùng/nhóm") and ("Xã Hòa Bình 1", "15001", "ĐBSH") in [
        x[:3] for x in rows
    ]
    r = client.get("/ntm/nhap/ket-qua/", {"set_key": "test-vung", "year": YEAR, "template": 1})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert len(list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(min_row=4))) >= 95
    path = office_workbook(
        tmp_path / "k.xlsx", [(_office_name(i), _values(i)) for i in range(1, 11)]
    )
    with path.open("rb") as fh:
        r = client.post("/ntm/nhap/ket-qua/", {"set_key": "test-vung", "year": YEAR, "file": fh})
    assert r.status_code == 302 and "/nhap/xem/" in r["Location"]
    _run_job()
    html = client.get(r["Location"]).content.decode()
    assert "Sẽ nhập 10 xã: 10 đánh giá mới." in html and 'id="confirm-import"' in html
    assert not Assessment.objects.exists()  # the preview wrote nothing
    r2 = client.post(r["Location"], {"action": "confirm"})
    assert r2.status_code == 302
    job = _run_job()
    assert job.result["created"] == 10 and Assessment.objects.count() == 10
    assert "Đã nhập 10 xã: 10 đánh giá mới." in client.get(f"/jobs/{job.pk}/").content.decode()


def test_who_may_not_enter_results_gets_no_import_page(personas, region_set, client):
    client.login(username="producer", password=PASSWORD)
    assert client.get("/ntm/nhap/ket-qua/").status_code == 403
    assert (
        client.post("/ntm/nhap/ket-qua/", {"set_key": "test-vung", "year": YEAR}).status_code == 403
    )
    client.login(username="leader", password=PASSWORD)
    assert client.get("/ntm/nhap/phan-loai/").status_code == 403


def test_a_percent_cell_holds_percentage_points(region_set):
    ind = region_set.indicators.get(code="2.1")
    assert bulk.parse_cell(ind, 0.5) == Decimal("0.5")  # 0,5 %, never 50 %
    assert bulk.parse_cell(ind, "12,5%") == Decimal("12.5")
    with pytest.raises(Exception, match="1500"):
        bulk.parse_cell(ind, "1.500")
    assert bulk.parse_cell(region_set.indicators.get(code="1.1"), "") is None
    assert dt.date  # the module's date import is used by the fixtures above


def test_commune_groups_under_51_2025_import_by_number_name_or_code(
    personas, group_set, no_sources, communes_95, tmp_path
):
    path = tmp_path / "nhom.csv"
    path.write_text(
        "Phân loại nhóm xã năm 2026\n\nXã,Nhóm xã,Văn bản phân loại\n"
        "Hòa Bình 1,1,QĐ 12/QĐ-UBND\nhoa binh 2,Nhóm 2,\nXã Hòa Bình 3,nhom_3,\n"
        "Hòa Bình 4,Nhóm 9,\n",
        encoding="utf-8",
    )
    before = counts()
    bad = bulk.import_profiles(personas.coordinator, path, name=path.name, year=2026)
    assert not bad.ok and counts() == before
    assert bad.errors == [(7, "Vùng/nhóm", bad.errors[0][2])] and "Nhóm 9" in bad.errors[0][2]
    path.write_text(path.read_text(encoding="utf-8").replace("Nhóm 9", "Nhóm 1"), encoding="utf-8")
    out = bulk.import_profiles(personas.coordinator, path, name=path.name, year=2026)
    assert out.ok and out.created == 4, out.errors
    got = dict(CommuneProfile.objects.filter(year=2026).values_list("division__name", "column"))
    assert got["Xã Hòa Bình 1"] == "nhom_1" and got["Xã Hòa Bình 2"] == "nhom_2"
    assert got["Xã Hòa Bình 3"] == "nhom_3"
    assert CommuneProfile.objects.get(division=communes_95[0], year=2026).decision_ref


def test_a_commune_of_the_old_map_is_matched_by_its_name_on_a_date_before_the_merger(
    personas, region_set, no_sources, geo, tmp_path
):
    coord = personas.coordinator
    old = geo.old_commune_binh  # Xã Bình, merged into Xã An Bình on 01/07/2025
    services.set_profile(coord, old, 2024, classification="region", column="tdmnpb")
    path = tmp_path / "2024.csv"
    path.write_text("Xã;2.1\nbinh;75\n", encoding="utf-8")
    out = bulk.import_results(coord, path, name=path.name, set_key="test-vung", year=2024)
    assert out.ok and out.created == 1, out.errors
    assert Assessment.objects.get(year=2024).division == old


def test_an_unknown_header_is_mapped_once_on_the_preview_and_the_mapping_is_kept(
    personas, region_set, no_sources, communes_95, client, tmp_path, settings
):
    from tamnong.tabular.models import ColumnMapping, PendingImport

    settings.MEDIA_ROOT = tmp_path / "media"
    for d in communes_95[:2]:
        services.set_profile(personas.coordinator, d, YEAR, classification="region", column="dbsh")
    client.login(username="coordinator", password=PASSWORD)
    path = tmp_path / "m.csv"
    path.write_text("Tên xã;2.2;Tỷ lệ đường bê tông\nHòa Bình 1;1;95\nHòa Bình 2;2;80\n", "utf-8")

    def upload():
        with path.open("rb") as fh:
            r = client.post(
                "/ntm/nhap/ket-qua/", {"set_key": "test-vung", "year": YEAR, "file": fh}
            )
        _run_job()
        return PendingImport.objects.order_by("-pk").first(), r["Location"]

    pending, url = upload()
    html = client.get(url).content.decode()
    assert "Tỷ lệ đường bê tông" in html
    r = client.post(url, {"action": "map", "col_0": "commune", "col_1": "i:2.2", "col_2": "i:2.1"})
    assert r.status_code == 302
    _run_job()
    assert ColumnMapping.objects.filter(import_key="ntm-results").exists()
    pending, url = upload()  # the same shape: read with the saved mapping
    assert pending.mapping.get("Tỷ lệ đường bê tông") == "i:2.1"
    client.post(url, {"action": "confirm"})
    _run_job()
    a = Assessment.objects.get(division=communes_95[0])
    assert a.values.get(indicator__code="2.1").value == Decimal(95)


@pytest.mark.skipif(
    CHROMIUM is None, reason="browser tests skipped: Debian package 'chromium' is not installed"
)
@pytest.mark.django_db(transaction=True)
def test_the_preview_and_the_saved_mapping_work_in_a_browser(
    browser, live_server, personas, region_set, no_sources, communes_95, tmp_path, settings
):
    """Issue 13, in headless Chromium: upload, the preview's column mapping (a dropdown), saved for
    the next upload of the same shape, then the confirmation writes the assessments."""
    from tamnong.tabular.models import ColumnMapping

    settings.MEDIA_ROOT = tmp_path / "media"
    for d in communes_95[:2]:
        services.set_profile(personas.coordinator, d, YEAR, classification="region", column="dbsh")
    path = tmp_path / "ket-qua.csv"
    path.write_text("Tên xã;2.2;Tỷ lệ đường bê tông\nHòa Bình 1;1;95\nHòa Bình 2;2;80\n", "utf-8")
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{live_server.url}/")

    def upload():
        page.goto(f"{live_server.url}/ntm/nhap/ket-qua/")
        form = page.locator("form:has(input[name=file])")  # the upload form, not the template's
        form.locator("select[name=set_key]").select_option("test-vung")
        form.locator("input[name=year]").fill(str(YEAR))
        form.locator("input[name=file]").set_input_files(str(path))
        form.locator("button[type=submit]").first.click()
        page.wait_for_url("**/nhap/xem/**")
        _run_job()  # the dry run
        page.reload()

    upload()
    mapping = page.locator("#column-mapping")
    assert "Tỷ lệ đường bê tông" in mapping.inner_text()
    unknown = page.locator("tr.unmatched", has_text="Tỷ lệ đường bê tông")
    assert unknown.count() == 1  # the header no synonym knows, shown to the user in yellow
    unknown.locator("select").select_option("i:2.1")  # mapped once, with the dropdown
    page.locator("#column-mapping tr", has_text="Tên xã").locator("select").select_option("commune")
    page.click("#column-mapping button[type=submit]")
    _run_job()
    assert ColumnMapping.objects.filter(import_key="ntm-results").exists()

    upload()  # the same shape again: read with the saved mapping, nothing left to map
    assert page.locator("tr.unmatched").count() == 0
    page.click("#confirm-import")
    _run_job()
    a = Assessment.objects.get(division=communes_95[0])
    assert a.values.get(indicator__code="2.1").value == Decimal(95)
    context.close()
