"""Synthetic criteria sets for the NTM tests (never the official values)."""

from __future__ import annotations

import copy

import pytest

BANDS_3 = [
    {"code": "all", "label": "Đạt 3", "min": 3, "max": 3},
    {"code": "1-2", "label": "Đạt 1–2", "min": 1, "max": 2},
    {"code": "0", "label": "Chưa đạt tiêu chí nào", "min": 0, "max": 0},
]

REGION_SET = {
    "key": "test-vung",
    "title": "Bộ tiêu chí thử (vùng)",
    "decision": "thử nghiệm",
    "kind": "commune_ntm",
    "level": "commune",
    "years": [2021, 2025],
    "classification": "region",
    "columns": [{"code": "tdmnpb", "name": "TDMNPB"}, {"code": "dbsh", "name": "ĐBSH"}],
    "special_column": "tdmnpb",
    "synthetic": True,
    "bands": BANDS_3,
    "criteria": [
        {
            "no": 1,
            "name": "Quy hoạch",
            "indicators": [
                {
                    "code": "1.1",
                    "name": "Có quy hoạch",
                    "kind": "yes_no",
                    "thresholds": {"tdmnpb": "có", "dbsh": "có"},
                },
            ],
        },
        {
            "no": 2,
            "name": "Giao thông",
            "indicators": [
                {
                    "code": "2.1",
                    "name": "Đường cứng hóa",
                    "unit": "%",
                    "kind": "percent",
                    "operator": ">=",
                    "thresholds": {"tdmnpb": 70, "dbsh": 90},
                },
                {
                    "code": "2.2",
                    "name": "Số km đường hư hỏng",
                    "unit": "km",
                    "kind": "number",
                    "operator": "<=",
                    "thresholds": {"tdmnpb": 5, "dbsh": None},
                },
            ],
        },
        {
            "no": 3,
            "name": "Kinh tế",
            "indicators": [
                {
                    "code": "3.1",
                    "name": "Tỷ lệ hộ nghèo",
                    "unit": "%",
                    "kind": "percent",
                    "operator": "<=",
                    "source": "poverty.poor_rate",
                    "thresholds": {"tdmnpb": 6, "dbsh": 2},
                },
                {
                    "code": "3.2",
                    "name": "Sản phẩm OCOP",
                    "unit": "sản phẩm",
                    "kind": "number",
                    "operator": ">=",
                    "source": "ocop.valid_products(min_stars=3)",
                    "thresholds": {"tdmnpb": 1, "dbsh": 2},
                },
            ],
        },
    ],
}

GROUP_SET = {
    "key": "test-nhom",
    "title": "Bộ tiêu chí thử (nhóm)",
    "kind": "commune_ntm",
    "level": "commune",
    "years": [2026, 2030],
    "classification": "group",
    "columns": [
        {"code": "nhom_1", "name": "Nhóm 1"},
        {"code": "nhom_2", "name": "Nhóm 2"},
        {"code": "nhom_3", "name": "Nhóm 3"},
    ],
    "synthetic": True,
    "bands": [
        {"code": "all", "label": "Đạt 2", "min": 2, "max": 2},
        {"code": "lt2", "label": "Dưới 2", "min": 0, "max": 1},
    ],
    "criteria": [
        {
            "no": 1,
            "name": "Thu nhập",
            "indicators": [
                {
                    "code": "1.1",
                    "name": "Thu nhập",
                    "unit": "triệu đồng/người/năm",
                    "kind": "number",
                    "operator": ">=",
                    "thresholds": {"nhom_1": 80, "nhom_2": 70, "nhom_3": 50},
                }
            ],
        },
        {
            "no": 2,
            "name": "Giảm nghèo",
            "indicators": [
                {
                    "code": "2.1",
                    "name": "Tỷ lệ hộ nghèo",
                    "unit": "%",
                    "kind": "percent",
                    "operator": "<=",
                    "source": "poverty.poor_rate",
                    "thresholds": {"nhom_1": 1, "nhom_2": 2, "nhom_3": 5},
                }
            ],
        },
    ],
}


def spec(raw: dict, **changes) -> dict:
    from tamnong.ntm.criteria import normalize, validate

    data = copy.deepcopy(raw)
    data.update(changes)
    out, problems = normalize(data, strict=False)
    problems += validate(out)
    assert not problems, problems
    return out


@pytest.fixture
def region_set(db):
    from tamnong.ntm.criteria import store

    return store(spec(REGION_SET))[0]


@pytest.fixture
def group_set(db):
    from tamnong.ntm.criteria import store

    return store(spec(GROUP_SET))[0]


@pytest.fixture
def no_sources(monkeypatch):
    """Derived sources answer "no data" unless a test installs a fake provider."""
    from tamnong.ntm import sources

    state = {"poverty": {}, "ocop": []}

    def fake_fetch(source, division, year, on):
        name, kwargs = sources.parse(source)
        if name.startswith("poverty"):
            rate = state["poverty"].get((division.pk, year))
            if rate is None:
                return sources.Derived(None, "no_data", "chưa có")
            from decimal import Decimal

            return sources.Derived(Decimal(str(rate)), "ok", "")
        from decimal import Decimal

        n = sum(
            1
            for c in state["ocop"]
            if c["division"].path.startswith(division.path)
            and c["issued"] <= on < c["expires"]
            and c["stars"] >= kwargs.get("min_stars", 3)
        )
        return sources.Derived(Decimal(n), "ok", "")

    monkeypatch.setattr(sources, "fetch", fake_fetch)
    return state


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
