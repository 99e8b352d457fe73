"""Moved to `tamnong.testing.ocop` (one place for the test builders of every app); kept so that
tests written before the move still import."""

from tamnong.testing.ocop import *  # noqa: F403
