"""Recognition levels nest by the data (data/ntm/MANIFEST.yaml `levels`), not by code: kiểu mẫu ⊂
nâng cao ⊂ NTM under 2021–2025, the 2026–2030 levels of their own, and what a merged unit keeps."""

import datetime as dt
import shutil

import pytest
import yaml

from tamnong.ntm import criteria, services
from tamnong.ntm.figures import figures
from tamnong.ntm.levels import LevelsDataError, levels, parse
from tamnong.ntm.models import RecognitionKind as K


def record(user, unit, kind, year, number):
    return services.record_historical(
        user, unit, kind, year, number=number, signed_on=dt.date(year, 12, 1), issuer="UBND tỉnh"
    )


def commune_counts(user, unit, year) -> dict:
    data = figures(user, unit, year)
    scale = next(s for s in data["levels"] if s["scale"] == "commune")
    return {r["kind"]: r["count"] for r in scale["rows"]}


@pytest.fixture
def manifest(tmp_path, monkeypatch):
    """A copy of the manifest the test may change (read through criteria.DATA_DIR)."""
    shutil.copy(criteria.DATA_DIR / "MANIFEST.yaml", tmp_path / "MANIFEST.yaml")
    monkeypatch.setattr(criteria, "DATA_DIR", tmp_path)

    def change(edit) -> None:
        path = tmp_path / "MANIFEST.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    return change


def test_a_model_commune_is_counted_among_the_advanced_and_the_ntm_communes(personas, geo):
    record(personas.coordinator, geo.old_commune_binh, K.COMMUNE_MODEL, 2023, "1/QĐ")
    assert commune_counts(personas.coordinator, geo.old_province_1, 2023) == {
        "commune_ntm": 1,
        "commune_advanced": 1,
        "commune_model": 1,
    }
    assert services.status_of(geo.old_commune_binh, 2023) == "model"


def test_the_nesting_comes_from_the_levels_data(personas, geo, manifest):
    def model_not_above_advanced(data):
        scales = data["levels"][0]["scales"]
        scales["commune"]["chain"] = ["commune_ntm", "commune_model"]
        scales["advanced"] = {"level": "commune", "kinds": ["xa"], "chain": ["commune_advanced"]}

    manifest(model_not_above_advanced)
    record(personas.coordinator, geo.old_commune_binh, K.COMMUNE_MODEL, 2023, "1/QĐ")
    assert commune_counts(personas.coordinator, geo.old_province_1, 2023) == {
        "commune_ntm": 1,
        "commune_model": 1,
    }


def test_the_2026_figures_use_the_levels_of_the_2026_set(personas, geo):
    # Xã Châu (new map) recognised kiểu mẫu in 2025: in 2026 it is an NTM commune; nâng cao
    # and kiểu mẫu are not levels of 2026–2030, "hiện đại" is
    record(personas.coordinator, geo.commune_c, K.COMMUNE_MODEL, 2025, "2/QĐ")
    assert commune_counts(personas.coordinator, geo.province, 2025) == {
        "commune_ntm": 1,
        "commune_advanced": 1,
        "commune_model": 1,
    }
    assert commune_counts(personas.coordinator, geo.province, 2026) == {
        "commune_ntm": 1,
        "commune_modern": 0,
    }
    with pytest.raises(services.NtmInputError, match="Năm 2026 không có mức"):
        record(personas.coordinator, geo.commune_a, K.COMMUNE_ADVANCED, 2026, "3/QĐ")


def test_a_merged_commune_keeps_what_every_predecessor_held_by_the_succession_rule(
    personas, geo, manifest
):
    u = personas.coordinator
    for unit, n in ((geo.old_commune_an, 1), (geo.old_commune_binh, 2), (geo.old_commune_chau, 3)):
        record(u, unit, K.COMMUNE_NTM, 2020, f"{n}/QĐ")
    record(u, geo.old_commune_an, K.COMMUNE_ADVANCED, 2022, "4/QĐ")
    # Xã An Bình ← An, Bình, part of Châu: all NTM, only An nâng cao; Xã Châu ← most of Châu
    assert commune_counts(u, geo.province, 2025) == {
        "commune_ntm": 2,
        "commune_advanced": 0,
        "commune_model": 0,
    }
    manifest(lambda data: data["succession"].update(merged="none"))
    assert commune_counts(u, geo.province, 2025)["commune_ntm"] == 0  # merged or split: nothing


def test_bad_levels_data_is_refused_with_a_message():
    good = yaml.safe_load((criteria.DATA_DIR / "MANIFEST.yaml").read_text(encoding="utf-8"))
    assert [p.year_from for p in parse(good).periods] == [2010, 2026]
    assert levels().implied("commune_model", 2023) == (
        "commune_ntm",
        "commune_advanced",
        "commune_model",
    )
    bad_kind = {"levels": [{"years": [2021, 2025], "scales": {"commune": {
        "level": "commune", "kinds": ["xa"], "chain": ["commune_ntm", "xa_kieu_mau"]}}}]}  # fmt: skip
    with pytest.raises(LevelsDataError, match="xa_kieu_mau"):
        parse(bad_kind)
    overlap = {"levels": [good["levels"][0], {**good["levels"][1], "years": [2025, 2030]}]}
    with pytest.raises(LevelsDataError, match="chồng nhau"):
        parse(overlap)
    with pytest.raises(LevelsDataError, match="merged"):
        parse({**good, "succession": {"merged": "some"}})
