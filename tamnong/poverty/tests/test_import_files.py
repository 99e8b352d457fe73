"""Review files as offices make them: read through the one tabular layer, or refused with a
Vietnamese message and nothing written."""

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.poverty.importing import HEADERS, import_file
from tamnong.poverty.models import Household, ImportBatch, PovertyFigure, ReviewRecord
from tamnong.poverty.tests.helpers import row, write_xlsx
from tamnong.tabular.tests import files


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def registered(geo, media):
    """Two households already imported: a refused file must leave them exactly as they are."""
    assert import_file(write_xlsx(media / "first.xlsx", [row("OLD1"), row("OLD2")]), user=SYSTEM).ok
    return counts()


def counts():
    return (Household.objects.count(), ReviewRecord.objects.count(), PovertyFigure.objects.count())


def csv_line(values, sep=",") -> str:
    out = []
    for v in values:
        text = str(v)
        out.append(f'"{text}"' if sep in text or '"' in text else text)
    return sep.join(out)


def test_a_semicolon_csv_with_a_bom_and_quoted_commas_from_vietnamese_excel(registered, media):
    path = media / "ho.csv"
    lines = [csv_line(HEADERS, ";")] + [
        csv_line(row("H1", head="Lò Văn A, con ông B", income="1.500.000", housing="32,5"), ";"),
        csv_line(row("H2", income="1 450 000", ethnic="x", policy="không"), ";"),
    ]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    h1 = ReviewRecord.objects.get(household__code="H1")
    assert (h1.income, h1.housing_area, h1.household.head_name) == (
        1_500_000,
        32.5,
        "Lò Văn A, con ông B",
    )
    h2 = Household.objects.get(code="H2")
    assert (h2.ethnic_minority, h2.policy_household) == (True, False)
    assert (result.created, result.updated) == (2, 0)


def test_a_windows_1258_csv_is_read_and_names_are_stored_composed(registered, media):
    path = media / "cp1258.csv"
    body = "\r\n".join(
        [csv_line(HEADERS), csv_line(row("H1", head="Nguyễn Thị Hường", ethnic="Có"))]
    )
    path.write_bytes(files.cp1258(body + "\r\n"))
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    assert Household.objects.get(code="H1").head_name == "Nguyễn Thị Hường"


def test_a_workbook_with_a_title_block_above_the_header(registered, media):
    data = files.xlsx(
        [
            ["ỦY BAN NHÂN DÂN XÃ AN BÌNH"],
            ["DANH SÁCH KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2025"],
            [],
            HEADERS,
            row("H1", deprived="1,2,3"),
            row("H2", income=2_500_000),
        ],
        merged=["A2:L2"],
    )
    path = media / "tieu-de.xlsx"
    path.write_bytes(data)
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    assert ReviewRecord.objects.count() == registered[1] + 2
    bad = files.xlsx([["DANH SÁCH"], HEADERS, row("H3", members=0)])
    (media / "bad.xlsx").write_bytes(bad)
    assert import_file(media / "bad.xlsx", user=SYSTEM).error_sample == [
        (3, "Số nhân khẩu", "Số nhân khẩu phải là số nguyên từ 1 đến 99.")
    ]


def test_an_xls_workbook_is_imported(registered, media):
    path = media / "ho-ngheo.xls"
    path.write_bytes(files.REVIEW_XLS.read_bytes())
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    got = dict(ReviewRecord.objects.filter(batch_id=result.batch_id).values_list(
        "household__code", "income"))  # fmt: skip
    assert got == {"XLS1": 1_500_000, "XLS2": 1_450_000}
    assert Household.objects.get(code="XLS1").ethnic_minority


def test_every_fault_of_a_row_is_reported(registered, media):
    rows = [row("H1", year=2031, commune="99999", members=0, income="nhiều", ethnic="có lẽ")]
    result = import_file(write_xlsx(media / "x.xlsx", rows), user=SYSTEM)
    assert [(e[0], e[1]) for e in result.error_sample] == [
        (2, "Năm rà soát"),
        (2, "Mã xã"),
        (2, "Số nhân khẩu"),
        (2, "Dân tộc thiểu số"),
        (2, "Thu nhập bình quân (đồng/người/tháng)"),
    ]
    assert (result.errors, result.rejected) == (5, 1)
    assert ImportBatch.objects.latest("pk").error_count == 1  # rows, as the page says
    assert counts() == registered


def test_one_thousand_five_hundred_in_the_housing_column_is_an_error_not_one_and_a_half(
    registered, media
):
    result = import_file(write_xlsx(media / "x.xlsx", [row("H1", housing="1.500")]), user=SYSTEM)
    assert result.error_sample[0][1] == "Diện tích nhà ở (m²)"
    assert "1500" in result.error_sample[0][2] and "1,5" in result.error_sample[0][2]
    assert counts() == registered


