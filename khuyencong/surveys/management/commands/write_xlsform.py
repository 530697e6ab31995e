"""Write the example XLSForm of the needs survey (docs/kobo/needs-survey.xlsx)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from khuyencong.surveys.kobo import build_xlsform


class Command(BaseCommand):
    help = "Write the needs survey's XLSForm for KoboToolbox (docs/kobo/needs-survey.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "kobo" / "needs-survey.xlsx"),
        )

    def handle(self, *args, **options):
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_xlsform())
        self.stdout.write(f"Wrote {path}")
