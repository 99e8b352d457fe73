"""Households and review records by province: the `province` column everywhere, and on
PostgreSQL both tables become partitioned tables (PARTITION BY LIST (province_id)), one partition
per province of the current map plus a DEFAULT one. See tamnong/poverty/partitions.py for the
keys chosen (primary key (id, province_id) on PostgreSQL, code unique per province, no database
constraint on foreign keys to households). SQLite keeps plain tables.

The conversion is written out here (not imported from partitions.py) so that this migration keeps
doing what it did when the module changes."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("poverty_household", "poverty_reviewrecord")


def fill_provinces(apps, schema_editor):
    """Existing rows: the household's province is its commune's; a record's is its household's."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        first = "split_part(d.path, '/', 2)::bigint"
    else:
        first = "CAST(substr(d.path, 2, instr(substr(d.path, 2), '/') - 1) AS INTEGER)"
    schema_editor.execute(
        "UPDATE poverty_household SET province_id = (SELECT CASE WHEN substr(d.path, 2, 1) = 'h' "
        f"THEN COALESCE(d.parent_id, d.id) ELSE {first} END FROM divisions_division d "
        "WHERE d.id = poverty_household.commune_id)"
    )
    schema_editor.execute(
        "UPDATE poverty_reviewrecord SET province_id = (SELECT h.province_id FROM "
        "poverty_household h WHERE h.id = poverty_reviewrecord.household_id)"
    )


def _rebuild(schema_editor, table: str, partitioned: bool) -> None:
    """Rebuild `table` as a partitioned table (or back to a plain one), keeping its columns,
    checks, defaults, rows, index and constraint names and the id sequence's position."""
    conn = schema_editor.connection
    old = f"{table}_old"
    with conn.cursor() as cur:
        cur.execute(f"ALTER TABLE {table} RENAME TO {old}")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
            [old],
        )
        uniques = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
            [old, old],
        )
        indexes = cur.fetchall()
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {old}")
        last_id = cur.fetchone()[0]
        cur.execute(
            "SELECT id FROM divisions_division WHERE level = 'province' AND current_id = id "
            "ORDER BY id"
        )
        provinces = [r[0] for r in cur.fetchall()]
        how = " PARTITION BY LIST (province_id)" if partitioned else ""
        # (not INCLUDING IDENTITY: PostgreSQL 15 has no identity on a partitioned table; the id
        # draws from a sequence owned by the column, as a serial does)
        cur.execute(
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS){how}"
        )
        if partitioned:
            cur.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
            for pid in provinces:
                cur.execute(
                    f"CREATE TABLE {table}_p{int(pid)} PARTITION OF {table} "
                    f"FOR VALUES IN ({int(pid)})"
                )
        cur.execute(f"INSERT INTO {table} SELECT * FROM {old}")
        cur.execute(f"DROP TABLE {old}")
        cur.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
        cur.execute(f"SELECT setval('{table}_id_seq', %s, %s)", [max(last_id, 1), last_id > 0])
        cur.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
        key = "id, province_id" if partitioned else "id"
        cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
        for name, definition in uniques:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cur.execute(definition.replace(f" ON public.{old} ", f" ON public.{table} ", 1))


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            _rebuild(schema_editor, table, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            _rebuild(schema_editor, table, partitioned=False)


def _province_field(null: bool):
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="divisions.division",
    )


def _household_fk(related_name: str):
    return models.ForeignKey(
        db_constraint=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="poverty.household",
    )


class Migration(migrations.Migration):
    # the rebuild is DDL and data in one transaction (PostgreSQL's DDL is transactional)
    atomic = True

    dependencies = [
        ("divisions", "0002_map_changes"),
        ("poverty", "0004_stored_files_unguessable"),
    ]

    operations = [
        migrations.AddField("household", "province", _province_field(null=True)),
        migrations.AddField("reviewrecord", "province", _province_field(null=True)),
        migrations.RunPython(fill_provinces, migrations.RunPython.noop),
        migrations.AlterField("household", "province", _province_field(null=False)),
        migrations.AlterField("reviewrecord", "province", _province_field(null=False)),
        migrations.AlterField(
            "household", "code", models.CharField(max_length=40, verbose_name="mã hộ")
        ),
        migrations.AddIndex(
            "household", models.Index(fields=["code"], name="poverty_household_code")
        ),
        migrations.AddConstraint(
            "household",
            models.UniqueConstraint(
                fields=("province", "code"), name="poverty_household_code_per_province"
            ),
        ),
        migrations.RemoveConstraint("reviewrecord", "poverty_record_unique"),
        migrations.AddConstraint(
            "reviewrecord",
            models.UniqueConstraint(
                fields=("province", "household", "year"), name="poverty_record_unique"
            ),
        ),
        migrations.AlterField("householdmember", "household", _household_fk("member_rows")),
        migrations.AlterField("supportrecord", "household", _household_fk("supports")),
        migrations.AlterField("sponsorship", "household", _household_fk("sponsorships")),
        migrations.RunPython(partition, unpartition),
    ]
