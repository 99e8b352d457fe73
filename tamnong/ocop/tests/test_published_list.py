"""A provincial OCOP recognition list as provinces publish it (issue 13, items 1–2): a title block
above the header, merged cells, a two-row header, commune names (with or without "xã", with or
without diacritics, old or new), no producer or product codes, no score, no set number, the
product group as a word. Once its columns are mapped it imports with zero errors; the mapping is
saved for the organisation and this file shape; a re-import matches the same records."""

import datetime as dt

import pytest

from tamnong.ocop import importer
from tamnong.ocop.models import Certificate, Dossier, Producer, Product
from tamnong.tabular import find_layout, open_table
from tamnong.tabular.mapping import save_mapping
from tamnong.tabular.tests import files

HEADER_TOP = [
    "STT", "Tên sản phẩm", "Chủ thể", "Nhóm sản phẩm", "Hạng sao",
    "Quyết định công nhận", "", "Thời hạn", "Địa chỉ", "Xã/phường", "Ghi chú",
]  # fmt: skip
HEADER_LOW = ["", "", "", "", "", "Số", "Ngày", "", "", "", ""]
# (commune as written, date of the decision): old names before 01/07/2025, new names after,
# with and without "Xã", with and without diacritics; a new name on an old date is read on the
# newest map that has it
PLACES = [
    ("Xã An", "15/11/2022"),
    ("Binh", "20/12/2022"),
    ("xã châu", "01/09/2023"),
    ("Xa Dong", "10/10/2023"),
    ("Thị trấn Tây", "05/03/2024"),
    ("An Bình", "20/08/2025"),
    ("Phường Tây", "02/09/2025"),
    ("Châu", "15/10/2025"),
]
GROUPS = ["Thực phẩm", "Đồ uống", "Rau, củ, quả, hạt tươi", "Thảo dược"]


def published_rows(n: int = 60) -> list[list]:
    rows = []
    for i in range(n):
        p = i // 2  # two products per producer, recognised by the same decision
        place, day = PLACES[p % len(PLACES)]
        producer = f"HTX Nông sản số {p + 1}"
        d, m, y = day.split("/")
        expires = f"{d}/{m}/{int(y) + 3}"
        rows.append(
            [
                i + 1,
                f"Sản phẩm {i + 1}",
                producer,
                GROUPS[i % len(GROUPS)],
                "4 sao" if i % 3 == 0 else "3 sao",
                f"{100 + p % len(PLACES)}/QĐ-UBND",  # one decision a day
                day,
                expires,
                f"Thôn {p % 5 + 1}, {place}, tỉnh Mới",
                place,
                "",
            ]
        )
    return rows


def published_xlsx(n: int = 60) -> bytes:
    title = [
        ["ỦY BAN NHÂN DÂN TỈNH MỚI", "", "", "", "", "", "", "", "", "", ""],
        ["DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT CHUẨN OCOP 3 SAO, 4 SAO"],
        ["(Kèm theo các quyết định công nhận của UBND tỉnh)"],
        [],
    ]
    merged = ["A1:K1", "A2:K2", "A3:K3", "F5:G5", "A5:A6", "B5:B6", "C5:C6", "D5:D6", "E5:E6"]
    merged += ["H5:H6", "I5:I6", "J5:J6", "K5:K6"]
    return files.xlsx([*title, HEADER_TOP, HEADER_LOW, *published_rows(n)], merged=merged)


# what the preview page saves: every header of the file with the column it was read as (the
# group heading's synonym for the number) and the one the user chose (the date)
MAPPING = {
    "Quyết định công nhận / Số": "decision_no",
    "Quyết định công nhận / Ngày": "decision_date",
}


def counts():
    return tuple(m.objects.count() for m in (Producer, Product, Dossier, Certificate))


def test_the_published_list_shows_its_unmapped_columns(geo, personas):
    table = open_table(published_xlsx(), name="ds.xlsx")
    layout = find_layout(table, importer.COLUMNS)
    assert layout.header_start == 4 and layout.data_start == 6
    unmatched = [text for _pos, text in layout.unmatched]
    # the group heading names the decision number (a synonym); its date is left to the user
    assert unmatched == ["STT", "Quyết định công nhận / Ngày", "Ghi chú"]
    for key in (
        "product_name", "producer_name", "product_set", "stars", "commune_name", "decision_no",
        "expires_on", "address",
    ):  # fmt: skip
        assert key in layout.positions, key


