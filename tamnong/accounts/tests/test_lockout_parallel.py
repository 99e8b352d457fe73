"""Parallel wrong passwords (PostgreSQL: real concurrent transactions on separate connections;
SQLite serialises writers, so the test is skipped there)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tamnong.accounts.models import User
from tamnong.conftest import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent writers)"
    ),
]

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def _burst(attempts, remote=lambda n: f"198.51.100.{n % 250}"):
    """POST the login form for every (username, password) at once, each from its own thread and
    connection; returns the pages."""
    barrier = threading.Barrier(len(attempts))
    pages = [None] * len(attempts)

    def run(n, username, password):
        try:
            client = Client(REMOTE_ADDR=remote(n))
            barrier.wait()
            response = client.post(
                reverse("accounts:login"), {"username": username, "password": password}
            )
            pages[n] = (response.status_code, response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, u, p)) for n, (u, p) in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return pages


@pytest.fixture
def slow_hashing(settings):
    # the real hasher: password checks take long enough to overlap, as in production
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_thirty_parallel_wrong_passwords_lock_the_account(db, settings, slow_hashing):
    settings.LOGIN_MAX_FAILURES = 5
    User.objects.create_user(username="chu-tich", password=PASSWORD)
    pages = _burst([("chu-tich", f"doan-{n}") for n in range(30)])
    assert all(status == 200 for status, _page in pages)
    # at most the limit had their password checked; the others were refused unchecked
    assert sum(WRONG in page for _status, page in pages) <= 5
    assert User.objects.get(username="chu-tich").is_locked
    status, page = _burst([("chu-tich", PASSWORD)])[0]
    assert status == 200 and "tạm thời bị khóa" in page


def test_after_five_bursts_of_thirty_the_right_password_is_refused(db, settings, slow_hashing):
    settings.LOGIN_MAX_FAILURES = 5
    User.objects.create_user(username="pho-chu-tich", password=PASSWORD)
    # five bursts of thirty wrong guesses, then the right one as guess 151
    for burst in range(5):
        _burst([("pho-chu-tich", f"doan-{burst}-{n}") for n in range(30)])
    status, page = _burst([("pho-chu-tich", PASSWORD)])[0]
    assert status == 200 and "tạm thời bị khóa" in page


def test_parallel_attempts_from_one_address_respect_the_address_limit(db, settings, slow_hashing):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 10
    for n in range(30):
        User.objects.create_user(username=f"xa-{n}", password=PASSWORD)
    pages = _burst([(f"xa-{n}", "mat-khau-doan") for n in range(30)], remote=lambda n: "192.0.2.1")
    assert sum(WRONG in page for _status, page in pages) <= 10
    status, page = _burst([("xa-29", PASSWORD)], remote=lambda n: "192.0.2.1")[0]
    assert status == 200 and "từ địa chỉ mạng này" in page
