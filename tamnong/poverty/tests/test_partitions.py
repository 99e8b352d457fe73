"""Households and review records by province: the partition key on every row, codes unique per
province, and on PostgreSQL a province's query reading its own partition only."""

import pytest
from django.db import connection

from tamnong.access.actors import SYSTEM
from tamnong.poverty import partitions
from tamnong.poverty.importing import import_file
from tamnong.poverty.models import Household, ReviewRecord
from tamnong.testing.poverty import row, write_xlsx

pg_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="declarative partitioning is PostgreSQL's"
)


@pytest.fixture
def two_provinces(geo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    files = {
        "x.xlsx": [row("H-1", deprived="1,2,3"), row("H-2", commune="10003")],
        # the same code in the other province's file
        "z.xlsx": [row("H-1", commune="90001", income=900_000)],
    }
    for name, rows in files.items():
        result = import_file(write_xlsx(tmp_path / name, rows), user=SYSTEM)
        assert result.ok, result.error_sample
    return geo


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def test_every_household_and_record_carries_its_communes_province(two_provinces):
    geo = two_provinces
    by = {(h.code, h.commune_id): h for h in Household.objects.all()}
    assert by[("H-1", geo.commune_a.pk)].province_id == geo.province.pk
    assert by[("H-1", geo.other_commune.pk)].province_id == geo.other_province.pk
    for record in ReviewRecord.objects.select_related("household"):
        assert record.province_id == record.household.province_id


def test_a_code_is_unique_within_its_province_not_across_provinces(two_provinces, tmp_path):
    geo = two_provinces
    assert Household.objects.filter(code="H-1").count() == 2
    # re-importing the first province's H-1 updates that household, not the other province's
    again = [row("H-1", income=5_000_000)]
    assert import_file(write_xlsx(tmp_path / "y.xlsx", again), user=SYSTEM).ok
    assert Household.objects.filter(code="H-1").count() == 2
    mine = ReviewRecord.objects.get(household__code="H-1", province=geo.province)
    theirs = ReviewRecord.objects.get(household__code="H-1", province=geo.other_province)
    assert (mine.income, theirs.income) == (5_000_000, 900_000)


def test_a_household_saved_through_the_orm_gets_its_province(geo):
    h = Household.objects.create(
        code="O-1", head_name="A", commune=geo.other_commune, division=geo.other_commune, area=0
    )
    assert h.province_id == geo.other_province.pk
    h.commune = h.division = geo.commune_a
    h.save(update_fields=["commune", "division"])
    h.refresh_from_db()
    assert h.province_id == geo.province.pk


def test_a_scoped_query_names_the_users_province(two_provinces, personas):
    qs = Household.objects.visible_to(personas.alice)
    assert f'"province_id" IN ({two_provinces.province.pk})' in str(qs.query)
    assert {h.province_id for h in qs} == {two_provinces.province.pk}


@pg_only
def test_each_province_has_its_partition(two_provinces):
    assert partitions.enabled()
    have = partitions.existing()
    for table in partitions.TABLES:
        assert {two_provinces.province.pk, two_provinces.other_province.pk} <= have[table]


@pg_only
def test_a_provinces_query_reads_only_its_partition(two_provinces):
    geo = two_provinces
    mine, theirs = geo.province.pk, geo.other_province.pk
    for model, table in ((Household, "poverty_household"), (ReviewRecord, "poverty_reviewrecord")):
        plan = _plan(model.objects.in_province(geo.province).filter(commune=geo.commune_a))
        assert f"{table}_p{mine}" in plan, plan
        assert f"{table}_p{theirs}" not in plan, plan
        assert f"{table}_default" not in plan, plan
        # without the key every partition is read (the test can fail)
        assert f"{table}_p{theirs}" in _plan(model.objects.filter(commune=geo.commune_a))


@pg_only
def test_a_scoped_list_reads_only_the_users_province(two_provinces, personas):
    plan = _plan(Household.objects.visible_to(personas.alice))
    assert f"poverty_household_p{two_provinces.province.pk}" in plan
    assert f"poverty_household_p{two_provinces.other_province.pk}" not in plan


@pg_only
def test_a_province_loaded_later_gets_its_partition_and_its_rows_leave_default(two_provinces):
    geo = two_provinces
    pid = geo.other_province.pk
    with connection.cursor() as cur:  # as if the province had been loaded after the migration
        for table in partitions.TABLES:
            cur.execute(f"ALTER TABLE {table} DETACH PARTITION {table}_p{pid}")
            cur.execute(f"INSERT INTO {table}_default SELECT * FROM {table}_p{pid}")
            cur.execute(f"DROP TABLE {table}_p{pid}")
    assert pid not in partitions.existing()["poverty_household"]
    report = partitions.maintain()
    assert report["created"] == 2 and report["moved"] == 2  # one household, one record
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM poverty_household_p{pid}")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT COUNT(*) FROM poverty_household_default")
        assert cur.fetchone()[0] == 0
    assert Household.objects.filter(code="H-1").count() == 2


