"""Reading files as offices make them, and refusing what cannot be read, in Vietnamese."""

import datetime as dt

import pytest

from tamnong import tabular
from tamnong.tabular import FileRefused, open_table
from tamnong.tabular.tests import files


def refused(source, **kw) -> FileRefused:
    with pytest.raises(FileRefused) as exc:
        list(open_table(source, **kw))
    return exc.value


def test_a_csv_with_a_bom_and_quoted_commas_is_read_with_its_delimiter(tmp_path):
    # csv.Sniffer gives up on this ("Could not determine delimiter")
    text = (
        "\ufeffTên chủ thể,Địa chỉ,Số sao\n"
        '"HTX Bình An","Thôn Nà Pàn, xã Hòa Bình, tỉnh Mới",3\n'
        '"Công ty A, B và C","Số 1, đường 2",4\n'
    )
    path = tmp_path / "ds.csv"
    path.write_text(text, encoding="utf-8")
    table = open_table(path)
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    rows = list(table)
    assert rows[0] == ["Tên chủ thể", "Địa chỉ", "Số sao"]
    assert rows[1][1] == "Thôn Nà Pàn, xã Hòa Bình, tỉnh Mới"
    assert rows[2][0] == "Công ty A, B và C"


def test_the_files_csv_sniffer_gives_up_on_are_read(tmp_path):
    import csv

    text = 'Tên,Địa chỉ\r\nHTX A,"Thôn 1, xã B"\r\nHTX C,"Thôn 2, xã D, tỉnh E"\r\n'
    with pytest.raises(csv.Error, match="Could not determine delimiter"):
        csv.Sniffer().sniff(text, delimiters=",;\t")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8"))
    assert list(open_table(path))[2] == ["HTX C", "Thôn 2, xã D, tỉnh E"]


def test_a_semicolon_csv_from_vietnamese_excel_keeps_its_decimal_commas(tmp_path):
    path = tmp_path / "von.csv"
    path.write_bytes(
        "Mã đơn vị;Năm;Vốn phân bổ\n01;2025;1.500,5\n10001;2024;300\n10003;2024;12,25\n".encode()
    )
    table = open_table(path)
    assert table.delimiter == ";"
    assert list(table)[1] == ["01", "2025", "1.500,5"]


def test_tab_and_a_quoted_line_break_do_not_confuse_the_delimiter():
    assert tabular.detect_delimiter('a\tb\tc\n"x\ny, z"\t2\t3\n1\t2\t3\n') == "\t"
    assert tabular.detect_delimiter("Mã hộ\nH1\nH2\n") == ","  # one column


def test_a_windows_1258_csv_is_decoded_and_its_text_nfc(tmp_path):
    text = "Mã hộ;Họ tên chủ hộ;Địa chỉ\nH1;Nguyễn Văn Ánh;Thôn Nà Pàn, xã Hòa Bình\n"
    path = tmp_path / "cp1258.csv"
    path.write_bytes(files.cp1258(text))
    table = open_table(path)
    assert table.encoding == "cp1258"
    rows = list(table)
    assert [tabular.cell_text(v) for v in rows[1]] == [
        "H1",
        "Nguyễn Văn Ánh",
        "Thôn Nà Pàn, xã Hòa Bình",
    ]
    assert tabular.header_key(rows[0][1]) == "họ tên chủ hộ"


