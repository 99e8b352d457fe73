"""Bulk import: validation with row/column reasons, atomicity, idempotency, transitions."""

import csv

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.poverty import services
from tamnong.poverty.importing import import_file
from tamnong.poverty.models import Household, ImportBatch, PovertyFigure, ReviewRecord
from tamnong.poverty.models import Transition as T
from tamnong.testing.poverty import row, write_csv, write_xlsx


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def report_rows(result):
    with open(result.error_report, encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def test_a_clean_file_is_imported_with_classification_and_figures(geo, media):
    a1 = geo.villages["A1"].code
    rows = [
        row("H1", income=1_500_000, deprived="1,2,3", village=a1),
        row("H2", income=1_500_000, deprived="1,2"),
        row("H3", income=2_500_000, deprived="1,2,3,4"),
        row("W1", commune="20002", income=1_900_000),  # ward: urban line 2.000.000
    ]
    result = import_file(write_xlsx(media / "a.xlsx", rows), user=SYSTEM)
    assert result.ok, result.error_sample
    got = dict(ReviewRecord.objects.values_list("household__code", "classification"))
    assert got == {"H1": "poor", "H2": "near_poor", "H3": "other", "W1": "near_poor"}
    rec = ReviewRecord.objects.get(household__code="H1")
    assert rec.standard.key == "07/2021/NĐ-CP"
    assert rec.division == geo.villages["A1"]
    assert Household.objects.get(code="W1").area == 1
    rate = services.commune_poverty_rate(geo.commune_a, 2025)
    assert rate["households"] == 3 and rate["poor"] == 1 and rate["near_poor"] == 1
    assert str(rate["poor_rate"]) == "33.33"


def test_bad_rows_are_reported_with_row_and_column_and_nothing_is_written(geo, media):
    rows = [
        row("OK1"),
        row("BAD1", income=-5),
        row("BAD2", income="nhiều"),
        row("BAD3", commune="99999"),
        row("OK1"),  # duplicate household code in the same year
        row("BAD4", year=2031),
        row("BAD5", deprived="1,13"),
        row("BAD6", members=0),
    ]
    result = import_file(write_csv(media / "bad.csv", rows), user=SYSTEM)
    assert not result.ok
    got = {(r[0], r[1]) for r in report_rows(result)[1:]}
    assert got == {
        ("3", "Thu nhập bình quân (đồng/người/tháng)"),
        ("4", "Thu nhập bình quân (đồng/người/tháng)"),
        ("5", "Mã xã"),
        ("6", "Mã hộ"),
        ("7", "Năm rà soát"),
        ("8", "Chỉ số thiếu hụt"),
        ("9", "Số nhân khẩu"),
    }
    reasons = {r[0]: r[2] for r in report_rows(result)[1:]}
    assert "âm" in reasons["3"] and "trùng với dòng 2" in reasons["6"]
    assert "2031" in reasons["7"]
    assert not Household.objects.exists() and not ReviewRecord.objects.exists()
    assert not PovertyFigure.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_one_bad_row_after_many_good_ones_writes_nothing(geo, media):
    rows = [row(f"G{i}") for i in range(50)] + [row("X", commune="")]
    result = import_file(write_xlsx(media / "b.xlsx", rows), user=SYSTEM)
    assert result.errors == 1 and result.error_sample[0][0] == 52
    assert not ReviewRecord.objects.exists()


def test_a_truncated_or_non_excel_file_is_rejected(geo, media):
    good = write_xlsx(media / "g.xlsx", [row("H1")])
    broken = media / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:300])
    result = import_file(broken, user=SYSTEM)
    assert not result.ok and result.error_sample[0][0] == 0
    notes = media / "notes.txt"
    notes.write_text("xin chào")
    assert not import_file(notes, user=SYSTEM).ok
    headerless = write_csv(media / "h.csv", [row("H1")], headers=["a", "b"])
    result = import_file(headerless, user=SYSTEM)
    assert "Không tìm thấy dòng tiêu đề" in result.error_sample[0][2]
    assert not ReviewRecord.objects.exists()


