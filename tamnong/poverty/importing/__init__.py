"""Bulk import of review records (nhập kết quả rà soát hộ nghèo) from .xlsx, .xls or .csv.

Two phases, so that a bad file never half-writes:

1. **Check** every row while streaming the file (`tamnong.tabular` reads it and parses every
   cell): look up the commune and village in dictionaries read once (`lookups.py`), classify by
   the year's standard, collect every fault of every row (`validate.py`, which knows nothing of
   storage) and hand each clean row to a sink (`sinks.py`): the staging table (`staged.py`, COPY on
   PostgreSQL, executemany on SQLite). Every fault goes to the error report (row, column, reason).
2. **Commit** only when no row was rejected, in one transaction (`commit.py`): upsert households
   and records set-based from the staging table (INSERT … SELECT … ON CONFLICT), recompute
   transitions where earlier or later years exist (SQL generated from the Python rule), rebuild
   the figures of the communes and years touched.

On PostgreSQL a file of one year whose households are all new (a province's first file) takes a
shorter way: both phases run together in one transaction, checked chunks going straight into the
tables while the next chunk is checked (`direct_pg.py`, a writer with its own thread); rejected
rows roll it back, and a file that turns out not to fit (a registered household, a second year)
is checked again the staged way (`run.py`).

No ORM object is built per row. Re-importing the same file is idempotent: (household code, year)
is the key. A killed process leaves the database as before (the staging table is temporary and
the commit is a single transaction).
"""

from .columns import COLUMNS, HEADERS, template_csv, template_xlsx
from .commit import recompute_transitions
from .run import ImportResult, import_file

__all__ = [
    "COLUMNS",
    "HEADERS",
    "ImportResult",
    "import_file",
    "recompute_transitions",
    "template_csv",
    "template_xlsx",
]
