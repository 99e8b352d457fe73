"""Shared fixtures: a small synthetic map (two old provinces merged into one new one, with
districts, communes, a split commune and villages) and personas for every role.

    Tỉnh Mới (01) ← Tỉnh Cũ Một (01) + Tỉnh Cũ Hai (02)
      Xã An Bình (10001) ← Xã An + Xã Bình + part of Xã Châu   villages: Thôn A1, Thôn A2
      Xã Châu (10003)    ← most of old Xã Châu                   villages: Thôn C1
      Phường Tây (20002) ← Xã Đông + Thị trấn Tây
    Tỉnh Khác (09): Xã Xa (90001)                                 outside every persona's scope
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

MINI = Path(__file__).parent / "divisions" / "tests" / "data" / "mini"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The mini map is loaded once into the test database; each test's transaction rolls back
    whatever it changed. A transactional test empties the tables at its end, and the next test
    that asks for `geo` loads the map again."""
    with django_db_blocker.unblock():
        _load_geo()


def _load_geo() -> None:
    from django.test import override_settings

    from tamnong.divisions.services import add_village, load_divisions

    load_divisions(MINI)
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        admin = _user("root_admin", superuser=True)
    new = _new_map()
    for commune, name in (("10001", "Thôn A1"), ("10001", "Thôn A2"), ("10003", "Thôn C1")):
        add_village(admin, new[commune], name=name, kind="thon")


def _new_map() -> dict:
    from tamnong.divisions.models import Division

    return {d.code: d for d in Division.objects.filter(map__key="new")}


@pytest.fixture
def geo(db):
    from tamnong.accounts.models import User
    from tamnong.divisions.models import Division, Level

    admin = User.objects.filter(username="root_admin").first()
    if admin is None:  # emptied by a transactional test
        _load_geo()
        admin = User.objects.get(username="root_admin")
    new = _new_map()
    old = {(d.level, d.code): d for d in Division.objects.filter(map__key="old")}
    villages = {
        d.name.removeprefix("Thôn "): d
        for d in Division.objects.filter(map__key="new", level=Level.VILLAGE)
    }
    return SimpleNamespace(
        province=new["01"],
        other_province=new["09"],
        commune_a=new["10001"],
        commune_c=new["10003"],
        ward=new["20002"],
        other_commune=new["90001"],
        villages=villages,
        old_province_1=old[(Level.PROVINCE, "01")],
        old_province_2=old[(Level.PROVINCE, "02")],
        old_district=old[(Level.DISTRICT, "101")],
        old_commune_an=old[(Level.COMMUNE, "10001")],
        old_commune_binh=old[(Level.COMMUNE, "10002")],
        old_commune_chau=old[(Level.COMMUNE, "10003")],
        old_commune_dong=old[(Level.COMMUNE, "20001")],
        admin=admin,
    )


@pytest.fixture
def no_map(db):
    """An empty map, for tests of loading one (the session's mini map comes back at rollback)."""
    from tamnong.audit.models import AuditEvent
    from tamnong.divisions.models import Division, Lineage, MapVersion

    AuditEvent.objects.all().delete()
    Lineage.objects.all().delete()
    Division.objects.update(parent=None, current=None)
    Division.objects.all().delete()
    MapVersion.objects.all().delete()


def _user(username: str, superuser: bool = False):
    from tamnong.accounts.models import User

    user = User.objects.create_user(
        username=username, password="Mat-khau-thu-1", full_name=username
    )
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


# The names of the `personas` fixture, for tests that go through every one of them.
PERSONA_NAMES = (
    "admin",
    "coordinator",
    "department",
    "alice",
    "bob",
    "council",
    "secretary",
    "producer",
    "leader",
    "outsider",
    "nobody",
)


@pytest.fixture
def personas(geo):
    """One user per role. Commune officers: `alice` on Xã An Bình, `bob` on Xã Châu."""
    from tamnong.accounts.models import Membership, Role

    def member(username, division, role, producer_ref=""):
        user = _user(username)
        Membership.objects.create(
            user=user, division=division, role=role, producer_ref=producer_ref
        )
        return user

    return SimpleNamespace(
        admin=geo.admin,
        coordinator=member("coordinator", geo.province, Role.COORDINATOR),
        department=member("department", geo.province, Role.DEPARTMENT),
        alice=member("alice", geo.commune_a, Role.COMMUNE_OFFICER),
        bob=member("bob", geo.commune_c, Role.COMMUNE_OFFICER),
        council=member("council", geo.province, Role.COUNCIL_MEMBER),
        secretary=member("secretary", geo.province, Role.COUNCIL_SECRETARY),
        producer=member("producer", geo.commune_a, Role.PRODUCER, producer_ref="P-1"),
        leader=member("leader", geo.province, Role.LEADER),
        outsider=member("outsider", geo.other_province, Role.COORDINATOR),
        nobody=_user("nobody"),
    )


PASSWORD = "Mat-khau-thu-1"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; production keeps Django's slow default hasher."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _fresh_data_cache():
    """The report cache outlives a test's rolled-back data versions: start empty, with no change
    left noted by an earlier test's transaction."""
    from django.core.cache import caches

    from tamnong.core import datacache

    caches["data"].clear()
    datacache.search_store.clear()
    datacache.forget_uncommitted()
    yield
    caches["data"].clear()
    datacache.search_store.clear()
    datacache.forget_uncommitted()


@pytest.fixture(autouse=True)
def _vietnamese():
    """Every test starts in Vietnamese: a request with the English cookie leaves its language
    active in the thread (LanguageMiddleware activates, nothing deactivates)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


# -- browser tests (headless Chromium from Debian's package; no browser download) -------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser_tests = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="browser tests skipped: Debian package 'chromium' is not installed"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are
    # ordinary synchronous setup, not async code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def pages(browser):
    """`pages(base_url, username=None, timeout_ms=30_000, **context_args)`: a page in a fresh
    browser context of its own (Vietnamese locale; `context_args`, e.g. a viewport), closed at
    the end of the test; logged in through the login form when a user is named (the form must
    land on the home page, without an error)."""
    from urllib.parse import urlsplit

    contexts = []

    def make(base_url: str, username: str | None = None, timeout_ms=30_000, **context_args):
        context = browser.new_context(locale="vi-VN", **context_args)
        context.set_default_timeout(timeout_ms)
        context.set_default_navigation_timeout(timeout_ms)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto(f"{base_url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation() as nav:
                page.click("button[type=submit]:has-text('Đăng nhập')")
            response = nav.value
            errors = page.locator("main .messages .error, main .errorlist").all_inner_texts()
            assert response is not None and response.status == 200 and not errors, errors
            assert urlsplit(page.url).path == "/", page.url
        return page

    yield make
    for context in contexts:
        context.close()
