"""The change history of an award round or entry (``core.history``): an entry is named by
its certificate number once it has one."""

from __future__ import annotations

from typing import Any

from django.db import models

from khuyencong.core import history
from khuyencong.core.history import HIDDEN_FIELDS, HISTORY_LIMIT, Entry


def _name(obj: Any) -> str | None:
    if hasattr(obj, "certificate_number"):
        return obj.certificate_number or obj.product_name
    return None


def history_entries(instance: models.Model, limit: int = HISTORY_LIMIT) -> list[Entry]:
    return history.history_entries(
        instance,
        limit,
        hidden=HIDDEN_FIELDS | {"commune", "search_name", "certificate_seq"},
        name_of=_name,
    )
