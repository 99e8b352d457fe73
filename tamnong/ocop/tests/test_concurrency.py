"""Council members submitting at the same moment lose nothing (PostgreSQL: real concurrent
transactions on separate connections; SQLite serialises writers, so the test is skipped there)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tamnong.ocop import services
from tamnong.ocop.models import ScoreSheet
from tamnong.testing.ocop import (
    answers,
    dossier_in_session,
)
from tamnong.testing.threads import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent writers)"
    ),
]


def _setup(geo, personas):
    session, dossier, members = dossier_in_session(geo, personas, n=8)
    return dossier, session, members


def test_members_submitting_at_the_same_moment_lose_nothing(geo, personas):
    dossier, session, members = _setup(geo, personas)
    scores = [0, 10, 20, 35, 20, 10, 35, 20]
    calls = [
        (lambda m=m, c=c: services.submit_sheet(m, session, dossier, answers(c=c)))
        for m, c in zip(members, scores, strict=True)
    ]
    results, errors = race(calls)
    assert errors == [] and len(results) == 8
    assert ScoreSheet.objects.filter(dossier=dossier).count() == 8
    [scored] = services.close_session(personas.secretary, session)
    expected = sum(35 + c for c in scores) / 8
    assert float(scored.mean_score) == pytest.approx(expected, abs=0.005)


def test_one_member_submitting_twice_at_once_keeps_one_sheet(geo, personas):
    dossier, session, members = _setup(geo, personas)
    calls = [
        (lambda: services.submit_sheet(members[0], session, dossier, answers())) for _ in range(4)
    ]
    results, errors = race(calls)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, ValidationError) and "đã nộp phiếu" in str(e) for e in errors)
    assert ScoreSheet.objects.filter(dossier=dossier).count() == 1


def test_a_sheet_racing_the_close_is_either_counted_or_refused(geo, personas):
    dossier, session, members = _setup(geo, personas)
    for m in members[:6]:  # the quorum of eight seats (2/3, rounded up)
        services.submit_sheet(m, session, dossier, answers())
    calls = [
        lambda: services.close_session(personas.secretary, session, confirm_missing=True),
        lambda: services.submit_sheet(members[6], session, dossier, answers(c=35)),
    ]
    _results, errors = race(calls)
    dossier.refresh_from_db()
    sheets = ScoreSheet.objects.filter(dossier=dossier).count()
    assert dossier.result["sheets"] == sheets  # the result always counts every stored sheet
    assert len(errors) == (1 if sheets == 6 else 0)
