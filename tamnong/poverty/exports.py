"""JSON and Excel forms of the poverty report (same data as the page)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from tamnong.core.formatting import percent

RATE_KEYS = ("poor_rate", "near_poor_rate")


def jsonable(value):
    """Decimals as strings ("0.69") with a Vietnamese rendering beside each rate ("0,69%")."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[str(k)] = jsonable(v)
            if k in RATE_KEYS:
                out[f"{k}_text"] = percent(v, 2, "vi")
        return out
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def report_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    fig = data["figures"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Tong hop"
    bold = Font(bold=True)
    ws.append(
        [
            _("Số liệu hộ nghèo, hộ cận nghèo năm %(year)s – %(name)s")
            % {"year": data["year"], "name": data["division"]["name"]}
        ]
    )
    ws["A1"].font = bold
    ws.append([_("Chuẩn nghèo: %(standard)s") % {"standard": fig["standard"]}])
    ws.append([])
    header = ["Mã", "Đơn vị", "Tổng số hộ", "Hộ nghèo", "Tỷ lệ hộ nghèo", "Hộ cận nghèo",
              "Tỷ lệ hộ cận nghèo"]  # fmt: skip
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = bold

    def line(code, name, f):
        ws.append([code, name, f["households"], f["poor"], _ratio(f["poor_rate"]), f["near_poor"],
                   _ratio(f["near_poor_rate"])])  # fmt: skip
        for col in (5, 7):
            ws.cell(ws.max_row, col).number_format = "0.00%"

    for child in fig.get("children", []):
        line(child["code"], child["name"], child)
    line(data["division"]["code"], "Tổng cộng", fig)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for area, label in (("rural", "Nông thôn"), ("urban", "Thành thị")):
        if area in fig["areas"]:
            line("", label, fig["areas"][area])

    prof = wb.create_sheet("Thieu hut")
    prof.append(
        [_("Chỉ số"), _("Tên chỉ số"), _("Số hộ nghèo thiếu hụt"), _("Tỷ lệ trong hộ nghèo")]
    )
    names = {str(i["no"]): i["name"] for i in data["indicators"]}
    for no, name in names.items():
        prof.append([int(no), name, fig["poor_deprived"].get(no, 0),
                     _ratio(fig["poor_deprived_share"].get(no))])  # fmt: skip
        prof.cell(prof.max_row, 4).number_format = "0.00%"

    trans = wb.create_sheet("Bien dong")
    trans.append([_("Biến động"), _("Số hộ")])
    for code, n in fig["transitions"].items():
        trans.append([data["transition_labels"].get(code, code), n])
    out = io.BytesIO()
    from tamnong.tabular import inert_formulas

    inert_formulas(wb)  # names from imported files stay text
    wb.save(out)
    return out.getvalue()


def _ratio(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate) / 100
