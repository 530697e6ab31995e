"""The change history of a collaborator, report or difficulty (``core.history``), with the
communes a collaborator covers tracked too."""

from __future__ import annotations

from django.db import models

from khuyencong.core import history
from khuyencong.core.history import HISTORY_LIMIT, Entry


def history_entries(instance: models.Model, limit: int = HISTORY_LIMIT) -> list[Entry]:
    return history.history_entries(instance, limit, m2m=("communes", "commune__name"))
