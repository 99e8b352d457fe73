"""The procedure of Decision 26/2026/QĐ-TTg as data (data/ocop/26-2026/regime.yaml, not yet wired
into data/ocop/regimes.yaml) and the public holidays used to count working days."""

import datetime as dt
from pathlib import Path

import yaml
from django.conf import settings

from tamnong.ocop import rules
from tamnong.ocop.models import Regime

DATA = Path(settings.BASE_DIR) / "data"


def regime() -> dict:
    return yaml.safe_load((DATA / "ocop" / "26-2026" / "regime.yaml").read_text(encoding="utf-8"))


def holidays() -> dict:
    return yaml.safe_load((DATA / "calendar" / "holidays-vn.yaml").read_text(encoding="utf-8"))


def test_the_regime_entry_has_the_shape_of_a_regimes_yaml_entry_and_loads(db, monkeypatch):
    entry = regime()
    current = rules.rules_data()
    for spec in current["regimes"]:
        assert set(spec) - {"valid_to"} <= set(entry), set(spec) - set(entry)
    extended = dict(current, regimes=[*current["regimes"], entry])
    monkeypatch.setattr(rules, "rules_data", lambda: extended)
    rules.load_regimes()
    loaded = Regime.objects.get(key="qd26-2026")
    assert loaded.valid_from == dt.date(2026, 5, 22) and loaded.valid_to is None
    assert loaded.certified_stars == [3, 4, 5]
    assert loaded.rules["recognised_by"] == {"3": "province", "4": "province", "5": "central"}
    assert loaded.band(89) == 4 and loaded.band(90) == 5 and loaded.has_commune_step
    assert Regime.on(dt.date(2026, 5, 21)).key == "qd148-1489"
    assert Regime.on(dt.date(2026, 5, 22)) == loaded


def test_every_rule_group_names_its_article(db):
    entry = regime()
    for key in ("recognition", "rounds", "dossier", "commune_check", "reevaluation", "revocation"):
        assert entry[key]["article"].startswith("Điều"), key
    for key in ("inspection", "transition", "council"):
        assert "Điều" in entry[key]["article"], key
    assert all(step["article"].startswith("Điều") for step in entry["steps"])


def test_the_deadlines_of_the_procedure(db):
    entry = regime()
    assert entry["recognition"]["no_decision_no_certificate"]["stars"] == [1, 2]
    assert entry["certificate_months"] == 36
    province = entry["rounds"]["province"]
    assert province["min_per_year"] == 2
    assert [(r["proposals_before"], r["decided_before"]) for r in province["rounds"]] == [
        ("04-30", "06-30"),
        ("10-30", "12-30"),
    ]
    central = entry["rounds"]["central"]["rounds"]
    assert [(r["proposals_before"], r["decided_before"]) for r in central] == [
        ("07-30", "09-30"),
        ("01-30", "03-30"),
    ]
    assert entry["commune_check"]["working_days"] == 15
    assert entry["reevaluation"]["file_window_days_before_expiry"] == {
        "earliest": 180,
        "latest": 120,
        "article": "Điều 7.6.a",
    }
    assert entry["reevaluation"]["decided_within_days"] == 45
    assert entry["dossier"]["samples"]["count"] == 5
    assert entry["dossier"]["samples"]["except_set_nos"] == [26]
    assert entry["revocation"]["within_days"] == 15 and len(entry["revocation"]["grounds"]) == 6
    assert entry["revocation"]["authority"][5]["level"] == "central"
    assert entry["inspection"]["kinds"] == ["periodic", "ad_hoc"]
    assert entry["product_code"]["format"] == "{province}-{commune}-{sequence}-{year}"
    assert entry["council"]["quorum"] is None


def test_transition_days_are_counted_from_the_day_after_entry_into_force(db):
    t = regime()["transition"]
    start = dt.date.fromisoformat(t["in_force"])
    pending = t["pending_dossiers"]
    for kind, days in pending["finish_within_days"].items():
        assert dt.date.fromisoformat(pending["last_day"][kind]) == start + dt.timedelta(days=days)
    assert dt.date.fromisoformat(t["replaced_last_day"]) == start + dt.timedelta(days=60)
    assert t["late_reevaluation"]["at_most_days_after_expiry"] == 180


def working_days_after(day: dt.date, n: int, data: dict) -> dt.date:
    off = {e["date"] for e in data["days"] if e["kind"] != "working_day"}
    worked = {e["date"] for e in data["days"] if e["kind"] == "working_day"}
    while n:
        day += dt.timedelta(days=1)
        iso = day.isoformat()
        if iso in worked or (day.weekday() < 5 and iso not in off):
            n -= 1
    return day


def test_the_holiday_file_gives_the_labour_code_days_as_dates(db):
    data = holidays()
    by_date = {e["date"]: e for e in data["days"]}
    assert {e["obtained"] for e in data["days"]} == {"fixed", "lunar", "rule", "official"}
    for year in range(2019, 2028):
        assert by_date[f"{year}-01-01"]["obtained"] == "fixed"
        tet = [e for e in data["days"] if e["date"][:4] == str(year) and e.get("lunar")]
        assert sum(1 for e in tet if "Giỗ Tổ" in e["name"]) == 1
        national = [
            e for e in data["days"] if e["date"][:4] == str(year) and e["name"] == "Quốc khánh"
        ]
        assert len(national) == (1 if year <= 2020 else 2), year
    # Tết Bính Ngọ 2026 as published: 29 tháng Chạp (16/02) to mùng 4 (20/02).
    assert [d for d in by_date if d.startswith("2026-02")] == [
        f"2026-02-{n}" for n in (16, 17, 18, 19, 20)
    ]
    assert by_date["2026-04-26"]["lunar"] == "10/3"  # Giỗ Tổ on a Sunday …
    assert by_date["2026-04-27"]["kind"] == "compensatory"  # … is taken on Monday
    assert by_date["2025-04-26"]["kind"] == "working_day"  # Saturday worked for 02/05/2025


def test_fifteen_working_days_skip_weekends_and_tet(db):
    data = holidays()
    # A dossier received on Friday 13/02/2026: Tết 16-20/02 and two weekends are skipped.
    assert working_days_after(dt.date(2026, 2, 13), 15, data) == dt.date(2026, 3, 13)
    # Received Monday 20/04/2026: Giỗ Tổ's compensatory Monday 27/04, 30/04 and 01/05 are skipped.
    assert working_days_after(dt.date(2026, 4, 20), 15, data) == dt.date(2026, 5, 14)
