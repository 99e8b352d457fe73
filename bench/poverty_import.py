"""Import benchmark: a province-size review file, end to end, against the python-calamine floor.

    .venv/bin/python bench/poverty_import.py --households 1000000 --engine sqlite|postgres
    .venv/bin/python bench/poverty_import.py --households 200000 --layout ministry

Generates a deterministic workbook (cached under var/bench/), builds a synthetic province
(100 communes × 10 villages) in a fresh database, then for each repeat: the full import (read,
validate, classify, store, transitions, figures) into empty tables, between two measures of the
floor (the time python-calamine alone takes to read every row of the workbook). Medians over
the repeats. Prints one JSON line last:
bench, engine, layout, rows, seconds, floor_seconds, ratio, rows_per_second, peak_rss_mb.

`--layout ministry`: the same households as the ministry's review form keeps them, read with the
mapping and name matching on: a title block naming the year, three header rows (a group over the
dimensions over the indicators; no merged cells, so the group heading is carried), the commune
and the village given by name, a column per deprivation indicator marked "x", read through the
mapping shipped for the form. Its floor is the bare read of that (wider) workbook.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, against_floor, calamine_rows, emit, rng, setup_django, timed  # noqa: E402

PROVINCE = "99"
COMMUNES = 100
VILLAGES = 10
YEAR = 2025


def households(n: int, seed: int):
    """The deterministic households of both layouts, one sequence of random draws: (number,
    code, commune number, village number, members, income, deprived indicators, ethnic,
    housing area)."""
    r = rng(seed)
    for i in range(n):
        c = i % COMMUNES + 1
        v = r.randint(1, VILLAGES)
        # incomes: most households above the line, a few percent poor / near-poor
        income = int(r.lognormvariate(14.9, 0.45)) // 1000 * 1000
        k = r.choices((0, 1, 2, 3, 4, 5), (50, 20, 12, 9, 6, 3))[0]
        deprived = sorted(r.sample(range(1, 13), k)) if k else []
        members = r.randint(1, 8)
        ethnic = r.random() < 0.3
        housing = r.randint(8, 120)
        yield i, f"{PROVINCE}.{c:03d}.{i:07d}", c, v, members, income, deprived, ethnic, housing


def cached_workbook(path: Path, sheet: str, rows) -> Path:
    """`path` when a previous run wrote it (var/bench/), else a write-only workbook of `rows`
    in a sheet named `sheet`, saved there."""
    if path.exists():
        return path
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def workbook(n: int, seed: int) -> Path:
    from tamnong.poverty.importing import HEADERS

    def rows():
        yield HEADERS
        for i, code, c, v, members, income, deprived, ethnic, housing in households(n, seed):
            yield [code, YEAR, f"{PROVINCE}{c:03d}", f"{PROVINCE}{c:03d}.{v:03d}", f"Hộ {i}",
                   members, "", "Có" if ethnic else "", "", income, housing,
                   ",".join(map(str, deprived))]  # fmt: skip

    return cached_workbook(BENCH_DIR / f"poverty-{n}-{seed}.xlsx", "Ho", rows())


MINISTRY_ABOVE = 7  # title (2 rows), a blank row, the header (3 rows), the column numbers


def ministry_workbook(n: int, seed: int) -> Path:
    """The households of `workbook(n, seed)` in the ministry's layout (the same households; the
    template's housing area is not in the form)."""
    from tamnong.testing.poverty import MINISTRY_INDICATORS

    before = ["STT", "Họ và tên chủ hộ", "Mã số hộ", "Xã/phường", "Thôn/ấp/bản",
              "Số nhân khẩu", "Thu nhập bình quân đầu người/tháng (đồng)"]  # fmt: skip
    after = ["Khu vực", "Dân tộc thiểu số", "Hộ chính sách", "Ghi chú"]
    n_ind = sum(len(names) for _d, names in MINISTRY_INDICATORS)
    dims, leaves = [], []
    for dim, names in MINISTRY_INDICATORS:
        dims += [dim] + [""] * (len(names) - 1)
        leaves += names

    def rows():
        yield ["UBND TỈNH BENCH", "", "", "", "", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
        yield ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"]
        yield []
        yield before + ["Các chỉ số thiếu hụt dịch vụ xã hội cơ bản"] + [""] * (n_ind - 1) + after
        yield [""] * len(before) + dims + [""] * len(after)
        yield [""] * len(before) + leaves + [""] * len(after)
        yield [f"({k})" for k in range(1, len(before) + n_ind + len(after) + 1)]
        for i, code, c, v, members, income, deprived, ethnic, _area in households(n, seed):
            marks = ["x" if d in deprived else "" for d in range(1, n_ind + 1)]
            yield [i + 1, f"Hộ {i}", code, f"Xã {c}", f"Thôn {v}", members, income, *marks, "",
                   "x" if ethnic else "", "", ""]  # fmt: skip

    return cached_workbook(BENCH_DIR / f"poverty-ministry-{n}-{seed}.xlsx", "DS ho ngheo", rows())


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


def floor(path: Path, above: int = 1) -> int:
    """Read every row with python-calamine alone; the number of data rows (`above`: the rows
    of the title block and the header)."""
    return calamine_rows(path) - above


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
    ap.add_argument(
        "--layout",
        choices=["template", "ministry"],
        default="template",
        help="ministry: the ministry's form, read with the shipped mapping and names",
    )
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")  # production settings: no query log
    setup_django(args.engine, "tn_bench_pov")
    make = ministry_workbook if args.layout == "ministry" else workbook
    path = make(args.households, args.seed)
    above = MINISTRY_ABOVE if args.layout == "ministry" else 1
    province()
    from tamnong.access.actors import SYSTEM
    from tamnong.poverty.importing import import_file
    from tamnong.poverty.models import ReviewRecord

    def check(result, rows):
        if not result.ok:
            raise SystemExit(f"import rejected: {result.error_sample[:5]}")
        assert ReviewRecord.objects.count() == rows == result.rows

    figures = against_floor(
        lambda: import_file(path, user=SYSTEM, error_dir=BENCH_DIR),
        lambda: floor(path, above),
        clear,
        check,
        args.repeat,
        ("rows_per_second", args.households),
    )
    extra = {}
    if args.reimport:
        _, f = timed(floor, path, above)
        result, s = timed(import_file, path, user=SYSTEM, error_dir=BENCH_DIR)
        extra = {"reimport_seconds": round(s, 2), "reimport_ratio": round(s / f, 2)}
    emit("poverty_import", engine=args.engine, layout=args.layout, rows=args.households,
         **figures, **extra)  # fmt: skip


if __name__ == "__main__":
    main()
