"""NTM results in bulk: a province workbook of 150 communes × 47 indicators, end to end, against
the python-calamine floor.

    .venv/bin/python bench/ntm_import.py [--communes 150] [--indicators 47] [--engine sqlite|postgres]
                                         [--repeat 1]

Builds a fresh database, a synthetic province of N communes (each with its region for the year),
a synthetic criteria set of 19 criteria and the given number of indicators (yes/no, percent and
number indicators, none derived), and a deterministic workbook as an office makes it: a title,
the communes by name, a column per indicator headed by its code. Each repeat: the full import
(read with the tabular layer, commune names matched in scope, every commune through
`start_assessment` + `enter_values`, one transaction) into empty tables, between two measures of
the floor (python-calamine alone reading every row). Medians over the repeats, then an
idempotent re-import. Prints one JSON line last: bench, engine, communes, indicators, seconds,
floor_seconds, ratio, values_per_second, reimport_seconds, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, against_floor, calamine_rows, emit, rng, setup_django, timed  # noqa: E402

YEAR = 2025
KINDS = ("yes_no", "percent", "number")


def criteria_spec(n_indicators: int) -> dict:
    per = [n_indicators // 19 + (1 if i < n_indicators % 19 else 0) for i in range(19)]
    crits, k = [], 0
    for no, count in enumerate(per, start=1):
        inds = []
        for j in range(1, count + 1):
            kind = KINDS[k % 3]
            k += 1
            ind = {"code": f"{no}.{j}", "name": f"Chỉ tiêu {no}.{j}", "kind": kind}
            if kind == "yes_no":
                ind["thresholds"] = {"tdmnpb": "có", "dbsh": "có"}
            else:
                ind.update(unit="%" if kind == "percent" else "km", operator=">=")
                ind["thresholds"] = {"tdmnpb": 50, "dbsh": 70}
            inds.append(ind)
        crits.append({"no": no, "name": f"Tiêu chí {no}", "indicators": inds})
    return {
        "key": "bench-ntm", "title": "Bộ tiêu chí bench", "kind": "commune_ntm",
        "level": "commune", "years": [2021, 2025], "classification": "region",
        "columns": [{"code": "tdmnpb", "name": "TDMNPB"}, {"code": "dbsh", "name": "ĐBSH"}],
        "synthetic": True,
        "bands": [{"code": "all", "label": "Đạt 19", "min": 19, "max": 19},
                  {"code": "lt", "label": "Dưới 19", "min": 0, "max": 18}],
        "criteria": crits,
    }  # fmt: skip


def build(n_communes: int, n_indicators: int):
    from tamnong.access.actors import SYSTEM
    from tamnong.ntm import criteria, services
    from tamnong.testing.synthetic import province_with_communes

    _province, communes = province_with_communes(
        n_communes, commune_name="Xã Sơn Hà {i}", first=1, dated=True
    )
    spec, problems = criteria.normalize(criteria_spec(n_indicators), strict=False)
    problems += criteria.validate(spec)
    if problems:
        raise SystemExit(problems)
    criteria.store(spec)
    for i, c in enumerate(communes):
        services.set_profile(
            SYSTEM, c, YEAR, classification="region", column="tdmnpb" if i % 3 else "dbsh"
        )
    return communes


def workbook(n_communes: int, n_indicators: int, seed: int) -> Path:
    path = BENCH_DIR / f"ntm-{n_communes}x{n_indicators}-{seed}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    from tamnong.ntm.models import CriteriaSet

    r = rng(seed)
    cs = CriteriaSet.objects.get(key="bench-ntm")
    inds = list(cs.indicators.order_by("position"))
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH BENCH"])
    ws.append([f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ NĂM {YEAR}"])
    ws.append([])
    ws.append(["STT", "Tên xã"] + [i.code for i in inds])
    for n in range(1, n_communes + 1):
        name = [f"Xã Sơn Hà {n}", f"son ha {n}", f"Sơn Hà {n}"][n % 3]
        cells = []
        for ind in inds:
            if ind.kind == "yes_no":
                cells.append(r.choice(["x", "Có", "", "không"]))
            elif ind.kind == "percent":
                cells.append(round(r.uniform(30, 100), 1))
            else:
                cells.append(f"{r.randint(0, 200)},{r.randint(0, 9)}")
        ws.append([n, name] + cells)
    wb.save(path)
    return path


def clear() -> None:
    from tamnong.audit.models import AuditEvent
    from tamnong.ntm.models import Assessment, IndicatorValue

    IndicatorValue.objects.all().delete()
    Assessment.objects.all().delete()
    AuditEvent.objects.filter(model__in=["ntm.Assessment", "ntm.IndicatorValue"]).delete()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=150)
    ap.add_argument("--indicators", type=int, default=47)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    os.environ.setdefault("DEBUG", "0")
    setup_django(args.engine, "tn_bench_ntm")
    build(args.communes, args.indicators)
    path = workbook(args.communes, args.indicators, args.seed)
    from tamnong.access.actors import SYSTEM
    from tamnong.ntm.bulk import import_results
    from tamnong.ntm.models import Assessment

    def run():
        return import_results(SYSTEM, path, name=path.name, set_key="bench-ntm", year=YEAR)

    def check(out, _rows):
        if not out.ok or out.created != args.communes:
            raise SystemExit(f"import refused: {out.errors[:5]}")
        assert Assessment.objects.count() == args.communes

    values = args.communes * args.indicators
    figures = against_floor(run, lambda: calamine_rows(path), clear, check, args.repeat,
                            ("values_per_second", values), digits=4, ratio_digits=1)  # fmt: skip
    again, rs = timed(run)
    assert again.ok and again.unchanged == args.communes, again.errors[:3]
    emit("ntm_import", engine=args.engine, communes=args.communes, indicators=args.indicators,
         **figures, reimport_seconds=round(rs, 2))  # fmt: skip


if __name__ == "__main__":
    main()
