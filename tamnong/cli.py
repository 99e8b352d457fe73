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
    tamnong import KIND FILE        imports (added by the domain apps), e.g.
                                    import ntm-results FILE --set KEY --year Y
                                    import ntm-profiles FILE --year Y
    tamnong ntm template --set KEY --year Y -o FILE
                                    the NTM results workbook of a set and year (communes in
                                    scope with their region/group, units and thresholds)
    tamnong report KIND ...         reports (added by the domain apps)
    tamnong export mof-ntp --province 01 --year 2025 [--cutoff 2025-12-14] [--format xlsx -o F]
    tamnong export ocop-national --province 01 [--cutoff DATE] [--format xlsx -o F]
                                    files for the national systems (MoF NTP database, OCOP list)

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
        guarded(lambda: execute_from_command_line(["tamnong", *argv]), argv)
    else:
        # what a command writes is audited as the operator's ("cli"), never as "system"
        from tamnong.audit import context

        with context.acting(context.cli_actor()):
            guarded(lambda: execute_from_command_line(["tamnong", *argv]), argv)
    if argv[0] not in READ_ONLY:
        _data_may_have_changed()


# Verbs whose writes are the requests' and the jobs' (audited with their own origin).
SERVERS = {"serve", "worker", "runserver"}


def guarded(command, argv: list[str]) -> None:
    """Run `command`; bad input (a missing or unreadable file, a file that is not what it claims)
    ends with one Vietnamese line and exit code 2, a bug with one line and exit code 1. The
    traceback is kept for those who ask: `--traceback` (any error), or DEBUG (a bug only)."""
    try:
        command()
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng.\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 – the last stop before a traceback
        if "--traceback" in argv:
            raise
        message = input_error_message(exc)
        if message is not None:  # bad input is never a traceback, DEBUG or not
            sys.stderr.write(message + "\n")
            sys.exit(2)
        if _debug():
            raise
        sys.stderr.write(_bug_message(exc) + "\n")
        sys.exit(1)


def input_error_message(exc: BaseException) -> str | None:
    """The Vietnamese message for an error caused by the input, None for anything else (a bug)."""
    import csv
    import zipfile

    import yaml
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from tamnong.tabular.errors import FileRefused

    if isinstance(exc, FileRefused):
        return str(exc)
    if isinstance(
        exc, FileNotFoundError | IsADirectoryError | NotADirectoryError | PermissionError
    ):
        reason = {
            FileNotFoundError: _("không có tệp này"),
            IsADirectoryError: _("đây là một thư mục"),
            NotADirectoryError: _("đường dẫn sai"),
            PermissionError: _("không có quyền đọc"),
        }[type(exc)]
        return _("Không đọc được tệp %(f)s: %(reason)s.") % {"f": exc.filename, "reason": reason}
    if isinstance(exc, UnicodeDecodeError):
        return _(
            "Tệp không phải văn bản UTF-8 (byte thứ %(pos)s không đọc được): hãy lưu lại dưới "
            "dạng UTF-8."
        ) % {"pos": exc.start + 1}
    if isinstance(exc, csv.Error):
        return _("Tệp CSV sai cấu trúc (ô quá dài hoặc dấu ngoặc kép không đóng).")
    if isinstance(exc, yaml.YAMLError):
        return _("Tệp YAML không đọc được: sai cú pháp.")
    if isinstance(exc, zipfile.BadZipFile):
        return _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return None


def _bug_message(exc: BaseException) -> str:
    from django.utils.translation import gettext as _

    return _(
        "Lỗi hệ thống (%(kind)s: %(e)s); không phải do dữ liệu nhập. Chạy lại với --traceback "
        "để xem chi tiết và báo cho người quản trị."
    ) % {"kind": type(exc).__name__, "e": exc}


def _debug() -> bool:
    try:
        from django.conf import settings

        return bool(settings.DEBUG)
    except Exception:  # noqa: BLE001 – settings themselves may be what failed
        return False


# Verbs that never change programme data; after any other one, cached reports are recomputed.
READ_ONLY = {"serve", "worker", "runserver", "check", "help", "shell", "dbshell", "report", "export", "backup",
             "ntm", "collectstatic", "makemigrations", "showmigrations", "sqlmigrate", "test"}  # fmt: skip


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
