"""Builders for the reports tests: the funding catalog and funding records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

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


@pytest.fixture
def demo(geo):
    """The demo province built on the test map (no households)."""
    from tamnong.demo.services import build

    return build(province_code=geo.province.code, households=0, say=lambda _m: None)


def check_schema(key: str, document: dict) -> None:
    """The published schema file, read here, not through the exporter's own check."""
    import json

    import jsonschema
    from django.conf import settings

    schemas = Path(settings.BASE_DIR) / "docs" / "schemas"
    schema = json.loads((schemas / f"{key}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        document
    )
