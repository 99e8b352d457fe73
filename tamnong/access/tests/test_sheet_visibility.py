"""Council score sheets while a session is open: one rule on the dossier page, the session page and
the API (`ocop.services.permissions`): those who run the session (province staff of its scope, its
secretary) read them; the other readers, members included, once the session is closed."""

from __future__ import annotations

import pytest

from tamnong.conftest import PASSWORD
from tamnong.ocop import services
from tamnong.testing.ocop import (
    answers,
    dossier_in_session,
)

RUN_THE_SESSION = {"admin", "coordinator", "department", "secretary"}
SEE_THE_DOSSIER = RUN_THE_SESSION | {"alice", "producer", "council", "leader", "member"}


@pytest.fixture
def in_session(geo, personas):
    session, dossier, members = dossier_in_session(geo, personas)
    services.submit_sheet(members[0], session, dossier, answers(), "")
    return session, dossier, members


@pytest.mark.parametrize("who", sorted(SEE_THE_DOSSIER))
def test_sheets_of_an_open_session_html_and_api_agree(client, personas, in_session, who):
    session, dossier, members = in_session
    user = members[0] if who == "member" else getattr(personas, who)
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    cell = f"<td>{members[0]}</td>"
    shown = who in RUN_THE_SESSION
    page = client.get(f"/ocop/ho-so/{dossier.pk}/")
    assert page.status_code == 200
    assert (cell in page.content.decode()) is shown, "dossier page"
    api = client.get(f"/api/v1/ocop/dossiers/{dossier.pk}/sheets")
    assert api.status_code == 200
    assert bool(api.json()["items"]) is shown, "API"
    if who in RUN_THE_SESSION | {
        "member",
        "council",
        "leader",
    }:  # the session page is province-wide
        page = client.get(f"/ocop/hoi-dong/{session.pk}/")
        assert page.status_code == 200
        assert (cell in page.content.decode()) is shown, "session page"
