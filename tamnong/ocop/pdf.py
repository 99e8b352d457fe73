"""The A4 certificate (giấy chứng nhận sản phẩm OCOP) as PDF, with the vendored DejaVu Sans
embedded (Vietnamese diacritics) and a QR code to the public verification page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tamnong.core.formatting import date as vn_date
from tamnong.core.formatting import number as vn_number

from .models import Certificate

FONT_DIR = Path(settings.BASE_DIR) / "tamnong" / "static" / "fonts" / "dejavu"
REGULAR, BOLD = "TamNongSans", "TamNongSans-Bold"


def _fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def verification_url(cert: Certificate) -> str:
    return settings.SITE_URL + reverse("ocop:verify", args=[cert.public_id])


def qr_matrix(text: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_svg(text: str, scale: int = 4) -> str:
    """An inline SVG QR code for HTML pages (no image library, no network)."""
    m = qr_matrix(text)
    n = len(m)
    border = 4
    cells = "".join(
        f"M{x + border},{y + border}h1v1h-1z"
        for y, row in enumerate(m)
        for x, on in enumerate(row)
        if on
    )
    size = (n + 2 * border) * scale
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {n + 2 * border} {n + 2 * border}" role="img" aria-label="QR">'
        f'<rect width="100%" height="100%" fill="#fff"/><path d="{cells}" fill="#000"/></svg>'
    )


def _centre(c: canvas.Canvas, y: float, text: str, font: str = REGULAR, size: float = 12) -> None:
    c.setFont(font, size)
    c.drawCentredString(A4[0] / 2, y, text)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        trial = f"{line} {w}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width:
            line = trial
        else:
            lines.append(line)
            line = w
    if line:
        lines.append(line)
    return lines


def certificate_lines(cert: Certificate) -> list[str]:
    """The lines under the stars: decision, certificate number, product code (26/2026), dates."""
    lines = [
        f"Theo Quyết định số {cert.decision.number} ngày {vn_date(cert.decision.signed_on)}",
        f"của {cert.decision.issuer}",
        f"Số giấy chứng nhận: {cert.number}",
    ]
    if cert.product.ocop_code:
        lines.append(_("Mã số sản phẩm: %(ocop_code)s") % {"ocop_code": cert.product.ocop_code})
    lines.append(
        _("Ngày cấp: %(value)s    Có giá trị đến hết ngày: %(value2)s")
        % {
            "value": vn_date(cert.issued_on),
            "value2": vn_date(cert.expires_on - dt.timedelta(days=1)),
        }
    )
    return lines


def certificate_pdf(cert: Certificate) -> bytes:
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"Giấy chứng nhận sản phẩm OCOP {cert.number}")
    # searchable in the file (the drawn text is a font subset's glyph codes)
    c.setKeywords(" ".join(k for k in (cert.number, cert.product.ocop_code) if k))
    c.setAuthor(cert.decision.issuer)
    w, h = A4
    c.setStrokeColor(colors.HexColor("#a0522d"))
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setLineWidth(0.8)
    c.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)

    y = h - 32 * mm
    _centre(c, y, cert.decision.issuer.upper(), BOLD, 12)
    _centre(c, y - 6 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 11)
    _centre(c, y - 11 * mm, "Độc lập – Tự do – Hạnh phúc", REGULAR, 11)
    y -= 32 * mm
    c.setFillColor(colors.HexColor("#b22222"))
    _centre(c, y, "GIẤY CHỨNG NHẬN", BOLD, 26)
    _centre(c, y - 11 * mm, "SẢN PHẨM OCOP", BOLD, 20)
    c.setFillColor(colors.black)
    _centre(c, y - 19 * mm, "Chương trình Mỗi xã một sản phẩm", REGULAR, 11)
    y -= 36 * mm
    _centre(c, y, "Chứng nhận sản phẩm", REGULAR, 12)
    y -= 10 * mm
    for line in _wrap(cert.product.name.upper(), BOLD, 18, w - 50 * mm):
        _centre(c, y, line, BOLD, 18)
        y -= 8 * mm
    y -= 2 * mm
    _centre(c, y, f"Bộ sản phẩm: {cert.product.product_set}", REGULAR, 11)
    y -= 10 * mm
    _centre(c, y, "của chủ thể", REGULAR, 12)
    y -= 8 * mm
    for line in _wrap(cert.producer.name, BOLD, 14, w - 50 * mm):
        _centre(c, y, line, BOLD, 14)
        y -= 7 * mm
    _centre(c, y, cert.division.full_name(), REGULAR, 11)
    y -= 14 * mm
    c.setFillColor(colors.HexColor("#daa520"))
    _centre(c, y, "★" * cert.stars, BOLD, 34)
    c.setFillColor(colors.black)
    y -= 10 * mm
    _centre(c, y, f"Đạt hạng {cert.stars} sao", BOLD, 14)
    if cert.score is not None:
        _centre(c, y - 6 * mm, f"Điểm đánh giá: {vn_number(cert.score, 2)}/100", REGULAR, 11)
    y -= 18 * mm
    for line in certificate_lines(cert):
        _centre(c, y, line, REGULAR, 11)
        y -= 6.5 * mm

    url = verification_url(cert)
    matrix = qr_matrix(url)
    size = 34 * mm
    cell = size / len(matrix)
    x0, y0 = 24 * mm, 24 * mm
    c.setFillColor(colors.black)
    for row_i, row in enumerate(matrix):
        for col_i, on in enumerate(row):
            if on:
                c.rect(
                    x0 + col_i * cell, y0 + size - (row_i + 1) * cell, cell, cell, stroke=0, fill=1
                )
    c.linkURL(url, (x0, y0, x0 + size, y0 + size), relative=0)
    c.setFont(REGULAR, 8)
    c.drawString(
        x0 + size + 4 * mm, y0 + 20 * mm, "Quét mã QR để kiểm tra hiệu lực giấy chứng nhận:"
    )
    c.drawString(x0 + size + 4 * mm, y0 + 15 * mm, url)
    c.showPage()
    c.save()
    return buf.getvalue()
