"""Demo province: a deterministic household population with reviews 2022–2025.

The rows go through the same importer as a file (staging, set-based upsert, transitions,
figures), so the demo exercises the production path and stays fast for large N."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

from tamnong.access.actors import SYSTEM
from tamnong.demo.registry import DemoContext, step
from tamnong.divisions.models import Division, Level

from .importing import HEADERS, import_file

YEARS = (2022, 2023, 2024, 2025)
FAMILY = ["Hoàng", "Lương", "Nông", "Vi", "Lý", "Hà", "Lục", "Triệu", "Đinh", "Nguyễn"]
GIVEN = ["Văn Thắng", "Thị Hoa", "Văn Bình", "Thị Mai", "Văn Sơn", "Thị Lan", "Văn Hùng"]


@step(40, "poverty: hộ gia đình và kết quả rà soát 2022–2025")
def households(ctx: DemoContext) -> None:
    if ctx.households <= 0:
        return
    villages = list(
        Division.objects.within(ctx.province)
        .filter(level=Level.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    if not villages:
        ctx.say("  không có thôn nào: bỏ qua")
        return
    rng = random.Random(ctx.seed * 7919 + 4)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-ho.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            for i in range(ctx.households):
                v = villages[rng.randrange(len(villages))]
                code = f"{ctx.province.code}.{v.parent.code}.{i + 1:06d}"
                head = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
                members = rng.randint(1, 7)
                area = 25 + rng.randint(0, 90)
                ethnic = "Có" if rng.random() < 0.7 else "Không"
                # a household's standing drifts year to year: some escape, a few fall back
                level = rng.lognormvariate(14.55, 0.5)
                deprived = sorted(rng.sample(range(1, 13), rng.choice((0, 0, 1, 2, 3, 3, 4, 5))))
                for year in YEARS:
                    level *= rng.uniform(0.92, 1.22)
                    if deprived and rng.random() < 0.3:
                        deprived = deprived[1:]
                    w.writerow(
                        [code, year, v.parent.code, v.code, head, members, "", ethnic, "",
                         int(level) // 1000 * 1000, area, ",".join(map(str, deprived))]
                    )  # fmt: skip
        result = import_file(path, user=SYSTEM, file_name="demo")
    if not result.ok:
        raise ValueError(f"demo poverty import rejected: {result.error_sample[:3]}")
    ctx.say(f"  {ctx.households} hộ, {result.rows} kết quả rà soát ({', '.join(map(str, YEARS))})")
