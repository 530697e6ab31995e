"""The change history of a round, an entry or a complaint as people read it: who, when,
which field went from what to what. Computed from django-simple-history rows in a fixed
number of queries (one for the rows, one per related model named)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
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
    "commune",
    "search_name",
    "certificate_seq",
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


def history_entries(instance: models.Model, limit: int = HISTORY_LIMIT) -> list[Entry]:
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
    names = _related_names(fields, records)
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
        for obj in model_field.related_model.objects.filter(pk__in=ids):
            if hasattr(obj, "get_full_name"):
                label = obj.get_full_name() or obj.get_username()
            elif hasattr(obj, "certificate_number"):
                label = obj.certificate_number or obj.product_name
            else:
                label = str(obj)
            names[(model_field.name, obj.pk)] = label
    return names


def _display(model_field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return names.get((model_field.name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, list):  # criteria groups
        return "; ".join(
            f"{item.get('code')} {item.get('max_points')}" if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, dict):  # points of a score sheet
        return "; ".join(f"{code} {points}" for code, points in value.items())
    return str(value)
