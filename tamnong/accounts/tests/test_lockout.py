"""The lockout counts every attempt, also when they arrive together, per account and per address."""

from django.urls import reverse

from tamnong.accounts.models import LoginAddress, User
from tamnong.conftest import PASSWORD

LOCKED = "tạm thời bị khóa"
ADDRESS_LOCKED = "quá nhiều lần đăng nhập sai từ địa chỉ mạng này"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def login(client, username, password=PASSWORD, **extra):
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )
    return response.status_code, response.content.decode()


def test_the_limit_counts_attempts_on_the_account_from_any_address(client, personas, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for n in range(3):
        login(client, "alice", "sai", REMOTE_ADDR=f"203.0.113.{n}")
    assert User.objects.get(username="alice").is_locked
    status, page = login(client, "alice", REMOTE_ADDR="203.0.113.9")
    assert status == 200 and LOCKED in page


def test_a_spray_over_fifteen_accounts_from_one_address_is_stopped(client, db, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 10
    for n in range(15):
        User.objects.create_user(username=f"can-bo-{n}", password=PASSWORD)
    pages = [login(client, f"can-bo-{n}", "mat-khau-doan")[1] for n in range(14)]
    assert sum(WRONG in p for p in pages) == 10
    assert all(ADDRESS_LOCKED in p.lower() for p in pages[10:])
    # the right password of an untouched account is refused from that address, too ...
    status, page = login(client, "can-bo-14")
    assert status == 200 and ADDRESS_LOCKED in page.lower()
    # ... while the accounts themselves are not locked, and another address signs in
    assert not User.objects.filter(locked_until__isnull=False).exists()
    assert login(client, "can-bo-14", REMOTE_ADDR="198.51.100.7")[0] == 302


def test_unknown_account_names_count_against_the_address(client, db, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 4
    for n in range(4):
        assert WRONG in login(client, f"khong-co-{n}", "x")[1]
    assert ADDRESS_LOCKED in login(client, "khong-co-9", "x")[1].lower()


def test_a_right_password_does_not_reset_the_address_count(client, personas, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    login(client, "bob", "sai")
    login(client, "bob", "sai")
    assert login(client, "alice")[0] == 302
    client.post(reverse("accounts:logout"))
    login(client, "bob", "sai")
    assert ADDRESS_LOCKED in login(client, "bob", "sai")[1].lower()
    assert LoginAddress.objects.get(address="127.0.0.1").locked_until is not None


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(client, db, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 2
    # no trusted proxy: a client rotating X-Forwarded-For is still one address
    for n in range(3):
        page = login(client, "x", "y", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")[1]
    assert ADDRESS_LOCKED in page.lower()
    assert list(LoginAddress.objects.values_list("address", flat=True)) == ["127.0.0.1"]
    # behind a trusted proxy, each forwarded client is counted on its own
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(2):
        page = login(client, "x", "y", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert WRONG in page[1]
    assert set(LoginAddress.objects.values_list("address", flat=True)) == {
        "127.0.0.1",
        "192.0.2.0",
        "192.0.2.1",
    }
