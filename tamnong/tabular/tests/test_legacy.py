"""TCVN3 (ABC) and VNI text converted to Unicode NFC, on known strings (issue 13, item 1).
The reader's detection is opt-in (`open_table(legacy=True)`) until its false positives on
some Unicode files are settled."""

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
