"""Small query helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    "rows": "COUNT(*)",
    "count": "COUNT({c})",
    "distinct": "COUNT(DISTINCT {c})",
    "sum": "COALESCE(SUM({c}), 0)",
}


@dataclass(frozen=True)
class Rows:
    """Rows written as SQL for ``scalars`` — typically over one of its ``shared`` names —
    whose columns, named ``v0``, ``v1``…, are the values of the figures, in order."""

    sql: str
    params: tuple[Any, ...] = ()


def compiled(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """A queryset's SQL and parameters, unordered (raises ``EmptyResultSet`` when it can
    have no rows, e.g. ``province__in=[]``)."""
    sql, params = queryset.order_by().query.sql_with_params()
    return sql, tuple(params)


def scalars(
    parts: Sequence[tuple[QuerySet[Any] | Rows, dict[str, tuple[str, Any]]]],
    shared: dict[str, QuerySet[Any]] | None = None,
) -> dict[str, int]:
    """Several single figures read in one statement, one round trip instead of one per
    figure, each queryset read once: ``[(queryset, {name: (how, field or expression)})]``,
    ``how`` being ``rows`` (the queryset's rows), ``count`` (the non-null values),
    ``distinct`` (the distinct non-null values) or ``sum`` (0 when there is none).

    ``shared`` names rows read once for several parts (a ``WITH`` clause, whose names the
    ``Rows`` parts read): the database scans them once however many figures use them."""
    tables: list[str] = []
    params: list[Any] = []
    using = "default"
    prefix = ""
    if shared:
        written = []
        for name, rows in shared.items():
            using = rows.db
            sql, shared_params = compiled(rows)
            written.append(f"{name} AS ({sql})")
            params.extend(shared_params)
        prefix = "WITH " + ", ".join(written) + " "
    for i, (queryset, figures) in enumerate(parts):
        if isinstance(queryset, Rows):
            sql, part_params = queryset.sql, queryset.params
        else:
            using = queryset.db
            fields = {
                f"v{j}": F(value) if isinstance(value, str) else value
                for j, (_how, value) in enumerate(figures.values())
            }
            try:
                sql, part_params = compiled(queryset.values(**fields))
            except EmptyResultSet:  # e.g. ``province__in=[]``: nothing to count
                tables.append(f"(SELECT {', '.join('0' for _f in figures)}) t{i}")
                continue
        columns = [
            _SCALAR[how].format(c=f"p{i}.v{j}") for j, (how, _value) in enumerate(figures.values())
        ]
        tables.append(f"(SELECT {', '.join(columns)} FROM ({sql}) p{i}) t{i}")  # noqa: S608 (compiled SQL, bound parameters)
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute(prefix + "SELECT * FROM " + " CROSS JOIN ".join(tables), params)  # noqa: S608 (compiled SQL, bound parameters)
        row = cursor.fetchone()
    names = [name for _queryset, figures in parts for name in figures]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}
