"""Business rules of the poverty app, shared by pages, the API and the CLI.

Every function that changes data takes the acting user and checks `Scope.require_edit`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from tamnong.access.actors import SYSTEM
from tamnong.access.lookups import subtree_q
from tamnong.access.scope import Scope
from tamnong.audit.services import record_transition
from tamnong.divisions.models import Division
from tamnong.divisions.services import as_of, within_q

from . import figures
from .figures import Contribution
from .models import (
    Area,
    Classification,
    Household,
    ReviewRecord,
    ReviewRound,
    Sponsorship,
    SponsorTarget,
    SupportRecord,
    province_q,
)
from .models import Transition as T
from .standards import ESCAPE_TRANSITIONS, Rule, classify, deprivation_mask, standard_for_year
from .standards import transition as transition_of


# -- contract with the NTM app ----------------------------------------------------------------
def commune_poverty_rate(division, year: int) -> dict | None:
    """Poverty figures of a unit (a current commune, or any unit: everything below it, old units
    included through lineage) for a review year, or None when the year has no records there.

    Returns {"households", "poor", "near_poor", "poor_rate" (Decimal percent, 2 decimals),
    "standard" (the standard key the records were classified by)}.
    """
    total = figures.summary(division, int(year), SYSTEM)  # a figure of record, for NTM
    if total is None or not total["households"]:
        return None
    return {
        "households": total["households"],
        "poor": total["poor"],
        "near_poor": total["near_poor"],
        "poor_rate": total["poor_rate"],
        "standard": total["standard"],
    }


def _notify(commune, year: int) -> None:
    from tamnong.core.signals import figures_changed

    transaction.on_commit(
        lambda: figures_changed.send(
            sender=ReviewRecord, source="poverty", division=commune, year=year
        )
    )


# -- review records ---------------------------------------------------------------------------
class ReviewError(ValidationError):
    pass


@dataclass
class ReviewInput:
    income: int
    members: int
    deprived: set[int]
    housing_area: float | None = None
    arising_reason: str = ""
    arising_on: dt.date | None = None


def _round_locked(commune_id: int, year: int) -> bool:
    return ReviewRound.objects.filter(
        commune_id=commune_id, year=year, step=ReviewRound.Step.RECOGNISED
    ).exists()


def _area_in(household: Household, year: int) -> int:
    """Urban or rural in a review year: the kind of the household's unit in force at the end of
    that year (a xã that became a phường counts urban from then on, `divisions.services.as_of`),
    unless the household's recorded area differs from its own unit's kind (given explicitly)."""
    own = Area.URBAN if household.division.is_urban else Area.RURAL
    if household.area != own:
        return household.area
    unit = as_of(household.division, dt.date(year, 12, 31))
    return Area.URBAN if unit is not None and unit.is_urban else Area.RURAL


@transaction.atomic
def save_review(user, household: Household, year: int, data: ReviewInput) -> ReviewRecord:
    """Create or change one household's review record for a year, keeping transitions and
    figures up to date (incrementally). In a recognised round the change is a "phát sinh" and
    needs a reason."""
    Scope.of(user).require_edit(household.division)
    std = standard_for_year(year)
    if std is None:
        raise ReviewError({"year": _("Năm %(year)s chưa có chuẩn nghèo áp dụng.") % {"year": year}})
    rule = Rule.of(std)
    errors = {}
    if data.income is None or data.income < 0:
        errors["income"] = _("Thu nhập không được âm.")
    if not data.members or not 1 <= data.members <= 99:
        errors["members"] = _("Số nhân khẩu phải từ 1 đến 99.")
    unknown = sorted(n for n in data.deprived if n not in rule.indicator_numbers)
    if unknown:
        errors["deprived"] = _("Chỉ số %(unknown)s không có trong chuẩn %(key)s.") % {
            "unknown": unknown,
            "key": std.key,
        }
    if data.housing_area is not None and data.housing_area < 0:
        errors["housing_area"] = _("Diện tích nhà ở không được âm.")
    arising = _round_locked(household.commune_id, year)
    if arising and not data.arising_reason.strip():
        errors["arising_reason"] = _(
            "Kỳ rà soát đã được công nhận: thay đổi là phát sinh, phải ghi lý do."
        )
    if errors:
        raise ReviewError(errors)
    mask = deprivation_mask(rule, data.deprived, data.housing_area, data.members)
    count = mask.bit_count()
    area = _area_in(household, year)
    klass = classify(rule, data.income, area == Area.URBAN, count)

    record = (
        ReviewRecord.objects.select_for_update()
        .select_related("standard")
        .filter(household=household, year=year)
        .first()
    )
    before = Contribution.of(record) if record is not None else None
    if record is None:
        record = ReviewRecord(household=household, year=year)
    record.commune_id, record.division_id = household.commune_id, household.division_id
    record.area, record.members = area, data.members
    record.income, record.housing_area = data.income, data.housing_area
    record.deprivations, record.deprivation_count = mask, count
    record.standard, record.classification = std, klass
    if arising:
        record.arising = True
        record.arising_on = data.arising_on or dt.date.today()
        record.arising_reason = data.arising_reason.strip()[:300]
    record.save()
    _refresh_transitions(household, {record.pk: before})
    _notify(household.commune, year)
    return record


def _refresh_transitions(household: Household, changed: dict[int, Contribution | None]) -> None:
    """Recompute the household's transitions in year order and move every changed record's
    contribution (`changed`: record id → contribution before the change)."""
    records = list(
        ReviewRecord.objects.select_for_update()
        .filter(household=household)
        .select_related("standard")
        .order_by("year")
    )
    prev, poor_before = None, False
    for rec in records:
        new = transition_of(prev, rec.classification, poor_before)
        if new != rec.transition:
            changed.setdefault(rec.pk, Contribution.of(rec))
            rec.transition = new
            ReviewRecord.objects.filter(pk=rec.pk).update(transition=new)
        poor_before = poor_before or rec.classification == Classification.POOR
        prev = rec.classification
    by_id = {r.pk: r for r in records}
    for pk, before in changed.items():
        figures.apply_change(before, Contribution.of(by_id[pk]))
        if before is not None and before.year != by_id[pk].year:
            _notify(by_id[pk].commune, before.year)


# -- review rounds ------------------------------------------------------------------------------
STEP_DATES = {
    ReviewRound.Step.LISTED: "listed_on",
    ReviewRound.Step.SURVEYED: "surveyed_on",
    ReviewRound.Step.MEETING: "meeting_on",
    ReviewRound.Step.POSTED: "posted_on",
    ReviewRound.Step.RECOGNISED: "recognised_on",
}
STEP_ORDER = list(ReviewRound.Step.values)


def get_round(commune: Division, year: int) -> ReviewRound:
    rnd, _ = ReviewRound.objects.get_or_create(commune=commune, year=year)
    return rnd


@transaction.atomic
def advance_round(
    user, rnd: ReviewRound, step: str, on: dt.date, decision_number: str = "", note: str = ""
) -> ReviewRound:
    """Move a commune's review round to the next step (steps in order, dates not going back).
    Recognition needs the chairman's decision number and locks the year's records."""
    Scope.of(user).require_edit(rnd.commune)
    rnd = ReviewRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.locked:
        raise ReviewError(_("Kỳ rà soát đã được công nhận và khóa."))
    if step not in STEP_DATES:
        raise ReviewError({"step": _("Bước không hợp lệ.")})
    if STEP_ORDER.index(step) != STEP_ORDER.index(rnd.step) + 1:
        raise ReviewError({"step": _("Phải thực hiện các bước theo thứ tự.")})
    last = max((getattr(rnd, f) for f in STEP_DATES.values() if getattr(rnd, f)), default=None)
    if last and on < last:
        raise ReviewError({"on": _("Ngày của bước sau không được trước bước trước.")})
    if step == ReviewRound.Step.RECOGNISED and not decision_number.strip():
        raise ReviewError({"decision_number": _("Phải có số quyết định công nhận.")})
    old = rnd.step
    setattr(rnd, STEP_DATES[step], on)
    rnd.step = step
    if decision_number:
        rnd.decision_number = decision_number.strip()
    if note:
        rnd.notes = (rnd.notes + "\n" if rnd.notes else "") + note
    rnd.save()
    record_transition(rnd, old, step, note)
    return rnd


# -- support, sponsorship, sustainable escape --------------------------------------------------
@transaction.atomic
def add_support(user, household: Household, **fields) -> SupportRecord:
    Scope.of(user).require_edit(household.division)
    support = SupportRecord(household=household, **fields)
    support.full_clean()
    support.save()
    return support


@transaction.atomic
def assign_sponsor(user, unit, household: Household, from_year: int, to_year=None) -> Sponsorship:
    Scope.of(user).require_edit(household.division)
    Scope.of(user).require_edit(unit.division)
    if not household.division.path.startswith(unit.division.path):
        raise ReviewError({"household": _("Hộ không thuộc địa bàn của đơn vị giúp đỡ.")})
    s = Sponsorship(unit=unit, household=household, from_year=from_year, to_year=to_year)
    s.full_clean()
    s.save()
    return s


def escaped_sustainably(division, year: int) -> dict:
    """Households under `division` that escaped poverty in `year` (poor → near-poor or above)
    and were not poor again in any later review (thoát nghèo bền vững)."""
    # (within the unit's province when it has one: its partition only, see partitions.py)
    records = ReviewRecord.objects.under_province_of(division)
    escaped = records.filter(
        within_q(division, "division"), year=year, transition__in=ESCAPE_TRANSITIONS
    )
    poor_again = records.filter(
        household=OuterRef("household"),
        province=OuterRef("province"),
        year__gt=year,
        classification=Classification.POOR,
    )
    later_years = sorted(
        records.filter(subtree_q(division, "commune"), year__gt=year)
        .values_list("year", flat=True)
        .distinct()
    )
    total = escaped.count()
    sustained = escaped.exclude(Exists(poor_again)).count()
    return {"escaped": total, "sustained": sustained, "observed_years": later_years}


def support_totals(user, division, year: int) -> dict:
    """Support and sponsorship totals under a division for a year (scoped to the user)."""
    if not Scope.of(user).covers(division):
        raise PermissionDenied
    # (each join to the households names their province: its partition only, partitions.py)
    supports = SupportRecord.objects.filter(
        within_q(division, "household__division"), province_q(division, "household__"), year=year
    )
    by_kind = {
        row["kind"]: {"count": row["n"], "amount": row["amount"] or Decimal(0)}
        for row in supports.values("kind").annotate(n=Count("id"), amount=Sum("amount"))
    }
    units = defaultdict(dict)
    assignments = Sponsorship.objects.filter(
        Q(to_year__isnull=True) | Q(to_year__gte=year),
        within_q(division, "household__division"),
        province_q(division, "household__"),
        from_year__lte=year,
    )
    for row in assignments.values("unit_id", "unit__name").annotate(n=Count("household")):
        units[row["unit_id"]].update(name=row["unit__name"], households=row["n"])
    escaped_rows = (
        assignments.filter(
            province_q(division, "household__reviews__"),
            household__reviews__year=year,
            household__reviews__transition__in=ESCAPE_TRANSITIONS,
        )
        .values("unit_id")
        .annotate(n=Count("household", distinct=True))
    )
    for row in escaped_rows:
        units[row["unit_id"]]["escaped"] = row["n"]
    for t in SponsorTarget.objects.filter(year=year, unit_id__in=list(units)):
        units[t.unit_id]["target"] = t.households_to_escape
    for u in units.values():
        u.setdefault("escaped", 0)
        u.setdefault("target", None)
        u.setdefault("households", 0)
    return {
        "year": year,
        "support": by_kind,
        "support_households": supports.values("household").distinct().count(),
        "support_amount": sum((v["amount"] for v in by_kind.values()), Decimal(0)),
        "sponsors": sorted(units.values(), key=lambda u: u.get("name", "")),
        "escaped_sustainably": escaped_sustainably(division, year),
    }


# -- reading helpers for pages, API and CLI ------------------------------------------------------


def report(user, division, year: int) -> dict:
    """Figures of a division and its direct units for a year, for the page, API and CLI."""
    if not Scope.of(user).covers(division):
        raise PermissionDenied
    data = figures.summary(division, year, user, by_child=True)
    std = standard_for_year(year)
    if data is not None:
        names = dict(
            Division.objects.filter(pk__in=list(data["children"])).values_list("pk", "name")
        )
        codes = dict(
            Division.objects.filter(pk__in=list(data["children"])).values_list("pk", "code")
        )
        data["children"] = sorted(
            (
                {"id": pk, "code": codes.get(pk, ""), "name": names.get(pk, ""), **v}
                for pk, v in data["children"].items()
            ),
            key=lambda c: c["code"],
        )
    return {
        "division": {
            "id": division.pk,
            "code": division.code,
            "name": division.name,
            "map": division.map.key,
        },
        "year": year,
        "standard": std.key if std else None,
        "indicators": std.indicators if std else [],
        "figures": data,
        "transition_labels": {t.value: str(t.label) for t in T},
    }


def households_by_code(user, code: str, province: str | None = None):
    """The households with `code` the user may see, with their province (a code is unique
    within a province's registry only, so a user reading several provinces, a national role or
    an administrator, may find one in each); `province` (its code) keeps one province's. In
    the order of the provinces' codes."""
    qs = (
        Household.objects.visible_to(user)
        .filter(code=code)
        .select_related("commune", "division", "province")
    )
    if province:
        qs = qs.filter(province__code=province)
    return list(qs.order_by("province__code", "pk")[:100])
