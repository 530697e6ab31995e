"""Planned vs disbursed vs settled, per project, plan and province: database aggregates
only, one query per table whatever the number of projects (DESIGN.md performance)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery, Sum

from khuyencong.programmes.models import BudgetLine, Disbursement, Project, SettlementLine, Source

SOURCES = tuple(Source.values)


def _empty() -> dict[str, Any]:
    return {
        "planned": dict.fromkeys(SOURCES, 0),
        "disbursed": dict.fromkeys(SOURCES, 0),
        "settled": dict.fromkeys(SOURCES, 0),
    }


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("planned", "disbursed", "settled"):
        row[f"{key}_total"] = sum(row[key].values())
    planned = row["planned_total"]
    row["disbursed_percent"] = round(100 * row["disbursed_total"] / planned, 1) if planned else None
    row["by_source"] = [
        {
            "source": source,
            "label": Source(source).label,
            "planned": row["planned"][source],
            "disbursed": row["disbursed"][source],
            "settled": row["settled"][source],
        }
        for source in SOURCES
    ]
    return row


def money_by(projects: QuerySet[Project], key: str) -> dict[Any, dict[str, Any]]:
    """Money of ``projects`` grouped by a project field (``"pk"``, ``"plan"``,
    ``"province"``): three grouped queries."""
    result: dict[Any, dict[str, Any]] = {}
    ids = projects.values("pk")
    queries = (
        ("planned", BudgetLine.objects.filter(project__in=ids)),
        ("disbursed", Disbursement.objects.filter(project__in=ids)),
        ("settled", SettlementLine.objects.filter(project__in=ids)),
    )
    group = "project_id" if key == "pk" else f"project__{key}"
    for name, queryset in queries:
        for row in queryset.values(group, "source").annotate(total=Sum("amount")).order_by():
            result.setdefault(row[group], _empty())[name][row["source"]] = row["total"]
    return {k: _finish(v) for k, v in result.items()}


def money_total(projects: QuerySet[Project]) -> dict[str, Any]:
    """The money of all ``projects`` together."""
    row = _empty()
    ids = projects.values("pk")
    for name, model in (
        ("planned", BudgetLine),
        ("disbursed", Disbursement),
        ("settled", SettlementLine),
    ):
        for source, total in (
            model.objects.filter(project__in=ids)
            .values_list("source")
            .annotate(t=Sum("amount"))
            .order_by()
        ):
            row[name][source] = total
    return _finish(row)


def combine(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The total of rows already grouped by ``money_by`` (no further query)."""
    total = _empty()
    for row in rows:
        for name in ("planned", "disbursed", "settled"):
            for source in SOURCES:
                total[name][source] += row[name][source]
    return _finish(total)


def budget_total() -> Subquery:
    """Each project's budget as a correlated subquery: computed only for the rows a page
    shows, where ``annotate(Sum(...))`` would group every project before paginating."""
    lines = (
        BudgetLine.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(lines, output_field=BigIntegerField())


def project_money(project: Project) -> dict[str, Any]:
    return money_by(Project.objects.filter(pk=project.pk), "pk").get(project.pk) or _finish(
        _empty()
    )
