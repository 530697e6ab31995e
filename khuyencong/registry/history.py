"""The change history of an establishment (``core.history``): its places, sector and craft
village named in full, its year of founding as written, and every saved edit listed."""

from __future__ import annotations

from khuyencong.core import history
from khuyencong.core.history import HIDDEN_FIELDS, Entry
from khuyencong.registry.models import Establishment

HISTORY_LIMIT = 50
# Foreign keys named with what their names read: one query per field for all the rows shown.
RELATED = {"commune": ("province",), "legacy_commune": ("district", "province")}


def history_entries(establishment: Establishment, limit: int = HISTORY_LIMIT) -> list[Entry]:
    return history.history_entries(
        establishment,
        limit,
        hidden=HIDDEN_FIELDS | {"search_name"},
        related=RELATED,
        verbatim={"founded_year"},
        unchanged=True,
    )
