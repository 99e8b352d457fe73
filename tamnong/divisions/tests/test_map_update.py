"""Units change again (they did in 2026): a new map version and its lineage are loaded on top."""

import json
import shutil

from tamnong.conftest import MINI
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.divisions.services import as_of_map, load_divisions, resolve


def test_a_new_map_version_is_loaded_and_old_records_follow_two_steps_of_lineage(tmp_path, no_map):
    shutil.copytree(MINI, tmp_path, dirs_exist_ok=True)
    load_divisions(tmp_path)
    old_binh = Division.objects.get(map__key="old", code="10002", level=Level.COMMUNE)
    first_an_binh = Division.objects.get(map__key="new", code="10001", level=Level.COMMUNE)
    village = Division.objects.create(
        map=first_an_binh.map,
        code="10001.001",
        name="Thôn A1",
        kind="thon",
        level=Level.VILLAGE,
        parent=first_an_binh,
        path="",
    )

    # 2026: Tỉnh Mới becomes a city (rename), Xã An Bình and Xã Châu merge into Phường Châu An.
    (tmp_path / "v2026").mkdir()
    (tmp_path / "v2026" / "units.csv").write_text(
        "code,name,kind,level,parent_code\n"
        "01,Thành phố Mới,thanh_pho_tw,province,\n"
        "09,Tỉnh Khác,tinh,province,\n"
        "10003,Phường Châu An,phuong,commune,01\n"
        "20002,Phường Tây,phuong,commune,01\n"
        "90001,Xã Xa,xa,commune,09\n",
        encoding="utf-8",
    )
    (tmp_path / "lineage-2026.csv").write_text(
        "kind,from_level,from_code,to_level,to_code,partial,primary\n"
        "rename,province,01,province,01,0,1\n"
        "keep,province,09,province,09,0,1\n"
        "merge,commune,10001,commune,10003,0,1\n"
        "merge,commune,10003,commune,10003,0,1\n"
        "keep,commune,20002,commune,20002,0,1\n"
        "keep,commune,90001,commune,90001,0,1\n",
        encoding="utf-8",
    )
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["maps"][1]["valid_to"] = "2026-04-29"
    manifest["maps"].append(
        {
            "key": "v2026",
            "name": "Bản đồ 2026",
            "valid_from": "2026-04-30",
            "valid_to": None,
            "file": "v2026/units.csv",
        }
    )
    manifest["lineage"][0].update({"from_map": "old", "to_map": "new"})
    manifest["lineage"].append(
        {
            "file": "lineage-2026.csv",
            "effective_date": "2026-04-30",
            "basis": "thử nghiệm",
            "from_map": "new",
            "to_map": "v2026",
        }
    )
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")

    load_divisions(tmp_path)

    chau_an = Division.objects.get(map__key="v2026", code="10003", level=Level.COMMUNE)
    city = Division.objects.get(map__key="v2026", code="01", level=Level.PROVINCE)
    old_binh.refresh_from_db()
    first_an_binh.refresh_from_db()
    assert MapVersion.objects.get(key="new").valid_to.isoformat() == "2026-04-29"
    assert resolve(old_binh) == chau_an  # old → 2025 → 2026
    assert resolve(first_an_binh) == chau_an
    assert resolve(first_an_binh, Level.PROVINCE) == city
    assert (
        Division.objects.within(chau_an).filter(pk__in=[old_binh.pk, first_an_binh.pk]).count() == 2
    )
    # Villages are not in the files: they move under the commune their commune became.
    village.refresh_from_db()
    assert (village.map.key, village.parent, village.current_id) == ("v2026", chau_an, village.pk)
    assert village.path.startswith(chau_an.path)
    # A report can still be asked as of the 2025 map.
    assert as_of_map(chau_an, "new") == Division.objects.get(
        map__key="new", code="10003", level=Level.COMMUNE
    )
