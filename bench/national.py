"""National benchmark: the whole country on one PostgreSQL database, against one province alone.

    .venv/bin/python bench/national.py [--households 10000000] [--years 2024,2025]
        [--products 17000] [--probe 25] [--runs 20] [--seed 2025]

Builds, deterministically, in a fresh database `tn_bench_national`:
- the real map (34 provinces, 3 321 communes, data/divisions) and the NTM criteria sets;
- NTM assessments 2022–2026 for every commune on the real criteria sets (2021–2025 set for
  2022–2025, 2026–2030 set for 2026; the summary columns reports read), and --products OCOP
  products with producers, decisions and certificates, spread over the provinces by commune count
  (bulk writes, like bench/summary_report.py);
- households spread over the provinces by commune count (--households in all), one review record
  per household and year of --years; every province but the probe province is written with COPY
  (classification and transitions computed by the product's own rules, figures rebuilt by
  `poverty.figures.rebuild`); the probe province (--probe, a province code) is imported through
  the product's import path (`poverty.importing.import_file`, a CSV with every year), timed.
Then in a second fresh database `tn_bench_national_one`, the same map, criteria, NTM and
OCOP data of the probe province alone, and the same probe file imported the same way, timed.

Measured (Django's test client, as an administrator, data cache off so every request computes):
- the national summary report (HTML and JSON) and the national dashboard, median and p95, when the
  pages exist (reports:national_summary / reports:national_dashboard), else null;
- the probe province's summary report on the national database and on the one-province database
  (median; the ratio national/alone, goal ≤ 1.2), and its poverty report page;
- the public OCOP catalog over every product;
- import throughput of the probe file: national/alone (rows per second), goal ≥ 1/1.2;
- peak memory of this process (MiB; the build runs here), disk size of households + review records
  (all partitions, indexes included) per million households, and the whole database's size.
The floor is /healthz through the same client in the same run. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, emit, peak_rss_mb, rng, seed_ocop, setup_django  # noqa: E402

os.environ.setdefault("DATA_CACHE_SECONDS", "0")
os.environ.setdefault("DEBUG", "0")

PERIOD = "2021-2025"
FAMILY = ["Hoàng", "Lương", "Nông", "Vi", "Lý", "Hà", "Lục", "Triệu", "Đinh", "Nguyễn"]
GIVEN = ["Văn Thắng", "Thị Hoa", "Văn Bình", "Thị Mai", "Văn Sơn", "Thị Lan", "Văn Hùng"]


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


# -- the country -----------------------------------------------------------------------------


def provinces():
    from tamnong.divisions.models import Division, Level
    from tamnong.divisions.services import current_map

    cur = current_map()
    out = []
    for p in Division.objects.filter(map=cur, level=Level.PROVINCE).order_by("code"):
        communes = list(
            Division.objects.filter(map=cur, level=Level.COMMUNE, parent=p).order_by("code")
        )
        out.append((p, communes))
    return out


def shares(total: int, weights: list[int]) -> list[int]:
    """`total` split by `weights`, exactly (largest remainders, ties by position)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return out


def base_data() -> None:
    from django.core.management import call_command

    from tamnong.ocop import rules

    call_command("divisions", "load", verbosity=0)
    call_command("import_ntm", "--builtin", verbosity=0)
    rules.load_bundled()


NTM_SETS = {2022: "qd318-2022-xa-ntm", 2023: "qd318-2022-xa-ntm", 2024: "qd318-2022-xa-ntm",
            2025: "qd318-2022-xa-ntm", 2026: "qd51-2025-xa-ntm"}  # fmt: skip


