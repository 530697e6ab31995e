"""Figures the reports app reads (API.md, ``awards.products.<level>``). Reports call these;
the awards app never imports reports (DESIGN.md: data flows upward)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Concat

from khuyencong.awards.models import AwardEntry, Level


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
    entries = AwardEntry.objects.filter(
        certified=True, round__level=level, issued_on__gte=start, issued_on__lte=end
    )
    if provinces is not None:
        entries = entries.filter(province_id__in=list(provinces))
    # Concat treats NULL as "" on every database, hence the explicit case.
    key = Case(
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
    return entries.annotate(product_key=key).values("product_key").distinct().order_by().count()
