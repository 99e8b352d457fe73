"""`import_file`: one review file, read, checked, then stored one of two ways."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong import tabular
from tamnong.access.actors import is_system, require_actor
from tamnong.core import storedfiles
from tamnong.tabular import FaultLog, FileRefused, Outcome

from ..models import ImportBatch
from .columns import read_columns, title_values
from .commit import commit_staged, finish_direct
from .direct_pg import DirectSink
from .lookups import Context, load_context
from .staged import StagedSink, drop_stage, is_pg, tune_connection
from .validate import Checker, Summary

# A province's file: a million households fit (about 60 MB as xlsx, 100 MB as CSV).
LIMITS = tabular.Limits(max_bytes=300 * tabular.reading.MiB)
SAMPLE = 50  # faults kept for the page; the report has them all


@dataclass
class ImportResult(Outcome):
    """The outcome of one review file. `rows` counts the valid rows; the faults stream to the
    CSV report (`error_report`) and the first ones are kept (`error_sample`)."""

    batch_id: int | None = None
    error_report: str = ""
    households: int = 0
    years: list[int] = field(default_factory=list)
    communes: int = 0
    figures: dict = field(default_factory=dict, repr=False)
    # how the rows were stored: "direct" (new households of one year, PostgreSQL) or "staged"
    written: str = ""

    @property
    def errors(self) -> int:  # type: ignore[override]
        """The number of faults (a file can have a million: they are not all kept)."""
        return self.faults.count

    @property
    def error_sample(self) -> list[tuple[int, str, str]]:
        return self.faults.triples()

    def as_dict(self) -> dict:
        return {
            "batch": self.batch_id,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": self.errors,
            "error_sample": [list(e) for e in self.error_sample],
            "error_report": self.error_report,
            "years": self.years,
            "communes": self.communes,
            "written": self.written,
            "ok": self.ok,
            # the import's change table (audit.changes), shown from the job page
            "changes": f"poverty.ImportBatch:{self.batch_id}" if self.committed else "",
        }


class _Fallback(Exception):
    """The direct write does not fit this file: check it again through the staging table."""


class _Rejected(Exception):
    """Rows were rejected: roll back whatever the direct write stored."""


def import_file(
    path: str | Path,
    *,
    user=None,
    progress: Callable[[int, int | None, str], None] | None = None,
    file_name: str = "",
    error_dir: Path | None = None,
    mapping: dict | None = None,
) -> ImportResult:
    """Validate then commit one file as `user` (the command line and jobs: `SYSTEM`, no scope
    limit; a missing user is an error).

    Nothing is written when any row has a fault: the result lists them (and the batch keeps the
    report). On PostgreSQL a file of one year whose households are all new is written while it
    is checked (`DirectSink`); any other file is checked into the staging table, then committed
    set-based (`commit.commit_staged`). `mapping`: {header: column key} the user chose on the
    preview page (`tabular.preview`)."""
    require_actor(user)
    path = Path(path)
    say = progress or (lambda done, total, msg: None)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    batch = ImportBatch.objects.create(
        file_name=(file_name or path.name)[:255],
        sha256=digest.hexdigest(),
        user=None if is_system(user) else user,
    )
    report = Path(error_dir or Path(settings.MEDIA_ROOT) / "poverty" / "import-errors")
    # a random name: the report names households; it is downloaded as loi-nhap-ho-<id>.csv
    report = report / f"{secrets.token_urlsafe(storedfiles.TOKEN_BYTES)}.csv"
    result = _new_result(batch, report)
    restore = tune_connection()
    # while rows are checked the connection belongs to the COPY stream or the writer: a job's
    # progress is then written on a connection of its own
    detached = getattr(say, "detached", None) if is_pg() else None
    status = None
    try:
        with detached() if detached else nullcontext():
            try:
                table = tabular.open_table(path, limits=LIMITS, check_cells=False)
                layout, fixed = read_layout(table, mapping)
                context = load_context(user)
                total = max(table.total - layout.data_start, 0) if table.total else None
                if is_pg():
                    # New households of one year (a province's first file): written straight
                    # into the tables while the rows are checked, in one transaction.
                    try:
                        status = _import_direct(
                            table, layout, fixed, context, total, user, batch, result, say
                        )
                    except _Fallback:
                        result.faults.discard()
                        result = _new_result(batch, report)
                if status is None:
                    _check_into_stage(table, layout, fixed, context, total, result, say)
            except FileRefused as exc:
                result.faults.add(0, "", str(exc))
        if status is None:
            if result.faults:
                _refuse(result)
                status = ImportBatch.Status.REJECTED
            else:
                result.faults.close()
                say(result.rows, result.rows, _("Ghi dữ liệu vào cơ sở dữ liệu…"))
                commit_staged(batch, result, user)
                result.written, result.committed = "staged", True
                status = ImportBatch.Status.DONE
        batch.status = status
    finally:
        drop_stage()
        restore()
    batch.finished_at = timezone.now()
    batch.rows, batch.error_count = result.rows, result.rejected or result.errors
    batch.error_report, batch.years = result.error_report, result.years
    batch.summary = result.as_dict()
    batch.save()
    return result


def read_layout(table, mapping: dict | None) -> tuple[tabular.Layout, dict[str, str]]:
    """Where the columns of a review file are, and the values it gives once for all its rows.

    `mapping`: the user's (the preview page); without one, the mapping shipped for the
    ministry's review form is used when it fits (`tabular.mapping.shipped_layout`). A form that
    has no year or commune column names them in its title block ("DANH SÁCH HỘ NGHÈO NĂM 2025",
    "Xã: An Bình"): those are then the year and the commune of every row. Raises FileRefused."""
    from tamnong.tabular.mapping import shipped_layout

    columns = read_columns()
    if mapping:
        layout = tabular.find_layout(table, columns, mapping=mapping)
    else:
        layout = shipped_layout(table, columns, "poverty")[0]
    fixed: dict[str, str] = {}
    if layout.positions and not {"year", "commune"} <= layout.positions.keys():
        title = title_values(table.head(layout.header_start))
        fixed = {k: v for k, v in title.items() if k not in layout.positions}
        layout.missing = [c for c in layout.missing if c.key not in fixed]
    layout.require()
    return layout, fixed


def _new_result(batch: ImportBatch, report: Path) -> ImportResult:
    return ImportResult(
        batch_id=batch.pk, faults=FaultLog(keep=SAMPLE, report=report, values=False)
    )


def _refuse(result: ImportResult) -> None:
    result.error_report = result.faults.close()
    result.rejected, result.skipped = result.faults.rows, result.rows


def _summarise(result: ImportResult, summary: Summary) -> None:
    result.rows = summary.rows
    result.years = sorted(summary.years)
    result.communes = len(summary.communes)
    result.households = summary.households
    result.figures = summary.figures


def _check_into_stage(table, layout, fixed, context: Context, total, result, say) -> None:
    # On PostgreSQL the staging is one transaction of its own: a file refused while it is read
    # (a bad byte after the first megabyte) cancels the COPY without spoiling an enclosing one.
    with transaction.atomic() if is_pg() else nullcontext():
        sink = StagedSink()
        checker = Checker(context, result.faults)
        faults = result.faults
        try:
            for chunk in checker.check(table, layout, fixed):
                if not faults:
                    sink.add_many(chunk)
                say(checker.summary.rows, total, _("Đang kiểm tra dữ liệu…"))
        except BaseException:
            sink.stop()
            raise
        sink.close()
        summary = checker.summary
        if summary.superseded and not faults:
            sink.mark_superseded(summary.superseded)
    _summarise(result, summary)


def _import_direct(table, layout, fixed, context: Context, total, user, batch, result, say):
    """Check and store in one pass (see DirectSink); returns the batch status, raises _Fallback."""
    now = timezone.now()
    faults = result.faults
    try:
        with transaction.atomic():
            sink = DirectSink(batch.pk, now)
            try:
                checker = Checker(context, faults)
                for chunk in checker.check(table, layout, fixed):
                    if not faults:
                        sink.add_many(chunk)
                    if sink.failed:
                        raise _Fallback
                    say(checker.summary.rows, total, _("Đang kiểm tra dữ liệu…"))
                sink.close()
                if sink.failed:
                    raise _Fallback
            finally:
                sink.stop()  # the writer lets go of the connection before any rollback
            _summarise(result, checker.summary)
            if faults:
                raise _Rejected
            if sink.year is None:  # nothing was written (cannot happen without faults)
                raise _Fallback
            say(result.rows, result.rows, _("Cập nhật số liệu tổng hợp…"))
            result.created = result.rows
            finish_direct(batch, result, user, sink.year, sink.created)
            result.written, result.committed = "direct", True
    except _Rejected:
        _refuse(result)
        return ImportBatch.Status.REJECTED
    faults.close()
    return ImportBatch.Status.DONE
