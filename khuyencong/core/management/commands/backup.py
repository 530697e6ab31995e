"""``manage.py backup FILE``: the database and the uploaded files in one archive (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one checksummed tar archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", help="The archive to write, e.g. /var/backups/kc-2026-12-05.tar"
        )

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            summary = create_backup(Path(file), media_root=Path(settings.MEDIA_ROOT))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written to {file}: {summary.database} database, {summary.files} files, "
            f"{summary.bytes:,} bytes before archiving."
        )
