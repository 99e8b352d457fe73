"""`tamnong` command-line entry: imports, reports and maintenance.

    tamnong divisions load          load/update administrative divisions from data/divisions
    tamnong demo --province 20      build the demo province (deterministic)
    tamnong worker                  run the background job worker
    tamnong serve                   web server + worker (what `make run` uses)
    tamnong jobs list|run KIND      inspect or run jobs
    tamnong import KIND FILE        imports (added by the domain apps)
    tamnong report KIND ...         reports (added by the domain apps)

Any other verb is passed to Django's manage.py (migrate, createsuperuser, check, …).
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    argv[0] = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["tamnong", *argv])


if __name__ == "__main__":
    main()
