"""The one error report, the one template writer and the one result type."""

import csv
import io
from pathlib import Path

from tamnong import tabular
from tamnong.tabular import Column, Fault, FaultLog, Outcome, open_table


def test_the_csv_report_has_a_bom_vietnamese_headers_and_escapes_formulas():
    text = tabular.report_csv(
        [Fault(3, "Thu nhập", "«=1+1» không phải là số.", "=1+1"), (4, "Mã xã", "Không có.")]
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Dòng", "Cột", "Lý do", "Giá trị"]
    assert rows[1] == ["3", "Thu nhập", "«=1+1» không phải là số.", "'=1+1"]
    assert rows[2] == ["4", "Mã xã", "Không có.", ""]
    assert tabular.escape_formula("-5") == "'-5" and tabular.escape_formula("@x") == "'@x"
    assert tabular.escape_formula(5) == 5


def test_the_report_can_leave_the_values_out():
    text = tabular.report_csv([Fault(3, "Thu nhập", "Thu nhập phải là số.", "abc")], values=False)
    assert "abc" not in text and "Giá trị" not in text


def test_the_xlsx_report_keeps_a_formula_looking_value_as_text():
    data = tabular.report_xlsx([Fault(2, "Ghi chú", "Dài quá.", '=HYPERLINK("x")')])
    rows = list(open_table(data, name="loi.xlsx"))
    assert rows[0] == ["Dòng", "Cột", "Lý do", "Giá trị"]
    assert rows[1] == [2.0, "Ghi chú", "Dài quá.", '=HYPERLINK("x")']


def test_a_fault_log_streams_every_fault_and_keeps_a_sample(tmp_path):
    log = FaultLog(keep=2, report=tmp_path / "loi.csv", values=False)
    for row in (2, 2, 5, 9):
        log.add(row, "Cột", "Lý do", "bí mật")
    assert (log.count, log.rows, len(log.faults)) == (4, 3, 2)
    path = log.close()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.count("Lý do") == 5 and "bí mật" not in text
    log.add(0, "", "Tệp trống.")
    log.discard()
    assert not log and not (tmp_path / "loi.csv").exists()


def test_an_outcome_counts_and_lists_faults():
    out = Outcome(rows=3)
    out.faults.add(2, "Năm", "Không hợp lệ.")
    out.refuse()
    assert (out.ok, out.rejected, out.skipped, out.committed) == (False, 1, 2, False)
    assert out.errors == [(2, "Năm", "Không hợp lệ.")]
    assert out.as_dict()["errors"] == [{"row": 2, "column": "Năm", "reason": "Không hợp lệ."}]


def test_the_template_has_a_frozen_header_and_its_example_on_another_sheet():
    from openpyxl import load_workbook

    columns = [
        Column("code", "Mã hộ", tabular.TEXT, True, "Mã định danh.", "H-01", width=20),
        Column("income", "Thu nhập", tabular.MONEY, False, "Số đồng.", 1_500_000),
        Column("note", "Ghi chú", tabular.TEXT, False, "", "=không phải công thức"),
    ]
    data = tabular.template_xlsx(columns, sheet="Hộ")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Hộ", "Ví dụ", "Hướng dẫn"]
    first = wb["Hộ"]
    assert [c.value for c in first[1]] == ["Mã hộ", "Thu nhập", "Ghi chú"]
    assert first.max_row == 1 and first.freeze_panes == "A2"
    assert first.column_dimensions["A"].width == 20 and first["A1"].font.bold
    assert [c.value for c in wb["Ví dụ"][2]] == ["H-01", 1_500_000, "=không phải công thức"]
    assert wb["Ví dụ"]["C2"].data_type == "s"
    guide = [[c.value for c in r] for r in wb["Hướng dẫn"].iter_rows()]
    assert guide[1] == ["Mã hộ", "Có", "chữ", "Mã định danh."]
    # the sheet to fill holds no record
    rows = list(open_table(data, name="mau.xlsx"))
    assert len(rows) == 1
    csv_rows = list(open_table(tabular.template_csv(columns), name="mau.csv"))
    assert csv_rows == [["Mã hộ", "Thu nhập", "Ghi chú"]]
