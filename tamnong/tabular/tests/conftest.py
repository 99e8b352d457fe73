"""Fixtures of the import tests that live in other apps."""

from tamnong.testing.reports import catalog  # noqa: F401
