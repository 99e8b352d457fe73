"""Numbers on the council session and dossier pages follow the one formatting rule
(core.formatting): a spread of equal sheets reads "0", never "0.00" (issue 11, defect 5)."""

import re

import pytest

from tamnong.ocop import services
from tamnong.testing.ocop import (
    answers,
    council,
    forwarded_dossier,
    install_synthetic,
    producer_and_product,
)

from .test_pages import login


@pytest.fixture
def closed_with_equal_sheets(geo, personas):
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    session, members = council(geo, personas, n=3)
    services.add_to_session(personas.coordinator, session, [dossier])
    for m in members:
        services.submit_sheet(m, session, dossier, answers())
    services.close_session(personas.secretary, session)
    return session, dossier


def test_the_session_page_writes_a_zero_spread_the_vietnamese_way(
    client, personas, closed_with_equal_sheets
):
    session, _dossier = closed_with_equal_sheets
    login(client, personas.coordinator)
    page = client.get(f"/ocop/hoi-dong/{session.pk}/").content.decode()
    assert "Chênh lệch cao nhất – thấp nhất: 0<" in page
    assert not re.search(r"\d\.\d{2}\b", re.sub(r"<[^>]+>", " ", page))


def test_the_dossier_page_writes_a_zero_spread_the_vietnamese_way(
    client, personas, closed_with_equal_sheets
):
    _session, dossier = closed_with_equal_sheets
    login(client, personas.coordinator)
    page = client.get(f"/ocop/ho-so/{dossier.pk}/").content.decode()
    assert "Chênh lệch giữa các thành viên: 0 điểm" in page
    assert not re.search(r"\d\.\d{2}\b", re.sub(r"<[^>]+>", " ", page))
