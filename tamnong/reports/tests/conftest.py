# The report sections are tested on records built with the modules' own test fixtures.
from tamnong.ntm.tests.conftest import no_sources, region_set  # noqa: F401
