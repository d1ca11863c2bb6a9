"""Run the whole demo in one terminal: web, worker and scheduler, on the embedded defaults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from coaching.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Migrate, load the demo data and start web + worker + scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        base = f"http://{host}:{port}"
        logins = seed_demo(base_url=base)
        env = dict(os.environ)
        env.setdefault("SITE_URL", base)
        env["SPRINGPLANK_DEMO"] = "true"
        # The demo's sources are served by its own web process: allow exactly that address.
        env["SPRINGPLANK_FETCH_ALLOWLIST"] = f"{host}:{port}"
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        celery = [python, "-m", "celery", "-A", "config"]
        commands = {
            "web": [python, manage, "runserver", f"{host}:{port}", "--noreload"],
            # Threads, not processes: SQLite and the filesystem broker are happiest with one
            # process, and polls spend their time waiting on the network.
            "worker": [*celery, "worker", "--pool=threads", "--concurrency=4", "--loglevel=INFO"],
            "scheduler": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        processes = {
            name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(self.style.SUCCESS(f"\nSpringplank demo running at {base}/\n"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.email:<34} {login.role:<22} {login.organisations}")
        self.stdout.write("\nPress Ctrl-C to stop web, worker and scheduler.\n")
        try:
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            stopped = [n for n, p in processes.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; shutting the demo down.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
