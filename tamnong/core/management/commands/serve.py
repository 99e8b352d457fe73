import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve on 127.0.0.1:$PORT (default 8000) with the job worker beside the web server."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port, host, **opts):
        worker = subprocess.Popen([sys.executable, "-m", "tamnong.cli", "worker"])
        self.stdout.write(f"Worker pid {worker.pid}; web http://{host}:{port}/")
        try:
            # With DEBUG off (the default of `make run`) runserver serves static files only when told.
            call_command(
                "runserver",
                f"{host}:{port}",
                use_reloader=False,
                use_threading=True,
                insecure_serving=True,
            )
        finally:
            worker.terminate()  # SIGTERM: the worker finishes its current job first
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()  # its job will be shown interrupted
                worker.wait()
