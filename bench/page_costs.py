"""Cost of each page the load test visits, in process (no HTTP, no concurrency): median time and
number of SQL queries per page, to see where the load test's time goes.

    .venv/bin/python bench/page_costs.py [--engine postgres] [--households 20000] [--reuse] [--runs 20]

Uses the same demo database as bench/load.py (tn_bench_load; --reuse keeps an existing one).
Prints one JSON line last: bench, mean_ms (mean over pages of the median), pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, median  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    ap.add_argument("--households", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("OCOP_PUBLIC_RATE_LIMIT", "1000000")
    from load import PAGES_BY_ROLE, demo_database

    province, commune = demo_database(args.engine, args.households, args.reuse)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tamnong.accounts.models import User

    results = {}
    for role, pages in PAGES_BY_ROLE.items():
        client = Client()
        if role:
            client.force_login(User.objects.get(username=role))
        for path, _ in pages:
            url = path.format(division=province.pk, commune=commune.pk)
            times = []
            with CaptureQueriesContext(connection) as q:
                client.get(url)
            queries = len(q.captured_queries)
            for _ in range(args.runs):
                reset_queries()
                t0 = time.perf_counter()
                resp = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert resp.status_code == 200, (url, resp.status_code)
            results[f"{role or 'public'} {url}"] = (round(median(times), 2), queries)
            print(f"{median(times):8.2f} ms {queries:4d} q  {role or 'public'} {url}",
                  file=sys.stderr)  # fmt: skip
    mean = sum(v[0] for v in results.values()) / len(results)
    emit("page_costs", engine=args.engine, mean_ms=round(mean, 2), pages=results)


if __name__ == "__main__":
    main()
