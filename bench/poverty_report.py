"""Poverty figures benchmark: the province figures at 100,000 and at 1,000,000 households.

    .venv/bin/python bench/poverty_report.py [--engine sqlite|postgres] [--runs 50]

For each size, in its own process and fresh database: the synthetic province of
bench/poverty_import.py (100 communes × 10 villages), its deterministic workbook imported through
the production path, then the province figures for the year timed as the page, API and CLI get
them (`tamnong.poverty.services.report`, which sums the figure rows kept up to date by every
change; it never scans households) and through the JSON API. Floor: /healthz through the same
client. Goal: ≤ 100 ms median and the 1,000,000 / 100,000 ratio ≤ 1.3.
Prints one JSON line last: bench, engine, median_ms_100k, median_ms_1m, ratio, …
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, emit, run_child, setup_django  # noqa: E402

# Every request computes its figures: the data cache (tamnong/core/datacache.py) would otherwise
# answer repeated requests from memory. This measures the work done after any change of data.
os.environ.setdefault("DATA_CACHE_SECONDS", "0")


def one(engine: str, n: int, runs: int, seed: int) -> dict:
    setup_django(engine, f"tn_bench_povrep_{n}")
    from django.test import Client
    from poverty_import import PROVINCE, YEAR, province, workbook

    from tamnong.access.actors import SYSTEM
    from tamnong.accounts.models import User
    from tamnong.divisions.models import Division, Level
    from tamnong.poverty import services
    from tamnong.poverty.importing import import_file

    province()
    result = import_file(workbook(n, seed), user=SYSTEM, error_dir=BENCH_DIR)
    if not result.ok:
        raise SystemExit(f"import rejected: {result.error_sample[:3]}")
    if engine == "postgres":
        from django.db import connection

        # the figures are read in the steady state, not while autovacuum and the checkpointer
        # work through the rows just imported (on 2 shared cores they took the CPU measured)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")
    unit = Division.objects.get(level=Level.PROVINCE, code=PROVINCE)
    admin = User.objects.create_superuser("bench", password="x" * 12)

    def clock(fn, k: int) -> list[float]:
        fn()
        out = []
        for _ in range(k):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
        return out

    data = services.report(admin, unit, YEAR)["figures"]
    assert data["households"] == n, data["households"]
    client = Client()
    client.force_login(admin)
    url = f"/api/v1/poverty/figures?division={PROVINCE}&year={YEAR}"
    assert client.get(url).status_code == 200
    service = clock(lambda: services.report(admin, unit, YEAR), runs)
    api = clock(lambda: client.get(url), runs)
    floor = clock(lambda: client.get("/healthz"), runs)
    return {
        "median_ms": round(statistics.median(service), 2),
        "median_ms_api": round(statistics.median(api), 2),
        "floor_ms": round(statistics.median(floor), 2),
        "households": data["households"],
        "poor": data["poor"],
        "poor_rate": str(data["poor_rate"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--only", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.only:
        print(json.dumps(one(args.engine, args.only, args.runs, args.seed)))
        return
    res = {}
    for n in (100_000, 1_000_000):
        res[n] = run_child(__file__, "--engine", args.engine, "--only", str(n),
                           "--runs", str(args.runs), "--seed", str(args.seed))  # fmt: skip
        print(f"{n}: {res[n]}", file=sys.stderr)
    small, large = res[100_000], res[1_000_000]
    emit(
        "poverty_report",
        engine=args.engine,
        median_ms_100k=small["median_ms"],
        median_ms_1m=large["median_ms"],
        ratio=round(large["median_ms"] / small["median_ms"], 2),
        median_ms_api_100k=small["median_ms_api"],
        median_ms_api_1m=large["median_ms_api"],
        floor_ms=large["floor_ms"],
        poor_rate_1m=large["poor_rate"],
    )


if __name__ == "__main__":
    main()
