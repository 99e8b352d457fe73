"""Summary report benchmark: a province of ~150 communes with N households (reviews 2022–2025),
5,000 OCOP products and five years of NTM assessments, at two population sizes.

    .venv/bin/python bench/summary_report.py [--engine postgres|sqlite] [--small 100000]
        [--large 1000000] [--products 5000] [--runs 30]

For each size: a fresh database, the real map, the demo generator on province 25 (Phú Thọ, 148
communes) with that many households (through the production import path), OCOP topped up to
--products products with certificates, then the summary report for 2021–2025 timed through
Django's test client as the provincial coordinator: HTML and JSON (--runs each), and the PDF,
each computed on every request (data cache off: the cost after any change of data); then HTML
and JSON as served from the data cache between changes (served_p95_ms_*).
The floor is /healthz through the same client in the same run. The ratio is the median HTML time
at the large size over the median at the small size (goal ≤ 1.3).
Prints one JSON line last: bench, engine, p95_ms_html, p95_ms_json, pdf_ms, ratio, …
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
from _common import BENCH_DIR, emit, run_child, seed_ocop, setup_django  # noqa: E402

# Every request computes its figures: the data cache (tamnong/core/datacache.py) would otherwise
# answer repeated requests from memory. This measures the work done after any change of data.
os.environ.setdefault("DATA_CACHE_SECONDS", "0")

PROVINCE = "25"
PERIOD = "2021-2025"


def reuse(engine: str, households: int):
    """Connect to the database a previous run built for this size (--reuse), without rebuilding."""
    name = f"tn_bench_summary_{households}"
    os.environ["DATABASE_URL"] = (
        f"postgres://postgres@127.0.0.1:5432/{name}"
        if engine == "postgres"
        else f"sqlite:///{BENCH_DIR / name}.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    import django

    django.setup()
    from tamnong.divisions.models import Division, Level

    return Division.objects.get(level=Level.PROVINCE, code=PROVINCE, valid_to__isnull=True)


def build(engine: str, households: int, products: int, seed: int):
    setup_django(engine, f"tn_bench_summary_{households}")
    from django.core.management import call_command

    from tamnong.demo.services import build as build_demo
    from tamnong.divisions.models import Division, Level

    call_command("divisions", "load", verbosity=0)
    call_command("import_ntm", "--builtin", verbosity=0)
    t0 = time.perf_counter()
    build_demo(PROVINCE, households=households, seed=seed, say=lambda m: print(m, file=sys.stderr))
    province = Division.objects.get(level=Level.PROVINCE, code=PROVINCE, valid_to__isnull=True)
    n_products = seed_ocop(province, products, seed)
    from django.db import connection

    if connection.vendor == "postgresql":  # planner statistics, as a running server has them
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(
        f"data built in {time.perf_counter() - t0:.0f} s: {households} households, {n_products} products",
        file=sys.stderr,
    )
    return province


def measure(province, runs: int) -> dict:
    from django.test import Client

    from tamnong.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="dieuphoi"))
    base = f"/reports/summary/?division={province.pk}&period={PERIOD}"

    def times(url: str, n: int) -> list[float]:
        out = []
        client.get(url)  # warm caches and connections
        for _ in range(n):
            t = time.perf_counter()
            response = client.get(url)
            out.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return sorted(out)

    html, js = times(base, runs), times(base + "&format=json", runs)
    pdf = times(base + "&format=pdf", max(3, runs // 6))
    health = times("/healthz", runs)
    # The same pages as served between two changes of data: from the data cache
    # (tamnong/core/datacache.py), filled by the first request.
    from django.conf import settings

    settings.DATA_CACHE_SECONDS = 600
    served_html, served_js = times(base, runs), times(base + "&format=json", runs)
    settings.DATA_CACHE_SECONDS = 0
    p95 = lambda v: v[min(len(v) - 1, int(0.95 * len(v)))]  # noqa: E731
    return {
        "served_p95_ms_html": round(p95(served_html), 1),
        "served_p95_ms_json": round(p95(served_js), 1),
        "median_ms_html": round(statistics.median(html), 1),
        "p95_ms_html": round(p95(html), 1),
        "median_ms_json": round(statistics.median(js), 1),
        "p95_ms_json": round(p95(js), 1),
        "pdf_ms": round(statistics.median(pdf), 1),
        "floor_ms": round(statistics.median(health), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="postgres", choices=["postgres", "sqlite"])
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--only", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument(
        "--reuse", action="store_true", help="measure on the databases of a previous run"
    )
    args = ap.parse_args()
    if args.only is not None:  # one size, in its own process and database
        province = (
            reuse(args.engine, args.only)
            if args.reuse
            else build(args.engine, args.only, args.products, args.seed)
        )
        print(json.dumps(measure(province, args.runs)))
        return
    results = {}
    for n in (args.small, args.large):
        results[n] = run_child(
            __file__, "--engine", args.engine, "--only", str(n), "--products", str(args.products),
            "--runs", str(args.runs), "--seed", str(args.seed), *(["--reuse"] if args.reuse else []),
        )  # fmt: skip
        print(f"{n} households: {results[n]}", file=sys.stderr)
    small, large = results[args.small], results[args.large]
    emit(
        "summary_report",
        engine=args.engine,
        communes=148,
        products=args.products,
        households_small=args.small,
        households_large=args.large,
        **large,
        small=small,
        ratio=round(large["median_ms_html"] / small["median_ms_html"], 2),
    )


if __name__ == "__main__":
    main()
