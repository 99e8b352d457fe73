"""Programme components, funding sources and activity kinds: data from data/reports/funding.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from tamnong.core import datacache

from .models import CatalogEntry

CATALOG_FILE = Path(settings.BASE_DIR) / "data" / "reports" / "funding.yaml"
GROUPS = {
    "components": CatalogEntry.Group.COMPONENT,
    "sources": CatalogEntry.Group.SOURCE,
    "activity_kinds": CatalogEntry.Group.ACTIVITY,
}


class CatalogError(ValueError):
    pass


@transaction.atomic
def load_catalog(path: Path | None = None) -> int:
    """Create or update the entries of the file; entries no longer listed are deactivated, not deleted."""
    data = yaml.safe_load(Path(path or CATALOG_FILE).read_text(encoding="utf-8"))
    version = str(data.get("version", ""))
    seen = 0
    for key, group in GROUPS.items():
        listed = set()
        for item in data.get(key, []):
            if not item.get("code") or not item.get("name"):
                raise CatalogError(f"{key}: mỗi mục phải có code và name")
            CatalogEntry.objects.update_or_create(
                group=group,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "name_en": item.get("name_en", ""),
                    "is_budget": bool(item.get("budget", False)),
                    "active": True,
                    "catalog_version": version,
                },
            )
            listed.add(item["code"])
            seen += 1
        CatalogEntry.objects.filter(group=group).exclude(code__in=listed).update(active=False)
        datacache.changed("reports")  # the update() sends no model signal
    return seen


def ensure_catalog() -> None:
    if not CatalogEntry.objects.exists():
        load_catalog()


def entries(group: str) -> dict[str, CatalogEntry]:
    ensure_catalog()
    return {e.code: e for e in CatalogEntry.objects.filter(group=group)}