def ntm_data(country, only_code: str | None, seed: int) -> int:
    """Five years of NTM assessments (2022–2026) for every current commune, summary columns
    only (criteria met, missing criteria, band, status: what figures and reports read), with
    the real criteria sets; bulk, deterministic."""
    import datetime as dt

    from tamnong.ntm.models import Assessment, CommuneStatus, CriteriaSet

    sets = {}
    for year, key in NTM_SETS.items():
        cs = CriteriaSet.objects.filter(key=key).order_by("-version").first()
        sets[year] = (cs, sorted(cs.criteria.values_list("number", flat=True)))
    made = 0
    for prov, communes in country:
        if only_code and prov.code != only_code:
            continue
        r = rng(seed * 31 + int(prov.code))
        rows = []
        for c in communes:
            skill = 0.997 if r.random() < 0.35 else r.uniform(0.55, 0.95)
            for year, (cs, numbers) in sets.items():
                p = min(skill + 0.03 * (year - 2022), 0.995) if year < 2026 else skill
                missing = [n for n in numbers if r.random() > p]
                met = len(numbers) - len(missing)
                rows.append(
                    Assessment(
                        division=c, commune=c, year=year, criteria_set=cs, set_key=cs.key,
                        column=(cs.column_codes or [""])[0],
                        reference_date=dt.date(year, 12, 31), criteria_met=met,
                        criteria_total=len(numbers), missing=missing, meets=not missing,
                        band=cs.band_for(met),
                        status=CommuneStatus.NTM if not missing else CommuneStatus.NOT_YET,
                    )
                )  # fmt: skip
        Assessment.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return made


def top_up_ocop(country, total: int, only_code: str | None, seed: int) -> int:
    from tamnong.ocop.models import Product

    targets = shares(total, [len(c) for _p, c in country])
    for (prov, _c), n in zip(country, targets, strict=True):
        if only_code and prov.code != only_code:
            continue
        seed_ocop(prov, n, seed + int(prov.code), tag=prov.code)
    return Product.objects.count()


