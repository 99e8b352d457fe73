"""Where checked rows go: one interface for both ways of storing a review file."""

from __future__ import annotations

from typing import Protocol


class Sink(Protocol):
    """Takes the clean rows of `validate.Checker` (tuples in `validate.ROW_FIELDS` order).

    `failed` turns True when the sink cannot take this file after all (the direct writer, for a
    second year or a household already registered): the caller then checks the file again into
    the staging sink. `close()` hands over the last rows and waits until they are stored (raising
    what went wrong); `stop()` lets go of everything before a rollback."""

    @property
    def failed(self) -> bool: ...

    def add(self, row: tuple) -> None: ...

    def add_many(self, rows: list[tuple]) -> None: ...

    def close(self) -> None: ...

    def stop(self) -> None: ...
