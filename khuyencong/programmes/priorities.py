"""Priority of candidate projects and the plan optimisation of API.md.

A project's priority is the sum of the points of the ``PriorityCriterion`` rows it meets
(DOMAIN.md "Priority": areas first, then sectors…); the points are data. ``optimise``
chooses, among a province's submitted and appraised projects of a year, the set with the
highest total priority whose national and local budget lines fit the given budgets — an
exact 0/1 programme solved with HiGHS (scipy.optimize.milp), checked again in integers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number, format_vnd
from khuyencong.programmes.models import BudgetLine, PriorityCriterion, Project, ProjectBeneficiary
from khuyencong.registry.models import YearlyFigure

C = PriorityCriterion.Code
SECTOR_CRITERIA = {"d": C.MECHANICAL, "a": C.AGRO_PROCESSING, "g": C.CLEANER_PRODUCTION}
LARGE_EMPLOYER = 50


def evaluate(projects: list[Project]) -> dict[int, tuple[int, list[dict[str, Any]]]]:
    """``{project id: (priority, breakdown)}`` for many projects in five queries."""
    criteria = {c.code: c for c in PriorityCriterion.objects.filter(active=True)}
    ids = [p.pk for p in projects]
    communes = dict(Project.objects.filter(pk__in=ids).values_list("pk", "commune__kind"))
    beneficiaries = defaultdict(list)
    establishments = set()
    for project_id, est_id, sector, kind in ProjectBeneficiary.objects.filter(
        project__in=ids
    ).values_list(
        "project_id", "establishment_id", "establishment__sector_id", "establishment__commune__kind"
    ):
        beneficiaries[project_id].append((est_id, sector, kind))
        establishments.add(est_id)
    workers: dict[int, int] = {}
    for est_id, _year, count in (
        YearlyFigure.objects.filter(establishment__in=establishments, workers__isnull=False)
        .order_by("establishment_id", "-year")
        .values_list("establishment_id", "year", "workers")
    ):
        workers.setdefault(est_id, count or 0)  # the latest year comes first (never null here)
    budgets: dict[int, dict[str, int]] = defaultdict(dict)
    for project_id, source, amount in BudgetLine.objects.filter(project__in=ids).values_list(
        "project_id", "source", "amount"
    ):
        budgets[project_id][source] = amount
    result = {}
    for project in projects:
        met = set()
        if project.is_priority:
            met.add(C.PRIORITY_AREA)
        if project.kind == Project.Kind.PILOT:
            met.add(C.PILOT)
        rows = beneficiaries.get(project.pk, [])
        if communes.get(project.pk) == "dac_khu" or any(kind == "dac_khu" for _e, _s, kind in rows):
            met.add(C.SPECIAL_ZONE)
        for _e, sector, _k in rows:
            if sector in SECTOR_CRITERIA:
                met.add(SECTOR_CRITERIA[sector])
        if any(workers.get(e, 0) >= LARGE_EMPLOYER for e, _s, _k in rows):
            met.add(C.LARGE_EMPLOYER)
        budget = budgets.get(project.pk, {})
        total = sum(budget.values())
        if total and 2 * budget.get("counterpart", 0) >= total:
            met.add(C.COUNTERPART)
        breakdown: list[dict[str, Any]] = [
            {
                "code": code,
                "label": str(criteria[code].get_code_display()),
                "points": criteria[code].points,
            }
            for code in C.values
            if code in met and code in criteria
        ]
        result[project.pk] = (sum(item["points"] for item in breakdown), breakdown)
    return result


@dataclass
class Optimisation:
    selected: list[int]
    total_priority: int
    spent: dict[str, int]
    explanations: dict[int, str] = field(default_factory=dict)
    # With weights: the total of priority × weight of the selection (two decimals).
    weighted_priority: float | None = None


# Weighted priorities are solved in hundredths, so the exact integer programme stays exact.
WEIGHT_SCALE = 100


def weight_of(project: Project, weights: dict[str, float]) -> float:
    """A project's weight: its sub-type's, else its activity content's, else 1."""
    if project.subtype_id and project.subtype_id in weights:
        return weights[project.subtype_id]
    return weights.get(project.category_id, 1.0)


