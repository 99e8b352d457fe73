"""Tests of the 26/2026 procedure: the regime of data/ocop/26-2026/regime.yaml loaded into the
database when it is not yet in data/ocop/regimes.yaml (it is wired in on another branch)."""

from pathlib import Path

import yaml
from django.conf import settings

from tamnong.ocop import rules
from tamnong.ocop.models import Regime

FILE = Path(settings.BASE_DIR) / "data" / "ocop" / "26-2026" / "regime.yaml"


def entry() -> dict:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))


def load(monkeypatch) -> Regime:
    current = rules.rules_data()
    if not any(r["key"] == "qd26-2026" for r in current["regimes"]):
        extended = dict(current, regimes=[*current["regimes"], entry()])
        monkeypatch.setattr(rules, "rules_data", lambda: extended)
    rules.load_regimes()
    return Regime.objects.get(key="qd26-2026")
