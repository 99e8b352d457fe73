"""The same cell means the same thing in every import of the platform."""

import csv
from decimal import Decimal

import pytest

from tamnong import tabular
from tamnong.access.actors import SYSTEM


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_one_thousand_five_hundred_is_the_same_amount_in_the_poverty_and_funding_imports(
    geo, personas, media
):
    from tamnong.poverty.importing import import_file
    from tamnong.poverty.models import ReviewRecord
    from tamnong.poverty.tests.helpers import row, write_csv
    from tamnong.reports import importing
    from tamnong.reports.catalog import load_catalog
    from tamnong.reports.models import FundingRecord

    assert import_file(write_csv(media / "ho.csv", [row("H1", income="1.500")]), user=SYSTEM).ok
    assert ReviewRecord.objects.get().income == 1500
    load_catalog()
    path = media / "von.csv"
    path.write_text(",".join(importing.HEADERS) + "\n01,,2025,ntm,nstw,1.500,0,\n", "utf-8")
    assert importing.import_funding(personas.coordinator, path).ok
    assert FundingRecord.objects.get().allocated == Decimal(1500)


def test_the_yes_no_words_mean_the_same_in_the_poverty_import_and_the_ntm_criteria(geo, media):
    from tamnong.ntm.criteria import NO, YES, parse_cell
    from tamnong.poverty.importing import HEADERS, import_file
    from tamnong.poverty.models import Household
    from tamnong.poverty.tests.helpers import row

    words = sorted(tabular.YES_WORDS | (tabular.NO_WORDS - {""}))
    path = media / "co-khong.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        for i, word in enumerate(words):
            out.writerow(row(f"W{i:02d}", ethnic=word.upper() if i % 2 else word))
    result = import_file(path, user=SYSTEM)
    assert result.ok, result.error_sample
    flags = dict(Household.objects.values_list("code", "ethnic_minority"))
    assert {words[int(code[1:])]: flag for code, flag in flags.items()} == {
        w: w in tabular.YES_WORDS for w in words
    }
    for word in words:
        if word.isdigit():  # a threshold cell is a number first
            assert parse_cell(word) == (None, word, None)
        else:
            assert parse_cell(word) == (None, YES if word in tabular.YES_WORDS else NO, None)
