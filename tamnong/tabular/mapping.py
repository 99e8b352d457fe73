"""Column mappings (ánh xạ cột) saved per organisation and file shape, and matching by name.

A file's headers are matched to an import's columns by name and synonyms (`columns.py`). What
does not match is shown on the preview page, where the user maps it once with dropdowns; the
mapping is saved for the organisation (the uploader's province unit) and the file's *shape* (the
hash of its normalised header row), and the next upload of the same shape is read with it.

`name_key` is how a place or a record given by name is compared: without case, diacritics,
punctuation, or a leading "xã", "phường", "thị trấn"…, so that "Xã Na Rì", "na ri" and "NA RÌ"
name the same commune.

Mappings also ship with the product for the standard forms a province already keeps (the
ministry's review form of the poverty import): `data/<app>/mappings/*.json`, each
{"format": "tamnong.tabular.mapping/1", "import": key, "name": …, "headers": […],
"mapping": {header: column key}}. A shipped mapping is a default: it is used for a file when no
mapping was saved for its shape and reading the file with it names more columns than without it,
so a province's copy of the form with a column more, or another title block, is still read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .columns import Column, Layout, find_layout, loose_key

UNIT_WORDS = ("thi tran", "dac khu", "phuong", "xa", "thon", "to dan pho", "khu pho", "ap", "khom")
_UNIT_PREFIX = re.compile("^(?:" + "|".join(UNIT_WORDS) + ") ")


def name_key(text) -> str:
    """A name as compared ("Xã Nà Phặc" → "na phac"); a word for the kind of unit is dropped."""
    key = loose_key(text)
    stripped = _UNIT_PREFIX.sub("", key, count=1)
    return stripped or key


def shape_of(headers: Sequence[str]) -> str:
    """The hash of a header row as compared (case, spaces and diacritics left out)."""
    keys = [loose_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def organisation(user):
    """The organisation a mapping is saved for: the province unit of the user's first editing
    membership (None for the system, an administrator or a user without one)."""
    if user is None or getattr(user, "is_superuser", False):
        return None
    from tamnong.access.roles import EDITOR_ROLES
    from tamnong.access.scope import Scope
    from tamnong.divisions.models import Division, Level
    from tamnong.divisions.services import resolve

    for grant in Scope.of(user).grants:
        if grant.role in EDITOR_ROLES and grant.division_id:
            division = Division.objects.filter(pk=grant.division_id).first()
            if division is not None:
                return resolve(division, Level.PROVINCE) or division
    return None


def saved_mapping(import_key: str, user, shape: str) -> dict[str, str]:
    from .models import ColumnMapping

    unit = organisation(user)
    found = ColumnMapping.objects.filter(import_key=import_key, shape=shape, unit=unit).first()
    if found is None and unit is not None:  # a mapping shipped with the product
        found = ColumnMapping.objects.filter(import_key=import_key, shape=shape, unit=None).first()
    return dict(found.mapping) if found else {}


def save_mapping(import_key: str, user, headers: Sequence[str], mapping: Mapping[str, str]) -> None:
    """Save (or replace) the organisation's mapping for this header row."""
    from .models import ColumnMapping

    ColumnMapping.objects.update_or_create(
        import_key=import_key,
        unit=organisation(user),
        shape=shape_of(headers),
        defaults={
            "headers": list(headers),
            "mapping": {h: k for h, k in mapping.items() if h and k},
            "updated_by": user,
        },
    )


SHIPPED_FORMAT = "tamnong.tabular.mapping/1"


@functools.cache
def _shipped() -> tuple[dict, ...]:
    from django.conf import settings

    out = []
    for path in sorted(Path(settings.BASE_DIR, "data").glob("*/mappings/*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if spec.get("format") != SHIPPED_FORMAT:
            raise ValueError(f"{path}: format {spec.get('format')!r}, expected {SHIPPED_FORMAT}")
        out.append({**spec, "file": path.name})
    return tuple(out)


def shipped_mappings(import_key: str) -> list[dict]:
    """The mappings shipped with the product for an import (see the module docstring)."""
    return [m for m in _shipped() if m["import"] == import_key]


def shipped_layout(
    table, columns: Sequence[Column], import_key: str, first: Layout | None = None
) -> tuple[Layout, dict[str, str]]:
    """The layout of a table read with the shipped mapping that names the most columns more than
    the columns' own names do, and that mapping ({} when none helps)."""
    best = first if first is not None else find_layout(table, columns)
    chosen: dict[str, str] = {}
    for spec in shipped_mappings(import_key):
        layout = find_layout(table, columns, mapping=spec["mapping"])
        if len(layout.positions) > len(best.positions):
            best, chosen = layout, dict(spec["mapping"])
    return best, chosen


def layout_for(table, columns: Sequence[Column], *, import_key: str, user) -> tuple[Layout, str]:
    """The layout of a table read with the organisation's saved mapping for its shape (else a
    shipped one that fits), and the shape (its header row as first found, before any mapping)."""
    first = find_layout(table, columns)
    shape = shape_of(first.headers)
    mapping = saved_mapping(import_key, user, shape)
    if not mapping:
        return shipped_layout(table, columns, import_key, first)[0], shape
    return find_layout(table, columns, mapping=mapping), shape
