"""Summary report outputs: Excel (one sheet per section), PDF (A4, Vietnamese administrative layout)
and JSON. The HTML page is a template (reports/summary.html)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from tamnong.core import formatting

from .summary import Figure, Summary, paragraph_text

FONT_DIR = Path(settings.BASE_DIR) / "tamnong" / "static" / "fonts" / "dejavu"


def _cell(value):
    if isinstance(value, Figure):
        value = value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(summary: Summary) -> str:
    return json.dumps(summary.as_dict(), ensure_ascii=False, indent=1)


# Excel number formats: real numbers shown the Vietnamese way by Excel's locale (45.583.000,
# 7,94, 22,22%); years stay plain integers.
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"


def _xlsx_cell(ws, row: int, col: int, value, unit: str = "", decimals: int | None = None):
    """Write one value as a real number with a number format (percentages as fractions with %)."""
    c = ws.cell(row, col)
    text = value.text if isinstance(value, Figure) else None
    value = _cell(value)
    if isinstance(value, str) and value.endswith("%"):
        parsed = _parse_vn_number(value[:-1])
        if parsed is not None:
            value, unit = parsed, "%"
    if isinstance(value, bool) or value is None or not isinstance(value, int | float):
        c.value = text if value is None and text else value
        return c
    if unit == "%" or (text or "").endswith("%"):
        c.value, c.number_format = float(value) / 100, PERCENT_FORMAT
    elif isinstance(value, int):
        c.value, c.number_format = value, INT_FORMAT
    else:
        c.value = value
        c.number_format = INT_FORMAT if decimals == 0 else DECIMAL_FORMAT
    return c


def _parse_vn_number(text: str):
    raw = text.strip().replace(".", "").replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def _year_like(value) -> bool:
    return isinstance(value, int) and 1900 <= value <= 2100


def to_xlsx(summary: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    cover = wb.active
    cover.title = "Tổng quan"
    cover.append([f"Báo cáo tổng kết – {summary.division.name}"])
    cover.append([f"Kỳ báo cáo: {summary.period}"])
    cover.append([f"Lập lúc: {formatting.date(summary.generated_at)}"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 70
    cover.freeze_panes = "A2"
    used = {"Tổng quan"}
    for sec in summary.sections:
        name = _sheet_name(sec.title, used)
        ws = wb.create_sheet(name)
        ws.append([sec.title])
        ws["A1"].font = Font(bold=True, size=13)
        freeze = "A2"
        widest = 2
        for para in sec.paragraphs:
            ws.append([paragraph_text(para)])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)
        for table in sec.tables:
            ws.append([])
            ws.append([table.title])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.append(table.columns)
            for c in range(1, len(table.columns) + 1):
                ws.cell(ws.max_row, c).font = Font(bold=True)
            if freeze == "A2":
                freeze = f"A{ws.max_row + 1}"  # the first table's header row stays in view
            widest = max(widest, len(table.columns))
            for row in table.rows:
                r = ws.max_row + 1
                for col, v in enumerate(row, start=1):
                    if _year_like(v) and "năm" in str(table.columns[col - 1]).lower():
                        ws.cell(r, col).value = v
                    else:
                        _xlsx_cell(ws, r, col, v)
        for chart in sec.charts:
            ws.append([])
            ws.append([chart.title])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.append(["", *chart.labels])
            for c in range(2, len(chart.labels) + 2):
                ws.cell(ws.max_row, c).font = Font(bold=True)
            widest = max(widest, len(chart.labels) + 1)
            for ds in chart.datasets:
                r = ws.max_row + 1
                ws.cell(r, 1).value = ds["label"]
                for col, v in enumerate(ds["data"], start=2):
                    _xlsx_cell(ws, r, col, v, unit=chart.unit, decimals=chart.decimals)
        ws.column_dimensions["A"].width = 60
        for col in range(2, widest + 1):
            ws.column_dimensions[get_column_letter(col)].width = 16
        ws.freeze_panes = freeze
    buf = io.BytesIO()
    from tamnong.tabular import inert_formulas

    inert_formulas(wb)  # names from imported files stay text
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """The section title with its diacritics, without the characters Excel forbids, at most
    31 characters and unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31].strip() or "Mục"
    base, n = name, 2
    while name in used:
        suffix = f" ({n})"
        name = f"{base[: 31 - len(suffix)].rstrip()}{suffix}"
        n += 1
    used.add(name)
    return name