def test_a_published_list_of_sixty_recognitions_imports_with_zero_errors_once_mapped(geo, personas):
    data = published_xlsx()
    user = personas.coordinator
    table = open_table(data, name="ds.xlsx")
    save_mapping("ocop", user, find_layout(table, importer.COLUMNS).headers, MAPPING)
    preview = importer.import_file(user, "ds.xlsx", data, dry_run=True)
    assert preview.rejected == [] and not preview.committed and preview.pk is None
    assert preview.counts["certificates_created"] == 60
    assert counts() == (0, 0, 0, 0)  # the preview wrote nothing
    run = importer.import_file(user, "ds.xlsx", data)  # the saved mapping is used
    assert run.committed and run.rejected == [], run.rejected[:5]
    assert counts() == (30, 60, 60, 60)
    assert run.counts["producers_created"] == 30 and run.counts["products_created"] == 60
    assert run.counts["scores_not_recorded"] == 60
    # codes generated in the product's format
    producer = Producer.objects.get(name="HTX Nông sản số 1")
    assert producer.code.startswith("CT01-") and producer.kind == "cooperative"
    assert {p.code for p in producer.products.all()} == {
        f"{producer.code}-SP00001",
        f"{producer.code}-SP00002",
    }
    # communes by name on the row's map: old names before 2025, new ones after
    assert Producer.objects.get(name="HTX Nông sản số 1").division == geo.old_commune_an
    assert Product.objects.get(name="Sản phẩm 5").division == geo.old_commune_chau
    assert Product.objects.get(name="Sản phẩm 11").division == geo.commune_a  # "An Bình", 2025
    assert Product.objects.get(name="Sản phẩm 15").division == geo.commune_c  # "Châu", 2025
    # the set: a set name resolves, a group word alone stays "chưa xác định" and is reported
    assert Product.objects.get(name="Sản phẩm 3").set_no == 1
    unknown = Product.objects.get(name="Sản phẩm 1")
    assert unknown.set_no == importer.UNKNOWN_SET and unknown.product_set == "chưa xác định"
    assert unknown.product_group == "Thực phẩm"
    assert run.counts["sets_unknown"] == 45  # 15 rows name a set («Rau, củ, quả, hạt tươi»)
    # imported, score not recorded
    dossier = Dossier.objects.get(product__name="Sản phẩm 1")
    assert dossier.mean_score is None and dossier.result == {
        "imported": True,
        "score_recorded": False,
    }
    cert = Certificate.objects.get(product__name="Sản phẩm 1")
    assert cert.stars == 4 and cert.issued_on == dt.date(2022, 11, 15)
    assert cert.expires_on == dt.date(2025, 11, 15)
    # a re-import of the same file matches the same records
    again = importer.import_file(user, "ds.xlsx", data)
    assert again.committed and again.rejected == []
    assert counts() == (30, 60, 60, 60)
    assert not any(again.counts[k] for k in ("producers_created", "products_created"))


def test_an_unknown_or_out_of_scope_commune_name_lists_the_candidates(geo, personas):
    rows = published_rows(3)
    rows[0][9] = "Xã An Bìn"  # a typing error
    rows[1][9] = "Xã Xa"  # another province
    data = files.xlsx([HEADER_TOP, HEADER_LOW, *rows], merged=["F1:G1"])
    run = importer.import_file(personas.coordinator, "ds.xlsx", data, mapping=MAPPING)
    reasons = {e["row"]: e["reason"] for e in run.rejected if e["column"] == "Xã"}
    assert "có phải" in reasons[3] and "Xã An Bình" in reasons[3]
    assert "ngoài phạm vi" in reasons[4]
    assert not run.committed and counts() == (0, 0, 0, 0)


def test_a_csv_with_quoted_commas_in_the_address_and_a_cp1252_file(geo, personas):
    import csv
    import io

    rows = published_rows(4)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        ["Tên sản phẩm", "Chủ thể", "Nhóm sản phẩm", "Hạng sao", "Số quyết định",
         "Ngày quyết định", "Địa chỉ", "Xã"]
    )  # fmt: skip
    for r in rows:
        writer.writerow([r[1], r[2], r[3], r[4], r[5], r[6], r[8], r[9]])
    run = importer.import_file(personas.coordinator, "ds.csv", buf.getvalue().encode("utf-8"))
    assert run.committed and run.rejected == [], run.rejected
    assert Producer.objects.get(name="HTX Nông sản số 1").address == "Thôn 1, Xã An, tỉnh Mới"
    # the same list typed without diacritics and saved as Windows-1252 ("ANSI")
    latin = (
        "Ten san pham;Chu the;Nhom san pham;Hang sao;So quyet dinh;Ngay quyet dinh;Xa\r\n"
        "Cà phê Élan;HTX Cafe Bình;Do uong;3 sao;9/QD-UBND;01/10/2025;Xa An Binh\r\n"
    )
    run = importer.import_file(personas.coordinator, "ansi.csv", latin.encode("cp1252"))
    assert run.committed and run.rejected == [], run.rejected
    product = Product.objects.get(name="Cà phê Élan")
    assert product.division == geo.commune_a and product.certificates.count() == 1


@pytest.mark.parametrize("stars", ["★★★", "3", "3*", 3.0])
def test_stars_as_offices_write_them(geo, personas, stars):
    rows = published_rows(1)
    rows[0][4] = stars
    data = files.xlsx([HEADER_TOP, HEADER_LOW, *rows])
    run = importer.import_file(personas.coordinator, "ds.xlsx", data, mapping=MAPPING)
    assert run.committed, run.rejected
    assert Certificate.objects.get().stars == 3
