"""The NTM tests' fixtures: synthetic criteria sets and fake derived sources (tamnong.testing.ntm)."""

from tamnong.testing.ntm import (  # noqa: F401
    BANDS_3,
    GROUP_SET,
    REGION_SET,
    group_set,
    no_sources,
    region_set,
    spec,
)
