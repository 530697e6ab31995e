"""Follow-up inspections of supported establishments (DOMAIN.md: "supported establishments
are rarely inspected afterwards"). Accepting a project schedules one inspection per
beneficiary, due a configurable number of months after acceptance (``InspectionRule``)."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from khuyencong.core.workflow import transition
from khuyencong.programmes.models import Inspection, InspectionRule, Project, ProjectBeneficiary


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months, clamped to the month's end (31/1 + 1 month = 28/2 or 29/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rule_for(project: Project) -> InspectionRule | None:
    """The most specific active rule: the project's sub-type, then its category, then the
    default (neither)."""
    rules = InspectionRule.objects.filter(
        Q(subtype__isnull=True) | Q(subtype_id=project.subtype_id),
        Q(category__isnull=True) | Q(category_id=project.category_id),
        active=True,
    )
    return max(
        rules,
        key=lambda r: (r.subtype_id is not None, r.category_id is not None),
        default=None,
    )


def schedule_inspections(project: Project) -> list[Inspection]:
    """Called when a project is accepted: one inspection per beneficiary not yet scheduled."""
    rule = rule_for(project)
    if rule is None or project.accepted_on is None:
        return []
    due = add_months(project.accepted_on, rule.months_after_acceptance)
    beneficiaries = ProjectBeneficiary.objects.filter(project=project).values_list(
        "establishment_id", flat=True
    )
    existing = set(project.inspections.values_list("establishment_id", flat=True))
    return Inspection.objects.bulk_create(
        Inspection(
            project=project, establishment_id=pk, province_id=project.province_id, due_date=due
        )
        for pk in beneficiaries
        if pk not in existing
    )


def overdue(
    queryset: QuerySet[Inspection], *, today: datetime.date | None = None
) -> QuerySet[Inspection]:
    """Inspections not done by their due date, and follow-up actions not done by theirs."""
    today = today or timezone.localdate()
    return queryset.filter(
        Q(done_on__isnull=True, due_date__lt=today)
        | Q(follow_up_due__lt=today, follow_up_done_on__isnull=True) & ~Q(follow_up="")
    )


def record_inspection(
    *,
    actor: Any,
    inspection: Inspection,
    done_on: datetime.date | None,
    finding: str,
    inspector: str = "",
    notes: str = "",
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
    workers: int | None = None,
    revenue: int | None = None,
) -> Inspection:
    """Record what an inspection found (``InspectionWorkflow``, step ``record``). Equipment
    idle, sold or moved (or a ceased establishment) needs a follow-up action with a due
    date. Workers and revenue found become the establishment's figures of the inspection's
    year (source "inspection", the other figures of that year kept), in the same
    transaction."""
    return transition(
        inspection,
        "record",
        actor,
        done_on=done_on,
        finding=finding,
        inspector=inspector,
        notes=notes,
        follow_up=follow_up,
        follow_up_due=follow_up_due,
        workers=workers,
        revenue=revenue,
    )


def complete_follow_up(
    *, actor: Any, inspection: Inspection, done_on: datetime.date | None
) -> Inspection:
    """Record the follow-up action as done (step ``follow_up_done``)."""
    return transition(inspection, "follow_up_done", actor, done_on=done_on)
