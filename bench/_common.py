"""Shared helpers for the benchmark scripts in bench/ (keep this small and stable).

    from _common import setup_django, rng, timed, median, peak_rss_mb, emit

- `setup_django(engine, name)`: point Django at a FRESH database ("sqlite": var/bench/NAME.sqlite3
  is deleted first; "postgres": DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/NAME,
  dropped and re-created), then `django.setup()` and migrate.
- `rng(seed)`: a deterministic random.Random.
- `timed(fn, *a, **kw)` → (result, seconds); `median(values)`.
- `peak_rss_mb()`: peak resident memory of this process (MiB).
- `certificate(number, product, decision, regime, stars, issued)`: an unsaved OCOP certificate.
- `seed_ocop(province, n_products, seed, tag="")`: top a province up to n OCOP products (bulk).
- `calamine_rows(path)`: the floor of the import benches (python-calamine reading every row).
- `against_floor(run, floor, clear, check, repeat, per_second)`: an import bench's repeats,
  each between two timings of its floor, and its closing figures.
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


def seed_ocop(province, n_products: int, seed: int, tag: str = "") -> int:
    """Top a province's OCOP registry up to n_products products with producers, decisions and
    certificates (bulk, no audit), deterministic for `seed`. `tag` (a province code) goes into
    the codes and decision numbers, so that several provinces of one database do not collide."""
    import datetime as dt

    from tamnong.decisions.models import Decision
    from tamnong.divisions.models import Level
    from tamnong.ocop import models as ocop

    have = ocop.Product.objects.filter(division__path__startswith=province.path).count()
    missing = n_products - have
    if missing <= 0:
        return have
    r = rng(seed)
    communes = list(province.children.filter(level=Level.COMMUNE))
    sets = list(ocop.CriteriaSet.objects.filter(superseded_at__isnull=True))
    regime = ocop.Regime.objects.get(key="qd148-1489")
    decisions = Decision.objects.bulk_create(
        Decision(
            number=f"{200 + k}/QĐ-UBND" + (f"-{tag}" if tag else ""),
            signed_on=dt.date(2021 + k, 9, 15),
            issuer=f"UBND {province.name}",
            subject="Công nhận sản phẩm OCOP",
            kind="ocop_recognition",
            division=province,
        )
        for k in range(5)
    )
    producers = ocop.Producer.objects.bulk_create(
        ocop.Producer(
            code=f"BS{tag}-{i:06d}",
            name=f"Chủ thể {i}",
            kind=r.choice(ocop.ProducerKind.values),
            division=r.choice(communes),
        )
        for i in range(missing // 4 + 1)
    )
    products = ocop.Product.objects.bulk_create(
        ocop.Product(
            code=f"BSP{tag}-{i:06d}",
            producer=producers[i % len(producers)],
            name=f"Sản phẩm {i}",
            set_no=(cs := r.choice(sets)).set_no,
            product_group=cs.product_group,
            product_subgroup=cs.product_subgroup,
            product_set=cs.product_set,
            division=producers[i % len(producers)].division,
        )
        for i in range(missing)
    )
    certificates = []
    for i, p in enumerate(products):
        k = r.randrange(5)
        issued = dt.date(2021 + k, 9, 15)
        stars = r.choice([3, 3, 3, 4, 4, 5])
        certificates.append(certificate(f"BS{tag}-{i:06d}", p, decisions[k], regime, stars, issued))
    ocop.Certificate.objects.bulk_create(certificates, batch_size=2000)
    return have + missing


def calamine_rows(path: Path) -> int:
    """The floor of the import benches: python-calamine alone reading every row of the first
    sheet; the number of rows read."""
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    n = 0
    for _row in sheet.iter_rows():
        n += 1
    return n


def against_floor(run, floor, clear, check, repeat: int, per_second: tuple[str, int],
                  digits: int = 2, ratio_digits: int = 2) -> dict:  # fmt: skip
    """The import benches' measure, `repeat` times: `clear()` the tables, then `run()` timed
    between two timings of `floor()` (shared machines: the load changes during a run; their mean
    is the floor), and `check(result, floor_result)`. Returns the closing figures: median import
    and floor seconds, their ratio, `per_second` (name, count: the count over the median
    import seconds), peak memory, the number of repeats."""
    seconds, floors = [], []
    for i in range(repeat):
        clear()
        read, f1 = timed(floor)
        result, s = timed(run)
        _, f2 = timed(floor)
        check(result, read)
        f = (f1 + f2) / 2
        seconds.append(s)
        floors.append(f)
        print(f"run {i + 1}: import {s:.2f}s floor {f:.4f}s ratio {s / f:.2f}", file=sys.stderr)
    s, f = median(seconds), median(floors)
    name, count = per_second
    return {
        "seconds": round(s, 2),
        "floor_seconds": round(f, digits),
        "ratio": round(s / f, ratio_digits),
        name: round(count / s),
        "peak_rss_mb": peak_rss_mb(),
        "repeats": repeat,
    }


def emit(bench: str, **fields) -> None:
    print(json.dumps({"bench": bench, **fields}, ensure_ascii=False), flush=True)


def run_child(script: str, *argv: str) -> dict:
    """Run `script` (a bench) in a fresh process with `argv`; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, script, *argv], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
