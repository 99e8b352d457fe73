"""Closing a council session: quorum from the regime's data, a confirmation when members have not
submitted, the reason of every "không đạt", and members chosen from the people with a council role."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tamnong.accounts.models import Role
from tamnong.audit.models import AuditEvent
from tamnong.ocop import services
from tamnong.ocop.models import CouncilSession, Dossier, Regime
from tamnong.testing.ocop import (
    answers,
    dossier_in_session,
    login,
    user_with,
)


@pytest.fixture
def three(geo, personas):
    """A session of three scoring members and one product in it."""
    session, dossier, members = dossier_in_session(geo, personas, n=3)
    return session, dossier, members


def test_the_quorum_is_regime_data(db):
    regime = Regime.objects.get(key="qd148-1489")
    assert str(regime.council_quorum) == "2/3"
    assert [regime.quorum_of(n) for n in (1, 2, 3, 5, 8)] == [1, 2, 2, 4, 6]


def test_closing_without_quorum_is_refused_in_vietnamese(three, personas):
    session, dossier, members = three
    services.submit_sheet(members[0], session, dossier, answers())
    with pytest.raises(ValidationError, match="Chưa đủ số phiếu để kết thúc phiên") as exc:
        services.close_session(personas.secretary, session, confirm_missing=True)
    assert "2/3" in str(exc.value) and "1 phiếu" in str(exc.value)
    session.refresh_from_db()
    dossier.refresh_from_db()
    assert session.state == CouncilSession.State.OPEN and dossier.state == Dossier.State.IN_SESSION


def test_closing_with_quorum_but_missing_members_needs_confirmation(three, personas):
    session, dossier, members = three
    for m in members[:2]:
        services.submit_sheet(m, session, dossier, answers())
    check = services.close_check(session)
    assert (check.seats, check.required) == (3, 2)
    assert [u.username for u in check.products[0].missing] == ["member2"]
    with pytest.raises(ValidationError, match="Còn thành viên chưa nộp phiếu: .*member2"):
        services.close_session(personas.secretary, session)
    [closed] = services.close_session(personas.secretary, session, confirm_missing=True)
    assert closed.state == Dossier.State.SCORED and closed.result["sheets"] == 2
    event = AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION).latest("pk")
    assert "member2" in event.note


def test_a_failing_result_carries_its_reason(three, personas):
    session, dossier, members = three
    for m, a in zip(members, [0, 0, 10], strict=True):  # 1.a (3★ minimum 10) met on 1 sheet of 3
        services.submit_sheet(m, session, dossier, answers(a=a, c=35))  # 60-70: the 3★ band
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    assert dossier.band == 3 and dossier.stars == 2
    assert dossier.state == Dossier.State.NOT_RECOGNISED
    reasons = services.result_reasons(dossier)
    assert reasons[0].startswith("Điểm trung bình đạt mức 3 sao nhưng không đạt tiêu chí bắt buộc")
    assert "Tiêu chí 1.a «Tiêu chí bắt buộc» (cần tối thiểu 10 điểm): 1/3 phiếu đạt." in reasons


def test_a_low_score_states_the_minimum(three, personas):
    session, dossier, members = three
    for m in members:
        services.submit_sheet(m, session, dossier, answers(m=0, c=0))  # 20 points
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    assert services.result_reasons(dossier) == [
        "Điểm trung bình 20,00 dưới 50 điểm, mức tối thiểu để đạt 3 sao."
    ]


def closed_page(client, three, personas, sheet: dict, url: str) -> str:
    """Every member of `three` submits `sheet`, the secretary closes the session; the page at
    `url` (formatted with the session and the dossier) as the coordinator reads it."""
    session, dossier, members = three
    for m in members:
        services.submit_sheet(m, session, dossier, sheet)
    services.close_session(personas.secretary, session)
    login(client, personas.coordinator)
    return client.get(url.format(session=session, dossier=dossier)).content.decode()


def test_the_session_page_shows_the_reason(client, three, personas):
    page = closed_page(client, three, personas, answers(a=0, c=35), "/ocop/hoi-dong/{session.pk}/")
    assert "Tiêu chí 1.a «Tiêu chí bắt buộc» (cần tối thiểu 10 điểm): 0/3 phiếu đạt." in page


def test_the_close_button_leads_to_a_confirmation_listing_who_is_missing(client, three, personas):
    session, dossier, members = three
    for m in members[:2]:
        services.submit_sheet(m, session, dossier, answers())
    url = f"/ocop/hoi-dong/{session.pk}/"
    login(client, personas.secretary)
    r = client.post(url, {"action": "close"})
    assert r.status_code == 302 and r["Location"] == f"{url}ket-thuc/"
    page = client.get(f"{url}ket-thuc/").content.decode()
    assert "member2" in page and "2/3" in page and 'name="confirm"' in page
    session.refresh_from_db()
    assert session.state == CouncilSession.State.OPEN
    r = client.post(f"{url}ket-thuc/", {"confirm": "1"})
    assert r.status_code == 302 and r["Location"] == url
    session.refresh_from_db()
    assert session.state == CouncilSession.State.CLOSED


def test_the_confirmation_refuses_without_quorum(client, three, personas):
    session, dossier, members = three
    services.submit_sheet(members[0], session, dossier, answers())
    url = f"/ocop/hoi-dong/{session.pk}/ket-thuc/"
    login(client, personas.secretary)
    page = client.get(url).content.decode()
    assert "Chưa đủ số phiếu" in page and 'name="confirm"' not in page
    r = client.post(url, {"confirm": "1"})
    assert r.status_code == 400 and "Chưa đủ số phiếu để kết thúc phiên" in r.content.decode()
    session.refresh_from_db()
    assert session.state == CouncilSession.State.OPEN


def test_members_are_chosen_from_people_with_a_council_role(client, geo, personas):
    user_with("tv-a", geo.province, Role.COUNCIL_MEMBER)
    user_with("tv-b", geo.province, Role.COUNCIL_MEMBER)
    login(client, personas.coordinator)
    page = client.get("/ocop/hoi-dong/them/").content.decode()
    assert 'type="checkbox"' in page and "tv-a" in page
    assert "alice" not in page  # a commune officer holds no council role
    assert 'name="members"' in page and "<textarea" not in page
    ids = {u.username: u.pk for u in services.council_candidates(geo.province)}
    assert "alice" not in ids and "tv-a" in ids
    data = {
        "name": "Phiên 2",
        "held_on": dt.date(2025, 10, 1).isoformat(),
        "members": [ids["tv-a"], personas.alice.pk],
        "secretary": ids["secretary"],
    }
    r = client.post("/ocop/hoi-dong/them/", data)
    assert r.status_code == 400 and not CouncilSession.objects.exists()
    assert (
        "Lựa chọn không hợp lệ" in r.content.decode() or "không phải là một" in r.content.decode()
    )
    data["members"] = [ids["tv-a"], ids["tv-b"]]
    r = client.post("/ocop/hoi-dong/them/", data)
    assert r.status_code == 302, r.content.decode()[-2000:]
    session = CouncilSession.objects.get()
    assert dict(session.seats.values_list("user__username", "role")) == {
        "tv-a": "member",
        "tv-b": "member",
        "secretary": "secretary",
    }


def test_the_service_rejects_a_member_without_the_role(geo, personas):
    with pytest.raises(ValidationError, match="không có vai trò Hội đồng"):
        services.create_session(
            personas.coordinator,
            division=geo.province,
            name="Phiên 3",
            held_on=dt.date(2025, 10, 1),
            seats=[(personas.alice, "member"), (personas.secretary, "secretary")],
        )


def test_the_dossier_page_states_the_reason_too(client, three, personas):
    page = closed_page(client, three, personas, answers(m=0, c=0), "/ocop/ho-so/{dossier.pk}/")
    assert "Lý do không đạt" in page
    assert "Điểm trung bình 20,00 dưới 50 điểm, mức tối thiểu để đạt 3 sao." in page
