"""The demo needs the real places (see core/management/commands/seed_demo.py)."""

from django.core.management.base import CommandError

from khuyencong.core.demokit import DemoContext
from khuyencong.places.models import Province


def seed(ctx: DemoContext) -> None:
    if not Province.objects.exists():
        raise CommandError("Places are not loaded: run `manage.py load_places` first.")
