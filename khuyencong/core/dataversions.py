"""Data versions: the invalidation token of cached computations (docs/performance.md,
"Cached report figures").

A ``DataVersion`` row per 2025 province (and ``*`` for changes that touch every province) is
raised in the same transaction as any write to a record a cached computation counts. A cached
value's key carries the versions of the provinces it read, read *before* computing, so:

- a value is never served after a record it counts changed: the write raised the version its
  key names, whichever process or server made the write (the token is in the database, so
  several workers with their own in-memory caches agree);
- a write in one province leaves the cached values of the others reachable;
- a write that is rolled back leaves nothing behind: the next raise gives a new number.

A raise takes the larger of "one more" and the current time in microseconds, so a number is
never given twice even after a rollback or a restore of an older backup (where ``+ 1`` alone
would hand out again a number some cache still holds a value under).

One statement per raise (``INSERT … ON CONFLICT DO UPDATE``), the provinces in a fixed order so
two writers touching the same provinces queue rather than deadlock; the row lock is held until
the writer's commit, so writes in the same province queue behind each other for that moment,
writes in other provinces do not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models.signals import m2m_changed, post_init, post_save, pre_delete

from khuyencong.core.models import DataVersion

EVERYWHERE = "*"
Versions = tuple[tuple[str, int], ...]


class _Pin:
    """The versions of a ``pinned()`` block, read on first use."""

    found: dict[str, int] | None = None


_pinned: ContextVar[_Pin | None] = ContextVar("khuyencong_data_versions", default=None)


def bump(provinces: Iterable[str | None], using: str | None = None) -> None:
    """Raise the versions of these provinces (``None`` or ``EVERYWHERE``: every province);
    inside ``deferred()``, at the end of its block."""
    scopes = sorted({EVERYWHERE if p is None else str(p) for p in provinces})
    if not scopes:
        return
    waiting = _deferred.get()
    if waiting is not None and using is None:
        waiting.update(scopes)
        return
    now = time.time_ns() // 1000
    table = DataVersion._meta.db_table
    rows = ", ".join(["(%s, %s)"] * len(scopes))
    params: list[str | int] = []
    for scope in scopes:
        params += [scope, now]
    using = using or router.db_for_write(DataVersion)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ("scope", "version") VALUES {rows} '  # noqa: S608 - fixed names
            'ON CONFLICT ("scope") DO UPDATE SET "version" = CASE '
            f'WHEN "{table}"."version" + 1 > excluded."version" '
            f'THEN "{table}"."version" + 1 ELSE excluded."version" END',
            params,
        )


def bump_everywhere(using: str | None = None) -> None:
    bump([EVERYWHERE], using=using)


_deferred: ContextVar[set[str] | None] = ContextVar("khuyencong_deferred_raises", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """For a long transaction (an import of 100,000 rows): the raises of the block are made
    once, at its end, still inside the transaction. A raise holds its province's row lock until
    the commit, and every write to that province waits for it: raised at the end, the lock is
    held for the commit only, not for the whole import. Only inside ``transaction.atomic``
    (outside, rows would be committed before their raise); nothing is raised when the block
    fails (the transaction is rolled back)."""
    if _deferred.get() is not None:
        yield
        return
    if not connections[router.db_for_write(DataVersion)].in_atomic_block:
        raise RuntimeError("dataversions.deferred() is only for inside transaction.atomic")
    waiting: set[str] = set()
    token = _deferred.set(waiting)
    try:
        yield
    finally:
        _deferred.reset(token)
    bump(waiting)


def _read_all() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("scope", "version"))


def read(provinces: Iterable[str] | None) -> Versions:
    """The versions a value over these provinces (``None``: the whole country) depends on,
    ``EVERYWHERE`` included: one query, or none after the first inside ``pinned()``."""
    wanted = None if provinces is None else sorted({*map(str, provinces), EVERYWHERE})
    pin = _pinned.get()
    if pin is not None:
        if pin.found is None:
            pin.found = _read_all()
        found = pin.found
    elif wanted is None:
        found = _read_all()
    else:
        found = dict(DataVersion.objects.filter(scope__in=wanted).values_list("scope", "version"))
    if wanted is None:
        return tuple(sorted(found.items()))
    return tuple((scope, found.get(scope, 0)) for scope in wanted)


@contextmanager
def pinned() -> Iterator[None]:
    """Read every version once (one query of a row per province, at the first ``read``) and
    use those numbers for every ``read`` in the block: a report that computes several periods
    pays one lookup. Nested blocks keep the outer numbers. Only around reads: a write inside
    the block would not be seen by the numbers already read."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set(_Pin())
    try:
        yield
    finally:
        _pinned.reset(token)


