"""Province NTM figures: 150 communes × 5 years of assessments (synthetic), time `figures()`.

    .venv/bin/python bench/ntm_figures.py [--engine sqlite|postgres] [--communes 150] [--years 5]
                                          [--runs 60]

Builds a fresh database (var/bench/ntm_figures.sqlite3, or PostgreSQL database `ntm_figures` /
DATABASE_URL), a synthetic province with N communes, the synthetic 19-criteria demo set, and one
assessment summary row per commune and year (criteria met, band, missing criteria, status), then
times the province figures for the last year (bands, average and change, statuses, plan vs
result, every commune with its missing criteria). Floor: one `COUNT(*)` of that year's
assessments of the province, measured in the same run. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import setup_django  # noqa: E402


def build(n_communes: int, years: list[int], seed: int = 2025):

    from tamnong.ntm import criteria
    from tamnong.ntm.models import Assessment, CommuneStatus, Target, TargetMetric
    from tamnong.testing.synthetic import assessment, province_with_communes

    rng = random.Random(seed)
    province, communes = province_with_communes(n_communes)
    criteria.load_builtin(demo=True, demo_province="99")
    cs = criteria.latest("demo-318-xa-ntm")
    n_criteria = cs.criteria.count()
    statuses = [CommuneStatus.NOT_YET, CommuneStatus.NTM, CommuneStatus.ADVANCED]
    rows = []
    for c in communes:
        level = rng.randint(5, 17)
        for year in years:
            level = min(n_criteria, level + rng.randint(0, 2))
            missing = sorted(rng.sample(range(1, n_criteria + 1), n_criteria - level))
            status = statuses[min(2, (level - 5) // 5)] if not missing else CommuneStatus.NTM
            rows.append(assessment(c, year, cs, level, n_criteria, missing, status))
    Assessment.objects.bulk_create(rows, batch_size=1000)
    for metric, value in ((TargetMetric.COMMUNES_NTM, 40), (TargetMetric.AVERAGE_CRITERIA, 15)):
        Target.objects.create(division=province, year=years[-1], metric=metric, value=value)
    return province, len(rows)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    setup_django(args.engine, "ntm_figures")

    from tamnong.access.actors import SYSTEM
    from tamnong.ntm.figures import figures
    from tamnong.ntm.models import Assessment

    years = list(range(2025 - args.years + 1, 2026))
    province, n_rows = build(args.communes, years)
    year = years[-1]

    for _ in range(3):  # warm caches and connections
        data = figures(SYSTEM, province, year)
    timings, floor = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        data = figures(SYSTEM, province, year)
        timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        Assessment.objects.filter(year=year, division__path__startswith=province.path).count()
        floor.append((time.perf_counter() - t0) * 1000)
    assert len(data["communes"]) == args.communes
    median = statistics.median(timings)
    print(
        f"{args.engine}: {args.communes} xã × {args.years} năm = {n_rows} đánh giá; "
        f"bình quân {data['sets'][0]['average']}, thay đổi {data['sets'][0]['change']}",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "ntm_figures",
                "engine": args.engine,
                "communes": args.communes,
                "years": args.years,
                "assessments": n_rows,
                "runs": args.runs,
                "median_ms": round(median, 2),
                "p95_ms": round(percentile(timings, 0.95), 2),
                "floor_median_ms": round(statistics.median(floor), 2),
                "ratio": round(median / max(statistics.median(floor), 1e-6), 1),
                "target_ms": 100,
                "ok": median <= 100,
            }
        )
    )


if __name__ == "__main__":
    main()
