"""A record's change history as people read it: who, when, which field went from what to
what. Computed from django-simple-history rows in a fixed number of queries: one for the
rows, one per related model named, one for a tracked many-to-many field.

Apps call ``history_entries`` with what differs for them (the fields to hide, a
many-to-many field whose history is kept, how to name a related object, what to load with
it, the numbers shown as written, whether an edit of hidden fields alone is listed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number

HISTORY_LIMIT = 30
HIDDEN_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "created_by", "province"})


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


def set_history_actor(obj: models.Model, actor: Any) -> None:
    """Name the user the next history row of ``obj`` is written for (django-simple-history
    reads ``_history_user`` when the object is saved): one place instead of an attribute
    the model does not declare set, and excused to the type checker, at every save."""
    obj._history_user = actor  # type: ignore[attr-defined]  # simple-history's documented hook


def history_entries(
    instance: models.Model,
    limit: int = HISTORY_LIMIT,
    *,
    hidden: Iterable[str] = HIDDEN_FIELDS,
    m2m: tuple[str, str] | None = None,
    name_of: Callable[[Any], str | None] | None = None,
    related: Mapping[str, Sequence[str]] | None = None,
    verbatim: Iterable[str] = (),
    unchanged: bool = False,
) -> list[Entry]:
    """The newest ``limit`` changes of ``instance``.

    ``m2m`` is ``(field, label path)`` of a many-to-many field whose history is kept
    (``("communes", "commune__name")``); ``name_of`` names a related object where ``str()``
    does not (returning None falls back to the default); ``related`` says what to load with
    the objects of a foreign key whose name reads further (``{"commune": ("province",)}``,
    still one query per field); ``verbatim`` names the numbers shown as written, not grouped
    (a year: 2015, not 2.015); ``unchanged=True`` keeps an edit that changed only hidden
    fields, as a bare "Changed"."""
    model = type(instance)
    # django-simple-history's manager, added to each registered model at start-up.
    manager: Any = getattr(instance, "history")  # noqa: B009
    records = list(
        manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    hidden = set(hidden)
    fields = [f for f in model._meta.concrete_fields if f.name not in hidden]
    names = _related_names(fields, records, name_of, related or {})
    as_written = frozenset(verbatim)
    linked = _linked(model, records, m2m) if m2m else None
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
                            _display(model_field, old, names, as_written),
                            _display(model_field, new, names, as_written),
                        )
                    )
            if linked is not None and m2m is not None:
                old_set = linked.get(previous.history_id, [])
                new_set = linked.get(record.history_id, [])
                if old_set != new_set:
                    entry.changes.append(
                        Change(
                            _verbose_name(model, m2m[0]),
                            ", ".join(old_set) or "—",
                            ", ".join(new_set) or "—",
                        )
                    )
        if entry.changes or record.history_type != "~" or unchanged:
            entries.append(entry)
    return entries


def _related_names(
    fields: list[Any],
    records: list[Any],
    name_of: Callable[[Any], str | None] | None,
    related: Mapping[str, Sequence[str]],
) -> dict[tuple[str, Any], str]:
    names: dict[tuple[str, Any], str] = {}
    for model_field in fields:
        if not model_field.is_relation:
            continue
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        if not ids:
            continue
        objects = model_field.related_model.objects.filter(pk__in=ids)
        if related.get(model_field.name):
            objects = objects.select_related(*related[model_field.name])
        for obj in objects:
            label = name_of(obj) if name_of else None
            if label is None:
                if hasattr(obj, "get_full_name"):
                    label = obj.get_full_name() or obj.get_username()
                else:
                    label = str(obj)
            names[(model_field.name, obj.pk)] = label
    return names


def _linked(
    model: type[models.Model], records: list[Any], m2m: tuple[str, str]
) -> dict[int, list[str]] | None:
    """The related names each history row recorded for the many-to-many field: one query."""
    name, path = m2m
    try:
        through = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{name}")
    except LookupError:
        return None
    result: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(history__in=[r.history_id for r in records])
        .order_by(path)
        .values_list("history_id", path)
    )
    for history_id, label in rows:
        result.setdefault(history_id, []).append(label)
    return result


def _display(
    model_field: Any,
    value: Any,
    names: dict[tuple[str, Any], str],
    verbatim: frozenset[str] = frozenset(),
) -> str:
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return names.get((model_field.name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.name in verbatim:
        return str(value)
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
    if isinstance(value, list):  # e.g. an award round's criteria groups
        return "; ".join(
            f"{item.get('code')} {item.get('max_points')}" if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, dict):  # e.g. the points of a score sheet
        return "; ".join(f"{code} {points}" for code, points in value.items())
    return str(value)


def _verbose_name(model: type[models.Model], name: str) -> str:
    field: Any = model._meta.get_field(name)  # a many-to-many field: it has a verbose name
    return str(field.verbose_name).capitalize()
