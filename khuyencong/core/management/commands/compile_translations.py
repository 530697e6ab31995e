"""Compile the project's .po catalogues to .mo with polib.

Django's ``compilemessages`` needs GNU gettext's msgfmt, which a fresh machine may lack;
``make run`` and ``make test`` call this instead so nothing has to be installed by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]  # polib ships no type hints
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile khuyencong/locale/*/LC_MESSAGES/*.po to .mo (no gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"{count} catalogue(s) compiled")
