"""The change history of an activity as people read it: who, when, which field went from
what to what. Computed from django-simple-history rows in a fixed number of queries (one for
the rows, one per related model named, one for a workshop's establishments)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number

HISTORY_LIMIT = 30
HIDDEN_FIELDS = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "province",
    "search_text",
}
# The many-to-many field whose history is kept (workshops: the establishments that took part).
M2M_FIELD = "establishments"


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


def history_entries(instance: models.Model, limit: int = HISTORY_LIMIT) -> list[Entry]:
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
    names = _related_names(fields, records)
    linked = _linked(model, records)
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
            if linked is not None:
                old_set = linked.get(previous.history_id, [])
                new_set = linked.get(record.history_id, [])
                if old_set != new_set:
                    entry.changes.append(
                        Change(
                            str(model._meta.get_field(M2M_FIELD).verbose_name).capitalize(),
                            ", ".join(old_set) or "—",
                            ", ".join(new_set) or "—",
                        )
                    )
        if entry.changes or record.history_type != "~":
            entries.append(entry)
    return entries


def _related_names(fields: list[Any], records: list[Any]) -> dict[tuple[str, Any], str]:
    names: dict[tuple[str, Any], str] = {}
    for model_field in fields:
        if not model_field.is_relation:
            continue
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        if not ids:
            continue
        related = model_field.related_model
        for obj in related.objects.filter(pk__in=ids):
            if hasattr(obj, "get_full_name"):
                label = obj.get_full_name() or obj.get_username()
            else:
                label = str(obj)
            names[(model_field.name, obj.pk)] = label
    return names


def _linked(model: type[models.Model], records: list[Any]) -> dict[int, list[str]] | None:
    """The establishments each history row recorded (workshops only): one query."""
    try:
        through = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{M2M_FIELD}")
    except LookupError:
        return None
    result: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(history__in=[r.history_id for r in records])
        .order_by("establishment__name")
        .values_list("history_id", "establishment__name")
    )
    for history_id, name in rows:
        result.setdefault(history_id, []).append(name)
    return result


def _display(model_field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return names.get((model_field.name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_number(value)
    return str(value)
