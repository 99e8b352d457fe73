from django.core.management.base import BaseCommand

from tamnong.jobs.services import work


class Command(BaseCommand):
    help = (
        "Run the background job worker (polls the database queue; several may run, on several "
        "machines with PostgreSQL). SIGTERM stops it after the current job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain the queue and exit")

    def handle(self, *args, once=False, **opts):
        self.stdout.write("Tam Nông worker: đang chờ tác vụ…")
        handled = work(once=once)
        self.stdout.write(f"{handled} tác vụ đã chạy")
