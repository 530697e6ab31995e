"""Small query helpers shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from django.db.models import QuerySet


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


_SCALAR = {
    "count": "COUNT(*)",
    "distinct": "COUNT(DISTINCT {t}.v)",
    "sum": "COALESCE(SUM({t}.v), 0)",
}


def scalars(parts: dict[str, tuple[QuerySet[Any], str, str]]) -> dict[str, int]:
    """Several single figures read in one statement of scalar subqueries, one round trip
    instead of one per figure: ``{name: (queryset, how, field)}``, ``how`` being ``count``
    (its rows), ``distinct`` (the distinct non-null values of ``field``) or ``sum`` (of
    ``field``, 0 when there is none)."""
    columns: list[str] = []
    params: list[Any] = []
    using = "default"
    for i, (queryset, how, field_name) in enumerate(parts.values()):
        using = queryset.db
        try:
            sql, part_params = queryset.order_by().values(v=F(field_name)).query.sql_with_params()
        except EmptyResultSet:  # e.g. ``province__in=[]``: nothing to count
            columns.append("0")
            continue
        columns.append(f"(SELECT {_SCALAR[how].format(t=f't{i}')} FROM ({sql}) t{i})")  # noqa: S608 (compiled SQL, bound parameters)
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(parts, row, strict=True)}
