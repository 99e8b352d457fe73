"""The change table of a household import (audit.ImportChange, issue 14 item 8): its cost and size.

    PYTHONPATH=. .venv/bin/python bench/import_changes.py --households 200000 --engine sqlite|postgres

In a fresh database with the synthetic province of bench/poverty_import.py, three review files of
the same households (the same codes; incomes, members, villages drawn from another seed each):

1. file A, the first import: every household created (the change table keeps id ranges);
2. file B, the floor: every household's record updated, with the change recording switched off
   (`audit.changes.record_updates`, `record_created` and `add_ranges` made no-ops);
3. file C: the same kind of import with the change table written (previous and new values of
   the changed fields of every updated record).

Prints one JSON line last: bench, engine, households, first_seconds, first_change_rows,
floor_seconds (B), seconds (C), ratio (C / B), change_rows (C), changed_records (C),
change_bytes (the before/after JSON of C's rows), bytes_per_changed_record, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, emit, peak_rss_mb, setup_django, timed  # noqa: E402
from poverty_import import province, workbook  # noqa: E402


@contextmanager
def no_change_table():
    from tamnong.audit import changes

    saved = {n: getattr(changes, n) for n in ("record_updates", "record_created", "add_ranges")}
    try:
        for name in saved:
            setattr(changes, name, lambda *a, **kw: None)
        yield
    finally:
        for name, fn in saved.items():
            setattr(changes, name, fn)


def run_of(result) -> str:
    from tamnong.audit import changes

    return changes.run_key("poverty.ImportBatch", result.batch_id)


def table_size(run: str) -> tuple[int, int, int]:
    """(rows, records they cover, bytes of their before/after JSON) of one import's changes."""
    from django.db import connection

    from tamnong.audit.models import ImportChange

    table = ImportChange._meta.db_table
    length = "octet_length" if connection.vendor == "postgresql" else "length"
    cast = "::text" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT COUNT(*), COALESCE(SUM(COALESCE(last_id, object_id) - object_id + 1), 0), "
            f"COALESCE(SUM(COALESCE({length}(before{cast}), 0) "
            f"+ COALESCE({length}(after{cast}), 0)), 0) FROM {table} WHERE run = %s",
            [run],
        )
        rows, records, size = cur.fetchone()
    return int(rows), int(records), int(size)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=200_000)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")  # production settings: no query log
    setup_django(args.engine, "tn_bench_changes")
    files = [workbook(args.households, args.seed + k) for k in range(3)]
    province()
    from tamnong.access.actors import SYSTEM
    from tamnong.poverty.importing import import_file

    def imported(path: Path):
        result, seconds = timed(import_file, path, user=SYSTEM, error_dir=BENCH_DIR)
        if not result.ok:
            raise SystemExit(f"import rejected: {result.error_sample[:5]}")
        return result, seconds

    first, first_s = imported(files[0])
    with no_change_table():
        floor, floor_s = imported(files[1])
    recorded, seconds = imported(files[2])
    first_rows, _first_records, _ = table_size(run_of(first))
    floor_rows, _, _ = table_size(run_of(floor))
    rows, records, size = table_size(run_of(recorded))
    assert floor_rows == 0, "the floor wrote a change table"
    emit(
        "import_changes",
        engine=args.engine,
        households=args.households,
        first_seconds=round(first_s, 2),
        first_change_rows=first_rows,
        floor_seconds=round(floor_s, 2),
        seconds=round(seconds, 2),
        ratio=round(seconds / floor_s, 2),
        change_rows=rows,
        changed_records=records,
        change_bytes=size,
        bytes_per_changed_record=round(size / records, 1) if records else None,
        peak_rss_mb=peak_rss_mb(),
    )


if __name__ == "__main__":
    main()
