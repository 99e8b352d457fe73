"""The report sections are tested on records built with the modules' own builders."""

from tamnong.testing.ntm import no_sources, region_set  # noqa: F401
from tamnong.testing.reports import catalog, country, demo  # noqa: F401