def test_formula_cells_give_their_value_and_text_beginning_with_equals_is_a_name(registered, media):
    data = files.xlsx([HEADERS, row("H1", head="=Lò Văn A", income="=1000000+450000")])
    data = files.with_cached_formula(data, "1000000+450000", "1450000")
    (media / "f.xlsx").write_bytes(data)
    # the text "=Lò Văn A" is a formula to openpyxl: Excel saved no value, so the head is missing
    result = import_file(media / "f.xlsx", user=SYSTEM)
    assert result.error_sample == [(2, "Họ tên chủ hộ", "Thiếu họ tên chủ hộ.")]
    path = media / "f.csv"
    path.write_text(
        "\r\n".join([csv_line(HEADERS), csv_line(row("H1", head="=Lò Văn A"))]), encoding="utf-8"
    )
    assert import_file(path, user=SYSTEM).ok
    assert Household.objects.get(code="H1").head_name == "=Lò Văn A"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("ho.xlsx", b"%PDF-1.4 not a workbook", "không phải là bảng tính"),
        ("ho.txt", "Mã hộ,Năm rà soát".encode(), "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"),
        ("ho.xlsx", files.docx_like(), "không chứa bảng tính"),
        ("ho.xlsx", files.PROTECTED_XLSX.read_bytes(), "mật khẩu"),
        ("ho.xlsx", files.zip_bomb(files.xlsx([HEADERS, row("H1")])), "giải nén"),
        ("ho.csv", b"", "Tệp trống."),
        ("ho.xlsx", files.xlsx([]), "Trang tính trống"),
        ("ho.csv", b"\r\n ; ;\r\n\r\n", "Trang tính trống"),
        ("ho.xlsx", files.xlsx([["STT", "Tên", "Ghi chú"], [1, "An", ""]]), "dòng tiêu đề"),
        ("ho.csv", "\ufeffSTT;Tên\r\n1;An\r\n".encode(), "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_vietnamese_and_nothing_is_written(
    registered, media, name, content, words
):
    path = media / name
    path.write_bytes(content)
    result = import_file(path, user=SYSTEM)
    assert not result.ok and result.error_sample[0][:2] == (0, "")
    assert words in result.error_sample[0][2]
    assert "zip" not in result.error_sample[0][2].lower()
    assert counts() == registered
    assert ImportBatch.objects.latest("pk").status == ImportBatch.Status.REJECTED


def test_a_two_megabyte_name_is_a_row_fault_and_nothing_is_written(registered, media):
    rows = [row("H1"), row("H2", head="Nguyễn " * 300_000)]
    result = import_file(write_xlsx(media / "dai.xlsx", rows), user=SYSTEM)
    assert result.error_sample == [(3, "Họ tên chủ hộ", "Họ tên chủ hộ dài quá 150 ký tự.")]
    assert counts() == registered


def test_a_hundred_thousand_empty_rows_are_no_data_and_nothing_is_written(registered, media):
    path = media / "trong.csv"
    path.write_text(csv_line(HEADERS) + "\n" + ",,,,,,,,,,,\n" * 100_000, encoding="utf-8")
    result = import_file(path, user=SYSTEM)
    assert [e[2] for e in result.error_sample] == ["Tệp không có dòng dữ liệu nào."]
    assert counts() == registered
    # the same rows after a data row are blank lines: passed over
    path.write_text(
        csv_line(HEADERS) + "\n" + csv_line(row("H1")) + "\n" + ",,,,,,,,,,,\n" * 100_000,
        encoding="utf-8",
    )
    assert import_file(path, user=SYSTEM).ok
    assert counts()[1] == registered[1] + 1


def test_a_csv_refused_after_its_first_megabyte_writes_nothing(registered, media):
    """The encoding is judged on the first megabyte; a bad byte further on refuses the file while
    its rows are being stored (on PostgreSQL: a second year sends it the staged way first)."""
    path = media / "dai.csv"
    rows = [csv_line(row(f"H{i:05d}", year=2024 + i % 2)) for i in range(22_000)]
    path.write_bytes(("\n".join([csv_line(HEADERS), *rows]) + "\n").encode() + b"H\xff,2025\n")
    assert path.stat().st_size > 1 << 20
    result = import_file(path, user=SYSTEM)
    assert result.error_sample[0][:2] == (0, "") and "UTF-8" in result.error_sample[0][2]
    assert counts() == registered
    assert import_file(
        write_xlsx(media / "again.xlsx", [row("H1")]), user=SYSTEM
    ).ok  # the connection is fine


def test_names_typed_in_tcvn3_under_the_template_header_are_stored_in_unicode(registered, media):
    rows = [
        row("T1", head="N«ng V¨n Tó", village="Th«n A1"),
        row("T2", head="Hoµng ThÞ Lan"),
        row("T3", head="TriÖu V¨n §øc", area="N«ng th«n"),
    ]
    result = import_file(write_xlsx(media / "abc.xlsx", rows), user=SYSTEM)
    assert result.ok, result.error_sample
    names = dict(Household.objects.filter(code__startswith="T").values_list("code", "head_name"))
    assert names == {"T1": "Nông Văn Tú", "T2": "Hoàng Thị Lan", "T3": "Triệu Văn Đức"}
    assert Household.objects.get(code="T1").division.name == "Thôn A1"


def test_the_preview_says_the_file_was_typed_in_tcvn3(registered, media, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tamnong.tabular import preview

    data = write_xlsx(media / "abc.xlsx", [row("T1", head="N«ng V¨n Tó")]).read_bytes()
    pending = preview.stash(SimpleUploadedFile("abc.xlsx", data), "poverty", personas.alice)
    assert preview.read_layout(pending)[3] == "TCVN3 (ABC)"
    assert counts() == registered


def test_a_windows_1252_csv_from_an_english_excel_is_read_and_not_taken_for_vni(registered, media):
    import unicodedata

    path = media / "ho-1252.csv"
    # the headers typed without diacritics, as an English Windows keyboard writes them
    plain = [
        "".join(c for c in unicodedata.normalize("NFD", h.replace("đ", "d")) if ord(c) < 0x300)
        for h in HEADERS
    ]
    lines = [csv_line(plain)] + [
        csv_line(row("W1", head="Lò Hà", income="1,450,000")),
        csv_line(row("W2", head="Müller Café, Zürich")),
        csv_line(row("W3", head="Châu Ô")),
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    names = dict(Household.objects.filter(code__startswith="W").values_list("code", "head_name"))
    assert names == {"W1": "Lò Hà", "W2": "Müller Café, Zürich", "W3": "Châu Ô"}
    assert ReviewRecord.objects.get(household__code="W1").income == 1_450_000