# --- which records raise which provinces ------------------------------------------------------
# ``watch(Model, "project__province")``: a change to a row raises the province reached by that
# path (``None``: every province). The apps whose computations are cached declare what they
# read (reports/cache.py); the save and delete signals, and the bulk paths that bypass them
# (``changed``, ``changed_rows``), then raise the right rows.

_LOADED = "_dataversion_loaded"


@dataclass(frozen=True)
class _Path:
    """From a row to its province: ``attname`` holds the province code, or (``parent`` set)
    the key of a parent row whose ``parent_attname`` holds it."""

    path: str
    attname: str
    parent: type[models.Model] | None = None
    parent_field: str = ""
    parent_attname: str = ""
    head: str = ""

    @classmethod
    def of(cls, model: type[models.Model], path: str) -> _Path:
        head, _sep, rest = path.partition("__")
        field = model._meta.get_field(head)
        assert isinstance(field, models.ForeignKey), path
        if not rest:
            return cls(path, field.attname)
        parent = field.related_model
        assert isinstance(parent, type) and issubclass(parent, models.Model), path
        parent_field = parent._meta.get_field(rest)
        assert isinstance(parent_field, models.ForeignKey), path
        return cls(path, field.attname, parent, rest, parent_field.attname, head)

    def from_values(self, values: Iterable[Any]) -> set[str | None]:
        """The provinces reached from values of ``attname``: at most one query."""
        values = set(values)
        if self.parent is None:
            return {None if v is None else str(v) for v in values}
        keys = {v for v in values if v is not None}
        found: set[str | None] = {None} if None in values else set()
        if keys:
            rows = dict(
                self.parent._default_manager.filter(pk__in=keys).values_list(
                    "pk", self.parent_field
                )
            )
            found |= {None if rows.get(k) is None else str(rows[k]) for k in keys}
        return found

    def provinces(self, objects: Iterable[models.Model]) -> set[str | None]:
        """The provinces of rows, from a parent already loaded when there is one."""
        found: set[str | None] = set()
        keys = []
        for obj in objects:
            parent = obj._state.fields_cache.get(self.head) if self.parent else None
            if parent is not None:
                value = getattr(parent, self.parent_attname)
                found.add(None if value is None else str(value))
            else:
                keys.append(getattr(obj, self.attname))
        return found | (self.from_values(keys) if keys else set())


_watched: dict[type[models.Model], _Path | None] = {}


def watched() -> dict[type[models.Model], str | None]:
    return {model: None if p is None else p.path for model, p in _watched.items()}


def provinces_of(model: type[models.Model], objects: Iterable[models.Model]) -> set[str | None]:
    """The provinces the rows belong to (``None`` where that cannot be told: every province)."""
    path = _watched.get(model)
    return {None} if path is None else path.provinces(objects)


def changed(model: type[models.Model], objects: Iterable[models.Model]) -> None:
    """Rows written without save signals (``bulk_create``, ``bulk_update``, ``COPY``): raise
    their provinces. Nothing for a model no computation reads."""
    if model in _watched:
        objects = list(objects)
        if objects:
            bump(provinces_of(model, objects))


