"""Take up background jobs whose worker died, and start retries that are due (core/jobs.py).

Run it beside the task workers: ``manage.py recover_jobs --every 30`` loops, or a systemd
timer / cron entry runs it once a minute. Several copies may run: each job is locked while
one of them takes it.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from khuyencong.core.jobs import recover_jobs


class Command(BaseCommand):
    help = "Queue again the jobs whose worker stopped and the retries that are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Repeat every this many seconds (default: run once and exit).",
        )

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        while True:
            if every:
                # A long-running loop drops a connection the server closed or that is too old
                # (a single run leaves the connection to the command's caller).
                close_old_connections()
            try:
                queued = recover_jobs()
            except DatabaseError as exc:
                if not every:
                    raise
                self.stderr.write(f"recover_jobs: database unavailable ({exc}); retrying")
            else:
                if queued or options["verbosity"] > 1:
                    self.stdout.write(f"Jobs queued again: {queued}")
            if not every:
                return
            time.sleep(every)
