"""Annual plans: the plan a project joins, its steps (register, approve, adjust: the
plan workflow in ``programmes.workflow``) and the comparison of two versions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from khuyencong.core.workflow import transition
from khuyencong.programmes.models import (
    AnnualPlan,
    PlanVersion,
    Source,
)


def get_or_create_plan(province_id: str, year: int, funding_level: str) -> AnnualPlan:
    try:
        with transaction.atomic():
            plan, _created = AnnualPlan.objects.get_or_create(
                province_id=province_id, year=year, funding_level=funding_level
            )
    except IntegrityError:  # created by a concurrent request
        plan = AnnualPlan.objects.get(
            province_id=province_id, year=year, funding_level=funding_level
        )
    return plan


def _latest_version(plan: AnnualPlan) -> PlanVersion:
    version = plan.versions.order_by("-number").first()
    assert version is not None  # every plan step writes one
    return version


def register_plan(*, actor: Any, plan: AnnualPlan, note: str = "") -> PlanVersion:
    """Register the plan with the level above: version 1 freezes the filed projects."""
    return _latest_version(transition(plan, "register", actor, note=note))


def approve_plan(
    *,
    actor: Any,
    plan: AnnualPlan,
    decision_number: str,
    decision_date: datetime.date | None,
    override_reason: str = "",
) -> PlanVersion:
    """Record the decision approving the plan: every appraised project of the plan is
    approved with it, and the approved content is frozen (``PlanWorkflow``)."""
    moved = transition(
        plan,
        "approve",
        actor,
        decision_number=decision_number,
        decision_date=decision_date,
        override_reason=override_reason,
    )
    return _latest_version(moved)


def adjust_plan(
    *,
    actor: Any,
    plan: AnnualPlan,
    reason: str,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
) -> PlanVersion:
    """Record an adjustment of an approved plan: a new version freezes the projects as they
    now stand (added, adjusted, cancelled); every earlier version is kept."""
    moved = transition(
        plan,
        "adjust",
        actor,
        note=reason,
        decision_number=decision_number,
        decision_date=decision_date,
    )
    return _latest_version(moved)


def compare_versions(old: PlanVersion, new: PlanVersion) -> dict[str, Any]:
    """Side by side: each project in either version with its total in both and the change;
    added, removed and changed projects flagged; totals by source."""
    before = {item["id"]: item for item in old.content}
    after = {item["id"]: item for item in new.content}
    rows = []
    for pk in sorted(set(before) | set(after), key=lambda k: (after.get(k) or before[k])["code"]):
        a, b = before.get(pk), after.get(pk)
        old_total = sum(a["budget"].values()) if a else 0
        new_total = sum(b["budget"].values()) if b else 0
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif a["budget"] != b["budget"] or a["title"] != b["title"]:
            change = "changed"
        else:
            change = "same"
        sources = {}
        for source in Source.values:
            x = a["budget"].get(source, 0) if a else 0
            y = b["budget"].get(source, 0) if b else 0
            sources[source] = {"old": x, "new": y, "change": y - x}
        either = b if b is not None else before[pk]
        rows.append(
            {
                "id": pk,
                "code": either["code"],
                "title": either["title"],
                "change": change,
                "old_total": old_total,
                "new_total": new_total,
                "difference": new_total - old_total,
                "sources": sources,
            }
        )
    totals = {
        source: {
            "old": sum(item["budget"].get(source, 0) for item in old.content),
            "new": sum(item["budget"].get(source, 0) for item in new.content),
        }
        for source in Source.values
    }
    for value in totals.values():
        value["change"] = value["new"] - value["old"]
    return {
        "old": old,
        "new": new,
        "rows": rows,
        "totals": totals,
        "old_total": old.total,
        "new_total": new.total,
        "difference": new.total - old.total,
    }
