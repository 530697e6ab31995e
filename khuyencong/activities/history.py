"""The change history of an activity (``core.history``), with the establishments that took
part in a workshop tracked too."""

from __future__ import annotations

from django.db import models

from khuyencong.core import history
from khuyencong.core.history import HIDDEN_FIELDS, HISTORY_LIMIT, Entry


def history_entries(instance: models.Model, limit: int = HISTORY_LIMIT) -> list[Entry]:
    return history.history_entries(
        instance,
        limit,
        hidden=HIDDEN_FIELDS | {"search_text"},
        m2m=("establishments", "establishment__name"),
    )
