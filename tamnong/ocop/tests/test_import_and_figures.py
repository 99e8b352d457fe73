import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from tamnong.access.actors import SYSTEM
from tamnong.ocop import figures, importer, services
from tamnong.ocop.models import Certificate, Dossier, ImportRun, Producer, Product, Revocation
from tamnong.testing.ocop_rows import (
    GOOD,
    csv_bytes,
    row,
    subject,
)


@pytest.fixture
def imported(geo, personas):
    run = importer.import_file(personas.coordinator, "ocop.csv", csv_bytes(GOOD))
    assert run.committed, run.rejected
    return run


def test_the_import_records_history_from_every_regime(imported, geo):
    assert (
        imported.counts["certificates_created"] == 3 and imported.counts["evaluations_created"] == 4
    )
    old, new = Certificate.objects.filter(product__code="SP-1").order_by("issued_on")
    assert new.supersedes == old and old.regime.key == "qd1048" and new.regime.key == "qd148"
    assert old.expires_on == dt.date(2024, 11, 1)
    assert Dossier.objects.get(import_key="SP-3|2023-06-01").state == Dossier.State.NOT_RECOGNISED
    assert Revocation.objects.get().certificate.number == "C-2023-9"
    assert Producer.objects.get(code="CT-1").division == geo.old_commune_binh


def test_reimporting_the_same_file_changes_nothing(imported, personas):
    counts = (
        Producer.objects.count(),
        Product.objects.count(),
        Dossier.objects.count(),
        Certificate.objects.count(),
    )
    again = importer.import_file(personas.coordinator, "ocop.csv", csv_bytes(GOOD))
    assert again.committed
    assert {k: v for k, v in again.counts.items() if k.endswith(("created", "updated")) and v} == {}
    assert counts == (
        Producer.objects.count(),
        Product.objects.count(),
        Dossier.objects.count(),
        Certificate.objects.count(),
    )


def test_a_bad_row_is_reported_and_nothing_is_written(geo, personas):
    bad = GOOD + [
        row(
            **subject("CT-9", "X", "Nông trại", "99999", "SP-9", "Y", 3),
            evaluated_on="31/02/2024",
            score=55,
            stars=4,
        ),
        row(
            **subject("CT-8", "Z", "Doanh nghiệp", "10001", "SP-8", "W", 3),
            evaluated_on="2024-01-01",
            score=55,
            stars=4,
        ),
    ]
    run = importer.import_file(personas.coordinator, "ocop.csv", csv_bytes(bad))
    assert not run.committed
    reasons = {(e["row"], e["column"]) for e in run.rejected}
    assert (
        (6, "Loại hình chủ thể") in reasons
        and (6, "Mã xã") in reasons
        and (6, "Ngày đánh giá") in reasons
    )
    assert (7, "Số sao") in reasons  # 4★ above the band of 55 points
    assert not Producer.objects.exists() and not Certificate.objects.exists()
    csv_text = importer.rejected_csv(run)
    assert "Dòng,Cột,Lý do" in csv_text and "vượt hạng theo điểm" in csv_text


def test_rows_outside_the_importers_scope_are_rejected(geo, personas):
    run = importer.import_file(personas.alice, "ocop.csv", csv_bytes(GOOD[2:3]))
    assert not run.committed and run.rejected[0]["reason"] == "Xã nằm ngoài phạm vi của bạn."


def test_the_xlsx_template_has_the_vietnamese_headers_and_its_example_on_a_sheet_of_its_own(db):
    from tamnong.tabular import FileRefused

    rows = importer.read_rows("mau.xlsx", importer.template_xlsx(), sheet="Ví dụ")
    assert len(rows) == 1 and rows[0].data["product_name"] == "Miến dong Na Rì"
    with pytest.raises(FileRefused, match="không có dữ liệu"):
        importer.read_rows("mau.xlsx", importer.template_xlsx())  # the sheet to fill is empty


def test_the_command_imports_and_reports(geo, tmp_path, capsys):
    path = tmp_path / "ocop.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_ocop", str(path))
    assert Certificate.objects.count() == 3
    assert ImportRun.objects.get().committed


def test_figures_as_of_a_date_with_lineage(imported, geo):
    f = figures.figures(SYSTEM, division=geo.province, on=dt.date(2025, 1, 1))
    assert f["valid_products"] == {
        "total": 2,
        "by_stars": {"3": 1, "4": 1, "5": 0},
        "extended": 0,
    }
    assert f["certificates_by_state"] == {
        "valid": 2,
        "extended": 0,
        "expired": 0,
        "revoked": 0,
        "superseded": 1,
    }
    assert f["markets"]["supermarket"] == 1 and f["markets"]["export_countries"] == {"JP": 1}
    later = figures.figures(SYSTEM, division=geo.province, on=dt.date(2025, 12, 31))
    assert later["valid_products"]["total"] == 1
    assert later["products_by_certificate_state"] == {
        "valid": 1,
        "extended": 0,
        "expired": 0,
        "revoked": 1,
        "superseded": 0,
    }
    y2024 = figures.figures(SYSTEM, division=geo.province, on=dt.date(2024, 12, 31))
    assert (
        y2024["recertified"] == {"total": 1, "by_stars": {"4": 1}}
        and y2024["newly_certified"]["total"] == 0
    )
    shares = {p["kind"]: p for p in f["producers"]["by_kind"]}
    assert (
        shares["cooperative"]["share_percent"] == 50.0
        and shares["cooperative"]["meets_target"] is True
    )
    # The new commune counts its old units; the old district counts them too, as of the old map.
    assert (
        figures.figures(SYSTEM, division=geo.commune_a, on=dt.date(2025, 1, 1))["valid_products"][
            "total"
        ]
        == 1
    )
    assert (
        figures.figures(SYSTEM, division=geo.old_district, on=dt.date(2025, 1, 1))[
            "valid_products"
        ]["total"]
        == 1
    )
    assert services.valid_products(geo.ward, dt.date(2025, 1, 1)) == 1
    assert services.valid_products(geo.ward, dt.date(2025, 3, 1)) == 0


def test_the_report_command_writes_json_and_xlsx(imported, geo, tmp_path, capsys):
    call_command("report_ocop", "--division", "01", "--date", "2025-01-01", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["division"]["name"] == "Tỉnh Mới" and data["valid_products"]["total"] == 2
    out = tmp_path / "r.xlsx"
    call_command(
        "report_ocop",
        "--division",
        "01",
        "--date",
        "2025-01-01",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert ws["A1"].value.startswith("Số liệu OCOP – Tỉnh Mới")
