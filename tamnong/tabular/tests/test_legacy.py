"""TCVN3 (ABC) and VNI text converted to Unicode NFC, on known strings (issue 13, item 1); the
reader detects them in every import, and leaves Unicode, English and Western text alone."""

import unicodedata

import pytest

from tamnong.tabular import legacy, open_table
from tamnong.tabular.tests import files

TCVN3 = [
    ("Hµ Néi", "Hà Nội"),
    ("ViÖt Nam", "Việt Nam"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("Tr\u00adêng", "Trường"),
    ("¡n uèng", "Ăn uống"),
    ("thÞt lîn, gµ, v\u00adên ®åi", "thịt lợn, gà, vườn đồi"),
    ("mËt ong, rau cñ qu¶ t\u00ad\u00aci", "mật ong, rau củ quả tươi"),
]
VNI = [
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Haø Noäi", "Hà Nội"),
    ("Vieät Nam", "Việt Nam"),
    ("Tröôøng", "Trường"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Aên uoáng", "Ăn uống"),
    ("nghóa", "nghĩa"),
    ("VIEÄT NAM", "VIỆT NAM"),
]


@pytest.mark.parametrize(("typed", "unicode"), TCVN3)
def test_tcvn3_strings(typed, unicode):
    out = legacy.tcvn3_to_unicode(typed)
    assert out == unicode and unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize(("typed", "unicode"), VNI)
def test_vni_strings(typed, unicode):
    out = legacy.vni_to_unicode(typed)
    assert out == unicode and unicodedata.is_normalized("NFC", out)


def test_the_encoding_of_a_file_is_detected_from_its_texts():
    assert legacy.detect([t for t, _u in TCVN3]) == legacy.TCVN3
    assert legacy.detect([t for t, _u in VNI]) == legacy.VNI
    # Unicode Vietnamese, English, Windows-1252 names: nothing to convert
    assert legacy.detect([u for _t, u in TCVN3 + VNI]) is None
    assert legacy.detect(["Café Élan", "Hà Nội", "Xã An Bình", "12/03/2024"]) is None


def test_a_workbook_typed_in_tcvn3_is_read_as_unicode_and_says_so():
    rows = [
        ["Tªn s¶n phÈm", "Chñ thÓ", "X·"],
        ["MËt ong b¹c hµ", "HTX Nµ Ph¨c", "X· An B×nh"],
        [12, "", ""],
    ]
    table = open_table(files.xlsx(rows), name="cu.xlsx", legacy=True)
    assert table.legacy == legacy.TCVN3
    got = list(table)
    assert got[0] == ["Tên sản phẩm", "Chủ thể", "Xã"]
    assert got[1] == ["Mật ong bạc hà", "HTX Nà Phăc", "Xã An Bình"]
    assert got[2][0] == 12


def test_a_csv_typed_in_vni_is_read_as_unicode():
    text = "Teân saûn phaåm,Xaõ\r\nMaät ong,Xaõ An Bình\r\n"
    table = open_table(text.encode("cp1252"), name="vni.csv", legacy=True)
    assert table.legacy == legacy.VNI
    assert list(table)[1] == ["Mật ong", "Xã An Bình"]


def test_a_unicode_file_is_left_as_it_is():
    table = open_table(files.xlsx([["Tên sản phẩm"], ["Cà phê Élan"]]), name="u.xlsx", legacy=True)
    assert table.legacy is None and list(table)[1] == ["Cà phê Élan"]


# Text of Unicode files that holds Latin-1 letters no Vietnamese word has: never converted
NOT_LEGACY = [
    "Café Müller", "Größe (m²)", "Ø 12 mm", "São Paulo", "naïve", "25 °C", "Élève", "año",
    "Phở Hà Nội", "Trung tâm dịch vụ", "Số lượng ±5%", "Cà phê Ê Đê", "Nguyễn Thị Út",
    "Việt Nam",  # decomposed (NFD) Unicode from a Mac
    "Bảo hiểm y tế (BHYT)", "Copyright © 2024", "½ ha", "Ông Bà", "Kraków", "Zürich",
]  # fmt: skip
# as old office workbooks hold them: a province list in .VnTime, then in VNI-Times
TCVN3_ROWS = [
    ["STT", "Hä vµ tªn chñ hé", "§Þa chØ", "Ghi chó"],
    [1, "N«ng V¨n Tó", "Th«n Nµ Ph¨c, x· Nµ Ph¨c", "Hé nghÌo"],
    [2, "Hoµng ThÞ Lan", "B¶n Khu«i Khón", "Hé cËn nghÌo"],
    [3, "TriÖu V¨n §øc", "Th«n B¶n CÇu", ""],
]
VNI_ROWS = [
    ["STT", "Hoï vaø teân chuû hoä", "Ñòa chæ", "Ghi chuù"],
    [1, "Noâng Vaên Tuù", "Thoân Naø Phaëc, xaõ Naø Phaëc", "Hoä ngheøo"],
    [2, "Hoaøng Thò Lan", "Baûn Khuoâi Khuùn", "Hoä caän ngheøo"],
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_unicode_english_and_western_text_is_not_taken_for_a_legacy_encoding(text):
    assert legacy.detect([text]) is None
    assert legacy.detect(NOT_LEGACY) is None


def test_a_unicode_file_with_western_names_and_units_is_read_as_it_is():
    rows = [["Tên", "Ghi chú"]] + [[t, "m²"] for t in NOT_LEGACY]
    table = open_table(files.xlsx(rows), name="u.xlsx")
    assert table.legacy is None and [r[0] for r in list(table)[1:]] == NOT_LEGACY


def test_a_province_list_typed_in_tcvn3_is_detected_and_converted_by_default():
    table = open_table(files.xlsx(TCVN3_ROWS), name="ds.xlsx")
    assert table.legacy == legacy.TCVN3 and table.legacy_name == "TCVN3 (ABC)"
    got = list(table)
    assert got[0] == ["STT", "Họ và tên chủ hộ", "Địa chỉ", "Ghi chú"]
    assert got[1][1:] == ["Nông Văn Tú", "Thôn Nà Phăc, xã Nà Phăc", "Hộ nghèo"]
    assert got[3][1] == "Triệu Văn Đức"
    assert all(unicodedata.is_normalized("NFC", v) for r in got for v in r if isinstance(v, str))


def test_a_province_list_typed_in_vni_is_detected_and_converted_by_default():
    table = open_table(files.xlsx(VNI_ROWS), name="ds.xlsx")
    assert table.legacy == legacy.VNI
    got = list(table)
    assert got[0] == ["STT", "Họ và tên chủ hộ", "Địa chỉ", "Ghi chú"]
    assert got[1][1:] == ["Nông Văn Tú", "Thôn Nà Phặc, xã Nà Phặc", "Hộ nghèo"]
    assert got[2][1:] == ["Hoàng Thị Lan", "Bản Khuôi Khún", "Hộ cận nghèo"]


def test_a_syllable_is_an_onset_one_to_three_vowels_and_a_final():
    assert all(map(legacy.syllable, ["nghĩa", "Trường", "uống", "quả", "gì", "Đức", "khuya"]))
    assert not any(map(legacy.syllable, ["Müller", "Mỹller", "fộ", "ViÖt", "hàá", "Größe"]))
