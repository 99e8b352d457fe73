"""A criteria set's defects carry a code: whether a set is incomplete (it cannot score a new
dossier) is decided by that code, never by the words of the message, which any translation or
rewording may change."""

import datetime as dt

import pytest
import yaml
from django.core.exceptions import ValidationError

from tamnong.ocop import criteria as crit
from tamnong.ocop import rules, services
from tamnong.ocop.models import CriteriaSet
from tamnong.testing.ocop import producer_and_product

HONEY = rules.DATA_DIR / "26-2026" / "04-mat-ong-mat-khac-va-nong-san-thuc-pham-khac.yaml"


def _reworded(text: str) -> str:
    # what another translation (or a new wording) of the messages would do
    return text.replace("chưa đầy đủ", "còn thiếu")


def _raw() -> dict:
    return yaml.safe_load(HONEY.read_text(encoding="utf-8"))


def test_an_incomplete_set_is_told_by_the_code_of_its_defects(db, monkeypatch):
    monkeypatch.setattr(crit, "_", _reworded)
    checked = crit.normalise(_raw(), rules.decisions())
    assert checked.ok and not checked.complete
    assert checked.gaps and all(g.code == crit.DefectCode.INCOMPLETE for g in checked.gaps)
    assert not any("chưa đầy đủ" in w for w in checked.warnings)
    assert all("còn thiếu" in g for g in checked.gaps)


def test_the_refused_dossier_lists_the_gaps_whatever_their_wording(geo, personas, monkeypatch):
    raw = _raw()
    CriteriaSet.objects.filter(decision=raw["decision"], set_no=raw["set_no"]).delete()
    with monkeypatch.context() as m:
        m.setattr(crit, "_", _reworded)
        cs, created = rules.install(crit.normalise(raw, rules.decisions()), source_name="x")
    assert created and not cs.complete
    _producer, honey = producer_and_product(geo, personas, set_no=4)
    with pytest.raises(ValidationError) as exc:
        services.open_dossier(personas.producer, honey, registered_on=dt.date(2026, 6, 1))
    message = " ".join(exc.value.messages)
    assert "Quản trị viên" in message
    assert all(g in message for g in cs.gaps) and "còn thiếu" in message
