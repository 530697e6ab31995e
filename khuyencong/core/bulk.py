"""Inserting many new records with their "created" history rows, fast (large imports).

``create_with_history(objects, Model, user=…, reason=…)`` does what django-simple-history's
``bulk_create_with_history`` does — every object saved, each with its history row ("+",
the user, the reason) — and returns the objects with their primary keys. On PostgreSQL it
reserves the keys with one query and sends both tables with ``COPY``: an import of 100,000
rows spent most of its time building and quoting ``INSERT`` statements (docs/performance.md).
Elsewhere (SQLite) it is ``bulk_create_with_history``.

``insert_with_history(Model, rows, user=…, reason=…)`` does the same for records given as
column values (``{"name": …, "commune_id": …}``, a missing field taking its default) and
returns their keys: the import builds no model instance per row (Django's ``Model.__init__``
and the foreign-key descriptors were a fifth of its time), and on PostgreSQL each row goes
to ``COPY`` as it is, its history row taken from the same values.

Like ``bulk_create``, neither ``save()`` nor the save signals run: the objects must be
complete (their derived fields set by the caller's service). The data versions of the
provinces written are raised (``core.dataversions.changed``), as a save would.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from psycopg import sql
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from khuyencong.core import dataversions

# Fields whose Python value is what the database stores (no conversion by Django needed):
# COPY sends them as they are. Any other field goes through ``get_db_prep_save``.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # DateTimeField too (aware datetimes: USE_TZ)
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)


_M = TypeVar("_M", bound=models.Model)


def create_with_history(
    objects: Sequence[_M],
    model: type[_M],
    *,
    user: Any,
    reason: str,
    batch_size: int = 500,
) -> list[_M]:
    """Insert ``objects`` (new, without keys) and their "created" history rows."""
    objects = list(objects)
    if not objects:
        return []
    if connection.vendor != "postgresql":
        created = bulk_create_with_history(
            objects,
            model,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=reason,
        )
        dataversions.changed(model, created)
        return created
    now = timezone.now()
    _reserve_keys(model, objects)
    fields = model._meta.local_concrete_fields
    _copy(model, fields, (_values(fields, obj, now) for obj in objects))
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        history, special, hist_fields = _history_columns(model, now, user, reason)
        _copy(
            history,
            hist_fields,
            (
                [
                    special[f.attname] if f.attname in special else getattr(obj, f.attname)
                    for f in hist_fields
                ]
                for obj in objects
            ),
        )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    # No save signals: the cached figures that count these rows are invalidated here.
    dataversions.changed(model, objects)
    return objects


def insert_with_history(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    user: Any,
    reason: str,
    batch_size: int = 500,
) -> list[Any]:
    """Insert new records given as column values (attnames) and their "created" history
    rows; return their keys, in order. What ``create_with_history`` does with
    ``[Model(**row) for row in rows]``: a field missing from a row takes its default, the
    ``auto_now`` dates are the time of the call, a key in a row is ignored (one is
    reserved), the data versions of the provinces written are raised."""
    if not rows:
        return []
    pk = model._meta.pk
    assert pk is not None
    if connection.vendor != "postgresql":
        objects = create_with_history(
            [model(**{k: v for k, v in row.items() if k != pk.attname}) for row in rows],
            model,
            user=user,
            reason=reason,
            batch_size=batch_size,
        )
        return [obj.pk for obj in objects]
    now = timezone.now()
    keys = _next_keys(model, len(rows))
    # The columns, in the order COPY is given them: the key, the automatic dates, the
    # values taken as they are (a row without one takes the default, the same for every
    # row), then those Django converts or whose default is made anew for each row.
    automatic, plain, converted = [], [], []
    for field in model._meta.local_concrete_fields:
        if field is pk:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            automatic.append(field)
        elif isinstance(field, _PLAIN) and not (field.has_default() and callable(field.default)):
            plain.append(field)
        else:
            converted.append(field)
    defaults = {field.attname: field.get_default() for field in plain}
    names = [field.attname for field in plain]
    pick: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    if len(names) > 1:
        pick = itemgetter(*names)
    else:  # itemgetter of one name gives the value, not a tuple

        def pick(row: Mapping[str, Any]) -> tuple[Any, ...]:
            return tuple(row[name] for name in names)

    head = tuple(now for _field in automatic)

    def convert(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            field.get_db_prep_save(
                row[field.attname] if field.attname in row else field.get_default(), connection
            )
            for field in converted
        )

    table = [
        (key, *head, *pick({**defaults, **row}), *(convert(row) if converted else ()))
        for row, key in zip(rows, keys, strict=True)
    ]
    fields = [pk, *automatic, *plain, *converted]
    _copy(model, fields, table)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        history, special, hist_fields = _history_columns(model, now, user, reason)
        position = {field.attname: index for index, field in enumerate(fields)}
        # A history row: the record's columns it keeps (in the order of the record's row),
        # then the four of the history.
        copied = sorted(
            (f for f in hist_fields if f.attname not in special), key=lambda f: position[f.attname]
        )
        added = [f for f in hist_fields if f.attname in special]
        tail = tuple(special[f.attname] for f in added)
        indexes = [position[f.attname] for f in copied]
        if len(indexes) == 1:
            _copy(history, [*copied, *added], ((row[indexes[0]], *tail) for row in table))
        else:
            keep = itemgetter(*indexes)
            _copy(history, [*copied, *added], (keep(row) + tail for row in table))
    # No save signals: the cached figures that count these rows are invalidated here (a
    # row that leaves out the column naming its province raises every province).
    dataversions.changed_values(model, rows)
    return keys


def _history_columns(
    model: type[models.Model], now: datetime.datetime, user: Any, reason: str
) -> tuple[type[models.Model], dict[str, Any], list[Any]]:
    """The history model of ``model``, the values of its own columns for a "created" row, and
    the columns COPY writes (all but its key)."""
    history = get_history_manager_for_model(model).model
    special = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    fields = [f for f in history._meta.local_concrete_fields if f.attname != "history_id"]
    return history, special, fields


def _next_keys(model: type[models.Model], count: int) -> list[Any]:
    """The next ``count`` keys of the table's sequence: one query."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _reserve_keys(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Take the next keys of the table's sequence for the objects: one query."""
    keys = _next_keys(model, len(objects))
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key


def _values(
    fields: Sequence[models.Field[Any, Any]], obj: models.Model, now: datetime.datetime
) -> list[Any]:
    row = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            setattr(obj, field.attname, now)  # what pre_save would set, once per batch
        value = getattr(obj, field.attname)
        if not isinstance(field, _PLAIN):
            value = field.get_db_prep_save(value, connection)
        row.append(value)
    return row


def _copy(model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Any) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
