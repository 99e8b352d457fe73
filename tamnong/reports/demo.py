"""Demo funding, contributions, activities and commendations for the demo province (2021–2025)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tamnong.demo.registry import DemoContext, step
from tamnong.divisions.models import Level

from .catalog import entries
from .models import Activity, CatalogEntry, Commendation, Contribution, FundingRecord

YEARS = range(2021, 2026)


@step(90, "báo cáo: nguồn vốn, hoạt động, khen thưởng")
def build(ctx: DemoContext) -> None:
    province = ctx.province
    if FundingRecord.objects.filter(division=province).exists():
        return
    rng = random.Random(ctx.seed * 7 + 90)
    components = entries(CatalogEntry.Group.COMPONENT)
    sources = entries(CatalogEntry.Group.SOURCE)
    kinds = entries(CatalogEntry.Group.ACTIVITY)
    communes = list(province.children.filter(level=Level.COMMUNE).order_by("code"))
    funding = []
    for year in YEARS:
        for comp in ("ntm", "giam_ngheo", "ocop"):
            for src, scale in (
                ("nstw", 60000),
                ("nsdp", 25000),
                ("tin_dung", 12000),
                ("doanh_nghiep", 4000),
            ):
                allocated = Decimal(rng.randint(scale // 2, scale))
                rate = Decimal(rng.randint(70, 100)) / 100
                funding.append(
                    FundingRecord(
                        division=province,
                        year=year,
                        component=components[comp],
                        source=sources[src],
                        allocated=allocated,
                        disbursed=(allocated * rate).quantize(Decimal(1)),
                    )
                )
    FundingRecord.objects.bulk_create(funding)
    Contribution.objects.bulk_create(
        [
            Contribution(
                division=rng.choice(communes),
                year=year,
                purpose="Nhà ở cho hộ nghèo, cận nghèo",
                contributor="Ủy ban MTTQ tỉnh",
                units=rng.randint(300, 800),
                value=Decimal(rng.randint(12000, 30000)),
            )
            for year in YEARS
        ]
    )
    activities = []
    for year in YEARS:
        for _ in range(rng.randint(80, 140)):
            kind = rng.choice(["truyen_thong", "truyen_thong", "tap_huan", "hoi_cho"])
            activities.append(
                Activity(
                    division=rng.choice(communes),
                    date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    kind=kinds[kind],
                    component=components[rng.choice(["ntm", "giam_ngheo", "ocop"])],
                    title=f"{kinds[kind].name} {year}",
                    participants=rng.randint(20, 120),
                    materials=rng.randint(0, 200) if kind == "truyen_thong" else 0,
                )
            )
    Activity.objects.bulk_create(activities)
    Commendation.objects.bulk_create(
        [
            Commendation(
                division=province,
                date=dt.date(year, 12, 20),
                decision_number=f"{1500 + i}/QĐ-UBND",
                level="Chủ tịch UBND tỉnh",
                recipient_kind=rng.choice(["collective", "individual"]),
                recipient=f"{'HTX' if i % 2 else 'Ông/bà'} điển hình {i}",
                component=components["ntm"],
            )
            for year in YEARS
            for i in range(rng.randint(5, 12))
        ]
    )
    ctx.say(f"  {len(funding)} dòng vốn, {len(activities)} hoạt động")
