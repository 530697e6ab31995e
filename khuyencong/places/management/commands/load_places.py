import time

from django.core.management.base import BaseCommand, CommandError

from khuyencong.places.loading import PlacesDataError, load_places


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 communes (2025), the 63 pre-2025 provinces with "
        "their districts and communes, the old → new mapping and the seeded regions, from the "
        "vietnamadminunits package (offline). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet=False, **options):
        quiet = quiet or options["verbosity"] == 0
        started = time.perf_counter()
        try:
            report = load_places(log=None if quiet else self.stdout.write)
        except PlacesDataError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        if not quiet:
            outcome = "Places loaded" if report.changed else "Places already up to date"
            elapsed = time.perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"{outcome} in {elapsed:.1f} s"))
