"""Moved to `tamnong.testing.poverty` (one place for the test builders of every app); kept so that
tests written before the move still import."""

from tamnong.testing.poverty import *  # noqa: F403
