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


YEAR = 2025


def national(username: str, role: str):
    """A user with a membership on the country (`division=None`) in a national role."""
    from tamnong.accounts.models import Membership, User
    from tamnong.conftest import PASSWORD

    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, division=None, role=role)
    return user


@pytest.fixture
def country(geo, personas, tmp_path, settings):
    """Tỉnh Mới and Tỉnh Khác with households, NTM results and OCOP products."""
    import datetime as dt

    from tamnong.access.actors import SYSTEM
    from tamnong.demo.registry import DemoContext
    from tamnong.ntm.demo import build_ntm
    from tamnong.ocop import services as ocop
    from tamnong.poverty.importing import import_file
    from tamnong.testing.ocop import install_synthetic, quick_certificate
    from tamnong.testing.poverty import row, write_xlsx

    settings.MEDIA_ROOT = tmp_path
    rows = [
        row("A-1", deprived="1,2,3"),
        row("A-2", income=3_000_000),
        row("A-3", income=900_000, deprived="1,2,3,4"),
        row("C-1", commune="10003", deprived="4,5,6,7"),
        row("C-2", commune="10003", income=5_000_000),
        row("X-1", commune="90001", deprived="1,2,3"),
        row("X-2", commune="90001", income=1_800_000, deprived="1"),
        row("X-3", commune="90001", income=6_000_000),
    ]
    assert import_file(write_xlsx(tmp_path / "ho.xlsx", rows), user=SYSTEM).ok
    for province, coordinator in (
        (geo.province, personas.coordinator),
        (geo.other_province, personas.outsider),
    ):
        build_ntm(
            DemoContext(
                province=province,
                seed=7,
                households=0,
                say=lambda _m: None,
                users={"dieuphoi": coordinator},
            )
        )
    from tamnong.ntm.services.recognition import record_historical

    for unit, actor, number in (
        (geo.commune_a, personas.coordinator, "12/QĐ-UBND"),
        (geo.other_commune, personas.outsider, "7/QĐ-UBND"),
    ):
        record_historical(
            actor,
            unit,
            "commune_ntm",
            YEAR,
            number=number,
            signed_on=dt.date(2025, 12, 1),
            issuer=f"UBND {unit.parent.name}",
        )
    install_synthetic()
    here = ocop.create_producer(
        personas.alice, division=geo.commune_a, name="HTX An Bình", kind="cooperative", code="P-1"
    )
    there = ocop.create_producer(
        personas.outsider, division=geo.other_commune, name="HTX Xa", kind="cooperative", code="P-9"
    )
    day = dt.date(2025, 3, 1)
    for i, (producer, actor, stars) in enumerate(
        [
            (here, personas.producer, 3),
            (here, personas.producer, 4),
            (here, personas.producer, 4),
            (there, personas.outsider, 3),
            (there, personas.outsider, 5),
        ]
    ):
        product = ocop.create_product(actor, producer, name=f"Sản phẩm {i}", set_no=1)
        quick_certificate(product, day + dt.timedelta(days=i), stars=stars, number=f"C{i}")
    return geo
