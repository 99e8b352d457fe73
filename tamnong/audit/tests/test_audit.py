import datetime as dt

import pytest
from django.urls import reverse

from tamnong.audit.context import Actor, acting
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record_transition
from tamnong.decisions.models import Decision, ImmutableError
from tamnong.testing.decisions import decision


def test_creating_a_record_logs_who_when_what_and_from_where(personas, geo):
    with acting(Actor(user=personas.coordinator, origin="web", ip="10.0.0.7", user_agent="thử")):
        d = decision(geo.commune_a)
    event = AuditEvent.objects.get(model="decisions.Decision", object_id=str(d.pk))
    assert event.action == "create"
    assert event.actor == personas.coordinator
    assert (event.origin, event.ip, event.user_agent) == ("web", "10.0.0.7", "thử")
    assert event.after["number"] == "12/QĐ-UBND" and event.before is None
    assert event.division == geo.commune_a


def test_issued_decisions_cannot_be_changed_or_deleted(personas, geo):
    d = decision(geo.commune_a)
    d.subject = "Sửa lén"
    with pytest.raises(ImmutableError):
        d.save()
    with pytest.raises(ImmutableError):
        d.delete()
    assert Decision.objects.get(pk=d.pk).subject == "Công nhận xã NTM"


def test_a_correction_is_a_new_version_pointing_to_the_old(personas, geo):
    first = decision(geo.commune_a)
    with pytest.raises(Exception, match="lý do"):
        decision(geo.commune_a, number="12b/QĐ-UBND", supersedes=first)
    second = decision(
        geo.commune_a, number="15/QĐ-UBND", supersedes=first, correction_reason="Sai tên xã"
    )
    first.refresh_from_db()
    assert first.is_superseded and first.superseded_by == second
    assert [v.number for v in second.versions()] == ["12/QĐ-UBND", "15/QĐ-UBND"]
    assert [v.number for v in first.versions()] == ["12/QĐ-UBND", "15/QĐ-UBND"]


def test_transitions_are_logged_with_before_and_after_state(personas, geo):
    d = decision(geo.commune_a)
    with acting(Actor(user=personas.alice, origin="web")):
        record_transition(d, "draft", "submitted", note="gửi tỉnh")
    event = AuditEvent.objects.get(action="transition")
    assert (event.before, event.after, event.note) == (
        {"state": "draft"},
        {"state": "submitted"},
        "gửi tỉnh",
    )


def test_events_are_append_only(personas, geo):
    decision(geo.commune_a)
    event = AuditEvent.objects.first()
    event.note = "x"
    with pytest.raises(ValueError):
        event.save()


def test_coordinators_see_the_trail_of_their_scope_only(client, personas, geo):
    decision(geo.commune_a)  # in the province of `coordinator`
    Decision.objects.create(
        number="9/QĐ",
        signed_on=dt.date(2025, 9, 1),
        issuer="UBND",
        subject="x",
        kind="k",
        division=geo.other_commune,
    )
    client.force_login(personas.coordinator)
    page = client.get(reverse("audit:list"))
    reprs = [e.object_repr for e in page.context["page"]]
    assert any("12/QĐ-UBND" in r for r in reprs)
    assert not any("9/QĐ" in r for r in reprs)
    api = client.get("/api/v1/audit").json()
    assert api["count"] >= 1 and all("9/QĐ" not in e["object_repr"] for e in api["items"])


def test_web_requests_record_the_request_origin(client, personas, geo):
    client.force_login(personas.alice)
    client.post(
        reverse("divisions:detail", args=[geo.commune_a.pk]),
        {"name": "Thôn Mới", "kind": "thon"},
        REMOTE_ADDR="192.0.2.5",
        HTTP_USER_AGENT="Trình duyệt",
    )
    event = AuditEvent.objects.filter(action="create", object_repr="Thôn Mới").get()
    assert (event.actor, event.origin, event.ip, event.user_agent) == (
        personas.alice,
        "web",
        "192.0.2.5",
        "Trình duyệt",
    )
