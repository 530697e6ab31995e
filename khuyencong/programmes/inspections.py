"""Follow-up inspections of supported establishments (DOMAIN.md: "supported establishments
are rarely inspected afterwards"). Accepting a project schedules one inspection per
beneficiary, due a configurable number of months after acceptance (``InspectionRule``)."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.programmes.access import inspections_for, may_record_inspections
from khuyencong.programmes.errors import ProgrammeError, WorkflowError
from khuyencong.programmes.models import Inspection, InspectionRule, Project, ProjectBeneficiary
from khuyencong.registry.models import YearlyFigure
from khuyencong.registry.services import record_yearly_figure


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


@transaction.atomic
def record_inspection(
    *,
    actor: Any,
    inspection: Inspection,
    done_on: datetime.date,
    finding: str,
    inspector: str = "",
    notes: str = "",
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
    workers: int | None = None,
    revenue: int | None = None,
) -> Inspection:
    """Record what an inspection found. Equipment idle, sold or moved (or a ceased
    establishment) needs a follow-up action with a due date. Workers and revenue found
    become the establishment's figures of the inspection's year (source "inspection",
    the other figures of that year kept), in the same transaction."""
    try:
        current = inspections_for(actor, write=True).select_for_update().get(pk=inspection.pk)
    except Inspection.DoesNotExist as exc:
        raise Http404 from exc
    if not may_record_inspections(actor):
        raise WorkflowError(_("Your role may not record inspections."))
    today = timezone.localdate()
    if done_on is None:
        raise ProgrammeError(_("Give the date of the inspection."), field="done_on")
    if done_on > today:
        raise ProgrammeError(_("The inspection date cannot be in the future."), field="done_on")
    accepted_on = current.project.accepted_on
    if accepted_on and done_on < accepted_on:
        raise ProgrammeError(_("The inspection date is before the acceptance."), field="done_on")
    if finding not in Inspection.Finding.values:
        raise ProgrammeError(_("Choose what the inspection found."), field="finding")
    follow_up = (follow_up or "").strip()
    if finding in Inspection.NEEDS_FOLLOW_UP:
        if not follow_up:
            raise ProgrammeError(
                _("The support is not being used as agreed: describe the follow-up action."),
                field="follow_up",
            )
        if follow_up_due is None:
            raise ProgrammeError(_("Give the date the follow-up is due."), field="follow_up_due")
    if follow_up_due is not None and follow_up_due < done_on:
        raise ProgrammeError(
            _("The follow-up is due before the inspection."), field="follow_up_due"
        )
    current.done_on = done_on
    current.finding = finding
    current.inspector = (inspector or "").strip()[:200]
    current.notes = (notes or "").strip()
    current.follow_up = follow_up
    current.follow_up_due = follow_up_due if follow_up else None
    current.workers = workers
    current.revenue = revenue
    current.recorded_by = actor
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    if workers is not None or revenue is not None:
        record_yearly_figure(
            actor=actor,
            establishment=current.establishment,
            data={"year": done_on.year, "workers": workers, "revenue": revenue},
            source=YearlyFigure.Source.INSPECTION,
            replace=False,
        )
    return current


@transaction.atomic
def complete_follow_up(*, actor: Any, inspection: Inspection, done_on: datetime.date) -> Inspection:
    try:
        current = inspections_for(actor, write=True).select_for_update().get(pk=inspection.pk)
    except Inspection.DoesNotExist as exc:
        raise Http404 from exc
    if not current.follow_up:
        raise WorkflowError(_("This inspection has no follow-up action."))
    if current.follow_up_done_on is not None:
        raise WorkflowError(_("The follow-up is already recorded as done."))
    if done_on is None or done_on > timezone.localdate():
        raise ProgrammeError(_("Enter a date that is not in the future."), field="done_on")
    if current.done_on and done_on < current.done_on:
        raise ProgrammeError(_("The follow-up is dated before the inspection."), field="done_on")
    current.follow_up_done_on = done_on
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    return current
