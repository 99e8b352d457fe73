"""Evaluation rounds (đợt đánh giá, 26/2026 Điều 5): the rounds of a year created from the
regime's `rounds`, dossiers filed into them, and the rounds that are late.

A round is late when today is on or after a deadline ("trước ngày D": D itself is too late) and
some of its dossiers have not reached that step: at `proposals_before`, not yet proposed by the
lower level (a province round: not forwarded by the commune; a central round: not sent to the
ministry); at `decided_before`, not yet decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from .. import procedure
from ..models import Dossier, EvaluationRound, Regime
from ._base import fail
from .council import _require_province

S = Dossier.State
_AT_COMMUNE = (S.DRAFT, S.SUBMITTED, S.RETURNED)  # not yet proposed by the commune
_AT_PROVINCE = (*_AT_COMMUNE, S.FORWARDED, S.IN_SESSION, S.SCORED)  # not yet decided there
NOT_PROPOSED = {
    EvaluationRound.Level.PROVINCE: _AT_COMMUNE,
    EvaluationRound.Level.CENTRAL: _AT_PROVINCE,
}
NOT_DECIDED = {
    EvaluationRound.Level.PROVINCE: _AT_PROVINCE,
    EvaluationRound.Level.CENTRAL: (*_AT_PROVINCE, S.FORWARDED_CENTRAL),
}
# what may be filed into a round of each level: not yet decided at that level
FILEABLE = NOT_DECIDED


def _month_day(year: int, text: str) -> dt.date:
    month, day = (int(x) for x in str(text).split("-"))
    return dt.date(year, month, day)


def planned_rounds(year: int) -> list[dict]:
    """The rounds of `year` under the regime with a `rounds` rule in force on each round's last
    day for a decision (the day before `decided_before`)."""
    planned = []
    for regime in Regime.objects.all():
        spec = procedure.rule(regime, "rounds")
        if spec is None:
            continue
        for level in (EvaluationRound.Level.PROVINCE, EvaluationRound.Level.CENTRAL):
            section = spec.get(level) or {}
            for r in section.get("rounds") or []:
                base = year + int(r.get("year_offset") or 0)
                decided = _month_day(base, r["decided_before"])
                proposals = _month_day(base, r["proposals_before"])
                if proposals > decided:  # a proposal in the year before (not in 26/2026)
                    proposals = _month_day(base - 1, r["proposals_before"])
                if Regime.on(decided - dt.timedelta(days=1)) != regime:
                    continue
                planned.append(
                    {
                        "regime": regime,
                        "level": level,
                        "number": int(r["number"]),
                        "proposals_before": proposals,
                        "decided_before": decided,
                        "article": str(section.get("article") or spec.get("article") or ""),
                    }
                )
    return planned


@transaction.atomic
def create_rounds(actor, province: Division, year: int) -> list[EvaluationRound]:
    """Create the rounds of `year` for `province` (idempotent: returns the ones created)."""
    _require_province(actor, province)
    if province.level != Level.PROVINCE:
        fail("province", _("Đợt đánh giá được lập cho một tỉnh, thành phố."))
    if not 2000 <= year <= 2100:
        fail("year", _("Năm không hợp lệ."))
    planned = planned_rounds(year)
    if not planned:
        fail(
            "year",
            _("Chế độ đánh giá áp dụng năm %(year)s không quy định đợt đánh giá.") % {"year": year},
        )
    created = []
    for p in planned:
        row, new = EvaluationRound.objects.get_or_create(
            division=province,
            level=p["level"],
            year=year,
            number=p["number"],
            defaults={k: p[k] for k in ("regime", "proposals_before", "decided_before", "article")},
        )
        if new:
            created.append(row)
    return created


@transaction.atomic
def file_into_round(actor, dossier: Dossier, round_: EvaluationRound) -> Dossier:
    """File a dossier into a round of its province (a province round, or the central round it is
    proposed to the ministry in)."""
    province = resolve(dossier.product.division, Level.PROVINCE)
    _require_province(actor, province)
    if province is None or round_.division_id != province.pk:
        fail("round", _("Đợt đánh giá không thuộc tỉnh của sản phẩm."))
    if dossier.state not in FILEABLE[round_.level]:
        fail(
            "round",
            _("Hồ sơ đang ở bước «%(state)s», không đưa vào đợt này được.")
            % {"state": dossier.get_state_display()},
        )
    name = "round" if round_.level == EvaluationRound.Level.PROVINCE else "central_round"
    setattr(dossier, name, round_)
    dossier.save(update_fields=[name])
    return dossier


@dataclass
class RoundStatus:
    round: EvaluationRound
    not_proposed: list = field(default_factory=list)
    not_decided: list = field(default_factory=list)

    @property
    def late(self) -> bool:
        return bool(self.not_proposed or self.not_decided)


def round_status(round_: EvaluationRound, today: dt.date) -> RoundStatus:
    members = round_.dossiers if round_.level == "province" else round_.central_dossiers
    status = RoundStatus(round_)
    if today >= round_.decided_before:
        status.not_decided = list(
            members.filter(state__in=NOT_DECIDED[round_.level]).select_related("product")
        )
    elif today >= round_.proposals_before:
        status.not_proposed = list(
            members.filter(state__in=NOT_PROPOSED[round_.level]).select_related("product")
        )
    return status


def rounds_with_status(user, *, today: dt.date | None = None, rounds=None) -> list[RoundStatus]:
    today = today or timezone.localdate()
    rounds = rounds if rounds is not None else EvaluationRound.objects.visible_to(user)
    return [round_status(r, today) for r in rounds.select_related("division")]


def late_rounds(user, *, today: dt.date | None = None) -> list[RoundStatus]:
    """The rounds in the user's scope past a deadline with dossiers that have not reached it."""
    today = today or timezone.localdate()
    passed = EvaluationRound.objects.visible_to(user).filter(proposals_before__lte=today)
    return [s for s in rounds_with_status(user, today=today, rounds=passed) if s.late]
