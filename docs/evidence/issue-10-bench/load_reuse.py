"""bench/load.py --reuse on the database named by DATABASE_URL (load.py's own --reuse names
tn_bench_load, which another benchmark owns): the same main(), only demo_database's reuse branch
reads DATABASE_URL instead of the fixed name. Run from the side's worktree."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd() / "bench"))
import load  # noqa: E402


def demo_database(engine, households, reuse):
    assert reuse and os.environ["DATABASE_URL"].startswith("postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tamnong.divisions.models import Division, Level

    call_command("migrate", verbosity=0)
    province = Division.objects.get(level=Level.PROVINCE, code="20", valid_to__isnull=True)
    commune = Division.objects.get(memberships__user__username="canboxa")
    return province, commune


load.demo_database = demo_database

if os.environ.get("LOAD_VISITORS") == "distinct":
    # each simulated user is its own visitor (its own address, through a trusted proxy), as the
    # public is; otherwise every user shares 127.0.0.1 and so one rate-count row
    import itertools

    os.environ["TRUSTED_PROXIES"] = "127.0.0.1/32"
    _n = itertools.count(1)

    class Visitor(load.Client):
        def __init__(self, port):
            super().__init__(port)
            n = next(_n)
            self.address = f"10.0.{n // 250}.{n % 250 + 1}"

        def request(self, method, path, body=None, headers=None):
            return super().request(
                method, path, body, {"X-Forwarded-For": self.address, **(headers or {})}
            )

    load.Client = Visitor
sys.argv = ["bench/load.py", *sys.argv[1:]]
load.main()
