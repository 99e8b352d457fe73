"""Map test builders: a part of the shipped map data (data/divisions/), loaded in seconds.

`write_real_part(dest, ["96"])` copies the units of the 2025 provinces named (and their
communes), the old provinces, districts and communes that became them, and the lineage rows
between the two, with the real codes and names: a test then loads it with
`divisions.services.load_divisions(dest)` (after the `no_map` fixture) instead of the whole
country (about four minutes on a busy machine).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from django.conf import settings

from tamnong.divisions.services import LINEAGE_COLUMNS, UNIT_COLUMNS


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_real_part(dest: Path, provinces: list[str], *, changes: bool = False) -> Path:
    """Write a data directory holding the 2025 `provinces` (codes), their predecessors and the
    lineage between them. `changes`: also the shipped change files that touch only those units."""
    src = Path(settings.DIVISIONS_DATA_DIR)
    manifest = json.loads((src / "MANIFEST.json").read_text(encoding="utf-8"))
    new = _rows(src / "vn-2025" / "units.csv")
    old = _rows(src / "vn-2008" / "units.csv")
    lineage = _rows(src / "lineage-2025.csv")

    keep_new = {
        (r["level"], r["code"])
        for r in new
        if (r["level"] == "province" and r["code"] in provinces)
        or (r["level"] == "commune" and r["parent_code"] in provinces)
    }
    old_provinces = {
        r["from_code"]
        for r in lineage
        if r["from_level"] == "province" and ("province", r["to_code"]) in keep_new
    }
    old_districts = {
        r["code"] for r in old if r["level"] == "district" and r["parent_code"] in old_provinces
    }
    keep_old = {
        (r["level"], r["code"])
        for r in old
        if (r["level"] == "province" and r["code"] in old_provinces)
        or (r["level"] == "district" and r["code"] in old_districts)
        or (r["level"] == "commune" and r["parent_code"] in old_districts)
    }
    _write(
        dest / "vn-2025" / "units.csv",
        UNIT_COLUMNS,
        [r for r in new if (r["level"], r["code"]) in keep_new],
    )
    _write(
        dest / "vn-2008" / "units.csv",
        UNIT_COLUMNS,
        [r for r in old if (r["level"], r["code"]) in keep_old],
    )
    _write(
        dest / "lineage-2025.csv",
        LINEAGE_COLUMNS,
        [
            r
            for r in lineage
            if (r["from_level"], r["from_code"]) in keep_old
            and (r["to_level"], r["to_code"]) in keep_new
        ],
    )
    for spec in manifest["maps"] + manifest["lineage"]:
        spec.pop("sha256", None)
    if changes:
        for spec in manifest.get("changes", []):
            spec.pop("sha256", None)
            target = dest / spec["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / spec["file"], target)
    else:
        manifest["changes"] = []
    (dest / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return dest