def test_the_poverty_page_reads_its_years_from_the_figures_not_the_records(
    two_provinces, client, settings
):
    """The page's year list is a scan of the records on main; it comes from the per-unit
    figures here. Only the sustainable-escape count still reads records, of one province."""
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    settings.DATA_CACHE_SECONDS = 0
    client.force_login(two_provinces.admin)
    with CaptureQueriesContext(conn) as ctx:
        response = client.get(f"/poverty/?division={two_provinces.province.pk}&year=2025")
    assert response.status_code == 200
    assert response.context["years"] == [2025]
    # (the sponsors' table, read from the sponsorships, joins the records of those households)
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "poverty_reviewrecord"' in q["sql"]]
    assert reads, "the sustainable-escape count reads records"
    for sql in reads:
        assert f'"province_id" = {two_provinces.province.pk}' in sql, sql


def test_households_follow_their_commune_into_another_province(two_provinces):
    """A map change that moves a commune to another province re-homes its households and their
    records (the signal every refresh of the paths sends)."""
    from tamnong.core.signals import divisions_changed

    geo = two_provinces
    commune = geo.commune_c
    commune.path = f"{geo.other_province.path}{commune.pk}/"
    commune.save(update_fields=["path"])
    divisions_changed.send(sender=type(commune))
    moved = Household.objects.get(code="H-2")
    assert moved.province_id == geo.other_province.pk
    assert {r.province_id for r in moved.reviews.all()} == {geo.other_province.pk}
    assert Household.objects.get(code="H-1", commune=geo.commune_a).province_id == geo.province.pk


def test_every_read_of_a_provinces_poverty_page_names_its_province(two_provinces, client, settings):
    """The page's support and sponsorship tables reach the households (and their records)
    through joins: each join names the province too, so that on PostgreSQL the page reads that
    province's partitions only (on the national database, scanning every province's households
    made the page ten times slower than on a database holding the province alone)."""
    from django.test.utils import CaptureQueriesContext

    geo = two_provinces
    mine, theirs = geo.province.pk, geo.other_province.pk
    settings.DATA_CACHE_SECONDS = 0
    client.force_login(geo.admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/poverty/?division={mine}&year=2025")
    assert response.status_code == 200 and response.context["division"] == geo.province
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if '"poverty_household"' in q["sql"] or '"poverty_reviewrecord"' in q["sql"]
    ]
    assert any('"poverty_sponsorship"' in sql for sql in reads)
    assert any('"poverty_supportrecord"' in sql for sql in reads)
    for sql in reads:
        assert f'"province_id" = {mine}' in sql, sql
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("EXPLAIN " + sql)
                plan = "\n".join(r[0] for r in cur.fetchall())
            for table in partitions.TABLES:
                assert f"{table}_p{theirs}" not in plan, plan
                assert f"{table}_default" not in plan, plan
