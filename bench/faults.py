"""Fault injection for the job queue and the login lockout (issue 14, items 1 and 2).

    PYTHONPATH=. .venv/bin/python bench/faults.py --engine sqlite|postgres [--imports 20]

In a fresh database (var/bench/tn_harden_faults.sqlite3 or PostgreSQL tn_harden_faults):

1. N household imports of small files (--rows, default 2 000 new households each, one code
   prefix per file), alternately through the job worker (uploaded copy owned by the job, as the
   web page does) and through the CLI (`tamnong import households FILE`). Each import after the
   first is hit by `kill -9` at a random point (of the worker, or of the CLI process), from right
   after the job starts to a little after the time an import takes; a killed worker is started
   again at once, as a supervisor would. Then the script waits until 2 minutes after the last
   kill and counts, per file: rows half-written (neither 0 nor all rows), rows lost (a job done
   whose rows are not all there), jobs left "running", jobs run again without a request (more
   than one job, attempt or import batch for a file), and uploaded copies left behind by jobs
   that ended. Finally the owner re-runs one interrupted job, which must then import its file.
2. 50 parallel wrong-password logins to one account against gunicorn with 4 workers
   (TRUSTED_PROXIES=127.0.0.1, each request from its own forwarded address): how many had their
   password checked, whether the account is locked, whether the right password is then refused;
   and 50 parallel wrong logins over 50 accounts from one address (the address limit).
3. The public rate limit on the same 4 workers: 800 requests to the public catalog from one
   address within one minute; how many were let through (at most the limit per minute).

Prints one JSON line last: bench, engine, imports, rows_per_file, kills, done, interrupted,
interrupted_after_commit (killed after the import's commit, before the job recorded its end:
rows all there, job interrupted), rejected, rows_half_written, rows_lost,
jobs_running_after_2_min, reruns_without_request, uploads_left_behind,
max_seconds_to_interrupted, rerun_on_request_ok, login_*, spray_* and rate_* fields.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, ROOT, emit, rng, setup_django  # noqa: E402

NAME = "tn_harden_faults"
PORT = int(os.environ.get("FAULTS_PORT", "8107"))
PASSWORD = "Mat-khau-dung-2026"


def household_file(folder: Path, k: int, rows: int) -> Path:
    from openpyxl import Workbook

    from tamnong.poverty.importing import HEADERS

    path = folder / f"ho-{k:02d}.xlsx"
    r = rng(1000 + k)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ho")
    ws.append(HEADERS)
    for i in range(rows):
        c = r.randint(1, 100)
        ws.append([f"F{k:02d}-{i:05d}", 2025, f"99{c:03d}", "", f"Hộ {k}-{i}", 4, "", "",
                   "", r.randint(500_000, 4_000_000), "", ""])  # fmt: skip
    wb.save(path)
    return path


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def start_worker(log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tamnong.cli", "worker"],
        cwd=ROOT, env=child_env(), stdout=log, stderr=log,
    )  # fmt: skip


def wait_running(job_filter, timeout=60.0):
    """The job (matching `job_filter`) once it is running (or already finished)."""
    from tamnong.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.filter(**job_filter).order_by("-pk").first()
        if job is not None and job.status != Job.Status.QUEUED:
            return job
        time.sleep(0.02)
    raise SystemExit(f"no job started for {job_filter}")


def wait_finished(pk: int, timeout=600.0):
    from tamnong.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=pk)
        if job.finished:
            return job
        time.sleep(0.05)
    raise SystemExit(f"job {pk} did not finish")


def imports(args, user, folder: Path, log) -> dict:
    from django.core.files import File

    from tamnong.jobs import files, services
    from tamnong.jobs.models import Job
    from tamnong.poverty.models import Household, ImportBatch, ReviewRecord

    r = rng(args.seed)
    paths = [household_file(folder, k, args.rows) for k in range(args.imports)]
    worker = start_worker(log)
    kills: dict[int, float] = {}  # job pk → time of the kill
    jobs_of_file: dict[int, int] = {}

    # the first import runs to the end: how long an import takes here
    cli = subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "import", "households", str(paths[0]),
         "--user", user.username],
        cwd=ROOT, env=child_env(), stdout=log, stderr=log,
    )  # fmt: skip
    first = Job.objects.filter(kind="poverty.import").order_by("-pk").first()
    if cli.returncode != 0 or first.status != Job.Status.DONE:
        raise SystemExit(f"the calibration import failed: {first and first.error}")
    duration = (first.finished_at - first.started_at).total_seconds()
    jobs_of_file[0] = first.pk
    print(f"one import of {args.rows} rows: {duration:.2f}s", file=sys.stderr)

    for k in range(1, args.imports):
        delay = r.uniform(0.0, 1.3 * duration)
        last = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if k % 2:  # through the worker, as the upload page does
            with paths[k].open("rb") as fh:
                copy = files.save_upload(File(fh, name=paths[k].name))
            job = services.enqueue(
                "poverty.import", user=user, files=[copy], path=copy,
                user_id=user.pk, file_name=paths[k].name,
            )  # fmt: skip
            job = wait_running({"pk": job.pk})
            time.sleep(delay)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills[job.pk] = time.time()
            worker = start_worker(log)  # the supervisor starts it again
            how = "worker"
        else:  # through the CLI
            proc = subprocess.Popen(
                [sys.executable, "-m", "tamnong.cli", "import", "households", str(paths[k]),
                 "--user", user.username],
                cwd=ROOT, env=child_env(), stdout=log, stderr=log,
            )  # fmt: skip
            job = wait_running({"kind": "poverty.import", "pk__gt": last})
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills[job.pk] = time.time()
            how = "cli"
        jobs_of_file[k] = job.pk
        print(f"import {k:2d} ({how}): kill -9 after {delay:.2f}s", file=sys.stderr)

    # two minutes after the last kill, nothing may still be "running"
    time.sleep(max(0.0, 120 - (time.time() - max(kills.values()))))
    running = Job.objects.filter(status=Job.Status.RUNNING).count()

    done = interrupted = half = lost = after_commit = reruns = rejected = 0
    to_interrupted = []
    for k in range(args.imports):
        prefix = f"F{k:02d}-"
        households = Household.objects.filter(code__startswith=prefix).count()
        records = ReviewRecord.objects.filter(household__code__startswith=prefix).count()
        job = Job.objects.get(pk=jobs_of_file[k])
        if {households, records} - {0, args.rows} or households != records:
            half += 1
        if job.status == Job.Status.DONE and not (job.result or {}).get("ok"):
            rejected += 1  # a file refused whole (none of these files should be)
            print(f"file {k} rejected: {job.result.get('error_sample')}", file=sys.stderr)
        elif job.status == Job.Status.DONE:
            done += 1
            lost += records != args.rows
        elif job.status == Job.Status.INTERRUPTED:
            interrupted += 1
            after_commit += records == args.rows  # killed between the commit and the status
            to_interrupted.append(job.finished_at.timestamp() - kills[job.pk])
        batches = ImportBatch.objects.filter(file_name__in=[paths[k].name]).count()
        same_file = Job.objects.filter(kind="poverty.import", params__file_name=paths[k].name)
        reruns += max(0, batches - 1) + max(0, same_file.count() - 1) + max(0, job.attempts - 1)
    ended = Job.objects.filter(status__in=[Job.Status.DONE, Job.Status.FAILED])
    owned_by_ended = [f for files_ in ended.values_list("files", flat=True) for f in files_]
    live = {
        f
        for files_ in Job.objects.exclude(
            status__in=[Job.Status.DONE, Job.Status.FAILED]
        ).values_list("files", flat=True)
        for f in files_
    }
    left = [p for p in files.uploads_dir().glob("*") if str(p) not in live]

    # the owner asks for one interrupted worker import again: it runs and imports its file
    rerun_ok = None
    candidate = next(
        (
            Job.objects.get(pk=pk)
            for k, pk in sorted(jobs_of_file.items())
            if k % 2 and Job.objects.get(pk=pk).status == Job.Status.INTERRUPTED
        ),
        None,
    )
    if candidate is not None:
        new = services.rerun(user, candidate)
        new = wait_finished(new.pk)
        k = [k for k, pk in jobs_of_file.items() if pk == candidate.pk][0]
        rows = ReviewRecord.objects.filter(household__code__startswith=f"F{k:02d}-").count()
        rerun_ok = new.status == Job.Status.DONE and rows == args.rows
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    return {
        "imports": args.imports,
        "rows_per_file": args.rows,
        "kills": len(kills),
        "done": done,
        "interrupted": interrupted,
        "interrupted_after_commit": after_commit,
        "rejected": rejected,
        "rows_half_written": half,
        "rows_lost": lost,
        "jobs_running_after_2_min": running,
        "reruns_without_request": reruns,
        "uploads_left_behind": len(left) + len(owned_by_ended),
        "max_seconds_to_interrupted": round(max(to_interrupted), 1) if to_interrupted else None,
        "rerun_on_request_ok": rerun_ok,
    }


# -- logins ---------------------------------------------------------------------------------
def _login_once(forwarded: str | None, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"http://127.0.0.1:{PORT}/accounts/login/"
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = opener.open(urllib.request.Request(url, headers=headers), timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(url, data=data, headers={**headers, "Referer": url})
    return opener.open(request, timeout=120).read().decode()


def _burst(attempts) -> list[str]:
    barrier = threading.Barrier(len(attempts))
    pages = [""] * len(attempts)

    def go(i, forwarded, username, password):
        barrier.wait()
        try:
            pages[i] = _login_once(forwarded, username, password)
        except Exception as exc:  # counted as neither outcome
            pages[i] = f"error {exc}"

    threads = [threading.Thread(target=go, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return pages


def rate_limit(requests: int = 800, threads: int = 16) -> dict:
    """`requests` requests to the public catalog from one forwarded address, `threads` at a time,
    against the 4 workers, inside one minute of the fixed window (it waits for a fresh minute when
    less than 30 s are left): the requests let through per minute must not exceed the limit."""
    from collections import Counter

    from django.conf import settings

    if time.time() % 60 > 30:
        time.sleep(60 - time.time() % 60 + 0.5)
    url = f"http://127.0.0.1:{PORT}/ocop/danh-muc/"
    outcomes: list[tuple[int, int]] = []  # (minute the request was sent, status)
    lock = threading.Lock()
    todo = iter(range(requests))

    def go():
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            minute = int(time.time() // 60)
            request = urllib.request.Request(url, headers={"X-Forwarded-For": "192.0.2.50"})
            try:
                status = urllib.request.urlopen(request, timeout=120).status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            with lock:
                outcomes.append((minute, status))

    started = time.monotonic()
    pool = [threading.Thread(target=go) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(600)
    allowed = Counter(minute for minute, status in outcomes if status == 200)
    return {
        "rate_requests": len(outcomes),
        "rate_seconds": round(time.monotonic() - started, 1),
        "rate_allowed": sum(allowed.values()),
        "rate_refused_429": sum(status == 429 for _m, status in outcomes),
        "rate_errors": sum(status not in (200, 429) for _m, status in outcomes),
        "rate_max_allowed_per_minute": max(allowed.values(), default=0),
        "rate_limit_per_minute": settings.OCOP_PUBLIC_RATE_LIMIT,
    }


def logins(log) -> dict:
    from django.conf import settings

    from tamnong.accounts.models import LoginAddress, User

    User.objects.create_user(username="lanh-dao", password=PASSWORD)
    for n in range(50):
        User.objects.create_user(username=f"can-bo-{n:02d}", password=PASSWORD)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tamnong.wsgi", "--workers", "4",
         "--bind", f"127.0.0.1:{PORT}", "--timeout", "300"],
        cwd=ROOT, env=child_env({"TRUSTED_PROXIES": "127.0.0.1", "DEBUG": "0"}),
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        wrong = "Tên đăng nhập hoặc mật khẩu không đúng."
        locked = "tạm thời bị khóa"
        pages = _burst([(f"198.51.100.{i + 1}", "lanh-dao", f"doan-{i}") for i in range(50)])
        checked = sum(wrong in p for p in pages)
        refused = sum(locked in p for p in pages)
        right = _login_once("198.51.100.200", "lanh-dao", PASSWORD)
        account_locked = User.objects.get(username="lanh-dao").is_locked
        LoginAddress.objects.all().delete()
        spray = _burst([("203.0.113.9", f"can-bo-{n:02d}", "doan") for n in range(50)])
        spray_checked = sum(wrong in p for p in spray)
        return {
            "login_parallel": 50,
            "login_password_checked": checked,
            "login_refused_locked": refused,
            "login_errors": sum(p.startswith("error") for p in pages),
            "login_max_failures": settings.LOGIN_MAX_FAILURES,
            "login_account_locked": account_locked,
            "login_right_password_refused_after": locked in right,
            "spray_accounts": 50,
            "spray_password_checked": spray_checked,
            "spray_address_limit": settings.LOGIN_ADDRESS_MAX_FAILURES,
            **rate_limit(),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--imports", type=int, default=20)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--skip-logins", action="store_true")
    args = ap.parse_args()

    work = BENCH_DIR / f"faults-{args.engine}"
    if work.exists():
        import shutil

        shutil.rmtree(work)
    (work / "files").mkdir(parents=True)
    os.environ.update(
        {
            "JOBS_FILES_DIR": str(work / "jobs"),
            "MEDIA_ROOT": str(work / "media"),
            "DATA_CACHE_DIR": str(work / "cache"),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    setup_django(args.engine, NAME)
    from django.contrib.auth import get_user_model

    sys.path.insert(0, str(ROOT / "bench"))
    from poverty_import import province

    province()
    user = get_user_model().objects.create_superuser("faults", password=PASSWORD)
    with (work / "children.log").open("w") as log:
        result = imports(args, user, work / "files", log)
        if not args.skip_logins:
            result.update(logins(log))
    emit("faults", engine=args.engine, **result)


if __name__ == "__main__":
    main()
