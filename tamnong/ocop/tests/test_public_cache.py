"""The public catalog is cached with the reports (core.datacache), by programme version: its
choices and unit lists follow the data at once, in every process, and visitors' searches make
no entry in the shared cache: they are kept in each process's bounded store of searches."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tamnong.core import datacache
from tamnong.divisions.services import add_village
from tamnong.ocop import services
from tamnong.testing.ocop import SYNTHETIC_SET_NO, install_synthetic, quick_certificate


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    datacache.forget_uncommitted()

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def stored(monkeypatch):
    """The kinds of the entries written to the cache so far."""
    store, kinds = caches["data"], []
    real_set = store.set
    monkeypatch.setattr(
        store,
        "set",
        lambda key, *a, **kw: kinds.append(key.split(":")[1]) or real_set(key, *a, **kw),
    )
    return kinds


def _certified(personas, division, name, code):
    producer = services.create_producer(
        personas.admin, division=division, name=f"HTX {name}", kind="cooperative", code=code
    )
    product = services.create_product(personas.admin, producer, name=name, set_no=SYNTHETIC_SET_NO)
    return quick_certificate(product, timezone.localdate() - dt.timedelta(days=10))


def test_a_new_product_group_is_offered_at_once(client, geo, personas, committed):
    install_synthetic()
    with committed():
        pass
    assert "Đồ uống thử" not in client.get("/ocop/danh-muc/").content.decode()
    with committed():
        install_synthetic(set_no=91, product_group="Đồ uống thử")
    assert "Đồ uống thử" in client.get("/ocop/danh-muc/").content.decode()


def test_the_unit_lists_of_a_place_follow_a_change_of_the_map(
    client, geo, personas, committed, stored
):
    install_synthetic()
    _certified(personas, geo.commune_a, "Chè An Bình", "P-1")
    with committed():
        pass
    by_province = {"province": geo.province.pk}
    assert "Chè An Bình" in client.get("/ocop/danh-muc/", by_province).content.decode()
    assert "divisions.unit-ids" in stored
    stored.clear()
    client.get("/ocop/danh-muc/", by_province)
    assert stored == []
    with committed():
        add_village(personas.admin, geo.commune_a, name="Thôn Mới", kind="thon")
    client.get("/ocop/danh-muc/", by_province)
    assert {"divisions.unit-ids", "ocop.catalog"} <= set(stored)


def test_searches_and_unknown_filters_make_no_cache_entry(client, geo, committed, stored):
    with committed():
        pass
    client.get("/ocop/danh-muc/")
    assert "ocop.catalog" in stored
    stored.clear()
    for query in [
        {"q": "chè"},
        {"q": "chè", "page": "2"},
        {"group": "không có ngành này"},
        {"province": "abc"},
        {"province": "999999"},
        {"stars": "7"},
        {"page": "123456"},
    ]:
        assert client.get("/ocop/danh-muc/", query).status_code == 200
    assert "ocop.catalog" not in stored
    client.get("/ocop/danh-muc/", {"province": geo.province.pk, "stars": "4", "page": "2"})
    assert "ocop.catalog" in stored


def _catalog_queries(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/ocop/danh-muc/", params).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _searched(queries) -> bool:
    return any("LIKE" in sql.upper() and "ocop_certificate" in sql for sql in queries)


def test_a_search_is_served_from_the_store_the_second_time(client, geo, personas, committed):
    with committed():
        install_synthetic()
        _certified(personas, geo.commune_a, "Chè An Bình", "P-1")
    first = _catalog_queries(client, {"q": "chè"})
    assert _searched(first)
    assert len(datacache.search_store) == 1
    # the same search typed differently (case, spaces) is the same entry: no search query
    second = _catalog_queries(client, {"q": "  CHÈ "})
    assert not _searched(second)
    assert len(second) < len(first)
    assert "Chè An Bình" in client.get("/ocop/danh-muc/", {"q": "Chè"}).content.decode()
    # diacritics are kept: "che" is another search
    _catalog_queries(client, {"q": "che"})
    assert len(datacache.search_store) == 2


def test_ten_thousand_searches_keep_the_store_within_its_bound(settings, db):
    settings.SEARCH_CACHE_ENTRIES = 50
    computed = []

    def search(text):
        computed.append(text)
        return f"<ul>{text}</ul>"

    for i in range(10_000):
        datacache.cached_search("ocop.catalog", f"tìm {i} " + "x" * 500, None, 1, compute=search)
        assert len(datacache.search_store) <= 50
    assert len(computed) == 10_000
    assert all(len(text) <= datacache.SEARCH_TEXT_MAX for text in computed)
    # the most recent are still there; the oldest were pushed out
    datacache.cached_search("ocop.catalog", "tìm 9999 " + "x" * 500, None, 1, compute=search)
    assert len(computed) == 10_000
    datacache.cached_search("ocop.catalog", "tìm 0 " + "x" * 500, None, 1, compute=search)
    assert len(computed) == 10_001


def test_a_data_change_invalidates_the_searches(client, geo, personas, committed):
    with committed():
        install_synthetic()
        _certified(personas, geo.commune_a, "Chè An Bình", "P-1")
    assert "Chè Tân Cương" not in client.get("/ocop/danh-muc/", {"q": "chè"}).content.decode()
    assert not _searched(_catalog_queries(client, {"q": "chè"}))
    with committed():
        _certified(personas, geo.commune_a, "Chè Tân Cương", "P-2")
    assert _searched(_catalog_queries(client, {"q": "chè"}))
    assert "Chè Tân Cương" in client.get("/ocop/danh-muc/", {"q": "chè"}).content.decode()


def test_search_store_off_and_cache_off(client, geo, personas, committed, settings):
    with committed():
        install_synthetic()
        _certified(personas, geo.commune_a, "Chè An Bình", "P-1")
    settings.SEARCH_CACHE_ENTRIES = 0
    assert _searched(_catalog_queries(client, {"q": "chè"}))
    assert _searched(_catalog_queries(client, {"q": "chè"}))
    assert len(datacache.search_store) == 0
    settings.SEARCH_CACHE_ENTRIES = 256
    settings.DATA_CACHE_SECONDS = 0
    assert _searched(_catalog_queries(client, {"q": "chè"}))
    assert len(datacache.search_store) == 0
