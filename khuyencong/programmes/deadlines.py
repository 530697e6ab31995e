"""The plan cycle's deadlines (``PlanDeadline``, data) and which steps are overdue or were
done late — "plans are registered late" (DOMAIN.md), made visible."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.programmes.models import AnnualPlan, PlanDeadline, PlanVersion, Project

S = Project.Status


@dataclass
class StepStatus:
    plan: AnnualPlan
    deadline: PlanDeadline
    due: datetime.date
    done_on: datetime.date | None
    pending: int  # projects still holding the step up (file, settle); 0 otherwise

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due

    def overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and today > self.due

    @property
    def label(self) -> str:
        return self.deadline.get_step_display()

    def describe(self, today: datetime.date) -> str:
        if self.done_on is not None:
            if self.late:
                return _("done on %(done)s, %(days)s day(s) late") % {
                    "done": self.done_on.strftime("%d/%m/%Y"),
                    "days": (self.done_on - self.due).days,
                }
            return _("done on %(done)s") % {"done": self.done_on.strftime("%d/%m/%Y")}
        if today > self.due:
            text = _("%(days)s day(s) overdue") % {"days": (today - self.due).days}
            if self.pending:
                text += " " + _("(%(n)s project(s) pending)") % {"n": self.pending}
            return text
        return _("due by %(due)s") % {"due": self.due.strftime("%d/%m/%Y")}


def due_date(deadline: PlanDeadline, plan_year: int) -> datetime.date:
    year = plan_year + deadline.year_offset
    day = min(deadline.day, calendar.monthrange(year, deadline.month)[1])
    return datetime.date(year, deadline.month, day)


def _deadlines() -> dict[tuple[str, str, str | None], PlanDeadline]:
    return {(d.funding_level, d.step, d.province_id): d for d in PlanDeadline.objects.all()}


def plan_steps(plans: QuerySet[AnnualPlan]) -> list[StepStatus]:
    """Each plan's steps with their deadline and when they were done. Four queries,
    whatever the number of plans."""
    plans = plans.annotate(
        open_drafts=Count("projects", filter=Q(projects__status__in=[S.DRAFT, S.RETURNED])),
        filed=Count("projects", filter=~Q(projects__status__in=[S.DRAFT, S.RETURNED, S.CANCELLED])),
        unsettled=Count(
            "projects",
            filter=~Q(projects__status__in=[S.SETTLED, S.CANCELLED, S.DRAFT, S.RETURNED]),
        ),
        settled=Count("projects", filter=Q(projects__status=S.SETTLED)),
    ).select_related("province")
    plan_list = list(plans)
    versions = (
        PlanVersion.objects.filter(plan__in=[p.pk for p in plan_list])
        .values("plan", "kind")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    first_version = {(v["plan"], v["kind"]): timezone.localdate(v["first"]) for v in versions}
    first_submit = dict(
        Project.objects.filter(plan__in=[p.pk for p in plan_list], transitions__action="submit")
        .values("plan")
        .annotate(first=Min("transitions__at"))
        .values_list("plan", "first")
        .order_by()
    )
    last_settle = dict(
        Project.objects.filter(plan__in=[p.pk for p in plan_list], status=S.SETTLED)
        .values("plan")
        .annotate(last=Max("settled_on"))
        .values_list("plan", "last")
        .order_by()
    )
    deadlines = _deadlines()
    result = []
    for plan in plan_list:
        for step in PlanDeadline.Step.values:
            deadline = deadlines.get((plan.funding_level, step, plan.province_id)) or deadlines.get(
                (plan.funding_level, step, None)
            )
            if deadline is None:
                continue
            done_on: datetime.date | None = None
            pending = 0
            if step == PlanDeadline.Step.FILE:
                pending = plan.open_drafts
                if plan.filed and not plan.open_drafts and plan.pk in first_submit:
                    done_on = timezone.localdate(first_submit[plan.pk])
            elif step == PlanDeadline.Step.REGISTER:
                done_on = first_version.get(
                    (plan.pk, PlanVersion.Kind.REGISTERED)
                ) or first_version.get((plan.pk, PlanVersion.Kind.APPROVED))
            elif step == PlanDeadline.Step.APPROVE:
                done_on = first_version.get((plan.pk, PlanVersion.Kind.APPROVED))
            elif step == PlanDeadline.Step.SETTLE:
                pending = plan.unsettled
                if plan.settled and not plan.unsettled:
                    done_on = last_settle.get(plan.pk)
            result.append(
                StepStatus(plan, deadline, due_date(deadline, plan.year), done_on, pending)
            )
    return result


def overdue_steps(
    plans: QuerySet[AnnualPlan] | list[StepStatus], today: datetime.date | None = None
) -> list[StepStatus]:
    """The overdue steps of ``plans`` (or of steps already read by ``plan_steps``)."""
    today = today or timezone.localdate()
    steps = plans if isinstance(plans, list) else plan_steps(plans)
    return sorted(
        (s for s in steps if s.overdue(today)),
        key=lambda s: (s.due, s.plan.province_id, s.plan.funding_level),
    )
