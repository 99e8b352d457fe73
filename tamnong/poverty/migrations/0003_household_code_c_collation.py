"""PostgreSQL: compare household codes bytewise (collation "C").

Codes are identifiers, not words; the "C" collation makes the unique index and the join of a
million-row import cheaper than a linguistic collation, and it serves prefix searches itself, so
the extra `varchar_pattern_ops` index Django adds is dropped. SQLite already compares bytewise."""

from django.db import migrations


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE poverty_household ALTER COLUMN code TYPE varchar(40) COLLATE "C"'
        )
        with schema_editor.connection.cursor() as cur:
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'poverty_household' "
                "AND indexdef LIKE '%%varchar_pattern_ops%%'"
            )
            for (name,) in cur.fetchall():
                schema_editor.execute(f'DROP INDEX "{name}"')


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE poverty_household ALTER COLUMN code TYPE varchar(40) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("poverty", "0002_load_standards")]
    operations = [migrations.RunPython(to_c, back)]
