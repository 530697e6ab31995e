"""Figures the reports app reads (API.md, ``awards.products.<level>``). Reports call these;
the awards app never imports reports (DESIGN.md: data flows upward)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from khuyencong.awards.models import AwardEntry, Level


def _product_key() -> Case:
    """A product: the registered product when the entry names one, else the
    establishment's product of that (normalised) name. Concat treats NULL as "" on every
    database, hence the explicit case."""
    return Case(
        When(
            product_id__isnull=False,
            then=Concat(Value("p"), Cast("product_id", CharField()), output_field=CharField()),
        ),
        default=Concat(
            Value("e"),
            Cast("establishment_id", CharField()),
            Value(":"),
            F("search_name"),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


def _certified(
    start: datetime.date, end: datetime.date, provinces: Iterable[str] | None
) -> QuerySet[AwardEntry]:
    entries = AwardEntry.objects.filter(certified=True, issued_on__gte=start, issued_on__lte=end)
    if provinces is not None:
        entries = entries.filter(province_id__in=list(provinces))
    return entries


def certified_products(
    *,
    level: str,
    start: datetime.date,
    end: datetime.date,
    provinces: Iterable[str] | None = None,
) -> int:
    """Distinct products certified at ``level`` by certificates issued from ``start`` to
    ``end`` (both included), optionally only those of establishments in ``provinces``
    (2025 province codes). A product is the registered product when the entry names one,
    else the establishment's product of that (normalised) name, so a product certified
    twice in the period counts once. One query."""
    if level not in Level.values:
        raise ValueError(f"unknown level {level!r}")
    entries = _certified(start, end, provinces).filter(round__level=level)
    return (
        entries.annotate(product_key=_product_key())
        .values("product_key")
        .distinct()
        .order_by()
        .count()
    )


def certified_products_by_level(
    *,
    start: datetime.date,
    end: datetime.date,
    provinces: Iterable[str] | None = None,
) -> dict[str, int]:
    """``certified_products`` of every level at once: ``{level: count}`` with each level
    of ``Level`` (0 when none). One grouped query."""
    rows = (
        _certified(start, end, provinces)
        .annotate(product_key=_product_key())
        .values_list("round__level")
        .annotate(n=Count("product_key", distinct=True))
        .order_by()
    )
    found = dict(rows)
    return {level: int(found.get(level) or 0) for level in Level.values}


# Which programme pays for a round's level in the official results form: provincial (and
# pre-2025 district) rounds are the province's own programme (KCĐP), regional and national
# rounds the national programme (KCQG). Rounds carry no project, so the level decides.
PROGRAMME_OF_LEVEL = {
    Level.DISTRICT: "local",
    Level.PROVINCE: "local",
    Level.REGION: "national",
    Level.NATIONAL: "national",
}


def entries_by_level_and_group(
    *,
    start: datetime.date,
    end: datetime.date,
    provinces: Iterable[str] | None = None,
    communes: Iterable[str] | None = None,
) -> dict[tuple[str, str], dict[str, int]]:
    """``{(level, group): {"registered": n, "certified": n}}`` for the official awards form:
    entries of the rounds closing in the period (registered) and entries certified by a
    certificate issued in the period (certified), of establishments in ``provinces`` (and,
    below province level, ``communes``). One grouped query."""
    in_round = Q(round__closing_date__gte=start, round__closing_date__lte=end)
    issued = Q(certified=True, issued_on__gte=start, issued_on__lte=end)
    entries = AwardEntry.objects.filter(in_round | issued)
    if provinces is not None:
        entries = entries.filter(province_id__in=list(provinces))
    if communes is not None:
        entries = entries.filter(commune_id__in=list(communes))
    rows = (
        entries.values("round__level", "group")
        .annotate(registered=Count("pk", filter=in_round), certified_n=Count("pk", filter=issued))
        .order_by()
    )
    return {
        (row["round__level"], row["group"]): {
            "registered": row["registered"],
            "certified": row["certified_n"],
        }
        for row in rows
    }
