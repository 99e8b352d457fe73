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
from _common import emit, median, setup_django  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    ap.add_argument("--households", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("OCOP_PUBLIC_RATE_LIMIT", "1000000")
    if args.reuse:
        if args.engine == "postgres":
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/tn_bench_load"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path('var/bench/tn_bench_load.sqlite3')}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
        import django

        django.setup()
    else:
        setup_django(args.engine, "tn_bench_load")
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from load import PAGES_BY_ROLE

    from tamnong.divisions.models import Division, Level

    if not args.reuse:
        call_command("divisions", "load", verbosity=0)
        call_command("import_ntm", "--builtin", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("demo", "--province", "20", "--households", str(args.households),
                         stdout=quiet)  # fmt: skip
    province = Division.objects.get(level=Level.PROVINCE, code="20", valid_to__isnull=True)
    commune = Division.objects.get(memberships__user__username="canboxa")
    results = {}
    for role, pages in PAGES_BY_ROLE.items():
        client = Client()
        if role:
            client.force_login(__import__("tamnong.accounts.models", fromlist=["User"]).User
                               .objects.get(username=role))  # fmt: skip
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