def test_a_windows_1252_csv_is_decoded(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Nom;Adresse\nCafé Müller;Straße, Köln\nRené;Genève\n".encode("cp1252"))
    table = open_table(path)
    assert table.encoding == "cp1252"
    assert list(table)[1] == ["Café Müller", "Straße, Köln"]


def test_a_utf16_unicode_text_export_is_read(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Mã hộ\tNăm\r\nH1\t2025\r\n".encode("utf-16"))
    assert list(open_table(path)) == [["Mã hộ", "Năm"], ["H1", "2025"]]


def test_excel_number_date_and_text_cells_are_read_as_they_are(tmp_path):
    data = files.xlsx(
        [
            ["Mã", "Thu nhập", "Ngày", "Ngày giờ", "Có"],
            ["06001", 1500000, dt.date(2023, 2, 24), dt.datetime(2023, 2, 24, 8, 30), True],
        ]
    )
    row = list(open_table(data, name="a.xlsx"))[1]
    assert row == ["06001", 1500000.0, dt.date(2023, 2, 24), dt.datetime(2023, 2, 24, 8, 30), True]
    assert tabular.MONEY.parse(row[1]) == 1_500_000


def test_an_xls_workbook_is_read():
    table = open_table(files.XLS)
    assert (table.kind, table.sheet) == ("xls", "Danh sách")
    rows = list(table)
    assert rows[1][:3] == ["H1", 2025, 1500000]
    assert rows[1][3] == dt.date(2023, 2, 24)
    assert tabular.MONEY.parse(rows[2][2]) == 1_500_000


def test_formulas_give_their_saved_value_and_are_never_evaluated():
    data = files.xlsx([["Tổng", "Văn bản"], ["=1+1", "chữ"], ["=A2*10", "=B2&B2"]])
    # openpyxl saves no computed value: the cells are empty, never 2, 20 or "chữchữ"
    rows = list(open_table(data, name="f.xlsx"))
    assert rows[1] == ["", "chữ"]
    assert all(tabular.is_blank(r) for r in rows[2:])
    # with the value Excel saved, that value is read (5, not 1+1)
    saved = files.with_cached_formula(data, "1+1", "5")
    assert list(open_table(saved, name="f.xlsx"))[1][0] == 5.0


def test_a_sheet_is_chosen_by_name_or_the_first_is_read():
    data = files.xlsx([["a"], [1]], sheet="Đầu", extra_sheets={"Hộ nghèo": [["b"], [2]]})
    assert list(open_table(data, name="x.xlsx"))[0] == ["a"]
    assert list(open_table(data, name="x.xlsx", sheet="Hộ nghèo"))[0] == ["b"]
    err = refused(data, name="x.xlsx", sheet="Không có")
    assert err.code == "sheet" and "Đầu, Hộ nghèo" in str(err)


def test_a_password_protected_workbook_is_refused_in_vietnamese():
    err = refused(files.PROTECTED_XLSX)
    assert err.code == "password" and "mật khẩu" in str(err)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ho.xlsx", b"%PDF-1.4 not a workbook"),
        ("ho.docx", files.docx_like()),
        ("ho.xlsx", files.docx_like()),
        ("ghi-chu.txt", "xin chào".encode()),
        ("ho.pdf", b"%PDF-1.4"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(name, content):
    err = refused(content, name=name)
    assert err.code == "not_spreadsheet"
    assert "không phải là bảng tính" in str(err) and "zip" not in str(err).lower()


def test_a_truncated_workbook_is_refused_without_a_library_message(tmp_path):
    data = files.xlsx([["Mã hộ"], ["H1"]])
    err = refused(data[:300], name="cut.xlsx")
    assert err.code == "not_spreadsheet" and "hỏng" in str(err)
    assert "File is not a zip file" not in str(err)


def test_a_binary_file_named_csv_is_refused(tmp_path):
    path = tmp_path / "anh.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    assert refused(path).code in {"not_spreadsheet", "encoding"}


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused_before_reading():
    bomb = files.zip_bomb(files.xlsx([["Mã hộ"], ["H1"]]), megabytes=30)
    assert len(bomb) < 1 << 20
    err = refused(bomb, name="bomb.xlsx")
    assert err.code == "zip_bomb" and "giải nén" in str(err)


def test_size_rows_and_cell_length_are_bounded(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 50, encoding="utf-8")
    err = refused(path, limits=tabular.Limits(max_bytes=100))
    assert err.code == "too_large" and "quá lớn" in str(err)
    err = refused(path, limits=tabular.Limits(max_rows=10))
    assert err.code == "too_many_rows"
    rows = [["Mã hộ"]] + [[f"H{i}"] for i in range(20)]
    err = refused(files.xlsx(rows), name="x.xlsx", limits=tabular.Limits(max_rows=10))
    assert err.code == "too_many_rows"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_two_megabyte_cell_is_refused(tmp_path, fmt):
    huge = "x" * (2 << 20)
    if fmt == "csv":
        path = tmp_path / "huge.csv"
        path.write_text(f"Mã hộ,Ghi chú\nH1,{huge}\n", encoding="utf-8")
        source, name = path, None
    else:
        source, name = files.xlsx([["Mã hộ", "Ghi chú"], ["H1", huge]]), "huge.xlsx"
    err = refused(source, name=name)
    assert err.code == "cell_too_long" and "Dòng 2" in str(err) and "10.000" in str(err)


def test_a_cell_over_ten_thousand_characters_is_refused_and_one_under_is_read(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a\n" + "y" * 10_000 + "\n" + "z" * 10_001 + "\n", encoding="utf-8")
    with pytest.raises(FileRefused) as exc:
        for row in open_table(path):
            assert len(row[0]) <= 10_000
    assert exc.value.code == "cell_too_long" and "Dòng 3" in str(exc.value)


def test_an_empty_file_and_a_missing_file_are_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert refused(empty).code == "empty"
    assert refused(tmp_path / "none.xlsx").code == "missing"


def test_a_hundred_thousand_empty_rows_read_as_blank_rows(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("Mã hộ,Năm\n" + ",\n" * 100_000, encoding="utf-8")
    rows = list(open_table(path))
    assert len(rows) == 100_001 and all(tabular.is_blank(r) for r in rows[1:])


def test_a_table_can_be_read_more_than_once(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("a\n1\n2\n", encoding="utf-8")
    table = open_table(path)
    assert list(table) == list(table) == [["a"], ["1"], ["2"]]
