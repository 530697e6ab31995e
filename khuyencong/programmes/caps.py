"""Support caps and beneficiary eligibility, checked when a project is approved or adjusted.

The rule in force on the approval date applies (DOMAIN.md "Support caps"). Comparisons are
exact integer arithmetic on đồng: a share of exactly the cap passes, one đồng more fails.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number, format_vnd
from khuyencong.programmes.models import FundingLevel, Project, SupportCap
from khuyencong.registry import eligibility


@dataclass
class CapCheck:
    """The outcome of the checks for one project: the rule applied, the figures, and the
    refusals, each a sentence a provincial officer can act on."""

    cap: SupportCap | None
    on: datetime.date
    state_amount: int
    total_cost: int
    refusals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.refusals


def cap_in_force(
    *,
    category_id: str,
    subtype_id: str | None,
    funding_level: str,
    province_id: str | None,
    on: datetime.date,
) -> SupportCap | None:
    """The most specific cap in force on ``on``: a sub-type's rule beats its category's, a
    province's beats the nationwide one, then the latest ``valid_from`` wins."""
    candidates = SupportCap.objects.filter(
        Q(subtype__isnull=True) | Q(subtype_id=subtype_id),
        Q(province__isnull=True) | Q(province_id=province_id),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        category_id=category_id,
        funding_level=funding_level,
        valid_from__lte=on,
    ).select_related("category", "subtype")
    best: SupportCap | None = None
    best_key: tuple[int, int, datetime.date] | None = None
    for cap in candidates:  # a handful of rows at most
        key = (
            int(cap.subtype_id is not None),
            int(cap.province_id is not None),
            cap.valid_from,
        )
        if best_key is None or key > best_key:
            best, best_key = cap, key
    return best


def _share_text(share: Decimal) -> str:
    return format_number(share, decimals=2)


def check_budget(
    project: Project,
    budget: dict[str, int],
    *,
    on: datetime.date,
    beneficiary_count: int,
) -> CapCheck:
    """Check a budget (source → đồng) of ``project`` against the cap in force on ``on``."""
    state_source = project.state_source
    state_amount = int(budget.get(state_source, 0))
    total_cost = sum(int(v) for v in budget.values())
    cap = cap_in_force(
        category_id=project.category_id,
        subtype_id=project.subtype_id,
        funding_level=project.funding_level,
        province_id=project.province_id,
        on=on,
    )
    result = CapCheck(cap=cap, on=on, state_amount=state_amount, total_cost=total_cost)
    level = FundingLevel(project.funding_level).label
    if cap is None:
        result.notes.append(
            _("No support cap for this activity and funding level is in force on %(date)s.")
            % {"date": on.strftime("%d/%m/%Y")}
        )
        return result
    multiplier = cap.priority_multiplier if project.is_priority else Decimal(1)
    basis = cap.legal_basis
    if cap.max_share is not None and state_amount:
        max_share = min(cap.max_share * multiplier, Decimal(100))
        # state / total <= max_share / 100, in integers: state * 100 <= max_share * total.
        if total_cost == 0 or Decimal(state_amount) * 100 > max_share * total_cost:
            actual = (
                (Decimal(state_amount) * 100 / total_cost).quantize(Decimal("0.01"))
                if total_cost
                else Decimal(100)
            )
            result.refusals.append(
                _(
                    "%(level)s funds would pay %(actual)s%% of the cost; the cap is "
                    "%(cap)s%% (%(basis)s)."
                )
                % {
                    "level": level,
                    "actual": _share_text(actual),
                    "cap": _share_text(max_share),
                    "basis": basis,
                }
            )
    if cap.max_amount is not None:
        per = max(beneficiary_count, 1) if cap.per_beneficiary else 1
        limit = int(Decimal(cap.max_amount) * multiplier) * per
        if state_amount > limit:
            if cap.per_beneficiary:
                message = _(
                    "%(level)s funds of %(amount)s exceed the cap of %(limit)s "
                    "(%(each)s for each of %(count)s beneficiaries, %(basis)s)."
                ) % {
                    "level": level,
                    "amount": format_vnd(state_amount),
                    "limit": format_vnd(limit),
                    "each": format_vnd(limit // per),
                    "count": per,
                    "basis": basis,
                }
            else:
                message = _(
                    "%(level)s funds of %(amount)s exceed the cap of %(limit)s (%(basis)s)."
                ) % {
                    "level": level,
                    "amount": format_vnd(state_amount),
                    "limit": format_vnd(limit),
                    "basis": basis,
                }
            result.refusals.append(message)
    if multiplier != 1:
        result.notes.append(
            _("A priority project: the cap is multiplied by %(m)s.")
            % {"m": _share_text(multiplier)}
        )
    return result


def check_beneficiaries(project: Project, *, on: datetime.date) -> list[str]:
    """Explanations for each beneficiary the eligibility rule in force on ``on`` refuses."""
    rule = eligibility.rule_in_force(on)
    refusals = []
    for establishment in project.beneficiaries.select_related("commune").order_by("name"):
        result = eligibility.evaluate(establishment, on, rule=rule)
        if not result.eligible:
            reasons = "; ".join(c.explanation for c in result.checks if not c.passed)
            refusals.append(
                _("%(name)s may not be supported: %(reasons)s")
                % {"name": establishment.name, "reasons": reasons}
            )
    return refusals


def check_project(
    project: Project, *, on: datetime.date, budget: dict[str, int] | None = None
) -> CapCheck:
    """Every rule a project must meet to be approved (or adjusted) on ``on``."""
    if budget is None:
        budget = {line.source: line.amount for line in project.budget_lines.all()}
    count = project.beneficiaries.count()
    result = check_budget(project, budget, on=on, beneficiary_count=count)
    result.refusals.extend(check_beneficiaries(project, on=on))
    return result
