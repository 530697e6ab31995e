"""Inserting many new records with their "created" history rows, fast (large imports).

``create_with_history(objects, Model, user=…, reason=…)`` does what django-simple-history's
``bulk_create_with_history`` does — every object saved, each with its history row ("+",
the user, the reason) — and returns the objects with their primary keys. On PostgreSQL it
reserves the keys with one query and sends both tables with ``COPY``: an import of 100,000
rows spent most of its time building and quoting ``INSERT`` statements (docs/performance.md).
Elsewhere (SQLite) it is ``bulk_create_with_history``.

Like ``bulk_create``, neither ``save()`` nor the save signals run: the objects must be
complete (their derived fields set by the caller's service). The data versions of the
provinces written are raised (``core.dataversions.changed``), as a save would.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
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
        history = get_history_manager_for_model(model).model
        special = {
            "history_date": now,
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": getattr(user, "pk", None),
        }
        hist_fields = [f for f in history._meta.local_concrete_fields if f.attname != "history_id"]
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


def _reserve_keys(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Take the next keys of the table's sequence for the objects: one query."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        keys = [row[0] for row in cursor.fetchall()]
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
