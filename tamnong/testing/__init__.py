"""Builders and fixtures shared by the tests of every app, in one place:

- `tamnong.testing.ocop`: a synthetic criteria set, producers and products, dossiers up to a
  scored result (or put in a council session), councils, certificates as the import records them;
- `tamnong.testing.ntm`: synthetic criteria sets (`region_set`, `group_set`) and fake derived
  sources (`no_sources`);
- `tamnong.testing.poverty`: household import files (`row`, `write_csv`, `write_xlsx`) and the
  ministry form's indicators;
- `tamnong.testing.reports`: the funding catalog (`catalog`) and funding records (`fund`);
- `tamnong.testing.decisions`: a decision record (`decision`);
- `tamnong.testing.threads`: calls released together in threads (`race`, PostgreSQL tests);
- `tamnong.testing.synthetic`: a province of N communes on a map of its own and NTM assessment
  rows, in bulk; the benchmarks in bench/ use it too (it imports nothing from pytest).

Fixtures (`@pytest.fixture`) become available to a test directory when its `conftest.py`
imports them; the mini map (`geo`) and the personas are in `tamnong/conftest.py`.
"""
