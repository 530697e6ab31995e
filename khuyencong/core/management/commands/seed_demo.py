"""``manage.py seed_demo``: a deterministic, believable demo of the whole product.

Each app contributes a ``demo.py`` module with ``seed(ctx: DemoContext)``; they run in the
order of INSTALLED_APPS, which follows the layering (places → accounts → registry → …), so
every later capability extends the demo by adding its own module. Runs once: a second call
finds the demo and only prints the logins.
"""

from __future__ import annotations

import random
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from khuyencong.core import dataversions
from khuyencong.core.demohistory import spread_history
from khuyencong.core.demokit import DEMO_PASSWORD, DemoContext, demo_present


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and optionally print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print-logins", action="store_true", help="print the demo logins")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address the server will answer on, printed with the logins",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_present():
            self.stdout.write("The demo data is already loaded.")
        else:
            # Seeded, not secret: the same demo on every machine.
            ctx = DemoContext(rng=random.Random(2026), stdout=self.stdout)  # noqa: S311
            started = timezone.now()
            with transaction.atomic():
                for config in apps.get_app_configs():
                    if not config.name.startswith("khuyencong."):
                        continue
                    try:
                        module = import_module(f"{config.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{config.name}.demo":
                            raise
                        continue
                    module.seed(ctx)
                # The history on the days things happened, not all "now" (core/demohistory.py).
                moved = spread_history(random.Random(2027), started)  # noqa: S311
                # Demo rows go in partly without save signals: no cached report figure
                # computed before them may be served (reports/cache.py).
                dataversions.bump_everywhere()
                self.stdout.write(f"  {moved} history rows dated over the past years")
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if options["print_logins"]:
            self._print_logins(options["url"])

    def _print_logins(self, url: str) -> None:
        from khuyencong.core.demokit import demo_logins

        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, description in demo_logins():
            self.stdout.write(f"  {username:<22} {description}")
        self.stdout.write("")
        from django.conf import settings

        if settings.REQUIRE_2FA:
            self.stdout.write(
                "REQUIRE_2FA is on: admin, cuc and the giamdoc_* managers set up two-factor "
                "authentication (an authenticator app) at their first login. `make run` turns "
                "it off for the demo."
            )
        else:
            self.stdout.write(
                "Two-factor authentication is optional here (REQUIRE_2FA=0); production "
                "requires it for administrators, managers and national officers."
            )
        self.stdout.write(f"Open {url} and log in.")
