"""The change history of an establishment as people read it: who, when, which field went
from what to what. Computed from django-simple-history rows in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.places.models import Commune, LegacyCommune
from khuyencong.registry.models import CraftVillage, Establishment, Sector

HISTORY_LIMIT = 50
HIDDEN_FIELDS = {"version", "created_at", "province", "search_name", "updated_at", "created_by"}
# Foreign keys shown by name: one query per model for all the rows shown.
FK_MODELS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "commune": (Commune, ("province",)),
    "legacy_commune": (LegacyCommune, ("district", "province")),
    "sector": (Sector, ()),
    "craft_village": (CraftVillage, ()),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    date: Any
    user: Any
    kind: str
    changes: list[Change] = field(default_factory=list)


def history_entries(establishment: Establishment, limit: int = HISTORY_LIMIT) -> list[Entry]:
    records = list(
        establishment.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    fields = [
        f
        for f in Establishment._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name != "id"
    ]
    names = _fk_names(records)
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        entry = Entry(record.history_date, record.history_user, kinds.get(record.history_type, ""))
        if previous is not None and record.history_type == "~":
            for model_field in fields:
                old = getattr(previous, model_field.attname)
                new = getattr(record, model_field.attname)
                if old != new:
                    entry.changes.append(
                        Change(
                            str(model_field.verbose_name).capitalize(),
                            _display(model_field, old, names),
                            _display(model_field, new, names),
                        )
                    )
        entries.append(entry)
    return entries


def _fk_names(records: list[Any]) -> dict[tuple[str, Any], str]:
    names: dict[tuple[str, Any], str] = {}
    for name, (model, related) in FK_MODELS.items():
        ids = {getattr(r, f"{name}_id") for r in records} - {None}
        if ids:
            for obj in model.objects.select_related(*related).filter(pk__in=ids):
                names[(name, obj.pk)] = str(obj)
    return names


def _display(model_field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "—"
    if model_field.name in FK_MODELS:
        return names.get((model_field.name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)
