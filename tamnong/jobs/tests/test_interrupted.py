"""A job whose worker died is marked interrupted, shown so, and runs again only when its owner
asks; the files a job owns are removed when it ends."""

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tamnong.audit.models import AuditEvent
from tamnong.jobs import files, leases, registry, services
from tamnong.jobs.models import Job, JobLease

CALLS: list[int] = []


@registry.job("test.remember", "Ghi nhớ lần chạy")
def remember(progress, n: int = 0, path: str = ""):
    CALLS.append(n)
    return {"n": n}


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def _worker_dies(job: Job) -> None:
    """What kill -9 does to the worker running `job`: its heartbeat stops (PostgreSQL: the lease
    runs out) and its process lets go of the job's lock file (SQLite)."""
    services._claims.pop(job.pk).release(forget_lease=False)
    JobLease.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def _claimed(user=None, **params) -> Job:
    job = services.enqueue("test.remember", user=user, **params)
    claimed = services.claim_next("worker-a")
    assert claimed.pk == job.pk and claimed.status == Job.Status.RUNNING
    return claimed


def test_a_job_whose_worker_died_is_marked_interrupted_and_never_run_again(db):
    job = _claimed(n=1)
    _worker_dies(job)
    services.work(once=True)  # another worker comes by: it sweeps, then drains the queue
    job.refresh_from_db()
    assert job.status == Job.Status.INTERRUPTED
    assert job.get_status_display() == "Bị gián đoạn"
    assert "không tự chạy lại" in job.message
    assert job.attempts == 1 and CALLS == []
    assert not Job.objects.filter(status=Job.Status.QUEUED, kind="test.remember").exists()
    services.work(once=True)
    assert CALLS == [] and Job.objects.get(pk=job.pk).status == Job.Status.INTERRUPTED


def test_a_live_job_is_not_marked_interrupted(db):
    job = _claimed(n=1)
    assert services.sweep_interrupted() == 0
    if leases.file_locks():
        # SQLite: the lock held by the running process decides, not the lease's clock
        JobLease.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(1))
        assert services.sweep_interrupted() == 0
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    services.run(job)
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE and CALLS == [1]


def test_the_heartbeat_renews_the_lease(db):
    job = _claimed()
    JobLease.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    beat = leases.Heartbeat(job.pk, "worker-a")
    beat.beat()
    assert JobLease.objects.get(pk=job.pk).expires_at > timezone.now() + dt.timedelta(seconds=20)


