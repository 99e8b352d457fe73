"""OCOP lists as offices save them: read through the one tabular layer, or refused in Vietnamese
with nothing written."""

import datetime as dt

import pytest

from tamnong.ocop import importer
from tamnong.ocop.models import Certificate, Dossier, Producer, Product
from tamnong.tabular.tests import files

HEADERS = [c.header for c in importer.COLUMNS]
KEYS = [c.key for c in importer.COLUMNS]


def values(**v) -> list:
    base = dict.fromkeys(KEYS, "")
    base.update(
        producer_code="CT-9", producer_name="HTX Bình An, Tỉnh Mới", producer_kind="Hợp tác xã",
        commune_code="10001", address="Thôn A1, xã An Bình, tỉnh Mới", product_code="SP-9",
        product_name="Gạo nếp", set_no=3, evaluated_on="20/10/2024", score="72,5", stars=4,
        regime="148", council_level="tỉnh", decision_no="200/QĐ-UBND", decision_date="01/11/2024",
        issuer="UBND tỉnh", certificate_no="C-9", issued_on="01/11/2024",
    )  # fmt: skip
    base.update(v)
    return [base[k] for k in KEYS]


def counts():
    return tuple(m.objects.count() for m in (Producer, Product, Dossier, Certificate))


def quoted_where_needed(cells, sep=",") -> str:
    out = []
    for c in map(str, cells):
        out.append(f'"{c}"' if sep in c or '"' in c else c)
    return sep.join(out)


def test_a_csv_with_quoted_commas_and_a_bom_is_imported(geo, personas):
    # Excel's CSV: CRLF line ends, the address (with commas, so quoted) in the last column; the
    # csv.Sniffer stopped this file with "Could not determine delimiter"
    last = HEADERS.index("Địa chỉ")
    order = [i for i in range(len(HEADERS)) if i != last] + [last]
    cells = values(producer_name="HTX Bình An", score="72.5")
    text = "\r\n".join(
        [",".join(HEADERS[i] for i in order), quoted_where_needed([cells[i] for i in order])]
    )
    text = "\ufeff" + text + "\r\n"
    run = importer.import_file(personas.coordinator, "ds.csv", text.encode("utf-8"))
    assert run.committed, run.rejected
    assert Producer.objects.get(code="CT-9").address == "Thôn A1, xã An Bình, tỉnh Mới"
    assert Dossier.objects.get(product__code="SP-9").mean_score == 72.5


def test_a_windows_1258_csv_with_semicolons_is_imported(geo, personas):
    text = "\r\n".join([";".join(HEADERS), quoted_where_needed(values(), ";")]) + "\r\n"
    run = importer.import_file(personas.coordinator, "ds.csv", files.cp1258(text))
    assert run.committed, run.rejected
    assert Product.objects.get(code="SP-9").name == "Gạo nếp"


def test_a_workbook_with_a_title_and_excel_date_and_number_cells(geo, personas):
    data = files.xlsx(
        [
            ["DANH SÁCH SẢN PHẨM OCOP TỈNH MỚI"],
            [],
            HEADERS,
            values(evaluated_on=dt.date(2024, 10, 20), score=72.5, stars=4.0, set_no=3.0,
                   decision_date=dt.datetime(2024, 11, 1), issued_on=45597.0),
        ]
    )  # fmt: skip
    run = importer.import_file(personas.coordinator, "ds.xlsx", data)
    assert run.committed, run.rejected
    cert = Certificate.objects.get(number="C-9")
    assert (cert.issued_on, cert.stars) == (dt.date(2024, 11, 1), 4)


def test_a_score_of_one_thousand_five_hundred_is_an_error_never_one_and_a_half(geo, personas):
    before = counts()
    text = "\r\n".join([",".join(HEADERS), quoted_where_needed(values(score="1.500"))])
    run = importer.import_file(personas.coordinator, "ds.csv", text.encode())
    assert not run.committed
    score = [e for e in run.rejected if e["column"] == "Điểm"]
    assert len(score) == 1 and "không rõ" in score[0]["reason"] and "1,5" in score[0]["reason"]
    assert counts() == before


def test_every_fault_of_a_row_is_reported(geo, personas):
    text = "\r\n".join(
        [
            ",".join(HEADERS),
            quoted_where_needed(values(evaluated_on="31/02/2024", stars="bốn", set_no="3,5")),
        ]
    )
    run = importer.import_file(personas.coordinator, "ds.csv", text.encode())
    assert {(e["row"], e["column"]) for e in run.rejected} >= {
        (2, "Ngày đánh giá"),
        (2, "Số sao"),
        (2, "Bộ sản phẩm (số)"),
    }


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("ds.xlsx", b"PK\x03\x04 cut short", "không phải là bảng tính"),
        ("ds.xlsx", files.docx_like(), "không chứa bảng tính"),
        ("ds.xlsx", files.PROTECTED_XLSX.read_bytes(), "mật khẩu"),
        ("ds.pdf", b"%PDF-1.4", "chỉ nhận tệp"),
        ("ds.xlsx", files.zip_bomb(files.xlsx([HEADERS])), "giải nén"),
        ("ds.csv", ",".join(HEADERS).encode() + b"\n" + b",,,\n" * 100_000, "không có dữ liệu"),
        ("ds.csv", b"Ten,Dia chi\nA,B\n", "Thiếu cột bắt buộc: Tên chủ thể"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_vietnamese_and_nothing_is_written(
    geo, personas, name, content, words
):
    ok = "\r\n".join([",".join(HEADERS), quoted_where_needed(values())])
    assert importer.import_file(personas.coordinator, "first.csv", ok.encode()).committed
    before = counts()
    run = importer.import_file(personas.coordinator, name, content)
    assert not run.committed and len(run.rejected) == 1
    reason = run.rejected[0]["reason"]
    assert words in reason and "zip" not in reason.lower() and run.rejected[0]["row"] == 0
    assert counts() == before


def test_a_two_megabyte_cell_is_refused(geo, personas):
    text = "\r\n".join([",".join(HEADERS), quoted_where_needed(values(address="x" * (2 << 20)))])
    run = importer.import_file(personas.coordinator, "ds.csv", text.encode())
    assert not run.committed and "10.000 ký tự" in run.rejected[0]["reason"]
    assert counts() == (0, 0, 0, 0)


def test_the_rejected_rows_report_escapes_formulas(geo, personas):
    text = "\r\n".join(
        [",".join(HEADERS), quoted_where_needed(values(producer_kind="=HYPERLINK(1)"))]
    )
    run = importer.import_file(personas.coordinator, "ds.csv", text.encode())
    report = importer.rejected_csv(run)
    assert report.startswith("\ufeffDòng,Cột,Lý do")
    assert ",'=HYPERLINK(1)" in report and ",=HYPERLINK" not in report
