import datetime as dt

import pytest
from django.urls import reverse

from tamnong.jobs import services
from tamnong.jobs.models import Job
from tamnong.testing.jobs import count, daily_job  # noqa: F401  registers test.count, test.daily


def test_the_worker_runs_queued_jobs_in_order_with_progress(db):
    first = services.enqueue("test.count", upto=3)
    second = services.enqueue("test.count", upto=2)
    assert services.work(once=True) >= 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Job.Status.DONE and first.result == {"counted": 3}
    assert (first.progress_done, first.progress_total, first.percent) == (3, 3, 100)
    assert first.finished_at <= second.started_at


def test_a_failing_job_records_its_error_and_the_worker_goes_on(db):
    bad = services.enqueue("test.count", upto=5, fail_at=3)
    good = services.enqueue("test.count", upto=1)
    services.work(once=True)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Job.Status.FAILED and "Dòng 3 không hợp lệ" in bad.error
    assert bad.progress_done == 2
    assert good.status == Job.Status.DONE


def test_a_job_is_claimed_only_once(db):
    job = services.enqueue("test.count")
    assert services.claim_next().pk == job.pk
    assert services.claim_next() is None


def test_unknown_kinds_are_refused_at_enqueue(db):
    with pytest.raises(LookupError):
        services.enqueue("test.nope")


def test_daily_jobs_are_enqueued_once_per_day(db):
    day = dt.date(2026, 11, 25)
    services.enqueue_daily(day)
    services.enqueue_daily(day)
    assert Job.objects.filter(kind="test.daily").count() == 1
    services.enqueue_daily(day + dt.timedelta(days=1))
    assert Job.objects.filter(kind="test.daily").count() == 2


def test_run_now_echoes_a_progress_line(db):
    lines = []
    job = services.run_now(
        "test.count", upto=4, echo=lambda j: lines.append(services.progress_line(j))
    )
    assert job.status == Job.Status.DONE
    assert any("100%" in line for line in lines)


def test_the_progress_page_polls_until_the_job_is_finished(client, personas):
    client.force_login(personas.alice)
    job = services.enqueue("test.count", user=personas.alice, upto=2)
    fragment = client.get(
        reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    services.work(once=True)
    fragment = client.get(
        reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-trigger" not in fragment and "Hoàn thành" in fragment
    assert client.get(f"/api/v1/jobs/{job.pk}").json()["percent"] == 100


def test_users_do_not_see_other_users_jobs_outside_their_scope(client, personas):
    job = services.enqueue("test.count", user=personas.alice)
    client.force_login(personas.bob)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
