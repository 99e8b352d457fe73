"""The public rate limit is counted where every process of the server counts (the database), per
client address, and a visitor cannot escape it by writing its own X-Forwarded-For."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from tamnong.ocop import ratelimit

LOCAL = "django.core.cache.backends.locmem.LocMemCache"


def _serve(n: int, process: str) -> list[int]:
    """`n` requests served by one "process": its own local cache, its own database connection
    (a thread of its own)."""
    codes: list[int] = []
    caches = {**settings.CACHES, "default": {"BACKEND": LOCAL, "LOCATION": process}}

    def run():
        try:
            with override_settings(CACHES=caches):
                codes.extend(Client().get("/ocop/danh-muc/").status_code for _ in range(n))
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return codes


@pytest.mark.django_db(transaction=True)
@override_settings(OCOP_PUBLIC_RATE_LIMIT=4)
def test_two_processes_share_one_limit():
    assert _serve(3, "process-a") + _serve(3, "process-b") == [200] * 4 + [429] * 2


@override_settings(OCOP_PUBLIC_RATE_LIMIT=3)
def test_a_forged_forwarded_for_does_not_make_a_new_client(client, db):
    codes = [
        client.get("/ocop/danh-muc/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_the_count_is_per_bucket_address_and_minute(db):
    minute = 29_000_000 * 60
    assert [ratelimit.count("a", "192.0.2.1", minute) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("b", "192.0.2.1", minute) == 1
    assert ratelimit.count("a", "192.0.2.2", minute) == 1
    assert ratelimit.count("a", "192.0.2.1", minute + 60) == 1  # a new minute starts again
    assert ratelimit.count("a", "192.0.2.1", minute + 120) == 1
    from tamnong.core.models import RateCount

    assert not RateCount.objects.filter(minute__lt=minute // 60 + 1).exists()  # old minutes go
