"""The shipped data files: the official 2025 map, the old map and their lineage, and the demo."""

import datetime as dt

from django.db.models import F

from tamnong.accounts.models import Membership, Role, User
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.divisions.services import as_of, as_of_map, load_divisions, resolve


def old(level, code):
    return Division.objects.get(map__key="vn-2008", level=level, code=code)


def new(level, code):
    return Division.objects.get(map__key="vn-2025", level=level, code=code)


def test_the_shipped_maps_load_and_resolve_through_lineage(no_map):
    report = load_divisions()
    assert report.unresolved == []
    current = MapVersion.objects.get(key="vn-2025")
    assert current.valid_from.isoformat() == "2025-07-01" and current.valid_to is None
    assert Division.objects.filter(map=current, level=Level.PROVINCE).count() == 34
    assert Division.objects.filter(map=current, level=Level.COMMUNE).count() == 3321
    assert not Division.objects.filter(map=current, level=Level.DISTRICT).exists()
    assert Division.objects.filter(map__key="vn-2008", level=Level.PROVINCE).count() == 63

    # Provinces merged in 2025 resolve to their successors.
    assert resolve(old(Level.PROVINCE, "95")) == new(Level.PROVINCE, "96")  # Bạc Liêu → Cà Mau
    assert resolve(old(Level.PROVINCE, "06")) == new(Level.PROVINCE, "19")  # Bắc Kạn → Thái Nguyên
    assert resolve(old(Level.PROVINCE, "24")) == new(Level.PROVINCE, "24")  # Bắc Giang → Bắc Ninh
    assert "Bắc Ninh" in new(Level.PROVINCE, "24").name
    # Old districts and communes resolve through lineage.
    assert resolve(old(Level.DISTRICT, "061")) == new(Level.PROVINCE, "19")  # Huyện Ba Bể
    assert resolve(old(Level.COMMUNE, "01891")) == new(
        Level.COMMUNE, "01894"
    )  # Bành Trạch → Phúc Lộc
    assert resolve(old(Level.COMMUNE, "01891"), Level.PROVINCE) == new(Level.PROVINCE, "19")
    # Every old commune is counted inside its current province's scope.
    cao_bang = new(Level.PROVINCE, "04")
    assert (
        Division.objects.within(cao_bang).filter(map__key="vn-2008", level=Level.COMMUNE).count()
        > 100
    )
    # And a current commune can be reported "as of" the old map.
    assert as_of_map(new(Level.COMMUNE, "01894"), "vn-2008", Level.PROVINCE) == old(
        Level.PROVINCE, "06"
    )

    # Resolution 237/NQ-UBTVQH16 (data/divisions/changes/): ten communes of Đồng Nai are wards
    # from 30/04/2026, on top of the 2025 map; a report as of 29/04/2026 names the xã.
    change = MapVersion.objects.get(key="nq237-2026")
    assert change.base == current and change.valid_from.isoformat() == "2026-04-30"
    loc_ninh = new(Level.COMMUNE, "25270")
    ward = Division.objects.get(map=change, level=Level.COMMUNE, code="25270")
    assert (loc_ninh.name, loc_ninh.valid_to.isoformat()) == ("Xã Lộc Ninh", "2026-04-29")
    assert resolve(loc_ninh) == ward and ward.name == "Phường Lộc Ninh" and ward.is_urban
    assert as_of(loc_ninh, dt.date(2026, 4, 29)) == loc_ninh
    assert as_of(loc_ninh, dt.date(2026, 12, 1)) == ward
    assert as_of(old(Level.COMMUNE, "25270"), dt.date(2026, 12, 1)) == ward  # 2008 → 2025 → 2026
    dong_nai = new(Level.PROVINCE, "75")
    in_force = Division.objects.filter(parent=dong_nai, current_id=F("pk"))
    assert in_force.count() == 95 and in_force.filter(kind="phuong").count() == 33
    assert (
        Division.objects.current(dt.date(2026, 4, 29))
        .filter(parent=dong_nai, kind="phuong")
        .count()
        == 23
    )
    # Xã Ba Chẽ (Quảng Ninh) is 06970 (NSO list, data/divisions/README.md), not 06978.
    assert new(Level.COMMUNE, "06970").name == "Xã Ba Chẽ"
    assert not Division.objects.filter(level=Level.COMMUNE, code="06978").exists()

    # Loading again changes nothing.
    again = load_divisions()
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0

    # The demo province builds on the real map, with users for each role.
    from tamnong.demo.services import build

    ctx = build("20", households=0, seed=7, say=lambda _m: None)
    lang_son = new(Level.PROVINCE, "20")
    assert ctx.province == lang_son
    assert Division.objects.within(lang_son).filter(level=Level.VILLAGE).count() > 100
    roles = set(
        Membership.objects.filter(user__in=User.objects.all()).values_list("role", flat=True)
    )
    assert roles == {r.value for r in Role}
    villages = list(
        Division.objects.filter(level=Level.VILLAGE).order_by("code").values_list("name", flat=True)
    )
    Division.objects.filter(level=Level.VILLAGE).delete()
    build("20", households=0, seed=7, say=lambda _m: None)
    assert villages == list(
        Division.objects.filter(level=Level.VILLAGE).order_by("code").values_list("name", flat=True)
    )
