"""Households and review records partitioned by province on PostgreSQL (declarative, LIST).

A national deployment holds 27 M households and five times as many review records. On
PostgreSQL both tables are partitioned by `province_id` (migration 0005 turns them into
partitioned tables): one partition per province, `<table>_p<province id>`, and a DEFAULT
partition, `<table>_default`, that takes the rows of a province loaded since. A province's query
(it names `province_id`, see `ByProvinceQuerySet.in_province`) then reads its partition only, a
province's import fills and indexes a table of its own size, and dropping or rebuilding one
province never touches the others. SQLite (one province, embedded) keeps plain tables.

Keys. PostgreSQL requires every unique key of a partitioned table to hold the partition key, so:
- the primary key is (id, province_id) on PostgreSQL; Django still knows `id` as the primary key
  (ids come from one sequence, so `id` alone stays unique);
- a household code is unique within its province — (province, code) — on both engines: the
  province owns its registry (codes are issued by the province's communes);
- a review record is unique per (province, household, year), the province being the
  household's, so the same as (household, year);
- foreign keys *to* households carry no database constraint (members, support records, review
  records): a foreign key must reference a unique key, which would have to hold province_id.
  Django enforces their CASCADE, as it already did for review records.

Maintenance: `maintain()` — run after every load or change of the divisions (signal
`divisions_changed`), after `migrate`, and by `manage.py poverty_partitions` — creates the
partition of every province that has none, moves that province's rows out of the DEFAULT
partition, and re-homes the households whose commune now lies in another province (a merger).
"""

from __future__ import annotations

from django.db import connection, transaction

TABLES = ("poverty_household", "poverty_reviewrecord")


def enabled(conn=None) -> bool:
    """Are the poverty tables partitioned here (PostgreSQL after migration 0005)?"""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = 'public'::regnamespace",
            [TABLES[0]],
        )
        return cur.fetchone() is not None


def partition_name(table: str, province_id: int | None) -> str:
    return f"{table}_default" if province_id is None else f"{table}_p{int(province_id)}"


def existing(conn=None) -> dict[str, set[int]]:
    """The provinces that have a partition, per table."""
    conn = conn or connection
    out: dict[str, set[int]] = {t: set() for t in TABLES}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT parent.relname, child.relname FROM pg_inherits i "
            "JOIN pg_class parent ON parent.oid = i.inhparent "
            "JOIN pg_class child ON child.oid = i.inhrelid WHERE parent.relname = ANY(%s)",
            [list(TABLES)],
        )
        for parent, child in cur.fetchall():
            suffix = child[len(parent) + 2 :]
            if child.startswith(f"{parent}_p") and suffix.isdigit():
                out[parent].add(int(suffix))
    return out


def provinces(conn=None) -> list[int]:
    """The provinces households can be in: every province of the current map."""
    conn = conn or connection
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id FROM divisions_division WHERE level = 'province' AND current_id = id "
            "ORDER BY id"
        )
        return [r[0] for r in cur.fetchall()]


def create_partition(table: str, province_id: int, conn=None) -> int:
    """The partition of one province; rows of it already in the DEFAULT partition move in.

    Returns the number of rows moved. PostgreSQL refuses a new LIST partition while the DEFAULT
    partition holds rows of its value, so those rows are moved into a plain table first, which is
    then attached (its rows are checked against the partition bound once, by the ATTACH)."""
    conn = conn or connection
    name, default = partition_name(table, province_id), partition_name(table, None)
    pid = int(province_id)
    with conn.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {default} WHERE province_id = {pid} LIMIT 1")
        if cur.fetchone() is None:
            cur.execute(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES IN ({pid})")
            return 0
        cur.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cur.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE province_id = {pid} RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved"
        )
        moved = cur.rowcount
        # the check ATTACH would otherwise do by scanning the DEFAULT partition again
        cur.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_bound CHECK (province_id = {pid})")
        cur.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES IN ({pid})")
        cur.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bound")
        return moved


def realign(conn=None) -> int:
    """Households whose commune now lies in another province move there, and their records
    with them (PostgreSQL moves an updated row to its new partition). Two scans: for a map
    change, not for every request."""
    conn = conn or connection
    hh, rec = TABLES
    if conn.vendor == "postgresql":
        first = "split_part(d.path, '/', 2)::bigint"
    else:
        first = "CAST(substr(d.path, 2, instr(substr(d.path, 2), '/') - 1) AS INTEGER)"
    # (a unit that resolves nowhere has a path "/h12/": it keeps the province it had)
    province = (
        f"(SELECT {first} FROM divisions_division d WHERE d.id = {hh}.commune_id "
        "AND substr(d.path, 2, 1) <> 'h')"
    )
    with conn.cursor() as cur:
        cur.execute(f"UPDATE {hh} SET province_id = {province} WHERE province_id <> {province}")
        moved = cur.rowcount
        if moved:
            cur.execute(
                f"UPDATE {rec} SET province_id = (SELECT h.province_id FROM {hh} h "
                f"WHERE h.id = {rec}.household_id) WHERE province_id <> (SELECT h.province_id "
                f"FROM {hh} h WHERE h.id = {rec}.household_id)"
            )
    return moved


def maintain(conn=None) -> dict[str, int]:
    """Every province its partition, the DEFAULT partition emptied of them, households in the
    province of their commune. Safe to run any time (idempotent); a no-op on SQLite except for
    the re-homing."""
    conn = conn or connection
    report = {"created": 0, "moved": 0, "realigned": 0}
    with transaction.atomic(using=conn.alias):
        report["realigned"] = realign(conn)
        if not enabled(conn):
            return report
        have = existing(conn)
        for table in TABLES:
            for pid in provinces(conn):
                if pid not in have[table]:
                    report["moved"] += create_partition(table, pid, conn)
                    report["created"] += 1
    return report


def on_divisions_changed(sender, **kwargs) -> None:
    maintain()
