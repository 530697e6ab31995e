"""Small query helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(model: Any, related_field: str, condition: Q | None = None) -> Coalesce:
    """The number of ``model`` rows whose ``related_field`` points at the outer row, as a
    correlated subquery (0 when there are none).

    Unlike ``annotate(n=Count("related"))`` it needs no join and ``GROUP BY`` over every
    row before the ``LIMIT``, so a paginated list counts only the rows of its page.
    """
    rows = model.objects.filter(**{related_field: OuterRef("pk")})
    if condition is not None:
        rows = rows.filter(condition)
    return Coalesce(
        Subquery(
            rows.order_by().values(related_field).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )
