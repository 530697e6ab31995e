"""The cache of the figures computed from the records (``records.compute``), with its
invalidation (docs/performance.md, "Cached report figures").

A computation over a scope (the country, some provinces, some communes) and a period gives the
same figures to everyone allowed to see them, so it is kept in the ``reports`` cache under a
key made of the scope, the period, the codes, the language of the notes, today's date (the
late network reports depend on it) and the data versions of the provinces read
(``core.dataversions``): the country's report carries every province's version, a province's
report its own and the ``*`` row. ``DEPENDENCIES`` lists every table the computation reads
and the path from a row to its 2025 province; a change to any of them (save, delete, links,
the bulk paths) raises that province's version in the same transaction, so the next request
computes afresh. ``tests/test_cache.py`` fails when the computation starts reading a table
that is not listed here.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.core.cache import caches
from django.db import connections
from django.utils import timezone
from django.utils.translation import get_language

from khuyencong.core import dataversions

if TYPE_CHECKING:
    from khuyencong.reports.periods import Period
    from khuyencong.reports.records import Computed, Scope
    from khuyencong.reports.units import ResolvedUnit

T = TypeVar("T")

CACHE = "reports"
# Values of a day: today's date is in the key, so older ones are never read again.
TIMEOUT = 24 * 3600

# Model → path from a row to its 2025 province (None: a change touches every province).
DEPENDENCIES: dict[str, str | None] = {
    "programmes.Project": "province",
    "programmes.Disbursement": "province",
    "programmes.BudgetLine": "project__province",
    "programmes.ProjectBeneficiary": "project__province",
    "programmes.ProjectOutput": "project__province",
    "registry.Establishment": "province",
    "activities.TrainingCourse": "province",
    "activities.Trainee": "course__province",
    "activities.Fair": "province",
    "activities.FairParticipation": "fair__province",
    "activities.Showroom": "province",
    "activities.BrandRegistration": "province",
    "activities.ConsultingContract": "province",
    "activities.ConsultingReceipt": "contract__province",
    "activities.CommunicationItem": "province",
    "activities.Workshop": "province",
    "activities.StaffCount": "province",
    "awards.AwardEntry": "province",
    # A round's level and dates count for entries of any province.
    "awards.AwardRound": None,
    "network.Collaborator": "province",
    "network.QuarterlyReport": "province",
    # A deadline without a province is everyone's.
    "network.ReportDeadline": None,
    "surveys.Need": "province",
    # Where an establishment's pre-2025 commune lies (commune reports).
    "places.LegacyCommune": None,
}
# What a whole summary reads besides the records (``KEPT_DEPENDENCIES``): the stored aggregate
# values, where each province's records begin, the catalogue and the provinces' names. Watched
# like the records, so a summary, its charts and its narrative can be kept whole (``summary``).
STORED_DEPENDENCIES: dict[str, str | None] = {
    "reports.AggregateValue": "province",
    # The nationwide row (no province) raises every province.
    "reports.RecordsSince": "province",
    # An indicator's parts, plan and wording count for every province.
    "reports.Indicator": None,
    "places.Province": None,
}
# Many-to-many tables: (the owner model, the field), raised with the owner's province.
LINKS: dict[str, tuple[str, str]] = {
    "activities.Workshop_establishments": ("activities.Workshop", "establishments"),
    "network.Collaborator_communes": ("network.Collaborator", "communes"),
}


def tables() -> set[str]:
    """The database tables of the declared dependencies of the records' figures."""
    found = {apps.get_model(label)._meta.db_table for label in DEPENDENCIES}
    for owner, field in LINKS.values():
        found.add(apps.get_model(owner)._meta.get_field(field).remote_field.through._meta.db_table)
    return found


def summary_tables() -> set[str]:
    """The tables a whole summary (its figures, charts and narrative) may read."""
    return tables() | {apps.get_model(label)._meta.db_table for label in STORED_DEPENDENCIES}


def connect() -> None:
    """Raise the data versions on every change to a dependency (ReportsConfig.ready)."""
    for label, path in {**DEPENDENCIES, **STORED_DEPENDENCIES}.items():
        if apps.is_installed(f"khuyencong.{label.split('.')[0]}"):
            dataversions.watch(apps.get_model(label), path)
    for owner, field in LINKS.values():
        if not apps.is_installed(f"khuyencong.{owner.split('.')[0]}"):
            continue
        model = apps.get_model(owner)
        through = model._meta.get_field(field).remote_field.through
        owner_field = next(
            f.name for f in through._meta.fields if f.is_relation and f.related_model is model
        )
        dataversions.watch_links(through, owner_field)


def key(scope: Scope, start: datetime.date, end: datetime.date, codes: set[str]) -> str:
    versions = dataversions.read(scope.provinces)
    parts = repr(
        (
            scope.provinces,
            scope.communes,
            scope.legacy_province,
            start.isoformat(),
            end.isoformat(),
            sorted(codes),
            get_language(),
            timezone.localdate().isoformat(),
            versions,
        )
    )
    return "records:" + hashlib.sha256(parts.encode()).hexdigest()


def compute(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    codes: set[str],
    uncached: Any,
) -> Computed:
    """``uncached(scope, start, end, codes)`` from the cache when the versions it was computed
    at are still current. The versions are read before computing: a write committed while
    computing raises them, so the value stored is never served for the state after it."""
    from khuyencong.reports.records import Computed

    cache = caches[CACHE]
    cache_key = key(scope, start, end, codes)
    found = cache.get(cache_key)
    if found is not None:
        values, notes = found
        return Computed(dict(values), dict(notes))
    computed: Computed = uncached(scope, start, end, codes)
    cache.set(cache_key, (computed.values, computed.notes), TIMEOUT)
    return computed


def migrated(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (post_migrate): a migration may change the catalogue or the rules of
    a figure without saving a watched row, and a shared cache (Redis) outlives the restart."""
    from khuyencong.core.models import DataVersion

    connection = connections[using]
    if DataVersion._meta.db_table in connection.introspection.table_names():
        dataversions.bump_everywhere(using=using)


def summary(resolved: ResolvedUnit, period: Period, compute: Callable[[], T], name: str) -> T:
    """A whole summary of a place and period (``compute()``: its figures, its charts, its
    narrative — what reads only ``summary_tables()``), kept while the data versions of the
    place's provinces are unchanged. The same for every user allowed to see the place."""
    args = (
        str(resolved.unit),
        tuple(resolved.provinces),
        None if resolved.communes is None else tuple(resolved.communes),
        resolved.legacy_province,
        period.start.isoformat(),
        period.end.isoformat(),
    )
    kept: T = remember(f"summary:{name}", resolved.provinces, args, compute)
    return kept


def remember(name: str, provinces: list[str], args: Any, compute: Any) -> Any:
    """``compute()`` — a value read from the dependencies of the records of ``provinces``
    only — from the cache while their data versions are unchanged (read before computing)."""
    versions = dataversions.read(provinces)
    parts = repr((name, args, get_language(), timezone.localdate().isoformat(), versions))
    cache_key = "records:" + hashlib.sha256(parts.encode()).hexdigest()
    store = caches[CACHE]
    found = store.get(cache_key)
    if found is None:
        found = compute()
        store.set(cache_key, found, TIMEOUT)
    return found
