"""The rule documents of the three programmes are loaded by one pipeline, at one moment: after
`migrate`. The test database is built by `migrate`, so what a fresh production `migrate` holds is
what these tests find before they load anything themselves."""

from __future__ import annotations

import json

import pytest

from tamnong import rules


def test_a_fresh_migrate_has_the_rules_of_all_three_programmes(db):
    from tamnong.ntm.models import CriteriaSet as NTMSet
    from tamnong.ocop.models import CriteriaSet as OCOPSet
    from tamnong.ocop.models import Regime
    from tamnong.poverty.models import Standard

    assert {"qd318-2022-xa-ntm", "qd51-2025-xa-ntm", "qd319-2022-xa-kieu-mau"} <= set(
        NTMSet.objects.values_list("key", flat=True)
    )
    assert OCOPSet.objects.filter(decision="148/QĐ-TTg").count() == 26
    assert Regime.objects.filter(key="qd148-1489").exists()
    assert Standard.objects.exists()


def test_loading_again_is_a_no_op(db):
    from tamnong.ntm.models import CriteriaSet as NTMSet
    from tamnong.poverty.models import Standard

    before = (NTMSet.objects.count(), Standard.objects.count())
    report = rules.load_all()
    assert all(r.created == 0 for r in report)
    assert (NTMSet.objects.count(), Standard.objects.count()) == before


def test_every_programme_is_registered_once():
    assert [p.key for p in rules.programmes()] == ["ocop", "poverty", "ntm"]


def test_one_checksum_for_every_document():
    a = {"b": [1, "Sao"], "a": None}
    assert rules.checksum(a) == rules.checksum(json.loads(json.dumps(a)))
    assert rules.checksum(a) != rules.checksum({**a, "c": 1})


def test_the_ntm_and_ocop_modules_have_no_checksum_of_their_own():
    from tamnong.ntm import criteria as ntm_criteria
    from tamnong.ocop import criteria as ocop_criteria

    for module in (ntm_criteria, ocop_criteria):
        assert getattr(module, "checksum", rules.checksum) is rules.checksum


def test_a_poverty_standard_changed_under_the_same_key_is_refused_in_vietnamese(db, tmp_path):
    from tamnong.poverty.models import Standard
    from tamnong.poverty.standards import DATA_FILE

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    first = data["standards"][0]
    first["income_lines"]["rural"] += 1
    path = tmp_path / "standards.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    row = Standard.objects.get(key=first["key"])
    with pytest.raises(rules.RuleError) as exc:
        rules.load("poverty", path)
    assert exc.value.problems[0]["field"] == "key"
    assert "phiên bản" in exc.value.problems[0]["message"]
    row.refresh_from_db()
    assert (
        row.line_rural == first["income_lines"]["rural"] - 1
    )  # the record keeps the version it was judged by


def test_no_data_migration_imports_live_code():
    from pathlib import Path

    for path in (Path(rules.__file__).parents[1] / "poverty" / "migrations").glob("0*.py"):
        assert "from tamnong.poverty" not in path.read_text(encoding="utf-8"), path.name


def test_the_command_line_loads_and_lists(db, capsys):
    from django.core.management import call_command

    call_command("rules", "load")
    out = capsys.readouterr().out
    assert "0 phiên bản mới" in out and "Nông thôn mới" in out
    call_command("rules", "list", "ntm")
    assert "qd318-2022-xa-ntm\tv1" in capsys.readouterr().out


def test_the_2026_sets_load_through_the_pipeline_as_further_versions(db):
    from django.conf import settings

    from tamnong.ocop.models import CriteriaSet

    # Bundled: loaded on migrate with the 148 sets, as further versions; loading again is a no-op.
    assert CriteriaSet.objects.filter(decision="26/2026/QĐ-TTg").count() == 26
    assert CriteriaSet.objects.filter(decision="148/QĐ-TTg").count() == 26  # kept
    report = rules.load("ocop", settings.BASE_DIR / "data" / "ocop" / "26-2026")
    assert (report.created, report.unchanged) == (0, 26)


def test_one_admin_check_for_every_programme(geo, personas):
    from django.core.exceptions import PermissionDenied

    from tamnong.ntm import criteria as ntm_criteria
    from tamnong.ocop import rules as ocop_rules

    assert rules.may_load(personas.admin) and rules.may_load(personas.admin, geo.province)
    assert not rules.may_load(personas.alice)
    with pytest.raises(PermissionDenied):
        ocop_rules.preview_upload(personas.alice, "x.yaml", b"a: 1")
    with pytest.raises(PermissionDenied):
        ntm_criteria.require_set_admin(personas.alice, None)
    assert rules.may_load(personas.coordinator, geo.province)
    assert not rules.may_load(personas.coordinator)


def test_a_database_loaded_by_the_old_loader_keeps_its_standards(db):
    """Rows checksummed by the former file-level checksum, or completed by an administrator
    (middle-income band), are the same standard: loading again changes no content."""
    from tamnong.poverty.models import Standard

    Standard.objects.update(checksum="0" * 64)
    row = Standard.objects.filter(middle_rural_up_to__isnull=True).first()
    if row is not None:
        Standard.objects.filter(pk=row.pk).update(
            middle_rural_up_to=row.line_rural + 1, middle_urban_up_to=row.line_urban + 1, notes="x"
        )
    assert rules.load("poverty").created == 0
    assert not Standard.objects.filter(checksum="0" * 64).exists()
    if row is not None:
        row.refresh_from_db()
        assert row.middle_rural_up_to == row.line_rural + 1
