# The report sections are tested on records built with the modules' own test fixtures.
from tamnong.ntm.tests.conftest import no_sources, region_set  # noqa: F401
from tamnong.reports.tests.test_funding import catalog  # noqa: F401, E402
