"""The public catalog's search (/ocop/danh-muc/?q=…) through Django's test client on the load
bench's database: median ms of a repeated search (served from the cache when it is kept) and of
distinct searches (each computed), plus the plain first page. Run from the side's worktree with
DATABASE_URL set."""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
os.environ.setdefault("OCOP_PUBLIC_RATE_LIMIT", "1000000")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
import django  # noqa: E402

django.setup()
from django.test import Client  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
c = Client()


def ms(url):
    t = time.perf_counter()
    r = c.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return (time.perf_counter() - t) * 1000


ms("/ocop/danh-muc/")
plain = [ms("/ocop/danh-muc/") for _ in range(n)]
ms("/ocop/danh-muc/?q=ch%C3%A8")
repeated = [ms("/ocop/danh-muc/?q=ch%C3%A8") for _ in range(n)]
distinct = [ms(f"/ocop/danh-muc/?q=s%E1%BA%A3n+{i}") for i in range(n)]
print(
    json.dumps(
        {
            "bench": "catalog_search",
            "n": n,
            "plain_p50_ms": round(statistics.median(plain), 1),
            "repeated_search_p50_ms": round(statistics.median(repeated), 1),
            "distinct_search_p50_ms": round(statistics.median(distinct), 1),
        }
    )
)
