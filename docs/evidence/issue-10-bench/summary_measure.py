"""bench/summary_report.py's measure() (HTML, JSON, PDF computed on every request, then served
from the data cache; /healthz floor) on the load bench's database (the demo province 20, 2000
households), one size: the summary bench's own two databases take longer to build than this
shared machine allowed. Run from the side's worktree with DATABASE_URL set."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd() / "bench"))
os.environ.setdefault("DATA_CACHE_SECONDS", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
import django  # noqa: E402

django.setup()
import summary_report  # noqa: E402

from tamnong.divisions.models import Division, Level  # noqa: E402

province = Division.objects.get(level=Level.PROVINCE, code="20", valid_to__isnull=True)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
print(
    json.dumps(
        {
            "bench": "summary_report_measure",
            "province": "20",
            **summary_report.measure(province, runs),
        }
    )
)
