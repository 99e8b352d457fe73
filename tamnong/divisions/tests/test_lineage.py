import pytest

from tamnong.conftest import MINI
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import DivisionDataError, as_of_map, load_divisions, resolve


def test_old_units_resolve_to_their_primary_successor(geo):
    assert resolve(geo.old_commune_binh) == geo.commune_a
    assert resolve(geo.old_commune_chau) == geo.commune_c  # split: the primary part
    assert resolve(geo.old_commune_dong) == geo.ward
    assert resolve(geo.old_province_2) == geo.province
    assert resolve(geo.old_district) == geo.province


def test_resolve_lifts_to_a_level(geo):
    assert resolve(geo.old_commune_binh, Level.PROVINCE) == geo.province
    assert resolve(geo.villages["A1"], Level.COMMUNE) == geo.commune_a


def test_old_units_sit_inside_their_successors_scope(geo):
    inside = set(Division.objects.within(geo.province).values_list("pk", flat=True))
    for unit in [
        geo.old_province_1,
        geo.old_province_2,
        geo.old_district,
        geo.old_commune_binh,
        geo.villages["C1"],
        geo.ward,
    ]:
        assert unit.pk in inside
    assert geo.other_commune.pk not in inside
    in_commune = set(Division.objects.within(geo.commune_a).values_list("pk", flat=True))
    assert {geo.old_commune_an.pk, geo.old_commune_binh.pk, geo.villages["A1"].pk} <= in_commune
    assert geo.old_commune_chau.pk not in in_commune


def test_report_as_of_the_old_map(geo):
    # New → old picks the predecessor that kept the code.
    assert as_of_map(geo.commune_a, "old") == geo.old_commune_an
    assert as_of_map(geo.villages["A1"], "old", Level.PROVINCE) == geo.old_province_1
    assert as_of_map(geo.ward, "old", Level.DISTRICT).code == "201"
    # Old → new follows lineage.
    assert as_of_map(geo.old_commune_binh, "new", Level.PROVINCE) == geo.province


def test_loading_twice_changes_nothing(geo):
    before = Division.objects.count()
    report = load_divisions(MINI)
    assert Division.objects.count() == before
    assert not report.created["new"] and not report.updated["new"]


def test_a_bad_file_writes_nothing(tmp_path, no_map):
    for path in MINI.rglob("*"):
        if path.is_file():
            target = tmp_path / path.relative_to(MINI)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    lineage = tmp_path / "lineage.csv"
    lineage.write_text(lineage.read_text() + "merge,commune,99999,commune,10001,0,1\n")
    with pytest.raises(DivisionDataError, match="99999"):
        load_divisions(tmp_path)
    assert Division.objects.count() == 0


def test_within_q_counts_each_record_once_on_either_map(geo):
    from tamnong.divisions.services import within_q

    units = [
        geo.old_commune_an,
        geo.old_commune_binh,
        geo.old_commune_chau,
        geo.old_commune_dong,
        geo.commune_a,
        geo.commune_c,
        geo.ward,
        geo.villages["A1"],
        geo.other_commune,
    ]
    ids = [u.pk for u in units]

    def counted(division):
        return set(
            Division.objects.filter(within_q(division, ""), pk__in=ids).values_list(
                "code", "map__key"
            )
        )

    assert counted(geo.province) == {(u.code, u.map.key) for u in units[:-1]}
    old1 = counted(geo.old_province_1)  # Xã An, Bình, Châu and the new communes keeping their codes
    old2 = counted(geo.old_province_2)  # Xã Đông, Thị trấn Tây and Phường Tây (kept 20002)
    assert old1 == {
        ("10001", "old"),
        ("10002", "old"),
        ("10003", "old"),
        ("10001", "new"),
        ("10003", "new"),
        ("10001.001", "new"),
    }
    assert old2 == {("20001", "old"), ("20002", "new")}
    assert not old1 & old2
