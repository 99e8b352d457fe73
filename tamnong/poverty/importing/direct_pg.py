"""The direct writer (PostgreSQL): checked rows go straight into households and review records
while the file is still being checked, inside the import's one transaction."""

from __future__ import annotations

import queue
import re
import threading

from django.db import connection

from ..models import ReviewRecord
from ..models import Transition as T


class Conflict(Exception):
    """A household code of the file is already registered."""


class DirectSink:
    """Writes checked rows straight into households and review records.

    For a file of one year whose households are all new (a province's first review file), this
    is the whole commit: nothing is left to upsert afterwards, and PostgreSQL stores chunk k
    while Python checks chunk k+1. The checking thread only formats COPY text; a writer thread
    owns the connection meanwhile and spends its time waiting on the server (so it hardly needs
    the GIL): COPY the chunk into a small staging table whose `hid` column draws household ids
    from the sequence (safe beside other writers), then two plain INSERT … SELECT (no upsert,
    no lookup by code). Progress is written through a connection of its own.

    Anything else makes the sink `failed` (the caller checks the file again the staged way): a
    second year in the file, or a household code already in the registry (the unique index
    refuses the chunk; the transaction is rolled back and the rows are checked again from the
    first one, without reading the file again).
    """

    CHUNK = 20_000
    TABLE = "pov_direct"

    def __init__(self, batch_id: int, now) -> None:
        from ..models import Household

        self.hh, self.rec = Household._meta.db_table, ReviewRecord._meta.db_table
        self.year: int | None = None
        self._mixed = False
        self._error: BaseException | None = None
        self._lines: list[str] = []
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        with connection.cursor() as cur:
            # the sequence is named once: pg_get_serial_sequence() in the default would be a
            # catalogue lookup per row
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [self.hh])
            seq = int(cur.fetchone()[0])
            # (dropped at the commit; inside an enclosing transaction an earlier import's may
            # still be there)
            cur.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cur.execute(
                f"CREATE TEMP TABLE {self.TABLE} (hid BIGINT NOT NULL DEFAULT "
                f"nextval({seq}::regclass), code TEXT, year INTEGER, "
                "commune_id BIGINT, unit_id BIGINT, head TEXT, members INTEGER, area INTEGER, "
                "ethnic BOOLEAN, policy BOOLEAN, income BIGINT, housing DOUBLE PRECISION, "
                "mask INTEGER, dcount INTEGER, standard_id BIGINT, klass TEXT, "
                "province_id BIGINT) ON COMMIT DROP"
            )
            # the partition key of both tables (partitions.py): each commune's province
            cur.execute(
                "SELECT id, split_part(path, '/', 2)::bigint FROM divisions_division "
                "WHERE level = 'commune'"
            )
            self._province = dict(cur.fetchall())
            # the import's transaction: a crash loses it whole, so no need to wait for the WAL
            # flush at commit
            cur.execute("SET LOCAL synchronous_commit = off")
        self._statements = (
            f"INSERT INTO {self.hh} (id, code, head_name, members, commune_id, division_id, area, "
            "ethnic_minority, policy_household, updated_at, province_id) "
            f"SELECT hid, code, head, members, commune_id, unit_id, area, ethnic, policy, %s, "
            f"province_id FROM {self.TABLE}",
            f"INSERT INTO {self.rec} (household_id, year, commune_id, division_id, area, members, "
            "income, housing_area, deprivations, deprivation_count, standard_id, classification, "
            "transition, arising, arising_reason, batch_id, updated_at, province_id) "
            f"SELECT hid, year, commune_id, unit_id, area, members, income, housing, mask, dcount, "
            f"standard_id, klass, '{T.FIRST.value}', false, '', {int(batch_id)}, %s, province_id "
            f"FROM {self.TABLE} RETURNING id",
        )
        self._batch_id = int(batch_id)
        # the ids this file created, as ranges (the change table of the import, audit.changes)
        self.created: dict[str, list[tuple[int, int]]] = {
            "poverty.Household": [],
            "poverty.ReviewRecord": [],
        }
        self._now = now
        self.raw = connection.connection
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="poverty-import-writer", daemon=True
        )
        self._thread.start()

    @property
    def failed(self) -> bool:
        return self._mixed or isinstance(self._error, Conflict)

    def add(self, row: tuple) -> None:
        """One checked row (a tuple of validate.ROW_FIELDS), formatted as COPY text."""
        if self._mixed:
            return
        (_rowno, code, year, commune_id, unit_id, head, members, area, ethnic, policy, income,
         housing, mask, dcount, standard_id, klass, _sup) = row  # fmt: skip
        if year != self.year:
            if self.year is not None:
                self._mixed, self._lines = True, []
                return
            self.year = year
        if _COPY_SPECIAL.search(code):
            code = _copy_text(code)
        if _COPY_SPECIAL.search(head):
            head = _copy_text(head)
        hous = _COPY_NULL if housing is None else repr(float(housing))
        self._lines.append(
            f"{code}\t{year}\t{commune_id}\t{unit_id}\t{head}\t{members}\t{area}\t"
            f"{'t' if ethnic else 'f'}\t{'t' if policy else 'f'}\t{income}\t"
            f"{hous}\t{mask}\t{dcount}\t"
            f"{standard_id}\t{klass}\t{self._province[commune_id]}\n"
        )
        if len(self._lines) >= self.CHUNK:
            self._queue.put("".join(self._lines).encode())
            self._lines = []

    def add_many(self, rows: list[tuple]) -> None:
        add = self.add
        for row in rows:
            add(row)

    def close(self) -> None:
        """Hand over the last rows and wait until everything is stored (main thread)."""
        if self._thread is None:
            return
        if self._lines and not self.failed:
            self._queue.put("".join(self._lines).encode())
        self._lines = []
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        if self._error is not None and not self.failed:
            raise self._error

    def stop(self) -> None:
        """Stop the writer whatever happened (the transaction is about to end)."""
        if self._thread is None:
            return
        self._lines = []
        if self._error is None:
            self._error = Conflict("stopped")  # the writer drains without storing
        self._queue.put(None)
        self._thread.join()
        self._thread = None

    def _run(self) -> None:
        import psycopg

        with self.raw.cursor() as cur:
            while (chunk := self._queue.get()) is not None:
                if self._error is not None or self._mixed:
                    continue  # keep draining so the checking thread never blocks
                try:
                    self._store(cur, chunk)
                except psycopg.errors.UniqueViolation as exc:
                    self._error = Conflict(str(exc))
                except BaseException as exc:  # noqa: BLE001 – re-raised in the main thread
                    self._error = exc

    def _store(self, cur, chunk: bytes) -> None:
        with cur.copy(
            f"COPY {self.TABLE} (code, year, commune_id, unit_id, head, members, area, ethnic, "
            "policy, income, housing, mask, dcount, standard_id, klass, province_id) FROM STDIN"
        ) as copy:
            copy.write(chunk)
        households, records = self._statements
        cur.execute(households, [self._now])
        self.created["poverty.Household"].extend(
            self._ranges(cur, f"SELECT hid AS id FROM {self.TABLE}")
        )
        cur.execute(
            f"WITH ins AS ({records}) SELECT MIN(id), MAX(id), COUNT(*) FROM ins", [self._now]
        )
        lo, hi, n = cur.fetchone()
        if n and hi - lo + 1 == n:
            self.created["poverty.ReviewRecord"].append((lo, hi))
        elif n:
            self.created["poverty.ReviewRecord"].extend(
                self._ranges(
                    cur,
                    f"SELECT id FROM {self.rec} WHERE batch_id = {self._batch_id} "
                    f"AND id BETWEEN {int(lo)} AND {int(hi)}",
                )
            )
        cur.execute(f"TRUNCATE {self.TABLE}")

    @staticmethod
    def _ranges(cur, ids_sql: str) -> list[tuple[int, int]]:
        """The ids of `ids_sql` as runs of consecutive ids (one when nobody else drew ids from
        the sequence meanwhile)."""
        cur.execute(f"SELECT MIN(id), MAX(id), COUNT(*) FROM ({ids_sql}) ids")
        lo, hi, n = cur.fetchone()
        if not n:
            return []
        if hi - lo + 1 == n:
            return [(lo, hi)]
        cur.execute(
            f"SELECT MIN(id), MAX(id) FROM (SELECT id, id - ROW_NUMBER() OVER (ORDER BY id) AS g "
            f"FROM ({ids_sql}) ids) x GROUP BY g"
        )
        return [tuple(r) for r in cur.fetchall()]


_COPY_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
