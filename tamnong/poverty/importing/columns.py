"""The columns of a review file (tệp kết quả rà soát) and its templates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tamnong import tabular
from tamnong.tabular import Column

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
            "(trước 2025 có thể dùng mã xã cũ); không có thì dùng bản đồ hiện hành."
        ),
        "06001",
    ),
    Column(
        "village", "Mã thôn", tabular.TEXT, False,
        _("Mã thôn/tổ dân phố (hiện hành) thuộc xã."), "06001.001",
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


def template_xlsx() -> bytes:
    from django.utils.translation import gettext

    return tabular.template_xlsx(COLUMNS, sheet=gettext("Hộ"))


def template_csv() -> bytes:
    return tabular.template_csv(COLUMNS)
