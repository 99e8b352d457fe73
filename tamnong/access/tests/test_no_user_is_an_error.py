"""A missing user never means "every division" (issue 10): the figures of the three programmes
and the poverty import refuse a call that does not say who acts (`access.actors.MissingActor`);
the command line and the jobs say `SYSTEM`, which sees everything and which the audit names."""

import datetime as dt

import pytest

from tamnong.access.actors import SYSTEM, MissingActor
from tamnong.ntm.figures import figures as ntm_figures
from tamnong.ocop import figures as ocop_figures
from tamnong.poverty import figures as poverty_figures
from tamnong.poverty.importing import import_file
from tamnong.poverty.importing.lookups import editable_communes
from tamnong.poverty.models import ImportBatch
from tamnong.testing.poverty import row, write_xlsx


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_the_poverty_import_needs_an_actor(geo, media):
    path = write_xlsx(media / "a.xlsx", [row("H1")])
    with pytest.raises(MissingActor):
        import_file(path)
    with pytest.raises(MissingActor):
        editable_communes(None)
    assert editable_communes(SYSTEM) is None  # the system writes everywhere, said explicitly
    assert import_file(path, user=SYSTEM).ok
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).get().user is None


def test_programme_figures_need_an_actor(geo):
    with pytest.raises(MissingActor):
        ntm_figures(None, geo.province, 2025)
    with pytest.raises(MissingActor):
        ocop_figures.parse_params(None, "01", None)
    with pytest.raises(MissingActor):
        poverty_figures.summary(geo.province, 2025, None)
    assert ntm_figures(SYSTEM, geo.province, 2025)["division"]
    assert ocop_figures.parse_params(SYSTEM, "01", "2025-01-01")["on"] == dt.date(2025, 1, 1)