def to_pdf(
    summary: Summary,
    agency: str | None = None,
    number: str = "      /BC-UBND",
    *,
    place: str | None = None,
    signer: str | None = None,
    landscape: bool = False,
) -> bytes:
    """A4 report with the national motto header, agency, number, place and date. A province's
    report is issued by its People's Committee in its own name; `agency`, `place` and `signer`
    name another issuer (the central level's report has no province). `landscape` lays wide
    tables (one row a province, a dozen figures) across the page: the first column wider, the
    others equal, numbers right-aligned."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    if "TN-Sans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TN-Sans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("TN-Sans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("TN-Sans", normal="TN-Sans", bold="TN-Sans-Bold")
    base = ParagraphStyle(
        "base", fontName="TN-Sans", fontSize=10.5, leading=14, alignment=TA_JUSTIFY
    )
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    bold_center = ParagraphStyle("bc", parent=center, fontName="TN-Sans-Bold")
    title = ParagraphStyle("title", parent=bold_center, fontSize=14, leading=18, spaceBefore=12)
    heading = ParagraphStyle(
        "h",
        parent=base,
        fontName="TN-Sans-Bold",
        fontSize=11.5,
        spaceBefore=10,
        spaceAfter=4,
        keepWithNext=True,
    )
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=11, alignment=0)
    if landscape:
        cell = ParagraphStyle("cell", parent=cell, fontSize=8, leading=10)
    number_cell = ParagraphStyle("num", parent=cell, alignment=TA_RIGHT)
    pagesize = turned(A4) if landscape else A4
    left, right = (2 * cm, 2 * cm) if landscape else (3 * cm, 2 * cm)
    frame_width = pagesize[0] - left - right
    caption = ParagraphStyle(
        "caption", parent=base, keepWithNext=True
    )  # a title stays with its table

    division = summary.division
    province = division.province or division
    place = place or re.sub(r"^(Tỉnh|Thành phố)\s+", "", province.name)
    agency = agency or f"UBND {province.name.upper()}"
    signer = signer or f"TM. {agency}"
    today = report_day(summary.generated_at)
    header = Table(
        [
            [
                Paragraph(f"<b>{_esc(agency)}</b>", center),
                Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", center),
            ],
            [Paragraph("―――――", center), Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", center)],
            [
                Paragraph(f"Số: {number}", center),
                Paragraph(
                    f"<i>{_esc(place)}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}</i>",
                    center,
                ),
            ],
        ],
        colWidths=[7 * cm, 10 * cm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        header,
        Spacer(1, 10),
        Paragraph("BÁO CÁO", title),
        Paragraph(
            f"Tổng kết thực hiện các Chương trình mục tiêu quốc gia – {_esc(division.name)}, "
            f"kỳ {summary.period}",
            bold_center,
        ),
        Spacer(1, 8),
    ]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    for i, sec in enumerate(summary.sections):
        story.append(Paragraph(f"{roman[i % 10]}. {_esc(sec.title.upper())}", heading))
        for para in sec.paragraphs:
            story.append(Paragraph(_esc(paragraph_text(para)), base))
            story.append(Spacer(1, 3))
        for table in sec.tables:
            story.append(Paragraph(f"<b>{_esc(table.title)}</b>", caption))
            data = [[Paragraph(f"<b>{_esc(c)}</b>", cell) for c in table.columns]]
            numeric = set(table.numeric) if landscape else set()
            for row in table.rows:
                data.append(
                    [
                        Paragraph(
                            _esc(formatting.cell(v)),
                            number_cell if i in numeric else cell,
                        )
                        for i, v in enumerate(row)
                    ]
                )
            widths = None
            if landscape and len(table.columns) > 1:
                first = min(4.5 * cm, frame_width / 4)
                rest = (frame_width - first) / (len(table.columns) - 1)
                widths = [first] + [rest] * (len(table.columns) - 1)
            t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [t, Spacer(1, 6)]
        for chart in sec.charts:
            if not chart.labels or not chart.datasets:
                continue
            # The legend sits under the chart, one line per series, inside the drawing (never
            # clipped at its right edge); the caption stays on the page of its chart.
            legend_h = 14 * len(chart.datasets)
            drawing = Drawing(16 * cm, 5.8 * cm + legend_h)
            bc = VerticalBarChart()
            bc.x, bc.y, bc.width, bc.height = 40, 25 + legend_h, 14 * cm, 4 * cm
            bc.data = [[float(v or 0) for v in ds["data"]] for ds in chart.datasets]
            bc.categoryAxis.categoryNames = chart.labels
            bc.categoryAxis.labels.fontName = bc.valueAxis.labels.fontName = "TN-Sans"
            bc.valueAxis.valueMin = 0
            bc.valueAxis.labelTextFormat = lambda v: formatting.number(v, lang="vi")
            palette = [
                colors.HexColor("#2a7ab0"),
                colors.HexColor("#e08a1e"),
                colors.HexColor("#4a9a4a"),
            ]
            for k in range(len(bc.data)):
                bc.bars[k].fillColor = palette[k % len(palette)]
            drawing.add(bc)
            legend = Legend()
            legend.x, legend.y, legend.fontName = 40, legend_h + 2, "TN-Sans"
            legend.alignment = "right"
            legend.columnMaximum = max(1, len(chart.datasets))
            legend.fontSize = 8
            legend.colorNamePairs = [
                (palette[k % len(palette)], ds["label"]) for k, ds in enumerate(chart.datasets)
            ]
            drawing.add(legend)
            story.append(KeepTogether([Paragraph(f"<i>{_esc(chart.title)}</i>", base), drawing]))
    story += [
        Spacer(1, 18),
        Table(
            [
                [
                    Paragraph("<b><i>Nơi nhận:</i></b><br/>- Như trên;<br/>- Lưu: VT.", cell),
                    Paragraph(f"<b>{_esc(signer)}</b>", center),
                ]
            ],
            colWidths=[8 * cm, 9 * cm],
        ),
    ]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Báo cáo tổng kết {division.name} {summary.period}",
        author="Tam Nông",
    )
    doc.build(story)
    return buf.getvalue()


def report_day(generated_at):
    """The report's date in local time (settings.TIME_ZONE, Asia/Ho_Chi_Minh): the header's
    "ngày … tháng … năm …" and the body's "lập lúc" are the same day."""
    from django.utils import timezone

    if timezone.is_aware(generated_at):
        generated_at = timezone.localtime(generated_at)
    return generated_at.date() if hasattr(generated_at, "date") else generated_at


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
