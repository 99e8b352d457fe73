"""Import benchmark: a province-size review file, end to end, against the python-calamine floor.

    .venv/bin/python bench/poverty_import.py --households 1000000 --engine sqlite|postgres

Generates a deterministic workbook (cached under var/bench/), builds a synthetic province
(100 communes × 10 villages) in a fresh database, then for each repeat: the full import (read,
validate, classify, store, transitions, figures) into empty tables, between two measures of the
floor (the time python-calamine alone takes to read every row of the workbook). Medians over
the repeats. Prints one JSON line last:
bench, engine, rows, seconds, floor_seconds, ratio, rows_per_second, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, emit, median, peak_rss_mb, rng, setup_django, timed  # noqa: E402

PROVINCE = "99"
COMMUNES = 100
VILLAGES = 10
YEAR = 2025


def workbook(n: int, seed: int) -> Path:
    path = BENCH_DIR / f"poverty-{n}-{seed}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    from tamnong.poverty.importing import HEADERS

    r = rng(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ho")
    ws.append(HEADERS)
    for i in range(n):
        c = i % COMMUNES + 1
        v = r.randint(1, VILLAGES)
        # incomes: most households above the line, a few percent poor / near-poor
        income = int(r.lognormvariate(14.9, 0.45)) // 1000 * 1000
        k = r.choices((0, 1, 2, 3, 4, 5), (50, 20, 12, 9, 6, 3))[0]
        deprived = ",".join(str(x) for x in sorted(r.sample(range(1, 13), k))) if k else ""
        members = r.randint(1, 8)
        ws.append(
            [f"{PROVINCE}.{c:03d}.{i:07d}", YEAR, f"{PROVINCE}{c:03d}",
             f"{PROVINCE}{c:03d}.{v:03d}", f"Hộ {i}", members, "",
             "Có" if r.random() < 0.3 else "", "", income, r.randint(8, 120), deprived]
        )  # fmt: skip
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def province() -> None:
    import datetime as dt

    from tamnong.divisions.models import Division, Level, MapVersion

    mv = MapVersion.objects.create(key="bench", name="bench", valid_from=dt.date(2025, 7, 1))
    prov = Division.objects.create(
        map=mv, code=PROVINCE, name="Tỉnh Bench", kind="tinh", level=Level.PROVINCE, path=""
    )
    prov.path, prov.current_id = f"/{prov.pk}/", prov.pk
    prov.save()
    for c in range(1, COMMUNES + 1):
        commune = Division.objects.create(
            map=mv, code=f"{PROVINCE}{c:03d}", name=f"Xã {c}", kind="phuong" if c % 10 == 0 else "xa",
            level=Level.COMMUNE, parent=prov, path="",
        )  # fmt: skip
        commune.path, commune.current_id = f"{prov.path}{commune.pk}/", commune.pk
        commune.save()
        villages = Division.objects.bulk_create(
            Division(map=mv, code=f"{commune.code}.{v:03d}", name=f"Thôn {v}", kind="thon",
                     level=Level.VILLAGE, parent=commune, path="")
            for v in range(1, VILLAGES + 1)
        )  # fmt: skip
        for v in villages:
            v.path, v.current_id = f"{commune.path}{v.pk}/", v.pk
        Division.objects.bulk_update(villages, ["path", "current"])


def floor(path: Path) -> int:
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    n = 0
    for _row in sheet.iter_rows():
        n += 1
    return n - 1


def clear() -> None:
    from django.db import connection

    from tamnong.poverty.models import Household, ImportBatch, PovertyFigure, ReviewRecord

    with connection.cursor() as cur:
        for model in (PovertyFigure, ReviewRecord, Household, ImportBatch):
            cur.execute(f"DELETE FROM {model._meta.db_table}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE") if connection.get_autocommit() else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--reimport", action="store_true", help="also time an idempotent re-import")
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")  # production settings: no query log
    setup_django(args.engine, "tn_bench_pov")
    path = workbook(args.households, args.seed)
    province()
    from tamnong.access.actors import SYSTEM
    from tamnong.poverty.importing import import_file
    from tamnong.poverty.models import ReviewRecord

    seconds, floors = [], []
    for i in range(args.repeat):
        clear()
        # the floor is measured right before and right after the import (shared machines:
        # the load changes during a run) and averaged
        rows, f1 = timed(floor, path)
        result, s = timed(import_file, path, user=SYSTEM, error_dir=BENCH_DIR)
        _, f2 = timed(floor, path)
        f = (f1 + f2) / 2
        if not result.ok:
            raise SystemExit(f"import rejected: {result.error_sample[:5]}")
        assert ReviewRecord.objects.count() == rows == result.rows
        seconds.append(s)
        floors.append(f)
        print(f"run {i + 1}: import {s:.2f}s floor {f:.2f}s ratio {s / f:.2f}", file=sys.stderr)
    extra = {}
    if args.reimport:
        _, f = timed(floor, path)
        result, s = timed(import_file, path, user=SYSTEM, error_dir=BENCH_DIR)
        extra = {"reimport_seconds": round(s, 2), "reimport_ratio": round(s / f, 2)}
    s, f = median(seconds), median(floors)
    emit(
        "poverty_import",
        engine=args.engine,
        rows=args.households,
        seconds=round(s, 2),
        floor_seconds=round(f, 2),
        ratio=round(s / f, 2),
        rows_per_second=round(args.households / s),
        peak_rss_mb=peak_rss_mb(),
        repeats=args.repeat,
        **extra,
    )


if __name__ == "__main__":
    main()