def _solve(
    priority: list[int], national: list[int], local: list[int], budget: tuple[int, int]
) -> list[int]:
    """Indices of the optimal choice: highest total priority, then least money spent."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(priority)
    if n == 0:
        return []
    a = np.array([national, local], dtype=float)
    limits = LinearConstraint(a, -np.inf, np.array(budget, dtype=float))
    options = {"mip_rel_gap": 0, "presolve": True}
    integrality = np.ones(n)
    bounds = Bounds(0, 1)
    first = milp(
        -np.array(priority, dtype=float),
        constraints=[limits],
        integrality=integrality,
        bounds=bounds,
        options=options,
    )
    if first.x is None:
        return []
    best = round(-first.fun)
    # Among the choices reaching that priority, the one that spends least.
    reach = LinearConstraint(np.array([priority], dtype=float), best - 0.5, np.inf)
    cost = np.array(national, dtype=float) + np.array(local, dtype=float)
    second = milp(
        cost, constraints=[limits, reach], integrality=integrality, bounds=bounds, options=options
    )
    x = second.x if second.x is not None else first.x
    return [i for i in range(n) if x[i] > 0.5]


def optimise(
    candidates: list[Project],
    budget: dict[str, int],
    *,
    weights: dict[str, float] | None = None,
) -> Optimisation:
    """The selection of highest total priority within the budgets. ``weights`` (off by
    default) multiply each project's priority by a weight of its kind of support — the
    caller's reading of the measured effect of that kind (reports.impact_report
    ``optimiser_weights``); this module knows nothing of how it was measured."""
    candidates = sorted(candidates, key=lambda p: p.pk)
    scores = evaluate(candidates)
    lines: dict[int, dict[str, int]] = defaultdict(dict)
    for project_id, source, amount in BudgetLine.objects.filter(
        project__in=[p.pk for p in candidates]
    ).values_list("project_id", "source", "amount"):
        lines[project_id][source] = amount
    priority = [scores[p.pk][0] for p in candidates]
    national = [lines[p.pk].get("national", 0) for p in candidates]
    local = [lines[p.pk].get("local", 0) for p in candidates]
    limit = (budget["national"], budget["local"])
    factors = [weight_of(p, weights) if weights else 1.0 for p in candidates]
    objective = (
        [
            round(points * factor * WEIGHT_SCALE)
            for points, factor in zip(priority, factors, strict=True)
        ]
        if weights
        else priority
    )
    chosen = _solve(objective, national, local, limit)
    spent = {"national": sum(national[i] for i in chosen), "local": sum(local[i] for i in chosen)}
    # The solver works in floating point: check the answer again in exact integers.
    if spent["national"] > limit[0] or spent["local"] > limit[1]:  # pragma: no cover
        raise ArithmeticError("the solver's choice does not fit the budgets")
    result = Optimisation(
        selected=[candidates[i].pk for i in chosen],
        total_priority=sum(priority[i] for i in chosen),
        spent=spent,
        weighted_priority=(
            round(sum(objective[i] for i in chosen) / WEIGHT_SCALE, 2) if weights else None
        ),
    )
    for i, project in enumerate(candidates):
        reasons = ", ".join(item["label"] for item in scores[project.pk][1]) or _(
            "no priority criterion met"
        )
        figures = {
            "code": project.code,
            "priority": priority[i],
            "reasons": reasons,
            "national": format_vnd(national[i]),
            "local": format_vnd(local[i]),
        }
        if i in chosen:
            text = _(
                "%(code)s selected: priority %(priority)s (%(reasons)s); national %(national)s, local %(local)s."
            )
        elif national[i] > limit[0] or local[i] > limit[1]:
            text = _(
                "%(code)s left out: it alone needs more than the budget (national %(national)s, local %(local)s)."
            )
        elif spent["national"] + national[i] <= limit[0] and spent["local"] + local[i] <= limit[1]:
            text = _(
                "%(code)s left out: it meets no priority criterion, so it would add nothing for its cost."
            )
        else:
            text = _(
                "%(code)s left out: priority %(priority)s (%(reasons)s); a choice of higher total "
                "priority uses the budget (national %(national)s, local %(local)s)."
            )
        text %= figures
        if weights and factors[i] != 1.0:
            text += " " + _(
                "Its priority counts %(weight)s times for the measured effect of its kind of support."
            ) % {"weight": format_number(factors[i], decimals=2)}
        result.explanations[project.pk] = text
    return result
