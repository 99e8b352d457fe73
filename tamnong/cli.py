"""`tamnong` command-line entry: imports, reports and maintenance.

    tamnong divisions load          load/update administrative divisions from data/divisions
    tamnong divisions apply-change FILE [--dry-run]
                                    apply a change of units (e.g. communes turned into wards)
    tamnong demo --province 20      build the demo province (deterministic)
    tamnong worker                  run the background job worker
    tamnong serve                   web server + worker (what `make run` uses)
    tamnong jobs list|run KIND      inspect or run jobs
    tamnong backup [--output DIR]   database + media files + manifest in one .tar
    tamnong restore ARCHIVE         put a backup back (--force to replace existing data)
    tamnong rules load [PROG [PATH]] load the rule documents (all programmes, as after migrate)
    tamnong rules list [PROG]       the stored rule versions (ocop, poverty, ntm)
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
    if argv[0] in SERVERS:
        execute_from_command_line(["tamnong", *argv])
    else:
        # what a command writes is audited as the operator's ("cli"), never as "system"
        from tamnong.audit import context

        with context.acting(context.cli_actor()):
            execute_from_command_line(["tamnong", *argv])
    if argv[0] not in READ_ONLY:
        _data_may_have_changed()


# Verbs whose writes are the requests' and the jobs' (audited with their own origin).
SERVERS = {"serve", "worker", "runserver"}
# Verbs that never change programme data; after any other one, cached reports are recomputed.
READ_ONLY = {"serve", "worker", "runserver", "check", "help", "shell", "dbshell", "report", "backup",
             "collectstatic", "makemigrations", "showmigrations", "sqlmigrate", "test"}  # fmt: skip


def _data_may_have_changed() -> None:
    """A maintenance command may change data in bulk (no model signal): raise every programme's
    data version (tamnong/core/datacache.py) so that reports are computed again."""
    try:
        from tamnong.core import datacache

        datacache.changed(*datacache.TOPICS)
    except Exception:  # noqa: BLE001 – advisory; cached entries expire anyway
        pass


if __name__ == "__main__":
    main()
