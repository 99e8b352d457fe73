"""The result of an import (kết quả nhập): what was created, updated, left, rejected, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from .faults import FaultLog


@dataclass
class Outcome:
    """Counts and faults of one import.

    `rows` data rows were read (blank rows are not counted); of them `created`, `updated` and
    `unchanged` were written or matched, `rejected` had faults, and `skipped` were valid but not
    written (a refused file writes nothing, so its valid rows are skipped). `committed` is True
    once the rows were written."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    committed: bool = False
    faults: FaultLog = field(default_factory=FaultLog)

    @property
    def ok(self) -> bool:
        return not self.faults

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """The faults as (row, column, reason)."""
        return self.faults.triples()

    def refuse(self) -> None:
        """Nothing is written: every valid row is skipped."""
        self.rejected = self.faults.rows
        self.skipped = max(self.rows - self.rejected, 0)
        self.committed = False

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "committed": self.committed,
            "ok": self.ok,
            "errors": self.faults.dicts(),
        }
