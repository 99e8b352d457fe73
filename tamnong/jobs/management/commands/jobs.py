from django.core.management.base import BaseCommand, CommandError

from tamnong.jobs import registry
from tamnong.jobs.models import Job
from tamnong.jobs.services import progress_line, run_now


class Command(BaseCommand):
    help = "List recent jobs, list job kinds, or run a job kind now with a progress line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        sub.add_parser("kinds")
        run = sub.add_parser("run")
        run.add_argument("kind")
        run.add_argument("params", nargs="*", help="key=value")

    def handle(self, *args, action, **opts):
        if action == "list":
            for job in Job.objects.all()[:30]:
                self.stdout.write(progress_line(job) + f" [{job.get_status_display()}]")
        elif action == "kinds":
            for kind in registry.all_kinds():
                self.stdout.write(
                    f"{kind.name}\t{kind.label}{' (hằng ngày)' if kind.daily else ''}"
                )
        else:
            params = dict(p.split("=", 1) for p in opts["params"])
            try:
                registry.get(opts["kind"])
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            job = run_now(
                opts["kind"], echo=lambda j: self.stderr.write(progress_line(j)), **params
            )
            if job.status != Job.Status.DONE:
                raise CommandError(job.error)
            self.stdout.write(str(job.result))
