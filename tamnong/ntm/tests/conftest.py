"""The NTM tests' fixtures: synthetic criteria sets and fake derived sources (tamnong.testing.ntm)."""

import pytest

from tamnong.testing.ntm import (  # noqa: F401
    BANDS_3,
    GROUP_SET,
    REGION_SET,
    group_set,
    no_sources,
    region_set,
    spec,
)


@pytest.fixture
def province_05(geo):
    """A province on both test maps, for the year-end results (issue 16):

    old map (to 30/06/2025)                       new map (from 01/07/2025)
    Tỉnh Cũ Năm (05)                               Tỉnh Năm (05)
      Huyện Năm (501): Xã A, Xã B, Xã C,             Xã A Mới (50001) ← Xã A + Xã B
                       Thị trấn D                    Xã C (50003)     ← Xã C
      Thành phố Năm (502): Phường E, Xã F            Xã D (50004)     ← Thị trấn D + Xã F
                                                     Phường E (50005) ← Phường E
    """
    import datetime as dt
    from types import SimpleNamespace

    from tamnong.divisions.models import Division, Level, Lineage, MapVersion
    from tamnong.divisions.services import refresh_paths

    old, new = MapVersion.objects.get(key="old"), MapVersion.objects.get(key="new")
    end, start = dt.date(2025, 6, 30), dt.date(2025, 7, 1)

    def unit(mv, code, name, kind, level, parent=None):
        return Division.objects.create(
            map=mv,
            code=code,
            name=name,
            kind=kind,
            level=level,
            parent=parent,
            valid_from=start if mv == new else None,
            valid_to=end if mv == old else None,
            path="",
        )

    o = SimpleNamespace()
    o.province = unit(old, "05", "Tỉnh Cũ Năm", "tinh", Level.PROVINCE)
    o.district = unit(old, "501", "Huyện Năm", "huyen", Level.DISTRICT, o.province)
    o.town = unit(old, "502", "Thành phố Năm", "thanh_pho", Level.DISTRICT, o.province)
    o.a = unit(old, "50001", "Xã A", "xa", Level.COMMUNE, o.district)
    o.b = unit(old, "50002", "Xã B", "xa", Level.COMMUNE, o.district)
    o.c = unit(old, "50003", "Xã C", "xa", Level.COMMUNE, o.district)
    o.d = unit(old, "50004", "Thị trấn D", "thi_tran", Level.COMMUNE, o.district)
    o.e = unit(old, "50005", "Phường E", "phuong", Level.COMMUNE, o.town)
    o.f = unit(old, "50006", "Xã F", "xa", Level.COMMUNE, o.town)
    n = SimpleNamespace()
    n.province = unit(new, "05", "Tỉnh Năm", "tinh", Level.PROVINCE)
    n.a = unit(new, "50001", "Xã A Mới", "xa", Level.COMMUNE, n.province)
    n.c = unit(new, "50003", "Xã C", "xa", Level.COMMUNE, n.province)
    n.d = unit(new, "50004", "Xã D", "xa", Level.COMMUNE, n.province)
    n.e = unit(new, "50005", "Phường E", "phuong", Level.COMMUNE, n.province)
    links = [
        (o.province, n.province, "merge"),
        (o.district, n.province, "dissolve"),
        (o.town, n.province, "dissolve"),
        (o.a, n.a, "merge"),
        (o.b, n.a, "merge"),
        (o.c, n.c, "keep"),
        (o.d, n.d, "merge"),
        (o.f, n.d, "merge"),
        (o.e, n.e, "keep"),
    ]
    Lineage.objects.bulk_create(
        Lineage(predecessor=p, successor=s, kind=k, effective_date=start, primary=True)
        for p, s, k in links
    )
    refresh_paths()
    for group in (o, n):
        for d in vars(group).values():
            d.refresh_from_db()
    return SimpleNamespace(old=o, new=n)
