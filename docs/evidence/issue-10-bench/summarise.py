import collections
import json
import re
import statistics
import sys

rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1] if len(sys.argv) > 1 else "results3.txt").read().splitlines():  # noqa: SIM115
    m = re.match(r"(\S+) (r\d+) (\w+) (\w+) (\d+)s (\{.*\})$", line.strip())
    if not m:
        continue
    d = json.loads(m.group(6))
    for k, v in d.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            rows[d["bench"]][(m.group(3), k)].append(v)
keys = {
    "load": ["p50_ms", "p99_ms", "rps", "report_rps", "floor_p99_ms", "ratio"],
    "poverty_import": ["seconds", "floor_seconds", "ratio", "rows_per_second", "peak_rss_mb"],
    "summary_report_measure": [
        "median_ms_html",
        "p95_ms_html",
        "median_ms_json",
        "pdf_ms",
        "served_p95_ms_html",
        "served_p95_ms_json",
        "floor_ms",
    ],
    "catalog_search": ["plain_p50_ms", "repeated_search_p50_ms", "distinct_search_p50_ms"],
}
for b, ks in keys.items():
    print(f"{b}:")
    for k in ks:
        bef, aft = rows[b][("before", k)], rows[b][("after", k)]
        if not bef or not aft:
            continue
        mb, ma = statistics.median(bef), statistics.median(aft)
        print(
            f"  {k:24} before {mb:9.1f}  after {ma:9.1f}  after/before {ma / mb:5.2f}   (n={len(bef)}/{len(aft)}; {bef} | {aft})"
        )
