"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC) and VNI, converted to Unicode (NFC).

Old office workbooks were typed with the .VnTime (TCVN3) or VNI-Times (VNI) fonts: the bytes of
those 8-bit encodings were stored as the Windows characters of the same codes, so a cell that
reads "Hà Nội" on the screen of that office holds "Hµ Néi" (TCVN3) or "Haø Noäi" (VNI).

- **TCVN3** (TCVN 5712:1993, table VN3, "ABC"): one byte a letter. The capitals Ă Â Ê Ô Ơ Ư Đ are
  0xA1–0xA7, the small letters ă â ê ô ơ ư đ 0xA8–0xAE, and every toned small letter has a byte
  of its own from 0xB5 (à) to 0xFE (ỵ), in the order of the standard: for each vowel the tones
  huyền, hỏi, ngã, sắc, nặng. Toned capitals are not in VN3 (offices used a second font,
  .VnTimeH, with the same codes), so they come out as small letters.
- **VNI** (VNI Windows): a base letter then a mark character: tones ø (huyền), ù (sắc), û (hỏi),
  õ (ngã), ï (nặng); â ô ê with â (circumflex) or à á å ã ä (circumflex and a tone); ă with ê
  (breve) or è é ú ü ë; ơ and ư are ô and ö, đ is ñ; the toned i are ì í æ ó ò and ỵ is î
  (capitals: the same in capitals).

Detection is per file, never per cell (a VNI "các" is "caùc", whose "ù" is also a Unicode
letter): text cells of the first rows holding characters no Vietnamese text has ("µ", "§",
"ä", "ø"…) and none beyond Latin-1 are tried with both tables, and an encoding is chosen when most
of them become Vietnamese syllables with it (`syllable`: "Café Müller", "m²" or "Zürich" never
do). The reader does this for every file (`reading.open_table`). `detect(texts)` returns "tcvn3",
"vni" or None; `row_converter(encoding)` converts the rows of such a file (see there and
`cell_converter` for which cells are left as they are).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

TCVN3, VNI = "tcvn3", "vni"
NAMES = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}

# -- TCVN3 ---------------------------------------------------------------------------------------
GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)  # the standard's order: huyền, hỏi, ngã, sắc, nặng


def _toned(base: str, tones=TONES) -> list[str]:
    return [unicodedata.normalize("NFC", base + t) for t in tones]


def _tcvn3_table() -> dict[str, str]:
    table = dict(zip(map(chr, range(0xA1, 0xA8)), "ĂÂÊÔƠƯĐ", strict=True))
    table |= dict(zip(map(chr, range(0xA8, 0xAF)), "ăâêôơưđ", strict=True))
    # (first code, vowel): the five toned forms of the vowel at consecutive codes
    runs = [
        (0xB5, "a"), (0xBB, "ă"), (0xC7, "â"), (0xCC, "e"), (0xD2, "ê"), (0xD7, "i"),
        (0xDF, "o"), (0xE5, "ô"), (0xEA, "ơ"), (0xEF, "u"), (0xF5, "ư"), (0xFA, "y"),
    ]  # fmt: skip
    # where a vowel's five codes are not consecutive: ặ is 0xC6, ẻ 0xCE (after è 0xCC), ĩ í ị
    # 0xDC–0xDE (after ì ỉ 0xD7–0xD8), ỏ 0xE1 (after ò 0xDF), ủ 0xF1 (after ù 0xEF)
    exceptions = {
        "ă": [0xBB, 0xBC, 0xBD, 0xBE, 0xC6],
        "e": [0xCC, 0xCE, 0xCF, 0xD0, 0xD1],
        "i": [0xD7, 0xD8, 0xDC, 0xDD, 0xDE],
        "o": [0xDF, 0xE1, 0xE2, 0xE3, 0xE4],
        "u": [0xEF, 0xF1, 0xF2, 0xF3, 0xF4],
    }
    for first, vowel in runs:
        codes = exceptions.get(vowel, list(range(first, first + 5)))
        for code, letter in zip(codes, _toned(vowel), strict=True):
            table[chr(code)] = letter
    return table


TCVN3_TABLE = _tcvn3_table()
TCVN3_SIGNS = frozenset(c for c in TCVN3_TABLE if not c.isalpha() or c == "µ")

