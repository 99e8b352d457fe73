"""Load test: simulated users browsing dashboards, the public OCOP catalog and reports against the
production setup (gunicorn + PostgreSQL) on 127.0.0.1.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--households 20000] [--workers 4]
        [--replica]

Builds a fresh PostgreSQL database with the demo province (deterministic), starts gunicorn with
the production settings, lets each user log in (as one of the demo roles) and browse in a loop with
keep-alive connections. Floor: the same loop against /healthz (no database work beyond SELECT 1).
Prints one JSON line last: bench, errors, p99_ms, p50_ms, rps, report_rps, floor_p99_ms, ratio.

With --replica, a streaming replica of the primary is started (tools/replica.sh, port 5433) once
the database is built and has caught up, and the server runs with DATABASE_REPLICA_URL: reports,
dashboards, the catalog and the API's GET endpoints read from it (tamnong/core/dbrouter.py). The
CPU time of each cluster's backends serving the benchmark's database is read from /proc before
and after the measured loop: primary_cpu_share / replica_cpu_share are each
cluster's part of the two, primary_cpu_cores / replica_cpu_cores the cores each kept busy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, ROOT, emit, setup_django  # noqa: E402

PASSWORD = "TamNong@2025"
DB = os.environ.get("BENCH_LOAD_DB", "tn_bench_load")  # another name: two runs side by side
# (path, is_report). {division}, {commune} are filled from the demo province.
PAGES_BY_ROLE = {
    "dieuphoi": [
        ("/", False),
        ("/reports/", False),
        ("/reports/dashboard/", False),
        ("/reports/summary/?division={division}&period=2021-2025", True),
        ("/reports/summary/?division={division}&period=2025&format=json", True),
        ("/ocop/", False),
        ("/ntm/", False),
        ("/poverty/", False),
    ],
    "lanhdao": [
        ("/reports/dashboard/", False),
        ("/reports/summary/?division={division}&period=2021-2025", True),
        ("/api/v1/reports/summary?division={division}&period=2025", True),
    ],
    "canboxa": [
        ("/", False),
        ("/reports/dashboard/", False),
        ("/reports/summary/?division={commune}&period=2025", True),
        ("/divisions/{commune}/", False),
    ],
    None: [
        ("/ocop/danh-muc/", False),
        ("/ocop/danh-muc/?stars=4", False),
    ],  # the public, without login
}


class Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        h = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=h)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.conn.host, self.conn.port, timeout=30)
            self.conn.request(method, path, body=body, headers=h)
            resp = self.conn.getresponse()
        data = resp.read()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, data

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = f"csrfmiddlewaretoken={token}&username={username}&password={PASSWORD}"
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/accounts/login/",
            },
        )
        if status != 302:
            raise SystemExit(f"login failed for {username}: {status}")


def run_users(port: int, users: int, seconds: float, pages_for, warmup: float = 3.0):
    latencies, report_count, errors, lock = [], [0], [], threading.Lock()
    by_path: dict[str, list[float]] = {}
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def user(i: int) -> None:
        client = Client(port)
        username, pages = pages_for(i)
        if username:
            client.login(username)
        k = i
        while time.perf_counter() < stop_at:
            path, is_report = pages[k % len(pages)]
            k += 1
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except Exception as exc:  # noqa: BLE001 – every failure counts as an error
                status = f"{type(exc).__name__}"
            dt = time.perf_counter() - t0
            if t0 < start_at:
                continue
            with lock:
                latencies.append(dt)
                by_path.setdefault(path.split("?")[0], []).append(dt)
                if status != 200:
                    errors.append((path, status))
                elif is_report:
                    report_count[0] += 1

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    for path, values in sorted(by_path.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))] * 1000
        print(f"{len(values):6d} p50 {values[len(values) // 2] * 1000:8.1f} ms p99 {p99:8.1f} ms  {path}",
              file=sys.stderr)  # fmt: skip
    return {
        "requests": len(latencies),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "rps": round(len(latencies) / seconds, 1),
        "report_rps": round(report_count[0] / seconds, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
    }


def demo_database(engine: str, households: int, reuse: bool):
    """The demo province in database DB (tn_bench_load unless BENCH_LOAD_DB; built afresh unless `reuse`), with Django
    set up on it; returns (province, the commune officer's commune)."""
    if reuse:
        if engine == "postgres":
            os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / (DB + '.sqlite3')}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
        import django

        django.setup()
    else:
        setup_django(engine, DB)
    from django.core.management import call_command

    from tamnong.divisions.models import Division, Level

    if reuse:
        call_command("migrate", verbosity=0)
    else:
        call_command("divisions", "load", verbosity=0)
        call_command("import_ntm", "--builtin", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("demo", "--province", "20", "--households", str(households),
                         stdout=quiet)  # fmt: skip
    province = Division.objects.get(level=Level.PROVINCE, code="20", valid_to__isnull=True)
    commune = Division.objects.get(memberships__user__username="canboxa")
    return province, commune


REPLICA_PORT = 5433


def start_replica() -> str:
    """tools/replica.sh start, then wait until the replica has replayed everything written."""
    import psycopg

    subprocess.run([str(ROOT / "tools" / "replica.sh"), "start"], check=True, cwd=ROOT)
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as p:
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    url = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DB}"
    with psycopg.connect(url, autocommit=True) as r:
        for _ in range(600):
            lag = r.execute(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [target]
            ).fetchone()[0]
            if lag is not None and lag <= 0:
                break
            time.sleep(0.5)
    return url


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of stat)


