"""Numbers on the council session and dossier pages follow the one formatting rule
(core.formatting): a spread of equal sheets reads "0", never "0.00" (issue 11, defect 5)."""

import re

import pytest

from tamnong.ocop import services
from tamnong.testing.ocop import (
    answers,
    dossier_in_session,
    login,
)


@pytest.fixture
def closed_with_equal_sheets(geo, personas):
    session, dossier, members = dossier_in_session(geo, personas, n=3)
    for m in members:
        services.submit_sheet(m, session, dossier, answers())
    services.close_session(personas.secretary, session)
    return session, dossier


@pytest.mark.parametrize(
    "url, spread",
    [
        ("/ocop/hoi-dong/{session.pk}/", "Chênh lệch cao nhất – thấp nhất: 0<"),
        ("/ocop/ho-so/{dossier.pk}/", "Chênh lệch giữa các thành viên: 0 điểm"),
    ],
    ids=["session_page", "dossier_page"],
)
def test_the_page_writes_a_zero_spread_the_vietnamese_way(
    client, personas, closed_with_equal_sheets, url, spread
):
    session, dossier = closed_with_equal_sheets
    login(client, personas.coordinator)
    page = client.get(url.format(session=session, dossier=dossier)).content.decode()
    assert spread in page
    assert not re.search(r"\d\.\d{2}\b", re.sub(r"<[^>]+>", " ", page))
