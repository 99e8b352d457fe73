"""Shared helpers for the benchmark scripts in bench/ (keep this small and stable).

    from _common import setup_django, rng, timed, median, peak_rss_mb, emit

- `setup_django(engine, name)`: point Django at a FRESH database ("sqlite": var/bench/NAME.sqlite3
  is deleted first; "postgres": DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/NAME,
  dropped and re-created), then `django.setup()` and migrate.
- `rng(seed)`: a deterministic random.Random.
- `timed(fn, *a, **kw)` → (result, seconds); `median(values)`.
- `peak_rss_mb()`: peak resident memory of this process (MiB).
- `certificate(number, product, decision, regime, stars, issued)`: an unsaved OCOP certificate.
- `emit(bench, **fields)`: print the one JSON line that must come last.
- `run_child(script, *argv)`: run a bench in a fresh process, return its last JSON line.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def setup_django(engine: str, name: str, migrate: bool = True) -> None:
    sys.path.insert(0, str(ROOT))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        db = BENCH_DIR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    elif engine == "postgres":
        url = os.environ.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{name}"
        if not url.startswith("postgres"):
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
        _recreate_pg(url)
        os.environ["DATABASE_URL"] = url
    else:
        raise SystemExit(f"--engine must be sqlite or postgres, not {engine!r}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _recreate_pg(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    dbname = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def rng(seed: int) -> random.Random:
    return random.Random(seed)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def median(values) -> float:
    return statistics.median(values)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def certificate(number: str, product, decision, regime, stars: int, issued):
    """An unsaved OCOP certificate of `product` (for bulk_create), valid for the regime's
    months from `issued`."""
    from tamnong.ocop.models import Certificate, expiry_date, public_id

    return Certificate(
        number=number,
        public_id=public_id(),
        product=product,
        producer=product.producer,
        division=product.division,
        decision=decision,
        regime=regime,
        stars=stars,
        issued_on=issued,
        expires_on=expiry_date(issued, regime.certificate_months),
    )


def emit(bench: str, **fields) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


def run_child(script: str, *argv: str) -> dict:
    """Run `script` (a bench) in a fresh process with `argv`; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, script, *argv], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
