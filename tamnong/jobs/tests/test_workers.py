"""Several workers claiming from one queue (PostgreSQL: real concurrent transactions on separate
connections, as workers on several machines; SQLite serialises writers, so it is skipped)."""

import threading

import pytest
from django.db import connection, connections, transaction

from tamnong.jobs import registry, services
from tamnong.jobs.models import Job, JobLease
from tamnong.testing.threads import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent workers)"
    ),
]


@registry.job("test.noop", "Không làm gì")
def noop(progress, n: int = 0):
    return {"n": n}


def test_two_workers_draining_one_queue_run_every_job_exactly_once(settings, tmp_path):
    settings.JOBS_FILES_DIR = tmp_path
    jobs = [services.enqueue("test.noop", n=n).pk for n in range(40)]
    claimed: dict[str, list[int]] = {"w1": [], "w2": []}

    def drain(name):
        while (job := services.claim_next(name)) is not None:
            claimed[name].append(job.pk)
            services.run(job)

    _results, errors = race([lambda name=name: drain(name) for name in claimed], timeout=120)
    assert errors == []
    everything = claimed["w1"] + claimed["w2"]
    assert sorted(everything) == sorted(jobs)  # each job once, none left behind
    assert Job.objects.filter(pk__in=jobs, status=Job.Status.DONE, attempts=1).count() == 40
    for name, pks in claimed.items():
        assert set(Job.objects.filter(pk__in=pks).values_list("worker", flat=True)) <= {name}
    assert not JobLease.objects.exists()


def test_a_worker_skips_a_job_another_worker_is_claiming_instead_of_waiting(settings, tmp_path):
    settings.JOBS_FILES_DIR = tmp_path
    first = services.enqueue("test.noop", n=1)
    second = services.enqueue("test.noop", n=2)
    locked, release = threading.Event(), threading.Event()

    def other_worker_mid_claim():
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker_mid_claim)
    thread.start()
    try:
        assert locked.wait(20)
        job = services.claim_next("w2")
    finally:
        release.set()
        thread.join(30)
    assert job.pk == second.pk
    services.run(job)
    assert Job.objects.get(pk=first.pk).status == Job.Status.QUEUED
