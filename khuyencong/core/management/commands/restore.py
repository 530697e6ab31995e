"""``manage.py restore FILE``: put back a backup made by ``manage.py backup`` (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from khuyencong.core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup archive, after checking "
        "it. Refuses a database that holds data unless --force."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data (everything in it is lost).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (checksums, completeness); change nothing.",
        )

    def handle(self, *args: Any, file: str, force: bool, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = read_manifest(Path(file))
            else:
                connections.close_all()
                manifest = restore_backup(
                    Path(file),
                    settings_dict=connections["default"].settings_dict,
                    media_root=Path(settings.MEDIA_ROOT),
                    force=force,
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = sum(1 for name in manifest["files"] if name.startswith("media/"))
        verb = "checked" if check else "restored"
        self.stdout.write(
            f"Backup of {manifest['created_at']} (version {manifest['app_version']}, "
            f"{manifest['database']['vendor']}, {files} files) {verb}."
        )
        if not check:
            self.stdout.write("Run `manage.py migrate` if this version has newer migrations.")