def changed_values(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """``changed`` for rows written from column values (attnames: ``core.bulk``'s
    ``insert_with_history``). A row without the column that names its province raises
    every province."""
    if model not in _watched:
        return
    rows = list(rows)
    if not rows:
        return
    path = _watched[model]
    if path is None:
        bump_everywhere()
        return
    bump(path.from_values({row.get(path.attname) for row in rows}))


def changed_rows(queryset: models.QuerySet[Any]) -> None:
    """Rows about to be changed by ``queryset.update()`` (call it before the update, and after
    it too when the update moves rows to another province): raise their provinces."""
    model = queryset.model
    if model not in _watched:
        return
    path = _watched[model]
    if path is None:
        bump_everywhere()
        return
    provinces = set(queryset.order_by().values_list(path.path, flat=True).distinct())
    if provinces:
        bump({None if p is None else str(p) for p in provinces})


def _loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    path = _watched.get(sender)
    if path is not None and path.attname in instance.__dict__:
        instance.__dict__[_LOADED] = instance.__dict__[path.attname]


def _saved(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    path = _watched.get(sender)
    if path is None:
        bump_everywhere()
        return
    provinces = path.provinces([instance])
    now = getattr(instance, path.attname)
    before = instance.__dict__.get(_LOADED, now)
    if not created and before != now:  # moved: the province it left too
        provinces |= path.from_values([before])
    instance.__dict__[_LOADED] = now
    bump(provinces)


def _deleting(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    bump(provinces_of(sender, [instance]))


_OWNER: dict[type[models.Model], type[models.Model]] = {}


def _linked(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner = _OWNER[sender]
    if not reverse:
        bump(provinces_of(owner, [instance]))
    elif pk_set:
        bump(provinces_of(owner, owner._default_manager.filter(pk__in=pk_set)))
    else:
        bump_everywhere()


def watch(model: type[models.Model], path: str | None) -> None:
    """Raise the province reached by ``path`` (``province`` or ``parent__province``; ``None``:
    every province) whenever a row of ``model`` is saved or deleted."""
    _watched[model] = None if path is None else _Path.of(model, path)
    uid = f"dataversions:{model._meta.label}"
    if path is not None:
        post_init.connect(_loaded, sender=model, dispatch_uid=uid, weak=False)
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    pre_delete.connect(_deleting, sender=model, dispatch_uid=uid, weak=False)


def watch_links(through: type[models.Model], owner_field: str) -> None:
    """A many-to-many table: adding, removing or clearing links raises the provinces of the
    owner rows (``owner_field`` names the through table's key to the watched owner model)."""
    field = through._meta.get_field(owner_field)
    owner = field.related_model
    assert isinstance(owner, type) and issubclass(owner, models.Model)
    _OWNER[through] = owner
    owner_path = _watched[owner]
    watch(through, None if owner_path is None else f"{owner_field}__{owner_path.path}")
    m2m_changed.connect(
        _linked, sender=through, dispatch_uid=f"dataversions:{through._meta.label}", weak=False
    )


# --- list pages kept under the versions -------------------------------------------------------
# A list page counts its rows for the pager and reads the rows of its page. Over 300,000
# establishments, a national search ("gom su", 4,000 rows through the trigram index) costs
# 20-30 ms of database for the count and as much again for the page, paid again whenever the
# same list is shown (the same page after an edit, the way back, every officer of a province
# opening its list). Both are kept here: the count, and the keys of the rows of a page (the
# rows themselves are read again by key, so what is shown is always the record as it is).


def _single_select(sql: str) -> bool:
    return sql.upper().count("SELECT") == 1


def _key(kind: str, queryset: models.QuerySet[Any], *extra: Any) -> str | None:
    """The cache key of a value of ``queryset`` (its SQL, ``extra`` and the data versions of
    every province), or ``None`` when it cannot be kept: a subquery, or a table no data version
    watches. What is selected does not matter (the rows selected with it, select_related, are
    left out), the order does."""
    keys = queryset.select_related(None).values("pk")
    compiler = keys.query.get_compiler(using=keys.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
        return None
    # The tables the SQL reads: a join no longer used (a filter dropped, select_related(None))
    # stays in the alias map with no reference left.
    query = compiler.query
    tables = {query.get_meta().db_table} | {
        join.table_name
        for alias, join in query.alias_map.items()
        if query.alias_refcount.get(alias, 0) > 0
    }
    known = {model._meta.db_table for model in _watched}
    if not tables or not tables <= known or not _single_select(sql):
        return None
    versions = read(None)
    digest = sha256(repr((keys.db, sql, tuple(map(repr, params)), extra, versions)).encode())
    return f"kc:{kind}:{digest.hexdigest()}"


def _cache() -> Any:
    # The cache of values kept under data versions (the report figures' too).
    return caches["reports"]


def cached_count(queryset: models.QuerySet[Any]) -> int:
    """``queryset.count()``, kept under the SQL of the query and the data versions of every
    province, so that it is never served after a write to a table it reads (whichever process
    made the write). Only for a query with no subquery whose every table is watched; anything
    else is counted as usual."""
    key = _key("count", queryset.order_by())
    if key is None:
        return queryset.count()
    found = _cache().get(key)
    if isinstance(found, int):
        return found
    count = queryset.count()
    _cache().set(key, count, CACHE_TIMEOUT)
    return count


def cached_slice(queryset: models.QuerySet[Any], bottom: int, top: int) -> list[Any]:
    """``list(queryset[bottom:top])`` for an ordered queryset: the keys of those rows are kept
    as ``cached_count`` keeps a count, and when kept the rows are read by key (one query by
    primary key, in the kept order) instead of searching again."""
    key = _key("slice", queryset, bottom, top)
    if key is None:
        return list(queryset[bottom:top])
    found = _cache().get(key)
    if isinstance(found, list):
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=found)}
        if len(rows) == len(found):
            return [rows[pk] for pk in found]
    page = list(queryset[bottom:top])
    _cache().set(key, [row.pk for row in page], CACHE_TIMEOUT)
    return page


CACHE_TIMEOUT = 60 * 60
