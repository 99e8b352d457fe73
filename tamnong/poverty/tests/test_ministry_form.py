"""The yearly review as the ministry's forms keep it (issue 13, item 4): one row per household, a
column per deprivation indicator marked "x", three header rows with merged cells under a title
block, read through the mapping shipped with the product for the standard form."""

import io

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter as letter

from tamnong.access.actors import SYSTEM
from tamnong.poverty.importing import import_file
from tamnong.poverty.models import Classification, Household, ReviewRecord
from tamnong.tabular.mapping import shipped_mappings
from tamnong.testing.poverty import MINISTRY_INDICATORS as INDICATORS

BEFORE = ["STT", "Họ và tên chủ hộ", "Mã số hộ", "Thôn/ấp/bản", "Số nhân khẩu",
          "Thu nhập bình quân đầu người/tháng (đồng)"]  # fmt: skip
AFTER = ["Dân tộc thiểu số", "Hộ chính sách", "Phân loại hộ", "Ghi chú"]
GROUP = "Các chỉ số thiếu hụt dịch vụ xã hội cơ bản"

# (code, head, village, members, income, deprived indicator numbers, ethnic, policy)
HOUSEHOLDS = [
    ("AB-001", "Lò Văn Páo", "Thôn A1", 5, 1_200_000, {1, 4, 7, 9}, True, False),  # poor
    ("AB-002", "Hoàng Thị Mai", "Thôn A2", 3, 1_400_000, {3}, True, True),  # near-poor
    ("AB-003", "Nông Văn Tâm", "Thôn A1", 4, 1_500_000, {2, 5, 6}, False, False),  # poor
    ("AB-004", "Triệu Thị Hoa", "", 2, 3_500_000, {1, 2, 3, 4}, False, True),  # above the line
    ("AB-005", "Ma Văn Sinh", "thon a2", 6, "900.000", set(), True, False),  # near-poor
]


def ministry_workbook(households=HOUSEHOLDS, *, commune_title="UBND XÃ AN BÌNH") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS ho ngheo"
    n_ind = sum(len(names) for _dim, names in INDICATORS)
    width = len(BEFORE) + n_ind + len(AFTER)
    last = letter(width)
    # the title block: the commune, the national motto, the form's title, its legal basis
    ws.append([commune_title] + [""] * 10 + ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append([""] * 11 + ["Độc lập - Tự do - Hạnh phúc"])
    ws.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"])
    ws.merge_cells(f"A3:{last}3")
    ws.append(["(Kèm theo Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021)"])
    ws.merge_cells(f"A4:{last}4")
    ws.append([])
    # three header rows: the group, the dimensions, the indicators
    top, middle, bottom = 6, 7, 8
    row1 = BEFORE + [GROUP] + [""] * (n_ind - 1) + AFTER
    row2 = [""] * len(BEFORE)
    row3 = [""] * len(BEFORE)
    for dim, names in INDICATORS:
        row2 += [dim] + [""] * (len(names) - 1)
        row3 += names
    row2 += [""] * len(AFTER)
    row3 += [""] * len(AFTER)
    for r in (row1, row2, row3):
        ws.append(r)
    for c in list(range(1, len(BEFORE) + 1)) + list(range(width - len(AFTER) + 1, width + 1)):
        ws.merge_cells(f"{letter(c)}{top}:{letter(c)}{bottom}")  # each plain column over 3 rows
    first_ind = len(BEFORE) + 1
    ws.merge_cells(f"{letter(first_ind)}{top}:{letter(first_ind + n_ind - 1)}{top}")
    c = first_ind
    for _dim, names in INDICATORS:
        ws.merge_cells(f"{letter(c)}{middle}:{letter(c + len(names) - 1)}{middle}")
        c += len(names)
    ws.append([f"({i})" for i in range(1, width + 1)])  # the column numbers under the header
    for i, (code, head, village, members, income, deprived, ethnic, policy) in enumerate(
        households, start=1
    ):
        marks = ["x" if n in deprived else "" for n in range(1, n_ind + 1)]
        ws.append(
            [i, head, code, village, members, income, *marks, "x" if ethnic else "",
             "x" if policy else "", "Hộ nghèo", ""]
        )  # fmt: skip
    ws.append([])
    ws.append(["", "Người lập biểu", "", "", "", "", "", "", "", "", "", "CHỦ TỊCH UBND XÃ"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_the_standard_form_mapping_ships_with_the_product():
    (form,) = shipped_mappings("poverty")
    assert form["mapping"]["Mã số hộ"] == "code" and "Thông tư 07/2021" in form["name"]


def test_a_ministry_form_with_three_header_rows_imports_with_the_right_counts(geo, media):
    path = media / "ds-ho-ngheo-2025.xlsx"
    path.write_bytes(ministry_workbook())
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    assert (result.rows, result.households, result.years, result.communes) == (5, 5, [2025], 1)
    records = {r.household.code: r for r in ReviewRecord.objects.select_related("household")}
    assert set(records) == {h[0] for h in HOUSEHOLDS}
    poor = records["AB-001"]
    assert poor.classification == Classification.POOR
    assert poor.deprivation_count == 4 and poor.household.commune == geo.commune_a
    assert records["AB-002"].classification == Classification.NEAR_POOR
    assert records["AB-003"].classification == Classification.POOR
    assert records["AB-005"].classification == Classification.NEAR_POOR
    assert records["AB-005"].income == 900_000
    assert records["AB-004"].classification not in (Classification.POOR, Classification.NEAR_POOR)
    households = {h.code: h for h in Household.objects.all()}
    assert households["AB-001"].division == geo.villages["A1"]
    assert households["AB-005"].division == geo.villages["A2"]  # by name, without diacritics
    assert households["AB-004"].division == geo.commune_a
    assert households["AB-002"].ethnic_minority and households["AB-002"].policy_household
    assert not households["AB-003"].ethnic_minority
    # the same file again matches the same households (idempotent)
    assert import_file(path, user=SYSTEM).ok
    assert ReviewRecord.objects.count() == 5 and Household.objects.count() == 5


def test_an_unknown_village_and_an_unknown_commune_name_are_faults_with_candidates(geo, media):
    path = media / "sai.xlsx"
    bad = [("AB-009", "Lò Văn A", "Thôn Z", 4, 1_000_000, {1}, False, False)]
    path.write_bytes(ministry_workbook(bad, commune_title="UBND XÃ AN BINH"))
    result = import_file(path, user=SYSTEM)
    assert [e[1:] for e in result.error_sample] == [("Mã thôn", "Mã thôn «Thôn Z» không có.")]
    path.write_bytes(ministry_workbook(commune_title="UBND XÃ AN BÌNH ĐÔNG"))
    result = import_file(path, user=SYSTEM)
    assert not result.ok and ReviewRecord.objects.count() == 0
    assert {e[1] for e in result.error_sample} == {"Mã xã"}
    assert result.error_sample[0][2] == (
        "Không tìm thấy xã «XÃ AN BÌNH ĐÔNG»; có phải: Xã An Bình (Tỉnh Mới, mã 10001)?"
    )


def test_the_preview_offers_the_shipped_mapping_for_the_form(geo, personas, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tamnong.tabular import preview

    upload = SimpleUploadedFile("ds.xlsx", ministry_workbook())
    pending = preview.stash(upload, "poverty", personas.alice)
    assert pending.mapping["Mã số hộ"] == "code"
    layout, _headers, refusal, _legacy = preview.read_layout(pending)
    assert not refusal
    assert {"code", "head", "members", "income", "ethnic", "policy"} <= layout.positions.keys()
    assert sum(k.startswith("ind_") for k in layout.positions) == 12