# -- VNI -----------------------------------------------------------------------------------------
CIRC, BREVE, HORN = "\u0302", "\u0306", "\u031b"
_VNI_TONE = {"ø": GRAVE, "ù": ACUTE, "û": HOOK, "õ": TILDE, "ï": DOT}
_VNI_CIRC = {"â": "", "à": GRAVE, "á": ACUTE, "å": HOOK, "ã": TILDE, "ä": DOT}
_VNI_BREVE = {"ê": "", "è": GRAVE, "é": ACUTE, "ú": HOOK, "ü": TILDE, "ë": DOT}
_VNI_SINGLE = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}  # fmt: skip


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}

    def put(base: str, marks: dict[str, str], extra: str = "") -> None:
        for mark, tone in marks.items():
            for b in (base, base.upper()):  # "Aên": a capital, then a small mark
                for m in (mark, mark.upper()):
                    pairs[b + m] = unicodedata.normalize("NFC", b + extra + tone)

    for vowel in "aeouy":
        put(vowel, _VNI_TONE)
    for vowel in "aeo":
        put(vowel, _VNI_CIRC, CIRC)
    put("a", _VNI_BREVE, BREVE)
    for single, letter in (("ô", "ơ"), ("ö", "ư")):  # ơ, ư then a tone
        for mark, tone in _VNI_TONE.items():
            for b, out in ((single, letter), (single.upper(), letter.upper())):
                for m in (mark, mark.upper()):
                    pairs[b + m] = unicodedata.normalize("NFC", out + tone)
    return pairs


VNI_PAIRS = _vni_pairs()


def tcvn3_to_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(TCVN3_TABLE.get(c, c) for c in text))


def vni_to_unicode(text: str) -> str:
    return _vni(text)[0]


def _vni(text: str) -> tuple[str, int]:
    """The text converted, and how many base-and-mark pairs it held."""
    out, i, n, pairs = [], 0, len(text), 0
    while i < n:
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in VNI_PAIRS:
            out.append(VNI_PAIRS[pair])
            i += 2
            pairs += 1
            continue
        out.append(_VNI_SINGLE.get(text[i], text[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out)), pairs


CONVERT = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}


def convert(text: str, encoding: str | None) -> str:
    return CONVERT[encoding](text) if encoding else text


def cell_converter(encoding: str):
    """The conversion of one cell of a file typed in `encoding`. A cell holding a character
    beyond Latin-1 (which neither legacy encoding has) is Unicode already and left as it is: a
    header of the product's template ("Mã hộ") above rows pasted from an old workbook. In a
    TCVN3 file a cell is converted only when it also holds a character no Vietnamese text has,
    since a cell whose every letter is also a Vietnamese letter ("Mã xã") cannot be told apart;
    VNI marks are mostly such letters ("caùc"), so a VNI file's Latin-1 cells are all converted."""
    fn = CONVERT[encoding]
    tcvn = encoding == TCVN3

    def one(text: str) -> str:
        if max(text) > "\u00ff" or (tcvn and not _foreign(text)):
            return text
        return fn(text)

    return one


def row_converter(encoding: str):
    """The conversion of the rows of a file typed in `encoding`: each cell as `cell_converter`
    does it, and in a TCVN3 file also the cells that could be either ("Ghi chó" is "Ghi chú" in
    TCVN3) when a cell of the same row holds a sign only TCVN3 text has and none holds a letter
    beyond Latin-1: such a row was typed in the old font, whereas the product's header row
    ("Mã hộ", "Mã xã") is Unicode."""
    one = cell_converter(encoding)
    if encoding != TCVN3:
        return lambda row: [one(v) if v.__class__ is str and not v.isascii() else v for v in row]

    def convert_row(row: list) -> list:
        texts = [v for v in row if v.__class__ is str and not v.isascii()]
        if not texts:
            return row
        typed = all(max(v) <= "\u00ff" for v in texts) and any(_foreign(v) for v in texts)
        out = []
        for v in row:
            if v.__class__ is str and not v.isascii():
                v = tcvn3_to_unicode(v) if typed else one(v)
            out.append(v)
        return out

    return convert_row


# -- detection -----------------------------------------------------------------------------------
def _vietnamese_letters() -> frozenset[str]:
    letters = set("đĐ")
    for vowel in "aăâeêioôơuưy":
        for v in (vowel, vowel.upper()):
            letters.add(v)
            letters.update(_toned(v))
    return frozenset(c for c in letters if ord(c) > 0x7F)


