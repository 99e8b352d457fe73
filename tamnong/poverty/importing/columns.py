"""The columns of a review file (tệp kết quả rà soát) and its templates."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from tamnong import tabular
from tamnong.tabular import Column
from tamnong.tabular.columns import loose_key

# The household code of the template's example row (sheet «Ví dụ»): a row with this code is
# refused ("dòng ví dụ"), so an example copied into the sheet to fill never becomes a household.
EXAMPLE_CODE = "VÍ-DỤ-00001"

# Headers are the file's format (Vietnamese in every language); help texts are translated.
COLUMNS = [
    Column(
        "code", "Mã hộ", tabular.Text(40), True,
        _("Mã định danh của hộ, không đổi qua các năm."), EXAMPLE_CODE, width=18,
    ),
    Column("year", "Năm rà soát", tabular.YEAR, True, _("Năm của kỳ rà soát (ví dụ 2025)."), 2025),
    Column(
        "commune", "Mã xã", tabular.TEXT, True,
        _(
            "Mã xã/phường theo bản đồ hành chính có hiệu lực ngày 31/12 của năm rà soát "
            "(trước 2025 có thể dùng mã xã cũ); không có thì dùng bản đồ hiện hành. Có thể ghi "
            "tên xã thay cho mã (có hoặc không có «xã/phường», có dấu hoặc không)."
        ),
        "06001",
    ),
    Column(
        "village", "Mã thôn", tabular.TEXT, False,
        _("Mã thôn/tổ dân phố (hiện hành) thuộc xã, hoặc tên thôn."), "06001.001",
    ),
    Column("head", "Họ tên chủ hộ", tabular.Text(150), True, _("Họ và tên chủ hộ."), "Hoàng Văn A"),
    Column(
        "members", "Số nhân khẩu", tabular.Integer(minimum=1, maximum=99), True,
        _("Số nhân khẩu của hộ (1–99)."), 4,
    ),
    Column(
        "area", "Khu vực", tabular.TEXT, False,
        _(
            "Nông thôn hoặc Thành thị; để trống: theo loại thôn/xã (tổ dân phố, phường: "
            "thành thị)."
        ),
        "Nông thôn",
    ),
    Column("ethnic", "Dân tộc thiểu số", tabular.YES_NO, False, _("Có/Không (hoặc 1/0, x)."), "Có"),
    Column("policy", "Hộ chính sách", tabular.YES_NO, False, _("Có/Không (hoặc 1/0, x)."), "Không"),
    Column(
        "income", "Thu nhập bình quân (đồng/người/tháng)", tabular.MONEY, True,
        _("Số đồng, không âm (1.500.000 hoặc 1500000); làm tròn đến đồng."), 1450000,
    ),
    Column(
        "housing", "Diện tích nhà ở (m²)", tabular.Number(), False,
        _(
            "Tổng diện tích nhà ở (dấu phẩy thập phân: 32,5); nếu chuẩn có chỉ số diện tích "
            "bình quân đầu người thì chỉ số đó được tính từ cột này."
        ),
        32,
    ),
    Column(
        "deprived", "Chỉ số thiếu hụt", tabular.TEXT, False,
        _(
            "Số thứ tự các chỉ số thiếu hụt theo chuẩn của năm, cách nhau bởi dấu phẩy "
            "(ví dụ 1,4,8)."
        ),
        "1,4,8",
    ),
]  # fmt: skip
HEADERS = [c.header for c in COLUMNS]

INDICATOR_PREFIX = "ind_"


def _indicator_key(name: str) -> str:
    return INDICATOR_PREFIX + loose_key(name).replace(" ", "_")


def _standards() -> list[tuple[int, list[dict]]]:
    from ..models import Standard

    return list(Standard.objects.order_by("first_year").values_list("id", "indicators"))


def indicator_columns() -> list[Column]:
    """A column per deprivation indicator of every standard, marked "x" (or Có/1) when the
    household is deprived: the ministry's review forms give the indicators so, one column each,
    under a group heading ("Chỉ số thiếu hụt dịch vụ xã hội cơ bản / Y tế / Dinh dưỡng"). Not in
    the product's own template, which lists the indicator numbers in «Chỉ số thiếu hụt»."""
    out: dict[str, Column] = {}
    for _id, indicators in _standards():
        for ind in indicators:
            key = _indicator_key(ind["name"])
            if key not in out:
                out[key] = Column(key, ind["name"], tabular.YES_NO, False)
    return list(out.values())


def indicator_numbers() -> dict[int, dict[str, int]]:
    """Standard id → {indicator column key: the indicator's number in that standard}."""
    return {
        pk: {_indicator_key(ind["name"]): ind["no"] for ind in indicators}
        for pk, indicators in _standards()
    }


def read_columns() -> list[Column]:
    """The columns a review file is read with: the template's, then one per indicator."""
    return COLUMNS + indicator_columns()


# -- the title block of a form: the year and the commune when the table has no column for them
_TITLE_YEAR = re.compile(r"\bnam (20[0-9]{2})\b")
_TITLE_COMMUNE = re.compile(
    r"^(?:ubnd |uy ban nhan dan )?(?:xa|phuong|thi tran)(?: (?:phuong|thi tran|xa))* ?:? (.+)$"
)


_TITLE_WORDS = ("danh sach", "ra soat", "ket qua", "ho ngheo", "can ngheo")


def title_values(rows: list[list]) -> dict[str, str]:
    """{"year": "2025", "commune": "An Bình"} as read in the rows above the header: "DANH SÁCH HỘ
    NGHÈO NĂM 2025", "Xã/phường: An Bình" or "UBND XÃ AN BÌNH". The year is the one of the form's
    title (a text naming the list or the review) before any other ("ban hành ngày … năm 2021"
    under it); the first commune named wins."""
    found: dict[str, str] = {}
    years: list[tuple[bool, str]] = []
    for row in rows:
        for value in row:
            text = tabular.cell_text(value)
            if not text:
                continue
            key = loose_key(text)
            if m := _TITLE_YEAR.search(key):
                years.append((any(w in key for w in _TITLE_WORDS), m.group(1)))
            if "commune" not in found and _TITLE_COMMUNE.match(key):
                # the name as written, after the unit word and an optional colon
                name = re.split(r":", text, maxsplit=1)[-1] if ":" in text else text
                name = re.sub(
                    r"^\s*(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+", "", name, flags=re.I
                )
                name = name.strip(" .")
                if name:
                    found["commune"] = name
    if years:
        found["year"] = next((y for titled, y in years if titled), years[0][1])
    return found


def template_xlsx() -> bytes:
    from django.utils.translation import gettext

    return tabular.template_xlsx(COLUMNS, sheet=gettext("Hộ"))


def template_csv() -> bytes:
    return tabular.template_csv(COLUMNS)
