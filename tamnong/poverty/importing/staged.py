"""The staging sink: a temporary table filled while the rows are checked (COPY on PostgreSQL,
executemany on SQLite), committed afterwards set-based by `commit.commit_staged`."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from .validate import ROW_FIELDS

STAGE = "pov_stage"
STAGE_COLUMNS = ", ".join(ROW_FIELDS)
BATCH = 10_000


class _Abandoned(Exception):
    """Ends a COPY whose rows are not wanted."""


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def drop_stage() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")


class StagedSink:
    """A temporary table filled during validation (COPY on PostgreSQL, executemany on SQLite)."""

    failed = False  # the staging table takes any file

    def __init__(self) -> None:
        drop_stage()
        pg = is_pg()
        # codes compare bytewise, like the household code column (migration 0003)
        text, big = ('TEXT COLLATE "C"' if pg else "TEXT", "BIGINT")
        ddl = (
            f"CREATE TEMP TABLE {STAGE} (rowno INTEGER, code {text}, year INTEGER, "
            f"commune_id {big}, unit_id {big}, head TEXT, members INTEGER, area INTEGER, "
            f"ethnic BOOLEAN, policy BOOLEAN, income BIGINT, housing DOUBLE PRECISION, "
            f"mask INTEGER, dcount INTEGER, standard_id {big}, klass TEXT, superseded INTEGER, "
            # the partition key (partitions.py), set from the commune before the commit
            f"province_id {big})"
        )
        with connection.cursor() as cur:
            cur.execute(ddl)
        self.buf: list[tuple] = []
        self.pg = pg
        self._copy_cm = self._copy = self._cursor = None
        if self.pg:
            self._cursor = connection.cursor()
            self._copy_cm = self._cursor.cursor.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()
            self.add: Callable[[tuple], None] = self._copy.write_row
        else:
            self.add = self._append

    def add_many(self, rows: list[tuple]) -> None:
        if self.pg:
            write = self._copy.write_row
            for row in rows:
                write(row)
        else:
            self.buf.extend(rows)
            if len(self.buf) >= BATCH:
                self.flush()

    def _append(self, row: tuple) -> None:
        self.buf.append(row)
        if len(self.buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            marks = ",".join(["%s"] * len(ROW_FIELDS))
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(f"INSERT INTO {STAGE} ({STAGE_COLUMNS}) VALUES ({marks})", self.buf)
            self.buf = []

    def close(self) -> None:
        if self.pg:
            if self._copy_cm is not None:
                self._copy_cm.__exit__(None, None, None)
                self._cursor.close()
                self._copy_cm = None
                with connection.cursor() as cur:
                    cur.execute(f"ANALYZE {STAGE}")  # a temp table has no statistics
        else:
            self.flush()

    def stop(self) -> None:
        """Abandon the rows (the file was refused while it was read): the COPY is cancelled."""
        self.buf = []
        if self._copy_cm is not None:
            self._copy_cm.__exit__(_Abandoned, _Abandoned("file refused"), None)
            self._cursor.close()
            self._copy_cm = None

    def mark_superseded(self, rownos: list[int]) -> None:
        """Rows whose household has a later year in the file: their records are stored, the
        household's attributes come from the latest year."""
        with connection.cursor() as cur:
            for i in range(0, len(rownos), 5000):
                chunk = rownos[i : i + 5000]
                cur.execute(
                    f"UPDATE {STAGE} SET superseded = 1 WHERE rowno IN ({','.join(map(str, chunk))})"
                )


def tune_connection() -> Callable[[], None]:
    """SQLite: a larger page cache and an in-memory temp store while importing (index inserts
    of a million rows thrash the default 2 MB cache). Restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return lambda: None
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache = cur.fetchone()[0]
        cur.execute("PRAGMA temp_store")
        temp = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")
        cur.execute("PRAGMA temp_store = MEMORY")

    def restore() -> None:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(cache)}")
            cur.execute(f"PRAGMA temp_store = {int(temp)}")

    return restore
