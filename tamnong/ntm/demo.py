"""Demo step: several years of NTM assessments for the demo province's communes.

2022–2024 on the old map (old communes, synthetic 2021–2025 set), 2025 on the new map (same set),
2026 on the new map with the synthetic 2026–2030 set. Every threshold used here comes from the
synthetic sets in data/ntm/demo/ (marked "DỮ LIỆU MINH HỌA"), never from an official annex.
Derived values that the demo province has no record for are entered as overrides whose reason
says they are demo figures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from tamnong.demo.registry import DemoContext, step
from tamnong.divisions.models import Division, Level

from . import criteria, services
from .models import Assessment, IndicatorKind, RecognitionKind, TargetMetric

OLD_YEARS = (2022, 2023, 2024)
DEMO_REASON = "Dữ liệu minh họa: tỉnh demo chưa có số liệu nguồn cho chỉ tiêu này"


def _value(ind, threshold: str | None, skill: float, rng: random.Random):
    """A plausible value: meets its threshold with a probability that grows with `skill`."""
    meets = rng.random() < skill
    if ind.kind == IndicatorKind.YES_NO:
        return meets
    if threshold is None:
        return Decimal(rng.randint(40, 95))
    limit = Decimal(threshold)
    factor = Decimal(str(round(rng.uniform(1.0, 1.25) if meets else rng.uniform(0.6, 0.97), 3)))
    if ind.operator == "le":
        factor = Decimal(1) / factor if limit else Decimal(0)
        value = limit * factor if limit else (Decimal(0) if meets else Decimal(1))
    else:
        value = limit * factor if limit else Decimal(rng.randint(0, 3))
    if ind.kind == IndicatorKind.PERCENT:
        value = min(value, Decimal(100))
    if ind.unit == "sản phẩm":
        value = Decimal(int(value) if meets else max(int(limit) - 1, 0))
    return value.quantize(Decimal("0.01"))


def _fill(actor, assessment: Assessment, skill: float, rng: random.Random) -> None:
    values = list(assessment.values.select_related("indicator"))
    manual = []
    for iv in values:
        threshold = iv.indicator.thresholds.get(assessment.column)
        value = _value(iv.indicator, threshold, skill, rng)
        if iv.indicator.source:
            if iv.derived_state != "ok":
                iv.value, iv.override_reason = value, DEMO_REASON
                manual.append(iv)
            continue
        if iv.indicator.kind == IndicatorKind.YES_NO:
            iv.value_bool = value
        else:
            iv.value = value
        iv.entered_by = actor
        manual.append(iv)
    # Bulk write: the demo fills thousands of values; the audit trail records the assessments.
    type(values[0]).objects.bulk_update(
        manual, ["value", "value_bool", "override_reason", "entered_by"]
    )
    services.recompute(assessment)


def _assess(actor, division, year, set_key, skill, rng) -> Assessment | None:
    existing = Assessment.objects.filter(division=division, year=year, set_key=set_key).first()
    if existing is not None:
        return existing
    assessment = services.start_assessment(actor, division, year, set_key)
    _fill(actor, assessment, skill, rng)
    return assessment


def _recognise(actor, assessment: Assessment, n: int, year: int) -> None:
    if not assessment.meets or assessment.dossiers.exists():
        return
    kind = RecognitionKind.COMMUNE_NTM
    dossier = services.open_dossier(actor, assessment, kind, on=dt.date(year, 9, 1))
    services.record_consultation(actor, dossier, dt.date(year, 9, 20), Decimal("93.5"))
    services.record_appraisal(actor, dossier, dt.date(year, 10, 15), True, "Đạt (minh họa)")
    services.decide(
        actor,
        dossier,
        number=f"{n}/QĐ-UBND-DEMO",
        signed_on=dt.date(year, 11, 30),
        issuer="UBND tỉnh (minh họa)",
        signer="Chủ tịch UBND tỉnh (minh họa)",
    )


@step(50, "ntm")
def build_ntm(ctx: DemoContext) -> None:
    with transaction.atomic():
        _build(ctx)


def _build(ctx: DemoContext) -> None:
    criteria.load_builtin(demo=True, demo_province=ctx.province.code)
    actor = ctx.users["dieuphoi"]
    rng = random.Random(ctx.seed + 5)
    province = ctx.province
    current = list(
        Division.objects.filter(map_id=province.map_id, level=Level.COMMUNE)
        .within(province)
        .order_by("code")
    )
    old = list(
        Division.objects.within(province)
        .filter(level=Level.COMMUNE)
        .exclude(map_id=province.map_id)
        .order_by("code")
    )
    # About a third of the communes are close to the standard; the others spread out below it.
    skill = {d.pk: 0.997 if rng.random() < 0.35 else rng.uniform(0.55, 0.95) for d in current + old}
    n_decision = 0

    for year in OLD_YEARS:
        for d in old:
            services.set_profile(
                actor, d, year, classification="region", column="tdmnpb", decision_ref="Minh họa"
            )
            a = _assess(
                actor,
                d,
                year,
                "demo-318-xa-ntm",
                min(skill[d.pk] + 0.03 * (year - 2022), 0.995),
                rng,
            )
            if year == 2024 and a is not None and a.meets:
                n_decision += 1
                _recognise(actor, a, n_decision, year)
    ctx.say(f"NTM: {len(old)} xã cũ × {len(OLD_YEARS)} năm (bộ tiêu chí minh họa 2021–2025)")

    for d in current:
        services.set_profile(
            actor, d, 2025, classification="region", column="tdmnpb", decision_ref="Minh họa"
        )
        a = _assess(actor, d, 2025, "demo-318-xa-ntm", min(skill[d.pk] + 0.1, 0.995), rng)
        if a is not None and a.meets:
            n_decision += 1
            _recognise(actor, a, n_decision, 2025)
        group = "nhom_1" if d.kind == "phuong" else rng.choice(["nhom_2", "nhom_3", "nhom_3"])
        services.set_profile(
            actor,
            d,
            2026,
            classification="group",
            column=group,
            decision_ref="Minh họa",
            note="Phân nhóm minh họa",
        )
        _assess(actor, d, 2026, "demo-51-xa-ntm", skill[d.pk], rng)
    ctx.say(f"NTM: {len(current)} xã mới, năm 2025 (bộ 2021–2025) và 2026 (bộ 2026–2030, minh họa)")

    for year, ntm, avg in (
        (2025, max(1, len(current) // 2), "14"),
        (2026, max(1, len(current) // 3), "7"),
    ):
        services.set_target(
            actor, province, year, TargetMetric.COMMUNES_NTM, ntm, "Kế hoạch minh họa"
        )
        services.set_target(
            actor, province, year, TargetMetric.AVERAGE_CRITERIA, avg, "Kế hoạch minh họa"
        )
    # a district NTM and a town that completed the programme before 2025 (old map), recorded
    # from their decisions
    old_units = Division.objects.within(province).filter(level=Level.DISTRICT)
    for kinds, kind, n in (
        (("huyen",), RecognitionKind.DISTRICT_NTM, 1),
        (("thi_xa", "thanh_pho"), RecognitionKind.TOWN_COMPLETED, 2),
    ):
        unit = old_units.filter(kind__in=kinds).order_by("code").first()
        if unit is not None and not unit.ntm_recognitions.exists():
            services.record_historical(
                actor,
                unit,
                kind,
                2023,
                number=f"DEMO-{n}/QĐ-TTg",
                signed_on=dt.date(2023, 12, 15),
                issuer="Thủ tướng Chính phủ (minh họa)",
            )
