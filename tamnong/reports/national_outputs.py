"""The national summary report as files: PDF and Excel, rendered by the province summary
report's own renderers (`reports.render.to_pdf`, `to_xlsx`) from the page's paragraphs and
comparison table (`reports.national`), so the three say the same."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import render
from .national import National, comparison_table, paragraphs
from .summary import Section, Summary

# The central level's issuer: the office of the national role that coordinates the programmes
# (Role.NATIONAL_COORDINATOR); the country has no People's Committee.
AGENCY = "VĂN PHÒNG ĐIỀU PHỐI TRUNG ƯƠNG"
PLACE = "Hà Nội"
NUMBER = "      /BC-VPĐPTW"
SIGNER = "CHÁNH VĂN PHÒNG"


def as_summary(data: National) -> Summary:
    """`data` as a summary report of the country: one section, the page's sentences and table."""
    note = _(
        "Số liệu mỗi tỉnh là số liệu của báo cáo tổng kết của tỉnh cùng kỳ; số toàn quốc là tổng "
        "các tỉnh, tỷ lệ tính lại từ các số đã cộng."
    )
    section = Section(
        key="national",
        title=_("Kết quả chung"),
        paragraphs=[*paragraphs(data), [note]],
        tables=[comparison_table(data)],
    )
    return Summary(
        division=data.total.division,
        period=data.period,
        generated_at=data.generated_at,
        sections=[section],
    )


def to_pdf(data: National) -> bytes:
    return render.to_pdf(
        as_summary(data), AGENCY, NUMBER, place=PLACE, signer=SIGNER, landscape=True
    )


def to_xlsx(data: National) -> bytes:
    return render.to_xlsx(as_summary(data))


def file_name(data: National) -> str:
    return f"bao-cao-toan-quoc-{data.period.start}-{data.period.end}"