def _household_rows(prov, communes, n: int, years: list[int], seed: int):
    """Deterministic households of one province: (code, commune, head, members, urban, ethnic,
    [(year, income, housing, deprived numbers)])."""
    r = rng(seed * 1009 + int(prov.code))
    for i in range(n):
        c = communes[i % len(communes)]
        head = f"{FAMILY[r.randrange(10)]} {GIVEN[r.randrange(7)]}"
        members = r.randint(1, 7)
        housing = 25 + r.randint(0, 90)
        level = r.lognormvariate(14.55, 0.5)
        deprived = sorted(r.sample(range(1, 13), r.choice((0, 0, 1, 2, 3, 3, 4, 5))))
        per_year = []
        for year in years:
            level *= r.uniform(0.92, 1.22)
            if deprived and r.random() < 0.3:
                deprived = deprived[1:]
            per_year.append((year, int(level) // 1000 * 1000, housing, tuple(deprived)))
        yield (f"{prov.code}.{c.code}.{i + 1:07d}", c, head, members, c.kind == "phuong",
               r.random() < 0.7, per_year)  # fmt: skip


def write_probe_file(prov, communes, n: int, years: list[int], seed: int) -> Path:
    from tamnong.poverty.importing import HEADERS

    path = BENCH_DIR / f"national-probe-{prov.code}-{n}-{'-'.join(map(str, years))}-{seed}.csv"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for code, c, head, members, _urban, ethnic, per_year in _household_rows(
            prov, communes, n, years, seed
        ):
            for year, income, housing, deprived in per_year:
                w.writerow(
                    [code, year, c.code, "", head, members, "", "Có" if ethnic else "Không", "",
                     income, housing, ",".join(map(str, deprived))]
                )  # fmt: skip
    tmp.rename(path)
    return path


def copy_province(prov, communes, n: int, years: list[int], seed: int, next_id: list[int]) -> int:
    """One province's households and records with COPY, classified by the product's rules."""
    from django.db import connection
    from django.utils import timezone

    from tamnong.poverty.models import Household, ReviewRecord, Standard
    from tamnong.poverty.standards import classify, deprivation_mask, rules_by_year, transition

    rules = rules_by_year(years)
    std_ids = {y: Standard.objects.get(first_year__lte=y, last_year__gte=y).pk for y in rules}
    now = timezone.now().isoformat()
    pid = prov.pk
    hh_buf, rec_buf = io.StringIO(), io.StringIO()
    rows = 0

    def flush(cur):
        for table, cols, buf in (
            (Household._meta.db_table, HH_COLS, hh_buf),
            (ReviewRecord._meta.db_table, REC_COLS, rec_buf),
        ):
            data = buf.getvalue()
            if data:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    copy.write(data)
            buf.seek(0)
            buf.truncate()

    with connection.cursor() as dj:
        cur = dj.cursor
        for code, c, head, members, urban, ethnic, per_year in _household_rows(
            prov, communes, n, years, seed
        ):
            hid = next_id[0]
            next_id[0] += 1
            area = 1 if urban else 0
            hh_buf.write(
                f"{hid}\t{code}\t{head}\t{members}\t{c.pk}\t{c.pk}\t{pid}\t{area}\t"
                f"{'t' if ethnic else 'f'}\tf\t{now}\n"
            )
            prev, poor_before = None, False
            for year, income, housing, deprived in per_year:
                rule = rules[year]
                mask = deprivation_mask(rule, frozenset(deprived), float(housing), members)
                dcount = bin(mask).count("1")
                klass = classify(rule, income, urban, dcount)
                trans = transition(prev, klass, poor_before)
                rec_buf.write(
                    f"{hid}\t{year}\t{c.pk}\t{c.pk}\t{pid}\t{area}\t{members}\t{income}\t"
                    f"{float(housing)}\t{mask}\t{dcount}\t{std_ids[year]}\t{klass}\t{trans}\t"
                    f"f\t\t{now}\n"
                )
                poor_before = poor_before or klass == "poor"
                prev = klass
                rows += 1
            if hid % 50_000 == 0:
                flush(cur)
        flush(cur)
    return rows


HH_COLS = (
    "id, code, head_name, members, commune_id, division_id, province_id, area, "
    "ethnic_minority, policy_household, updated_at"
)
REC_COLS = (
    "household_id, year, commune_id, division_id, province_id, area, members, income, "
    "housing_area, deprivations, deprivation_count, standard_id, classification, transition, "
    "arising, arising_reason, updated_at"
)


def import_probe(path: Path) -> tuple[int, float]:
    """The probe file through the product's import; a file longer than one import takes (the
    reader's row limit) is sent in parts cut between households, as an office splits it."""
    from tamnong.access.actors import SYSTEM
    from tamnong.poverty.importing import import_file
    from tamnong.tabular.reading import Limits

    rows = seconds = 0
    for part in _parts(path, Limits().max_rows - 1):
        t = time.perf_counter()
        result = import_file(part, user=SYSTEM, file_name=part.name)
        seconds += time.perf_counter() - t
        if not result.ok:
            raise SystemExit(f"probe import rejected: {result.error_sample[:3]}")
        rows += result.rows
    return rows, seconds


def _parts(path: Path, most: int) -> list[Path]:
    with path.open(encoding="utf-8", newline="") as fh:
        header, lines = fh.readline(), fh.readlines()
    if len(lines) <= most:
        return [path]
    out, start = [], 0
    while start < len(lines):
        end = min(start + most, len(lines))
        key = lines[end - 1].split(",", 1)[0]  # a household's rows (one a year) stay together
        while end < len(lines) and end > start + 1 and lines[end].split(",", 1)[0] == key:
            end -= 1
            key = lines[end - 1].split(",", 1)[0]
        part = path.with_name(f"{path.stem}-part{len(out) + 1}{path.suffix}")
        part.write_text(header + "".join(lines[start:end]), encoding="utf-8")
        out.append(part)
        start = end
    return out


def clear_probe(prov) -> int:
    """The probe province's households and review records gone (its partitions emptied), so that
    the probe file is imported again as new records: the import measured again on a quiet machine
    without rebuilding the country (--stage reimport)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM poverty_reviewrecord WHERE province_id = %s", [prov.pk])
        cur.execute("DELETE FROM poverty_household WHERE province_id = %s", [prov.pk])
        return cur.rowcount


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


# -- measuring -------------------------------------------------------------------------------


def _p95(v: list[float]) -> float:
    v = sorted(v)
    return v[min(len(v) - 1, int(0.95 * len(v)))]


def timings(client, url: str, runs: int) -> dict | None:
    out = []
    first = client.get(url)
    if first.status_code != 200:
        say(f"{url}: HTTP {first.status_code}")
        return None
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"median_ms": round(statistics.median(out), 1), "p95_ms": round(_p95(out), 1)}


def admin_client():
    from django.test import Client

    from tamnong.accounts.models import User

    admin = User.objects.filter(is_superuser=True).first()
    if admin is None:
        admin = User.objects.create_superuser("bench_admin", "bench@example.invalid", "x" * 16)
    client = Client()
    client.force_login(admin)
    return client


def url_of(name: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def measure_province(client, prov, runs: int) -> dict:
    base = f"/reports/summary/?division={prov.pk}&period={PERIOD}"
    return {
        "html": timings(client, base, runs),
        "json": timings(client, base + "&format=json", runs),
        # the poverty pages name units by code (an id is tried only when no code matches: a
        # province's id on the national database is the code of an old commune elsewhere)
        "poverty": timings(client, f"/poverty/?division={prov.code}&year=2025", runs),
    }


def measure_national(client, runs: int) -> dict:
    out = {}
    summary, dashboard = url_of("reports:national_summary"), url_of("reports:national_dashboard")
    out["summary_html"] = timings(client, f"{summary}?period={PERIOD}", runs) if summary else None
    out["summary_json"] = (
        timings(client, f"{summary}?period={PERIOD}&format=json", runs) if summary else None
    )
    out["dashboard"] = timings(client, f"{dashboard}?year=2025", runs) if dashboard else None
    catalog = url_of("ocop:catalog") or "/ocop/catalog/"
    out["catalog"] = timings(client, catalog, runs)
    out["floor"] = timings(client, "/healthz", runs)
    return out


def disk() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(relid)), 0) FROM ("
            "SELECT relid FROM pg_partition_tree('poverty_household') UNION ALL "
            "SELECT relid FROM pg_partition_tree('poverty_reviewrecord')) t"
        )
        tables = int(cur.fetchone()[0])
        cur.execute("SELECT pg_database_size(current_database())")
        whole = int(cur.fetchone()[0])
        cur.execute("SELECT COUNT(*) FROM poverty_household")
        households = int(cur.fetchone()[0])
    return {"tables_bytes": tables, "database_bytes": whole, "households": households}


# -- the two databases -----------------------------------------------------------------------


DB = os.environ.get("BENCH_NATIONAL_DB", "tn_bench_national")  # another name: a second country
BUILD_FILE = BENCH_DIR / f"{DB}-build.json"


def national(args) -> dict:
    """--stage base builds the country and saves its build figures; --stage rest (or measure)
    reuses that database: migrations applied, stored aggregates refreshed, then measured, so a
    change to the reports is measured without rebuilding 10 M households."""
    import json

    if args.stage in ("rest", "measure", "reimport"):
        return national_measure(args, json.loads(BUILD_FILE.read_text()))
    if args.stage == "probe":  # a build whose probe import stopped: import it, save, measure
        return national_measure(args, {"probe": args.probe, "build_seconds": None}, probe=True)
    setup_django("postgres", DB)
    from django.db import connection

    from tamnong.poverty import figures

    t0 = time.perf_counter()
    base_data()
    country = provinces()
    say(f"map: {len(country)} provinces, {sum(len(c) for _p, c in country)} communes")
    assessments = ntm_data(country, None, args.seed)
    say(f"NTM: {assessments} assessments")
    products = top_up_ocop(country, args.products, None, args.seed)
    say(f"OCOP: {products} products")
    counts = shares(args.households, [len(c) for _p, c in country])
    probe = next(i for i, (p, _c) in enumerate(country) if p.code == args.probe)
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM poverty_household")
        next_id = [int(cur.fetchone()[0]) + 1]
    copy_rows, t = 0, time.perf_counter()
    for k, ((prov, communes), n) in enumerate(zip(country, counts, strict=True)):
        if k == probe:
            continue
        tp = time.perf_counter()
        copy_rows += copy_province(prov, communes, n, args.years, args.seed, next_id)
        say(f"COPY {prov.code}: {n} households in {time.perf_counter() - tp:.1f} s")
    with connection.cursor() as cur:  # the ids written by hand: the sequence goes past them
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('poverty_household', 'id'), %s)", [next_id[0]]
        )
    copy_s = time.perf_counter() - t
    t = time.perf_counter()
    figures.rebuild(args.years)
    figures_s = time.perf_counter() - t
    analyze()
    prov, communes = country[probe]
    path = write_probe_file(prov, communes, counts[probe], args.years, args.seed)
    rows, import_s = import_probe(path)
    analyze()
    say(f"probe {prov.code}: {rows} rows imported in {import_s:.1f} s (national database)")
    build_s = time.perf_counter() - t0
    built = {
        "build_seconds": round(build_s, 1),
        "assessments": assessments,
        "copy_seconds": round(copy_s, 1),
        "copy_rows_per_second": round(copy_rows / copy_s) if copy_s else None,
        "figures_seconds": round(figures_s, 1),
        "probe_rows": rows,
        "probe_households": counts[probe],
        "import_rows_per_second": round(rows / import_s),
        "products": products,
        "probe": prov.code,
    }
    BUILD_FILE.write_text(json.dumps(built))
    if args.stage == "base":
        return {"stage": "base", **built}
    return national_measure(args, built, set_up=False)


def national_measure(args, built: dict, set_up: bool = True, probe: bool = False) -> dict:
    import json

    if set_up:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        refresh = getattr(__import__("tamnong.reports.national", fromlist=["x"]), "refresh", None)
        if refresh is not None:  # the stored roll-up, when the product keeps one
            t = time.perf_counter()
            refresh()
            say(f"national roll-up refreshed in {time.perf_counter() - t:.1f} s")
        analyze()
    from tamnong.divisions.models import Division, Level
    from tamnong.divisions.services import current_map
    from tamnong.poverty import partitions

    prov = Division.objects.get(map=current_map(), level=Level.PROVINCE, code=built["probe"])
    if args.stage == "reimport" or probe:
        country = provinces()
        counts = shares(args.households, [len(c) for _p, c in country])
        say(f"probe {prov.code}: {clear_probe(prov)} households removed")
        analyze()
        k = next(i for i, (p, _c) in enumerate(country) if p.code == prov.code)
        path = write_probe_file(prov, country[k][1], counts[k], args.years, args.seed)
        rows, import_s = import_probe(path)
        analyze()
        say(f"probe {prov.code}: {rows} rows imported again in {import_s:.1f} s (national)")
        built = {
            **built,
            "products": built.get("products", args.products),
            "probe_rows": rows,
            "probe_households": counts[k],
            "import_rows_per_second": round(rows / import_s),
        }
        if probe:
            from tamnong.ntm.models import Assessment

            built["assessments"] = Assessment.objects.count()
            BUILD_FILE.write_text(json.dumps(built))
    client = admin_client()
    return {
        **built,
        "province": measure_province(client, prov, args.runs),
        "national": measure_national(client, args.runs),
        "partitions": len(partitions.existing()["poverty_household"]),
        **disk(),
    }


def alone(args) -> dict:
    """The probe province alone. --stage base builds its database only (map, NTM, OCOP), --stage
    rest reuses it for the import and the measures (so that a long national build can overlap
    the base, while import and measures run on the same machine load as the national ones)."""
    name = f"{DB}_one"
    if args.stage in ("rest", "reimport"):
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
        import django

        django.setup()
    else:
        setup_django("postgres", name)
    country = provinces() if args.stage in ("rest", "reimport") else None
    if args.stage not in ("rest", "reimport"):
        base_data()
        country = provinces()
        ntm_data(country, args.probe, args.seed)
        top_up_ocop(country, args.products, args.probe, args.seed)
        if args.stage == "base":
            return {"stage": "base"}
    counts = shares(args.households, [len(c) for _p, c in country])
    probe = next(i for i, (p, _c) in enumerate(country) if p.code == args.probe)
    prov, communes = country[probe]
    if args.stage == "reimport":
        say(f"probe {prov.code}: {clear_probe(prov)} households removed")
    analyze()
    path = write_probe_file(prov, communes, counts[probe], args.years, args.seed)
    rows, import_s = import_probe(path)
    analyze()
    say(f"probe {prov.code}: {rows} rows imported in {import_s:.1f} s (one province)")
    client = admin_client()
    prov.refresh_from_db()
    return {
        "import_rows_per_second": round(rows / import_s),
        "province": measure_province(client, prov, args.runs),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000_000)
    ap.add_argument("--years", default="2024,2025", help="review years of every household")
    ap.add_argument("--products", type=int, default=17_000)
    ap.add_argument("--probe", default="25", help="the province imported and compared (code)")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--only", choices=["national", "alone"], help=argparse.SUPPRESS)
    ap.add_argument(
        "--stage", choices=["all", "base", "rest", "measure", "reimport", "probe"], default="all",
        help="base builds and saves, measure reuses the built database, reimport empties the "
        "probe province and imports it again before measuring",
    )  # fmt: skip
    ap.add_argument(
        "--combine", nargs=2, metavar=("NATIONAL_JSON", "ALONE_JSON"),
        help="print the closing line from the two databases' saved outputs (--only runs)",
    )  # fmt: skip
    args = ap.parse_args()
    args.years = sorted(int(y) for y in args.years.split(","))
    if args.only:  # one database, in its own process
        import json

        out = national(args) if args.only == "national" else alone(args)
        out["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(out, ensure_ascii=False))
        return
    from _common import run_child

    if args.combine:
        import json

        nat, one = (json.loads(Path(f).read_text().strip().splitlines()[-1]) for f in args.combine)
        return closing(args, nat, one, None)
    argv = [
        "--households", str(args.households), "--years", ",".join(map(str, args.years)),
        "--products", str(args.products), "--probe", args.probe, "--runs", str(args.runs),
        "--seed", str(args.seed),
    ]  # fmt: skip
    t = time.perf_counter()
    nat = run_child(__file__, *argv, "--only", "national")
    say(f"national: {nat}")
    one = run_child(__file__, *argv, "--only", "alone")
    say(f"alone: {one}")
    closing(args, nat, one, time.perf_counter() - t)


def closing(args, nat: dict, one: dict, seconds: float | None) -> None:

    def med(d, *keys):
        for k in keys:
            d = (d or {}).get(k)
        return d

    p_nat, p_one = (
        med(nat, "province", "html", "median_ms"),
        med(one, "province", "html", "median_ms"),
    )
    j_nat, j_one = (
        med(nat, "province", "json", "median_ms"),
        med(one, "province", "json", "median_ms"),
    )
    mib = nat["households"] / 1e6
    emit(
        "national",
        engine="postgresql",
        households=nat["households"],
        years=args.years,
        products=nat["products"],
        ntm_assessments=nat["assessments"],
        probe=args.probe,
        national_summary_html=nat["national"]["summary_html"],
        national_summary_json=nat["national"]["summary_json"],
        national_dashboard=nat["national"]["dashboard"],
        national_report_p95_ms=med(nat, "national", "summary_html", "p95_ms"),
        catalog=nat["national"]["catalog"],
        floor_ms=med(nat, "national", "floor", "median_ms"),
        province_report_ms_national=p_nat,
        province_report_ms_alone=p_one,
        province_report_ratio=round(p_nat / p_one, 2) if p_nat and p_one else None,
        province_json_ratio=round(j_nat / j_one, 2) if j_nat and j_one else None,
        province_poverty_page_ms_national=med(nat, "province", "poverty", "median_ms"),
        province_poverty_page_ms_alone=med(one, "province", "poverty", "median_ms"),
        import_rows_per_second_national=nat["import_rows_per_second"],
        import_rows_per_second_alone=one["import_rows_per_second"],
        import_ratio=round(one["import_rows_per_second"] / nat["import_rows_per_second"], 2),
        copy_rows_per_second=nat["copy_rows_per_second"],
        build_seconds=nat["build_seconds"],
        peak_rss_mb=max(nat["peak_rss_mb"], one["peak_rss_mb"]),
        disk_mb_per_million_households=round(nat["tables_bytes"] / 2**20 / mib, 1) if mib else None,
        database_gb=round(nat["database_bytes"] / 2**30, 2),
        partitions=nat["partitions"],
        seconds=round(seconds, 1) if seconds is not None else None,
    )


if __name__ == "__main__":
    main()