def cluster_cpu(replica_url: str | None) -> dict[str, dict[int, int]]:
    """CPU ticks of the backends serving tn_bench_load on each cluster, by pid (the primary is
    shared with other databases on this machine: only this database's backends count)."""
    import psycopg

    urls = {"primary": "postgres://postgres@127.0.0.1:5432/postgres"}
    if replica_url:
        urls["replica"] = replica_url.rsplit("/", 1)[0] + "/postgres"
    out = {}
    for name, url in urls.items():
        with psycopg.connect(url, autocommit=True) as c:
            pids = c.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB]).fetchall()
        out[name] = {pid: _ticks(pid) for (pid,) in pids}
    return out


def cpu_shares(before: dict, after: dict, seconds: float) -> dict:
    """Each cluster's CPU over the loop: the ticks its backends gained (a backend opened during
    the loop counts from zero; one closed during it is missed, rare with DB_CONN_MAX_AGE=60)."""
    hz = os.sysconf("SC_CLK_TCK")
    used = {k: sum(t - before[k].get(pid, 0) for pid, t in after[k].items()) / hz for k in after}
    total = sum(used.values()) or 1
    out = {f"{k}_cpu_cores": round(v / seconds, 2) for k, v in used.items()}
    if "replica" in used:
        out |= {f"{k}_cpu_share": round(v / total, 2) for k, v in used.items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--households", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    ap.add_argument("--replica", action="store_true", help="reads on a streaming replica")
    args = ap.parse_args()

    province, commune = demo_database("postgres", args.households, args.reuse)
    replica_url = start_replica() if args.replica else None
    static_root = BENCH_DIR / "static"
    env = {
        **os.environ,
        "TAMNONG_ENV": "production",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        # Every simulated visitor comes from 127.0.0.1: lift the per-address limit of the public
        # pages, which would otherwise (rightly) answer 429 to this one address.
        "OCOP_PUBLIC_RATE_LIMIT": "1000000",
        **({"DATABASE_REPLICA_URL": replica_url} if replica_url else {}),
    }
    subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tamnong.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                if Client(args.port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        roles = list(PAGES_BY_ROLE)

        def pages_for(i):
            role = roles[i % len(roles)]
            pages = [
                (p.format(division=province.pk, commune=commune.pk), rep)
                for p, rep in PAGES_BY_ROLE[role]
            ]
            return role, pages

        floor = run_users(
            args.port, args.users, min(args.seconds, 15), lambda i: (None, [("/healthz", False)])
        )
        before = cluster_cpu(replica_url)
        t_run = time.perf_counter()
        result = run_users(args.port, args.users, args.seconds, pages_for)
        cpu = cpu_shares(before, cluster_cpu(replica_url), time.perf_counter() - t_run)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"errors sample: {result.pop('error_samples')}", file=sys.stderr)
    emit(
        "load",
        users=args.users,
        seconds=args.seconds,
        households=args.households,
        **result,
        floor_p99_ms=floor["p99_ms"],
        floor_rps=floor["rps"],
        ratio=round(result["p99_ms"] / floor["p99_ms"], 2) if floor["p99_ms"] else None,
        replica=bool(replica_url),
        **cpu,
    )


if __name__ == "__main__":
    main()
