"""Figures other apps read (NTM reads valid products through `ntm.sources`)."""

from __future__ import annotations

import datetime as dt

from tamnong.divisions.models import Division
from tamnong.divisions.services import within_q

from ..models import Certificate, Regime


def lowest_certified_stars(on: dt.date) -> int:
    """The lowest rank that gets a certificate under the regime in force on `on` (regime data,
    `certified_stars`; before the first regime, the first one's)."""
    regime = Regime.on(on) or Regime.objects.order_by("valid_from").first()
    return min(regime.certified_stars)


def valid_products(division: Division, on: dt.date, min_stars: int | None = None) -> int:
    """Products with a certificate valid on `on` (issued ≤ on < expiry, not revoked, ≥ min_stars)
    whose producer is located in `division` or below it (old units included). Without
    `min_stars`: the lowest certified rank of the regime in force on `on` (every certificate)."""
    if min_stars is None:
        min_stars = lowest_certified_stars(on)
    return (
        Certificate.objects.valid_on(on)
        .filter(within_q(division, "producer__division"), stars__gte=min_stars)
        .values("product_id")
        .distinct()
        .count()
    )
