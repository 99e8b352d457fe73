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
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(engine: str) -> None:
    sys.path.insert(0, str(ROOT))
    if engine == "sqlite":
        db = ROOT / "var" / "bench" / "ntm_figures.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    else:
        import psycopg

        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            url = "postgres://postgres@127.0.0.1:5432/ntm_figures"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(n_communes: int, years: list[int], seed: int = 2025):
    import datetime as dt

    from tamnong.divisions.models import Division, Level, MapVersion
    from tamnong.ntm import criteria
    from tamnong.ntm.models import Assessment, CommuneStatus, Target, TargetMetric

    rng = random.Random(seed)
    mv = MapVersion.objects.create(key="bench", name="bench", valid_from=dt.date(2025, 7, 1))
    province = Division.objects.create(
        map=mv, code="99", name="Tỉnh Bench", kind="tinh", level=Level.PROVINCE, path=""
    )
    province.path, province.current = f"/{province.pk}/", province
    province.save()
    communes = Division.objects.bulk_create(
        Division(
            map=mv,
            code=f"99{i:03d}",
            name=f"Xã {i}",
            kind="xa",
            level=Level.COMMUNE,
            parent=province,
            path="",
        )  # fmt: skip
        for i in range(n_communes)
    )
    for c in communes:
        c.path, c.current_id = f"{province.path}{c.pk}/", c.pk
    Division.objects.bulk_update(communes, ["path", "current"])
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
            rows.append(
                Assessment(
                    division=c,
                    commune=c,
                    year=year,
                    criteria_set=cs,
                    set_key=cs.key,
                    column="tdmnpb",
                    reference_date=dt.date(year, 12, 31),
                    criteria_met=level,
                    criteria_total=n_criteria,
                    band=cs.band_for(level),
                    missing=missing,
                    meets=not missing,
                    status=statuses[min(2, (level - 5) // 5)] if not missing else CommuneStatus.NTM,
                )  # fmt: skip
            )
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
    setup(args.engine)

    from tamnong.ntm.figures import figures
    from tamnong.ntm.models import Assessment

    years = list(range(2025 - args.years + 1, 2026))
    province, n_rows = build(args.communes, years)
    year = years[-1]

    for _ in range(3):  # warm caches and connections
        data = figures(None, province, year)
    timings, floor = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        data = figures(None, province, year)
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
