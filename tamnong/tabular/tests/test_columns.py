"""Finding the header (below a title block, over several rows) and reading every fault of a row."""

import datetime as dt

import pytest

from tamnong import tabular
from tamnong.tabular import Column, FaultLog, FileRefused, find_layout, open_table, read_rows
from tamnong.tabular.tests import files

COLUMNS = [
    Column("code", "Mã hộ", tabular.Text(40), True),
    Column("head", "Họ tên chủ hộ", tabular.TEXT, True, synonyms=("Chủ hộ",)),
    Column("income", "Thu nhập", tabular.MONEY, True),
    Column("on", "Ngày", tabular.DATE),
    Column("ethnic", "Dân tộc thiểu số", tabular.YES_NO),
    Column("work", "Việc làm", tabular.YES_NO),
    Column("health", "Y tế", tabular.YES_NO),
]


def test_the_header_is_found_below_a_title_block():
    data = files.xlsx(
        [
            ["ỦY BAN NHÂN DÂN XÃ AN BÌNH", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["DANH SÁCH HỘ NGHÈO NĂM 2025"],
            [],
            ["Mã hộ", "Họ tên chủ hộ", "Thu nhập", "Ghi chú"],
            ["H1", "Lò Văn A", 1_500_000, ""],
        ],
        merged=["A2:D2"],
    )
    table = open_table(data, name="ds.xlsx")
    layout = find_layout(table, COLUMNS)
    assert (layout.header_start, layout.header_end, layout.first_row) == (3, 3, 5)
    assert layout.positions == {"code": 0, "head": 1, "income": 2}
    assert layout.unmatched == [(3, "Ghi chú")]
    assert not layout.missing


def test_a_two_row_header_with_merged_group_cells_is_merged():
    # A ministry form: "Mã hộ" and "Họ tên" span both rows, "Chỉ số thiếu hụt" spans its columns,
    # and a row of column numbers follows the header.
    data = files.xlsx(
        [
            ["BIỂU SỐ 3"],
            ["Mã hộ", "Họ tên chủ hộ", "Thu nhập", "Chỉ số thiếu hụt", ""],
            ["", "", "", "Việc làm", "Y tế"],
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            ["H1", "Lò Văn A", "1.500.000", "x", ""],
        ],
        merged=["A2:A3", "B2:B3", "C2:C3", "D2:E2"],
    )
    layout = find_layout(open_table(data, name="bieu.xlsx"), COLUMNS)
    assert (layout.header_start, layout.header_end, layout.data_start) == (1, 2, 4)
    assert layout.headers == [
        "Mã hộ",
        "Họ tên chủ hộ",
        "Thu nhập",
        "Chỉ số thiếu hụt / Việc làm",
        "Chỉ số thiếu hụt / Y tế",
    ]
    assert layout.positions == {"code": 0, "head": 1, "income": 2, "work": 3, "health": 4}


def test_a_two_row_header_without_merges_carries_the_group_over_its_columns(tmp_path):
    path = tmp_path / "bieu.csv"
    path.write_text(
        "Mã hộ,Chủ hộ,Thu nhập,Chỉ số thiếu hụt,,\n,,,Việc làm,Y tế,\nH1,Lò Văn A,1500000,x,,\n",
        encoding="utf-8",
    )
    layout = find_layout(open_table(path), COLUMNS)
    assert layout.headers[3:5] == ["Chỉ số thiếu hụt / Việc làm", "Chỉ số thiếu hụt / Y tế"]
    assert layout.positions == {"code": 0, "head": 1, "income": 2, "work": 3, "health": 4}
    assert layout.first_row == 3


def test_merge_header_rows_leaves_a_heading_without_sub_headings_alone():
    assert tabular.merge_header_rows([["Mã hộ", "", "Nhóm", ""], ["", "Tên", "A", "B"]]) == [
        "Mã hộ",
        "Tên",
        "Nhóm / A",
        "Nhóm / B",
    ]


def test_headers_match_without_case_spaces_or_diacritics():
    layout = find_layout([["MA HO", "  họ   TÊN chủ hộ ", "thu nhap:"]], COLUMNS)
    assert layout.positions == {"code": 0, "head": 1, "income": 2}


def test_a_saved_mapping_names_headers_the_columns_do_not_know():
    rows = [["Mã số hộ", "Tên người đứng đầu hộ", "Thu nhập", "Ghi chú"]]
    layout = find_layout(rows, COLUMNS)
    assert [c.key for c in layout.missing] == ["code", "head"]
    assert layout.unmatched == [(0, "Mã số hộ"), (1, "Tên người đứng đầu hộ"), (3, "Ghi chú")]
    layout = find_layout(
        rows, COLUMNS, mapping={"ma so ho": "code", "Tên người đứng đầu hộ": "head"}
    )
    assert layout.positions == {"code": 0, "head": 1, "income": 2} and not layout.missing


def test_missing_required_columns_are_refused_with_their_names():
    layout = find_layout([["Dân tộc thiểu số", "b"], ["1", "2"]], COLUMNS)
    with pytest.raises(FileRefused) as exc:
        layout.require()
    assert str(exc.value) == "Thiếu cột bắt buộc: Mã hộ, Họ tên chủ hộ, Thu nhập."


def test_a_header_row_with_no_known_column_is_refused_as_such():
    layout = find_layout([["STT", "Tên", "Ghi chú"], ["1", "An", ""]], COLUMNS)
    with pytest.raises(FileRefused) as exc:
        layout.require()
    assert exc.value.code == "no_columns"
    assert str(exc.value).startswith("Không tìm thấy dòng tiêu đề: không ô nào trong 2 dòng đầu")
    assert "(Mã hộ, Họ tên chủ hộ, Thu nhập)" in str(exc.value)


@pytest.mark.parametrize(
    "rows", [[], [[]], [["", None, "  "]] * 40], ids=["no-row", "one-empty-row", "blank-rows"]
)
def test_an_empty_sheet_is_refused_as_empty(rows):
    layout = find_layout(open_table(files.xlsx(rows), name="trong.xlsx"), COLUMNS)
    with pytest.raises(FileRefused) as exc:
        layout.require()
    assert exc.value.code == "empty_sheet" and str(exc.value).startswith("Trang tính trống")


def test_every_fault_of_a_row_is_reported_and_blank_rows_are_skipped():
    rows = [
        ["Mã hộ", "Họ tên chủ hộ", "Thu nhập", "Ngày", "Dân tộc thiểu số"],
        ["H1", "Lò Văn A", "1.500.000", "24/02/2023", "x"],
        ["", "", "", "", ""],
        ["H2", "", "nhiều", "31/02/2024", "có lẽ"],
    ]
    faults = FaultLog()
    layout = find_layout(rows, COLUMNS)
    got = list(read_rows(rows, layout, faults))
    assert got[0] == (
        2,
        {
            "code": "H1",
            "head": "Lò Văn A",
            "income": 1_500_000,
            "on": dt.date(2023, 2, 24),
            "ethnic": True,
            "work": False,
            "health": False,
        },
        True,
    )
    assert got[1][0] == 4 and got[1][2] is False
    assert got[1][1]["code"] == "H2" and got[1][1]["income"] is None
    assert [(f.row, f.column) for f in faults.faults] == [
        (4, "Họ tên chủ hộ"),
        (4, "Thu nhập"),
        (4, "Ngày"),
        (4, "Dân tộc thiểu số"),
    ]
    assert faults.rows == 1 and faults.count == 4
    assert faults.faults[1].value == "nhiều"