def test_reimporting_the_same_file_is_idempotent(geo, media):
    path = write_xlsx(media / "a.xlsx", [row("H1", deprived="1,2,3"), row("H2")])
    assert import_file(path, user=SYSTEM).ok
    before = list(PovertyFigure.objects.values("division", "households", "poor", "near_poor"))
    assert import_file(path, user=SYSTEM).ok
    assert ReviewRecord.objects.count() == 2 and Household.objects.count() == 2
    after = list(PovertyFigure.objects.values("division", "households", "poor", "near_poor"))
    assert before == after


def test_transitions_follow_the_years_whatever_the_import_order(geo, media):
    import_file(
        write_xlsx(media / "2024.xlsx", [row("H1", year=2024, deprived="1,2,3")]), user=SYSTEM
    )
    import_file(
        write_xlsx(media / "2025.xlsx", [row("H1", year=2025, income=3_000_000)]), user=SYSTEM
    )
    t = dict(ReviewRecord.objects.values_list("year", "transition"))
    assert t == {2024: T.FIRST, 2025: T.ESCAPED}
    # 2023 arrives late: poor in 2023, so 2024 is "still poor"
    import_file(
        write_xlsx(media / "2023.xlsx", [row("H1", year=2023, deprived="1,2,3,4")]), user=SYSTEM
    )
    t = dict(ReviewRecord.objects.values_list("year", "transition"))
    assert t == {2023: T.FIRST, 2024: T.STAY_POOR, 2025: T.ESCAPED}
    fig = PovertyFigure.objects.get(year=2024)
    assert fig.transitions == {T.STAY_POOR: 1}
    # several years in one file, and re-poor after an escape
    rows = [row("H2", year=y, income=i, deprived="1,2,3") for y, i in
            [(2022, 1_000_000), (2023, 3_000_000), (2024, 1_000_000)]]  # fmt: skip
    assert import_file(write_xlsx(media / "multi.xlsx", rows), user=SYSTEM).ok
    t = dict(ReviewRecord.objects.filter(household__code="H2").values_list("year", "transition"))
    assert t == {2022: T.FIRST, 2023: T.ESCAPED, 2024: T.RE_POOR}


def test_old_commune_codes_are_read_on_the_map_of_the_review_year(geo, media):
    # 10002 (Xã Bình) existed only before 2025; it merged into Xã An Bình (10001)
    result = import_file(
        write_xlsx(media / "old.xlsx", [row("H9", year=2024, commune="10002")]), user=SYSTEM
    )
    assert result.ok, result.error_sample
    rec = ReviewRecord.objects.get()
    assert rec.commune == geo.commune_a and rec.division == geo.old_commune_binh
    assert services.commune_poverty_rate(geo.commune_a, 2024)["households"] == 1


def test_a_village_must_belong_to_the_commune(geo, media):
    result = import_file(
        write_xlsx(media / "v.xlsx", [row("H1", commune="10003", village=geo.villages["A1"].code)]),
        user=SYSTEM,
    )
    assert result.error_sample[0][1] == "Mã thôn"


def test_a_commune_officer_imports_only_into_their_commune(geo, personas, media):
    rows = [row("H1", commune="10001"), row("H2", commune="10003")]
    result = import_file(write_xlsx(media / "s.xlsx", rows), user=personas.alice)
    assert [(e[0], e[1]) for e in result.error_sample] == [(3, "Mã xã")]
    assert not ReviewRecord.objects.exists()


def test_a_recognised_round_rejects_imports_for_that_year(geo, personas, media):
    import datetime as dt

    rnd = services.get_round(geo.commune_a, 2025)
    for step in ("listed", "surveyed", "meeting", "posted", "recognised"):
        services.advance_round(personas.alice, rnd, step, dt.date(2025, 11, 1), "12/QĐ-UBND")
    result = import_file(write_xlsx(media / "l.xlsx", [row("H1")]), user=SYSTEM)
    assert not result.ok and "công nhận" in result.error_sample[0][2]


