"""Benchmark of the public OCOP pages with 10,000 products.

    .venv/bin/python bench/ocop_pages.py [--products 10000] [--requests 200]

Uses a throw-away SQLite database in a temporary folder unless DATABASE_URL is set (then point it
at an empty, disposable database: the script migrates and seeds it). Loads the real administrative
map, seeds producers, products and certificates (valid, expired, revoked), then times the catalog
(with varied filters and pages) and the verification page through Django's test client, with
/healthz as the floor of the same stack. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import certificate  # noqa: E402

# Every request computes its page: the data cache (tamnong/core/datacache.py) would otherwise
# answer repeated catalog requests from memory. This measures the work done after any change.
os.environ.setdefault("DATA_CACHE_SECONDS", "0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="tamnong-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.OCOP_PUBLIC_RATE_LIMIT = 10**9  # measure the page, not the limiter

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from tamnong.divisions.services import load_divisions

    load_divisions()
    seeded = seed(args.products, args.seed)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as a live database would have
        cursor.execute("ANALYZE")
    seed_s = time.perf_counter() - t0

    client = Client()
    rng = random.Random(args.seed)
    provinces, communes, groups, public_ids = seeded

    def catalog_url() -> str:
        params = []
        r = rng.random()
        if r < 0.3:
            params.append(f"province={rng.choice(provinces)}")
        elif r < 0.5:
            params.append(f"commune={rng.choice(communes)}")
        if rng.random() < 0.3:
            params.append("group=" + quote(rng.choice(groups)))
        if rng.random() < 0.3:
            params.append(f"stars={rng.choice([3, 4, 5])}")
        if rng.random() < 0.15:
            params.append(
                "q=" + rng.choice(["Mi%E1%BA%BFn", "Ch%C3%A8", "M%E1%BA%ADt", "R%C6%B0%E1%BB%A3u"])
            )
        if rng.random() < 0.3:
            params.append(f"page={rng.randint(1, 20)}")
        return "/ocop/danh-muc/" + ("?" + "&".join(params) if params else "")

    def timed(url_fn, n: int) -> list[float]:
        out = []
        for _ in range(n):
            url = url_fn()
            start = time.perf_counter()
            response = client.get(url)
            out.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        return out

    for _ in range(10):  # warm-up: templates, caches, connection
        client.get(catalog_url())
        client.get(f"/ocop/xac-minh/{rng.choice(public_ids)}/")
        client.get("/healthz")
    floor = timed(lambda: "/healthz", args.requests)
    catalog = timed(catalog_url, args.requests)
    verify = timed(lambda: f"/ocop/xac-minh/{rng.choice(public_ids)}/", args.requests)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]

    result = {
        "bench": "ocop_pages",
        "database": connection.vendor,
        "products": args.products,
        "requests": args.requests,
        "seed_s": round(seed_s, 1),
        "median_ms_floor": round(statistics.median(floor), 2),
        "median_ms_catalog": round(statistics.median(catalog), 2),
        "median_ms_verify": round(statistics.median(verify), 2),
        "p95_ms_catalog": round(p95(catalog), 2),
        "p95_ms_verify": round(p95(verify), 2),
    }
    print(json.dumps(result))
    if tmp is not None:
        connection.close()
        tmp.cleanup()


def seed(n_products: int, seed_value: int):
    """Bulk-insert producers, products, decisions and certificates (no audit rows: this is load)."""
    from tamnong.decisions.models import Decision
    from tamnong.divisions.models import Division, Level
    from tamnong.divisions.services import current_map
    from tamnong.ocop.models import (
        Certificate,
        CriteriaSet,
        Producer,
        ProducerKind,
        Product,
        Regime,
        Revocation,
    )

    rng = random.Random(seed_value)
    cur = current_map()
    provinces = list(Division.objects.filter(map=cur, level=Level.PROVINCE).order_by("code")[:8])
    communes = list(
        Division.objects.filter(map=cur, level=Level.COMMUNE, parent__in=provinces).select_related(
            "parent"
        )
    )
    sets = list(CriteriaSet.objects.filter(superseded_at__isnull=True))
    regime = Regime.objects.get(key="qd148-1489")
    decisions = []
    for p in provinces:
        for k in range(6):
            day = dt.date(2023 + k // 2, 3 + k, 10)
            decisions.append(
                Decision(
                    number=f"{100 + k}/QĐ-UBND",
                    signed_on=day,
                    effective_on=day,
                    issuer=f"UBND {p.name}",
                    subject="Công nhận sản phẩm OCOP",
                    kind="ocop_recognition",
                    division=p,
                )
            )
    Decision.objects.bulk_create(decisions)
    by_province: dict[int, list] = {}
    for d in Decision.objects.filter(kind="ocop_recognition"):
        by_province.setdefault(d.division_id, []).append(d)
    kinds = list(ProducerKind.values)
    producers = [
        Producer(
            code=f"B-{i:06d}",
            name=f"{rng.choice(['HTX', 'Công ty', 'Hộ kinh doanh'])} {rng.choice(['Nông sản', 'Đặc sản', 'Xanh'])} {i}",
            kind=rng.choice(kinds),
            division=rng.choice(communes),
        )
        for i in range(max(1, n_products // 5))
    ]
    Producer.objects.bulk_create(producers, batch_size=2000)
    producers = list(Producer.objects.select_related("division__parent"))
    names = [
        "Miến dong",
        "Chè xanh",
        "Mật ong",
        "Rượu men lá",
        "Quýt vàng",
        "Hồi khô",
        "Gạo nếp",
        "Măng khô",
    ]
    products = []
    for i in range(n_products):
        producer = producers[i % len(producers)]
        cs = rng.choice(sets)
        products.append(
            Product(
                code=f"SP-{i:06d}",
                producer=producer,
                name=f"{rng.choice(names)} {producer.division.name} {i}",
                set_no=cs.set_no,
                product_group=cs.product_group,
                product_subgroup=cs.product_subgroup,
                product_set=cs.product_set,
                division=producer.division,
            )
        )
    Product.objects.bulk_create(products, batch_size=2000)
    certificates = []
    today = dt.date.today()
    for i, product in enumerate(Product.objects.select_related("division__parent", "producer")):
        r = rng.random()
        issued = today - dt.timedelta(
            days=rng.randint(30, 900) if r < 0.85 else rng.randint(1100, 1800)
        )
        decision = rng.choice(by_province[product.division.parent_id])
        stars = rng.choice([3, 3, 3, 4, 4, 5])
        certificates.append(certificate(f"BENCH-{i:06d}", product, decision, regime, stars, issued))
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    revoke = rng.sample(
        list(Certificate.objects.values_list("pk", "division__parent_id")), k=n_products // 20
    )
    rev_decisions = {
        p.pk: Decision.objects.create(
            number="999/QĐ-UBND",
            signed_on=today,
            issuer=f"UBND {p.name}",
            subject="Thu hồi",
            kind="ocop_revocation",
            division=p,
        )
        for p in provinces
    }
    Revocation.objects.bulk_create(
        [
            Revocation(
                certificate_id=pk,
                decision=rev_decisions[prov],
                revoked_on=today - dt.timedelta(days=5),
                reason="Thử tải",
            )
            for pk, prov in revoke
        ]
    )
    public_ids = list(Certificate.objects.values_list("public_id", flat=True))
    groups = sorted({s.product_group for s in sets})
    return [p.pk for p in provinces], [c.pk for c in communes], groups, public_ids


if __name__ == "__main__":
    main()