VIETNAMESE = _vietnamese_letters()


def _foreign(text: str) -> int:
    """Letters in the Latin-1 range that no Vietnamese word has (µ, §, ä, ø, Ö…)."""
    return sum(1 for c in text if "\u00a0" < c <= "\u00ff" and c not in VIETNAMESE)


def _reads_vietnamese(text: str) -> bool:
    return not any(c.isalpha() and not c.isascii() and c not in VIETNAMESE for c in text)


def _bases() -> dict[str, tuple[str, int]]:
    """Each Vietnamese letter → (its letter without the tone, 1 if it had one)."""
    out: dict[str, tuple[str, int]] = {}
    for c in VIETNAMESE | set("aeiouy"):
        c = c.lower()
        parts = unicodedata.normalize("NFD", c)
        bare = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out[c] = (bare, int(bare != c))
    return out


_BASES = _bases()
_ONSETS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_NUCLEUS = frozenset("aăâeêioôơuưy")


def syllable(word: str) -> bool:
    """Whether a word is a Vietnamese syllable: an onset, one to three vowels, a final
    consonant, and at most one tone ("nghĩa", "Trường", "uống"; not "Müller", "Mỹller")."""
    letters, tones = [], 0
    for c in word.lower():
        bare, tone = _BASES.get(c, (c, 0))
        letters.append(bare)
        tones += tone
    if tones > 1:
        return False
    text = "".join(letters)
    for onset in _ONSETS:
        if not text.startswith(onset):
            continue
        rest = text[len(onset) :]
        for final in _FINALS:
            if final and not rest.endswith(final):
                continue
            core = rest[: len(rest) - len(final)]
            if 1 <= len(core) <= 3 and all(c in _NUCLEUS for c in core):
                return True
    return False


def _words(text: str) -> list[str]:
    out, word = [], []
    for c in text:
        if c.isalpha():
            word.append(c)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def _vietnamese_syllables(converted: str) -> int | None:
    """How many words of a converted text are Vietnamese syllables with a letter beyond ASCII;
    None when a word with such a letter is not a syllable (the conversion made no sense)."""
    n = 0
    for word in _words(converted):
        if word.isascii():
            continue
        if not syllable(word):
            return None
        n += 1
    return n


def detect(texts: Iterable[str]) -> str | None:
    """The legacy encoding the texts were typed in, or None (Unicode, or not Vietnamese).

    A text holding a character beyond Latin-1 is Unicode (neither legacy encoding has one) and is
    not looked at; nor is a text without a character no Vietnamese text has ("µ", "§", "ä", "ø").
    Each other text (a *suspect*) votes for the table that changes it into Vietnamese: every
    word with a letter beyond ASCII a Vietnamese syllable (one onset, one to three vowels, one
    final, at most one tone), so that "Café Müller", "Ø 12 mm" or "m²" vote for nothing. When
    both tables do, VNI wins if its marks follow their vowels as VNI is typed, TCVN3 otherwise
    ("ViÖt" is "Việt" in TCVN3; in VNI it would be "Vieät"). An encoding is chosen when more
    than half the suspects vote for it and they hold at least two converted syllables."""
    votes = {TCVN3: 0, VNI: 0}
    syllables = {TCVN3: 0, VNI: 0}
    suspects = 0
    for text in texts:
        if not text or text.isascii() or max(text) > "\u00ff":
            continue
        foreign = _foreign(text)
        if not foreign:
            continue
        suspects += 1
        vni, pairs = _vni(text)
        vni_n = _vietnamese_syllables(vni) if vni != text else None
        # TCVN3 text has signs no Western language writes as letters (µ ¸ · § ­…)
        tcvn = tcvn3_to_unicode(text) if any(c in TCVN3_SIGNS for c in text) else text
        tcvn_n = _vietnamese_syllables(tcvn) if tcvn != text else None
        if vni_n and (pairs * 2 >= foreign or not tcvn_n):
            votes[VNI] += 1
            syllables[VNI] += vni_n
        elif tcvn_n:
            votes[TCVN3] += 1
            syllables[TCVN3] += tcvn_n
    if not suspects:
        return None
    best = max(votes, key=lambda e: votes[e])
    if votes[best] * 2 > suspects and syllables[best] >= 2:
        return best
    return None