def test_figures_counted_while_importing_equal_a_rebuild_from_the_records(geo, media):
    from tamnong.poverty import figures

    a1, a2 = geo.villages["A1"].code, geo.villages["A2"].code
    rows = [
        row(f"H{i}", village=(a1, a2, "")[i % 3], income=900_000 + 70_000 * i,
            deprived=",".join(str(n) for n in range(1, i % 6 + 1)), housing=10 + i)
        for i in range(40)
    ] + [row("W1", commune="20002", income=1_950_000, deprived="2,5,7")]  # fmt: skip

    def snapshot():
        return sorted(
            PovertyFigure.objects.values_list(
                "division", "commune", "year", "area", "standard_key", "households", "poor",
                "near_poor", "middle", "poor_deprived", "transitions",
            )
        )  # fmt: skip

    assert import_file(write_xlsx(media / "f.xlsx", rows), user=SYSTEM).ok
    counted = snapshot()
    assert sum(r[6] for r in counted) > 0 and any(r[9] for r in counted)
    figures.rebuild([2025])
    assert snapshot() == counted


def test_the_cli_imports_and_reports(geo, media, capsys):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = write_xlsx(media / "cli.xlsx", [row("H1", deprived="1,2,3"), row("H2"), row("H3")])
    call_command("import_households", str(path))
    assert ReviewRecord.objects.count() == 3
    bad = write_csv(media / "bad.csv", [row("H9", income=-1)])
    with pytest.raises(CommandError, match="1 dòng có lỗi"):
        call_command("import_households", str(bad))
    capsys.readouterr()
    call_command("report_poverty", "--division", "10001", "--year", "2025", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["figures"]["poor"] == 1 and data["figures"]["poor_rate_text"] == "33,33%"
    out = media / "r.xlsx"
    call_command("report_poverty", "--division", "01", "--year", "2025", "--format", "xlsx",
                 "-o", str(out))  # fmt: skip
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert ws.cell(5, 2).value == "Xã An Bình" and ws.cell(5, 3).value == 3


def test_the_template_imports_no_record_and_its_example_is_on_a_sheet_of_its_own(
    geo, personas, client, media
):
    from tamnong.tabular import open_table

    client.login(username="alice", password="Mat-khau-thu-1")
    for fmt in ("xlsx", "csv"):
        r = client.get(f"/poverty/nhap/mau.{fmt}")
        assert r.status_code == 200
        path = media / f"mau.{fmt}"
        path.write_bytes(r.content)
        result = import_file(path, user=SYSTEM)
        # the sheet to fill holds the header only: the example is never imported as a record
        assert [e[1:] for e in result.error_sample] == [("", "Tệp không có dòng dữ liệu nào.")]
    # the example row copied into the sheet to fill is refused by its marked code (it never
    # becomes a household, even where its commune exists, as in the demo province)
    example = list(open_table(media / "mau.xlsx", sheet="Ví dụ"))
    result = import_file(
        write_csv(media / "vidu.csv", example[1:], headers=example[0]), user=SYSTEM
    )
    assert [e[1] for e in result.error_sample][0] == "Mã hộ"
    assert "dòng ví dụ" in result.error_sample[0][2]
    assert not ReviewRecord.objects.exists()
    assert client.get("/poverty/nhap/mau.pdf").status_code == 404


def test_the_upload_page_runs_a_job_and_offers_the_error_report(geo, personas, client, media):
    from tamnong.jobs.models import Job
    from tamnong.jobs.services import claim_next, run

    client.login(username="alice", password="Mat-khau-thu-1")
    path = write_csv(media / "up.csv", [row("H1"), row("H2", income="abc")])
    with path.open("rb") as fh:
        r = client.post("/poverty/nhap/", {"file": fh})
    assert r.status_code == 302 and "/nhap/xem/" in r["Location"]  # the preview
    job = run(claim_next())
    assert job.kind == "poverty.preview"
    assert job.status == Job.Status.DONE and job.result["errors"] == 1
    batch = ImportBatch.objects.get()
    r = client.get(f"/poverty/nhap/{batch.pk}/loi.csv")
    assert r.status_code == 200 and "abc" not in b"".join(r.streaming_content).decode()
    client.logout()
    client.login(username="bob", password="Mat-khau-thu-1")
    assert client.get(f"/poverty/nhap/{batch.pk}/loi.csv").status_code == 404


def _figures():
    return sorted(
        PovertyFigure.objects.values_list(
            "division", "year", "area", "households", "poor", "near_poor", "poor_deprived",
            "transitions",
        )
    )  # fmt: skip


def test_a_file_mixing_new_and_registered_households_updates_and_adds(geo, media):
    """On PostgreSQL the first file goes the direct way (new households of one year); a file
    that names a registered household after more than one chunk of new ones was partly written
    that way, then rolled back and checked again through the staging table."""
    from django.db import connection

    from tamnong.poverty import figures

    first = import_file(write_xlsx(media / "first.xlsx", [row("OLD1"), row("OLD2")]), user=SYSTEM)
    pg = connection.vendor == "postgresql"
    assert first.written == ("direct" if pg else "staged")
    n = 20_050  # more than one chunk of the direct write
    rows = [row(f"N{i:05d}", income=900_000 + i, deprived="1,2,3" if i % 7 == 0 else "")
            for i in range(n)]  # fmt: skip
    rows.append(row("OLD1", income=1_200_000, deprived="1,2,3,4"))
    result = import_file(write_csv(media / "mixed.csv", rows), user=SYSTEM)
    assert result.ok, result.error_sample
    assert result.rows == n + 1 and result.written == "staged"
    assert Household.objects.count() == n + 2
    assert ReviewRecord.objects.count() == n + 2
    old1 = ReviewRecord.objects.get(household__code="OLD1", year=2025)
    assert (old1.income, old1.classification) == (1_200_000, "poor")
    counted = _figures()
    figures.rebuild([2025])
    assert _figures() == counted
    assert sum(f[3] for f in counted) == n + 2


def test_a_second_year_in_the_file_and_text_needing_escapes_are_stored_as_given(geo, media):
    head = 'Lò Văn\t"Bảo" \\ Ngọc'
    rows = [row("T\\1", head=head, housing=12.5), row("T2", year=2024), row("T2", year=2025)]
    assert import_file(write_xlsx(media / "y.xlsx", rows), user=SYSTEM).ok
    assert Household.objects.get(code="T\\1").head_name == head
    assert ReviewRecord.objects.get(household__code="T\\1").housing_area == 12.5
    assert list(
        ReviewRecord.objects.filter(household__code="T2").order_by("year").values_list("year")
    ) == [(2024,), (2025,)]


def test_an_import_job_reports_progress_while_it_writes(geo, media):
    """Progress is written on its own connection while the import holds its own (COPY)."""
    from tamnong.jobs.models import Job
    from tamnong.jobs.services import run_now

    lines = []
    path = write_csv(media / "big.csv", [row(f"B{i:05d}") for i in range(25_000)])
    job = run_now(
        "poverty.import",
        path=str(path),
        files=[str(path)],  # an upload: owned by the job
        echo=lambda j: lines.append(j.progress_done),
    )
    assert job.status == Job.Status.DONE, job.error
    assert job.result["rows"] == 25_000 and ReviewRecord.objects.count() == 25_000
    assert any(0 < done < 25_000 for done in lines)
    assert not path.exists()  # the upload is removed after the import


def test_files_of_new_households_added_commune_by_commune_keep_the_figures_right(geo, media):
    from tamnong.poverty import figures

    def file(name, codes, commune):
        rows = [row(c, commune=commune, income=1_000_000, deprived="1,2,3" if i % 2 else "")
                for i, c in enumerate(codes)]  # fmt: skip
        return write_xlsx(media / name, rows)

    assert import_file(file("a.xlsx", ["A1", "A2", "A3"], "10001"), user=SYSTEM).ok
    assert import_file(
        file("c.xlsx", ["C1", "C2"], "10003"), user=SYSTEM
    ).ok  # other commune, same year
    assert import_file(file("a2.xlsx", ["A4", "A5"], "10001"), user=SYSTEM).ok  # same commune again
    counted = _figures()
    figures.rebuild([2025])
    assert _figures() == counted
    assert sum(f[3] for f in counted) == 7
