"""The typed refusal of a whole file (tệp bị từ chối), with a Vietnamese message."""

from __future__ import annotations


class FileRefused(ValueError):
    """The file cannot be read as a table: not a spreadsheet, protected by a password, too large,
    empty, missing columns… `code` names the case for callers and tests; `str(exc)` is the
    message for the user (Vietnamese, translated)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
