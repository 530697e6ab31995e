import time

from django.core.management.base import BaseCommand, CommandError

from khuyencong.places.loading import load_places


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 communes (2025), the 63 pre-2025 provinces with "
        "their districts and communes, the old → new mapping and the seeded regions from the "
        "vietnamadminunits dataset. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet=False, **options):
        started = time.perf_counter()
        try:
            load_places(log=None if quiet else self.stdout.write)
        except ValueError as error:  # e.g. a region naming a province the dataset lacks
            raise CommandError(str(error)) from error
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(f"Places loaded in {time.perf_counter() - started:.1f} s")
            )