def test_the_job_page_marks_and_shows_an_interrupted_job_without_waiting_for_a_sweep(
    client, personas
):
    job = _claimed(user=personas.alice, n=1)
    _worker_dies(job)
    client.force_login(personas.alice)
    fragment = client.get(
        reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Bị gián đoạn" in fragment and "hx-trigger" not in fragment
    assert reverse("jobs:rerun", args=[job.pk]) in fragment
    assert Job.objects.get(pk=job.pk).status == Job.Status.INTERRUPTED
    # the API says so as well
    job2 = _claimed(user=personas.alice, n=2)
    _worker_dies(job2)
    assert client.get(f"/api/v1/jobs/{job2.pk}").json()["status"] == "interrupted"


def test_the_owner_reruns_an_interrupted_job_after_confirming_and_it_is_audited(client, personas):
    job = _claimed(user=personas.alice, n=7)
    _worker_dies(job)
    services.sweep_interrupted()
    client.force_login(personas.alice)
    url = reverse("jobs:rerun", args=[job.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Xác nhận chạy lại" in confirm.content.decode()
    assert Job.objects.count() == 1  # asking is not doing
    response = client.post(url)
    new = Job.objects.get(rerun_of=job)
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[new.pk]
    )
    assert (new.status, new.kind, new.params, new.created_by) == (
        Job.Status.QUEUED,
        "test.remember",
        {"n": 7},
        personas.alice,
    )
    event = AuditEvent.objects.get(model="jobs.Job", object_id=str(job.pk))
    assert event.actor == personas.alice and event.after["rerun"] == new.pk
    services.work(once=True)
    assert CALLS == [7]
    # once is enough: a second request is refused with a message
    again = client.post(url)
    assert again.status_code == 400 and "đã được chạy lại" in again.content.decode()
    assert Job.objects.filter(kind="test.remember").count() == 2


def test_only_the_owner_may_rerun_and_only_an_interrupted_job(client, personas):
    job = _claimed(user=personas.alice, n=1)
    _worker_dies(job)
    services.sweep_interrupted()
    Job.objects.filter(pk=job.pk).update(division=personas.alice.memberships.get().division)
    client.force_login(personas.coordinator)  # sees the job (scope) but did not start it
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200 and "Bị gián đoạn" in page.content.decode()
    assert reverse("jobs:rerun", args=[job.pk]) not in page.content.decode()
    assert client.post(reverse("jobs:rerun", args=[job.pk])).status_code == 403
    assert client.post(f"/api/v1/jobs/{job.pk}/rerun").status_code == 403
    client.force_login(personas.alice)
    done = services.run_now("test.remember", user=personas.alice)
    response = client.post(reverse("jobs:rerun", args=[done.pk]))
    assert response.status_code == 400 and "bị gián đoạn" in response.content.decode()
    assert not Job.objects.filter(rerun_of__isnull=False).exists()


def test_the_api_reruns_an_interrupted_job_for_its_owner(client, personas):
    job = _claimed(user=personas.alice, n=3)
    _worker_dies(job)
    client.force_login(personas.alice)
    response = client.post(f"/api/v1/jobs/{job.pk}/rerun")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued" and body["rerun_of_id"] == job.pk
    again = client.post(f"/api/v1/jobs/{job.pk}/rerun")
    assert again.status_code == 409 and "đã được chạy lại" in again.json()["detail"]
    client.force_login(personas.bob)
    assert client.post(f"/api/v1/jobs/{job.pk}/rerun").status_code == 404


def _owned_file(name="up.csv") -> str:
    folder = files.uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("ma_ho\n")
    return str(path)


def test_a_jobs_files_are_removed_when_it_ends_done_or_failed(db):
    done_file, failed_file = _owned_file("a.csv"), _owned_file("b.csv")
    services.run_now("test.remember", files=[done_file])
    assert not Path(done_file).exists()
    failed = services.run_now("test.remember", files=[failed_file], bogus=1)  # TypeError
    assert failed.status == Job.Status.FAILED
    assert not Path(failed_file).exists()
    assert Job.objects.filter(files=[]).count() == 2


def test_an_interrupted_job_keeps_its_file_for_the_rerun_which_then_owns_it(client, personas):
    path = _owned_file()
    job = services.enqueue("test.remember", user=personas.alice, files=[path], path=path, n=5)
    job = services.claim_next()
    _worker_dies(job)
    services.sweep_interrupted()
    assert Path(path).exists()
    new = services.rerun(personas.alice, Job.objects.get(pk=job.pk))
    assert Job.objects.get(pk=job.pk).files == [] and new.files == [path]
    services.work(once=True)
    assert CALLS == [5] and not Path(path).exists()


def test_the_daily_cleanup_removes_old_orphans_and_files_of_old_interrupted_jobs(
    personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    day_ago = time.time() - 25 * 3600
    old_orphan, young_orphan = _owned_file("old.csv"), _owned_file("young.csv")
    legacy = Path(settings.MEDIA_ROOT) / "poverty" / "uploads" / "tmpabc.xlsx"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("x")
    queued_file, interrupted_file = _owned_file("q.csv"), _owned_file("i.csv")
    for p in (old_orphan, legacy, queued_file, interrupted_file):
        os.utime(p, (day_ago, day_ago))
    job = services.enqueue("test.remember", user=personas.alice, files=[interrupted_file])
    _worker_dies(services.claim_next())
    services.enqueue("test.remember", files=[queued_file])
    services.sweep_interrupted()
    result = services.cleanup()
    assert result["orphans"] == 2 and result["expired_jobs"] == 0
    assert not Path(old_orphan).exists() and not legacy.exists()
    assert Path(young_orphan).exists() and Path(queued_file).exists()
    assert Path(interrupted_file).exists()  # its owner may still run it again
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    assert services.cleanup()["expired_jobs"] == 1
    assert not Path(interrupted_file).exists()
    refused = services.RerunRefused
    with pytest.raises(refused, match="không còn"):
        services.rerun(personas.alice, Job.objects.get(pk=job.pk))


def test_the_cleanup_is_a_daily_job(db):
    services.enqueue_daily(dt.date(2026, 11, 25))
    assert Job.objects.filter(kind="jobs.cleanup", unique_key="jobs.cleanup:2026-11-25").exists()


def test_a_cli_import_reads_the_operators_file_in_place_and_leaves_it(geo, tmp_path, settings):
    from django.core.management import call_command

    from tamnong.poverty.tests.helpers import row, write_csv

    settings.MEDIA_ROOT = tmp_path / "media"
    src = write_csv(tmp_path / "ho.csv", [row("H1"), row("H2")])
    call_command("import_households", str(src))
    job = Job.objects.get(kind="poverty.import")
    assert job.status == Job.Status.DONE and job.files == []
    assert job.params["path"] == str(src.resolve()) and src.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite: liveness by file lock")
def test_on_sqlite_the_lock_file_tells_a_dead_worker_at_once(db):
    job = _claimed()
    assert leases.lock_held(job.pk)
    services._claims.pop(job.pk).release(forget_lease=False)
    assert not leases.lock_held(job.pk)
    assert leases.is_dead(Job.objects.get(pk=job.pk))


@pytest.mark.django_db(transaction=True)
def test_a_worker_polling_while_a_command_starts_its_job_never_takes_it(monkeypatch):
    """`tamnong import` runs its job itself; a worker that polled between the job's creation and
    its claim took it, and the command failed ("could not be claimed", seen by bench/faults.py)."""
    import threading

    from django.db import OperationalError, connections

    taken: list = []
    real_enqueue = services.enqueue

    def enqueue_then_a_worker_polls(*args, **kwargs):
        job = real_enqueue(*args, **kwargs)

        def worker():
            try:
                taken.append(services.claim_next("worker-b"))
            except OperationalError:  # SQLite's shared in-memory test database: table locked
                taken.append(None)
            finally:
                connections.close_all()

        poll = threading.Thread(target=worker)
        poll.start()
        poll.join(2)  # on SQLite it waits for the command's transaction
        enqueue_then_a_worker_polls.poll = poll
        return job

    monkeypatch.setattr(services, "enqueue", enqueue_then_a_worker_polls)
    done = services.run_now("test.remember", n=7)
    enqueue_then_a_worker_polls.poll.join(60)
    assert done.status == Job.Status.DONE and done.worker != "worker-b"
    assert taken == [None] and CALLS == [7]
