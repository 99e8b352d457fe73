"""`tamnong import KIND …` and `tamnong report KIND …` dispatch to the app command
`import_KIND` / `report_KIND`, so each domain app adds its own without touching a registry."""

from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError


class DispatchCommand(BaseCommand):
    prefix = ""  # "import" or "report"
    noun = ""

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("rest", nargs="*")

    def kinds(self) -> list[str]:
        start = f"{self.prefix}_"
        return sorted(
            c.removeprefix(start)
            for c in get_commands()
            if c.startswith(start) and c != "import_data"
        )

    def run_from_argv(self, argv):
        # argv = [prog, own name, kind, …]; everything after kind goes to the app command.
        if len(argv) < 3 or argv[2].startswith("-"):
            return super().run_from_argv(argv)
        # "ntm-results" names the command import_ntm_results
        name = f"{self.prefix}_{argv[2].replace('-', '_')}"
        commands = get_commands()
        if name not in commands:
            raise SystemExit(
                f"Không có loại {self.noun} '{argv[2]}'. Có: {', '.join(self.kinds()) or '(chưa có)'}"
            )
        load_command_class(commands[name], name).run_from_argv([argv[0], name, *argv[3:]])

    def handle(self, *args, **opts):
        raise CommandError(
            f"Cách dùng: tamnong {self.prefix} KIND … (có: {', '.join(self.kinds())})"
        )
