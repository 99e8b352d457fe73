"""Adding people to a council session after it was set up (bổ sung thành phần phiên họp)."""

from tamnong.accounts.models import Role, User
from tamnong.audit.models import AuditEvent
from tamnong.ocop import services
from tamnong.ocop.models import Seat
from tamnong.testing.ocop import (
    answers,
    council,
    dossier_in_session,
    login,
    user_with,
)


def pk(username: str) -> int | str:
    """The id the page's select sends for a person (an unknown name sends a missing id)."""
    user = User.objects.filter(username__iexact=username).first() if username else None
    return user.pk if user else (999_999 if username else "")


def seats_of(session) -> dict[str, str]:
    return dict(session.seats.values_list("user__username", "role"))


def seat_from_the_page(client, session, user, username: str, role: str):
    """`user` logs in, finds the seat form on the session page and adds `username` as `role`."""
    url = f"/ocop/hoi-dong/{session.pk}/"
    login(client, user)
    assert 'id="seat-form"' in client.get(url).content.decode()
    return client.post(url, {"action": "seat", "user": pk(username), "role": role})


def test_the_coordinator_adds_a_member_from_the_session_page(client, geo, personas):
    session, _members = council(geo, personas)
    user_with("newcomer", geo.province, Role.COUNCIL_MEMBER)
    url = f"/ocop/hoi-dong/{session.pk}/"
    r = seat_from_the_page(client, session, personas.coordinator, "newcomer", "member")
    assert r.status_code == 302 and r["Location"] == url
    assert seats_of(session)["newcomer"] == Seat.Role.MEMBER
    assert "Đã bổ sung newcomer vào thành phần phiên." in client.get(url).content.decode()
    event = AuditEvent.objects.filter(note="Bổ sung thành phần phiên họp").get()
    assert event.after == {"added_seats": [["newcomer", "member"]]}


def test_the_session_secretary_adds_an_advisor(client, geo, personas):
    session, _members = council(geo, personas)
    user_with("tuvan", geo.province, Role.DEPARTMENT)
    r = seat_from_the_page(client, session, personas.secretary, "TUVAN", "advisor")
    assert r.status_code == 302
    assert seats_of(session)["tuvan"] == Seat.Role.ADVISOR


def test_a_member_or_a_commune_officer_cannot_add_people_and_is_logged(client, geo, personas):
    session, members = council(geo, personas)
    user_with("newcomer", geo.province, Role.COUNCIL_MEMBER)
    url = f"/ocop/hoi-dong/{session.pk}/"
    login(client, members[0])
    assert 'id="seat-form"' not in client.get(url).content.decode()
    r = client.post(url, {"action": "seat", "user": pk("newcomer"), "role": "member"})
    assert r.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=members[0]).exists()
    login(client, personas.alice)  # the session is outside a commune officer's scope: hidden
    r = client.post(url, {"action": "seat", "user": pk("newcomer"), "role": "member"})
    assert r.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=personas.alice).exists()
    assert "newcomer" not in seats_of(session)


def test_bad_additions_are_refused_with_a_message_and_change_nothing(client, geo, personas):
    session, members = council(geo, personas)
    url = f"/ocop/hoi-dong/{session.pk}/"
    login(client, personas.coordinator)
    before = seats_of(session)
    for data, message in (
        ({"user": pk("khongco"), "role": "member"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"user": pk(members[0].username), "role": "advisor"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"user": pk("alice"), "role": "member"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"user": pk("outsider"), "role": "member"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"user": pk("council"), "role": "boss"}, "boss không phải là một trong các lựa chọn"),
        ({"user": pk(""), "role": "member"}, "Trường này là bắt buộc"),
    ):
        r = client.post(url, {"action": "seat", **data})
        assert r.status_code == 400 and message in r.content.decode(), (data, r.content[-1500:])
    assert seats_of(session) == before


def test_once_scoring_started_only_non_scoring_seats_can_join(client, geo, personas):
    session, dossier, members = dossier_in_session(geo, personas)
    services.submit_sheet(members[0], session, dossier, answers())
    user_with("latecomer", geo.province, Role.COUNCIL_MEMBER)
    url = f"/ocop/hoi-dong/{session.pk}/"
    login(client, personas.coordinator)
    assert "chỉ bổ sung được thư ký hoặc tổ tư vấn" in client.get(url).content.decode()
    r = client.post(url, {"action": "seat", "user": pk("latecomer"), "role": "member"})
    assert r.status_code == 400 and "không bổ sung thành viên chấm điểm" in r.content.decode()
    assert (
        client.post(url, {"action": "seat", "user": pk("latecomer"), "role": "chair"}).status_code
        == 400
    )
    assert "latecomer" not in seats_of(session)
    r = client.post(url, {"action": "seat", "user": pk("latecomer"), "role": "advisor"})
    assert r.status_code == 302 and seats_of(session)["latecomer"] == Seat.Role.ADVISOR
    # After the close nobody joins, and the form is gone.
    for m in members[1:]:
        services.submit_sheet(m, session, dossier, answers())
    services.close_session(personas.secretary, session)
    user_with("toolate", geo.province, Role.COUNCIL_MEMBER)
    assert 'id="seat-form"' not in client.get(url).content.decode()
    r = client.post(url, {"action": "seat", "user": pk("toolate"), "role": "advisor"})
    assert r.status_code == 400 and "Phiên họp đã kết thúc" in r.content.decode()
    assert "toolate" not in seats_of(session)
