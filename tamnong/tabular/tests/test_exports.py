"""Text that begins like a formula ("=HYPERLINK(…)", a name imported from a file) stays text in
every export: CSV cells are escaped, Excel cells are written as strings, never as formulas."""

import csv
import io
import zipfile

from openpyxl import load_workbook

EVIL = '=HYPERLINK("http://example.invalid","Xem")'


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_the_poverty_figures_workbook_keeps_a_formula_looking_unit_name_as_text():
    from tamnong.poverty.exports import report_xlsx

    figures = {"households": 10, "poor": 1, "poor_rate": 10, "near_poor": 2,
               "near_poor_rate": 20}  # fmt: skip
    data = {
        "year": 2025,
        "division": {"code": "01", "name": EVIL},
        "figures": {
            **figures,
            "standard": "07/2021/NĐ-CP",
            "children": [{"code": "10001", "name": EVIL, **figures}],
            "areas": {},
            "poor_deprived": {},
            "poor_deprived_share": {},
            "transitions": {},
        },
        "indicators": [{"no": 1, "name": EVIL}],
        "transition_labels": {},
    }
    out = report_xlsx(data)
    assert "<f>" not in _sheet_xml(out)
    ws = load_workbook(io.BytesIO(out))["Tong hop"]
    assert ws["B5"].value == EVIL and ws["B5"].data_type == "s"


def test_the_chart_csv_escapes_a_formula_looking_label():
    from tamnong.reports.dashboard import chart_csv
    from tamnong.reports.summary import Chart

    chart = Chart("k", "t", [EVIL, "Xã An"], [{"label": "=1+1", "data": [3, 4]}])
    rows = list(csv.reader(io.StringIO(chart_csv(chart).lstrip("\ufeff"))))
    assert rows[0] == ["", "'=1+1"]
    assert rows[1] == ["'" + EVIL, "3"]


def test_inert_formulas_turns_every_formula_looking_text_of_a_workbook_into_text():
    from openpyxl import Workbook

    from tamnong.tabular import inert_formulas

    wb = Workbook()
    wb.active.append(["=1+1", "text", 3])
    wb.create_sheet("two").append([EVIL])
    inert_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    assert "<f>" not in _sheet_xml(out.getvalue())
