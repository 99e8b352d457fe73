"""Synthetic criteria sets for the NTM tests (never the official values) and fake derived sources."""

from __future__ import annotations

import copy
import datetime as dt

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


def assess(user, commune, year, met: int, no_sources):
    """An assessment meeting exactly `met` of the 3 test criteria (1, then 2, then 3)."""
    from tamnong.ntm import services

    services.set_profile(user, commune, year, classification="region", column="tdmnpb")
    if met >= 3:
        no_sources["poverty"][(commune.pk, year)] = "1"
        no_sources["ocop"].append(
            {
                "division": commune,
                "issued": dt.date(year, 1, 1),
                "expires": dt.date(year + 3, 1, 1),
                "stars": 3,
            }
        )
    a = services.start_assessment(user, commune, year, "test-vung")
    items = [
        {"code": "1.1", "value": met >= 1},
        {"code": "2.1", "value": 90 if met >= 2 else 10},
        {"code": "2.2", "value": 0},
    ]
    return services.enter_values(user, a, items)


ALL_GOOD = [
    {"code": "1.1", "value": "có"},
    {"code": "2.1", "value": 95},
    {"code": "2.2", "value": 1},
]


def meeting_assessment(user, commune, no_sources, year=2025):
    """An assessment of `commune` meeting every test criterion (its sources faked to match)."""
    from tamnong.ntm import services

    no_sources["poverty"][(commune.pk, year)] = "1.5"
    no_sources["ocop"].append(
        {
            "division": commune,
            "issued": dt.date(year, 1, 1),
            "expires": dt.date(year + 3, 1, 1),
            "stars": 3,
        }
    )
    services.set_profile(user, commune, year, classification="region", column="tdmnpb")
    a = services.start_assessment(user, commune, year, "test-vung")
    return services.enter_values(user, a, ALL_GOOD)


def decide(user, dossier, number="123/QĐ-UBND"):
    """The province's decision on a recognition dossier."""
    from tamnong.ntm import services

    return services.decide(
        user, dossier, number=number, signed_on=dt.date(2025, 12, 20), issuer="UBND tỉnh Mới"
    )
