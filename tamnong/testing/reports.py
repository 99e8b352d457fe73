"""Builders for the reports tests: the funding catalog and funding records."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def catalog(db):
    """The catalog of components, sources and activities, loaded from its data file."""
    from tamnong.reports.catalog import entries, load_catalog

    load_catalog()
    return {g: entries(g) for g in ("component", "source", "activity")}


def fund(division, year, component, source, allocated, disbursed, catalog):
    """A funding record (triệu đồng) of a component and a source."""
    from tamnong.reports.models import FundingRecord

    return FundingRecord.objects.create(
        division=division,
        year=year,
        component=catalog["component"][component],
        source=catalog["source"][source],
        allocated=Decimal(allocated),
        disbursed=Decimal(disbursed),
    )
