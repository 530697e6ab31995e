"""Fast loading of generated rows for the benchmarks (bench/*.py's fills).

``store(model, objects)`` saves unsaved model instances the way ``bulk_create`` would (each
field's default and ``pre_save``, related objects' keys, no signals, no history rows) and
sets their primary keys, but on PostgreSQL it reserves the keys from the table's sequence
in one statement and sends the rows with ``COPY … FROM STDIN`` (psycopg 3): Django's
``bulk_create`` spends most of its time building the ``INSERT … UNNEST`` arrays, COPY
streams the values. Elsewhere (SQLite) it is ``bulk_create``.

``timed(label)`` prints how long a part of the filling took and keeps it for the total
(``bench/generate.py`` prints them all and ``generate_s``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

# label → seconds, in the order the parts ran (bench/generate.py prints them).
TIMES: dict[str, float] = {}


@contextlib.contextmanager
def timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    TIMES[label] = TIMES.get(label, 0.0) + seconds
    print(f"filled {label} in {seconds:.1f} s", flush=True)


def _reserve(model: type[Model], count: int) -> int:
    """The first of ``count`` consecutive primary keys taken from the table's sequence."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s))"
            " + %s - 1)",
            [table, column, table, column, count],
        )
        last = cursor.fetchone()[0]
    return last - count + 1


def _plain(field: Field) -> bool:
    """Whether the field's Python value is what the database stores (no preparation)."""
    if isinstance(field, models.DateField):  # DateTimeField too
        return not (field.auto_now or field.auto_now_add)
    return isinstance(
        field, models.CharField | models.TextField | models.IntegerField | models.BooleanField
    ) or (field.is_relation and field.many_to_one)


def store(model: type[M], objects: Sequence[M], batch_size: int = 5000) -> Sequence[M]:
    """Insert ``objects`` (unsaved instances of ``model``) and set their primary keys."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create(objects, batch_size=batch_size)
        if created and created[0].pk is None:  # SQLite before RETURNING
            raise SystemExit("the benchmark needs a database that returns ids from bulk_create")
        return created
    opts = model._meta
    pk = opts.pk
    auto = pk.attname if getattr(objects[0], pk.attname) is None else None
    if auto:
        first = _reserve(model, len(objects))
        for offset, obj in enumerate(objects):
            setattr(obj, auto, first + offset)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the thread-local proxy
    fields = [f for f in opts.concrete_fields if f.column]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    relations = [f for f in fields if f.is_relation]
    # A value of a plain field goes as it is; the others through the field's pre_save and
    # database preparation, as bulk_create does (defaults of auto_now, JSON, decimals, files).
    prepared = [(f.attname, None if _plain(f) else f) for f in fields]
    with db.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrappers
        with raw.copy(f"COPY {db.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for field in relations:  # a related object saved after it was assigned
                    if getattr(obj, field.attname) is None and field.is_cached(obj):
                        related = field.get_cached_value(obj)
                        if related is not None:
                            setattr(obj, field.attname, related.pk)
                copy.write_row(
                    [
                        getattr(obj, attname)
                        if field is None
                        else field.get_db_prep_save(field.pre_save(obj, True), db)
                        for attname, field in prepared
                    ]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = "default"
    return objects


def store_rows(model: type[Model], names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows``, each the values of the fields ``names`` (attribute names: ``entry_id``),
    the other fields at their default (one value for all the rows, ``auto_now`` included) and
    the primary key from the table's sequence. No instances are built on PostgreSQL: for the
    largest tables, where building model instances is most of the time."""
    if connection.vendor != "postgresql":
        store(model, [model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    by_name = {f.attname: f for f in opts.concrete_fields}
    given = [by_name[name] for name in names]
    template = model()
    others = [
        f for f in opts.concrete_fields if f.column and f.attname not in names and not f.primary_key
    ]
    fixed = [f.get_db_prep_save(f.pre_save(template, True), db) for f in others]
    prepare = [None if _plain(f) else f for f in given]
    columns = ", ".join(db.ops.quote_name(f.column) for f in [*given, *others])
    with db.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {db.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if field is None else field.get_db_prep_save(value, db)
                        for value, field in zip(row, prepare, strict=True)
                    ]
                    + fixed
                )


def analyze(*models: type[Model]) -> None:
    """Fresh planner statistics (PostgreSQL) for these models' tables, or the whole database."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
