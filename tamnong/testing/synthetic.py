"""Synthetic records built in bulk, for tests and for the benchmarks in bench/ (which import this
module after `django.setup()`; it imports nothing from pytest): a province of N communes on a map
of its own, and NTM assessment summary rows."""

from __future__ import annotations

import datetime as dt


def province_with_communes(
    n: int,
    *,
    code: str = "99",
    name: str = "Tỉnh Bench",
    map_key: str = "bench",
    map_name: str = "bench",
    commune_name: str = "Xã {i}",
    first: int = 0,
    dated: bool = False,
):
    """A new map (valid from 01/07/2025) holding one province `code` and `n` communes coded
    `code` + a three-digit number from `first`, named `commune_name.format(i=number)`, with their
    paths (each is its own current unit). `dated`: the communes carry the map's valid_from.
    Returns (province, communes)."""
    from tamnong.divisions.models import Division, Level, MapVersion

    mv = MapVersion.objects.create(key=map_key, name=map_name, valid_from=dt.date(2025, 7, 1))
    province = Division.objects.create(
        map=mv, code=code, name=name, kind="tinh", level=Level.PROVINCE, path=""
    )
    province.path, province.current_id = f"/{province.pk}/", province.pk
    province.save()
    communes = Division.objects.bulk_create(
        Division(map=mv, code=f"{code}{i:03d}", name=commune_name.format(i=i), kind="xa",
                 level=Level.COMMUNE, parent=province, path="",
                 valid_from=mv.valid_from if dated else None)
        for i in range(first, first + n)
    )  # fmt: skip
    for c in communes:
        c.path, c.current_id = f"{province.path}{c.pk}/", c.pk
    Division.objects.bulk_update(communes, ["path", "current"])
    return province, communes


def assessment(commune, year: int, criteria_set, met: int, total: int, missing: list[int], status):
    """An unsaved NTM assessment of `commune` (summary columns only, column "tdmnpb", reference
    date 31/12 of `year`) meeting `met` of the set's `total` criteria, for bulk_create."""
    from tamnong.ntm.models import Assessment

    return Assessment(
        division=commune,
        commune=commune,
        year=year,
        criteria_set=criteria_set,
        set_key=criteria_set.key,
        column="tdmnpb",
        reference_date=dt.date(year, 12, 31),
        criteria_met=met,
        criteria_total=total,
        band=criteria_set.band_for(met),
        missing=missing,
        meets=not missing,
        status=status,
    )
