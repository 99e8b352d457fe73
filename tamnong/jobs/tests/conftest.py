import pytest


@pytest.fixture(autouse=True)
def _release_claims(settings, tmp_path):
    from tamnong.jobs import services

    settings.JOBS_FILES_DIR = tmp_path / "jobs"
    yield
    services.release_claims()
