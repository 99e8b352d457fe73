"""Whether the worker that claimed a job is still alive.

A worker that claims a job takes a lease on it (`JobLease`, expiring `JOBS_LEASE_SECONDS` after
the claim) and renews it every `JOBS_HEARTBEAT_SECONDS` from a thread with a database connection
of its own, so a job busy in a long COPY or a long transaction still renews it. When the process
dies (`kill -9`, out of memory, the machine lost) the renewals stop and the lease runs out: any
worker's sweep, or the job's page, then marks the job interrupted.

SQLite allows one writer at a time: while a job's import holds the write lock, no heartbeat could
be written and a live job would look dead. SQLite is on one machine by construction, so there the
lease is a lock (`flock`) on a file named after the job, held by the worker process for as long as
it runs the job and released by the kernel the moment the process dies, whatever killed it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Job, JobLease

log = logging.getLogger(__name__)


def file_locks() -> bool:
    """True when liveness is told by file locks (SQLite) rather than by lease expiry."""
    return connection.vendor == "sqlite"


def lock_dir() -> Path:
    """One folder per database, so two databases' job numbers never share a lock file."""
    name = str(connection.settings_dict["NAME"])
    key = hashlib.sha256(name.encode()).hexdigest()[:16]
    if "mode=memory" in name or name == ":memory:":  # only this process can reach it
        key += f"-{os.getpid()}"
    return Path(settings.JOBS_FILES_DIR) / "leases" / key


def _lock_path(job_pk: int) -> Path:
    return lock_dir() / f"{job_pk}.lock"


class FileLock:
    """An exclusive `flock` on the job's lock file, held while the job runs in this process."""

    def __init__(self, job_pk: int) -> None:
        self.path = _lock_path(job_pk)
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lock_held(job_pk: int) -> bool:
    """Is some live process holding the job's lock file? (SQLite liveness.)"""
    path = _lock_path(job_pk)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def remove_stale_locks() -> int:
    """Lock files that no process holds (a killed worker's): removed by the daily clean-up."""
    folder = Path(settings.JOBS_FILES_DIR) / "leases"
    removed = 0
    for path in folder.glob("*/*.lock") if folder.is_dir() else ():
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # held: its job is running
        else:
            path.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
            removed += 1
        finally:
            os.close(fd)
    return removed


def expiry(now=None):
    return (now or timezone.now()) + timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def is_dead(job: Job, now=None) -> bool:
    """A running job whose worker is gone (its lease ran out, or on SQLite its lock is free)."""
    if job.status != Job.Status.RUNNING:
        return False
    if file_locks():
        return not lock_held(job.pk)
    now = now or timezone.now()
    lease = JobLease.objects.filter(pk=job.pk).values_list("expires_at", flat=True).first()
    if lease is None:  # claimed before leases existed, or a claim half-recorded
        started = job.started_at or job.created_at
        return started is None or started < now - timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    return lease < now


class Heartbeat(threading.Thread):
    """Renews the lease of one job every JOBS_HEARTBEAT_SECONDS on this thread's own connection."""

    def __init__(self, job_pk: int, worker: str) -> None:
        super().__init__(name=f"job-{job_pk}-heartbeat", daemon=True)
        self.job_pk, self.worker = job_pk, worker
        self._halt = threading.Event()

    def beat(self) -> None:
        JobLease.objects.filter(pk=self.job_pk, worker=self.worker).update(expires_at=expiry())

    def run(self) -> None:
        try:
            while not self._halt.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except DatabaseError:  # the next beat tries again; the lease has slack
                    log.warning("lease of job %s not renewed", self.job_pk, exc_info=True)
                finally:
                    connection.close()  # hold no connection between beats
        finally:
            connection.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)
