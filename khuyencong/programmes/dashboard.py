"""The programmes' section of the overview page: this year's projects and money, and what
is overdue (plan steps, inspections)."""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.dashboard import Todo, dashboard_section, todo_provider
from khuyencong.programmes.models import Project


@dashboard_section("programmes/dashboard.html", order=20)
def programmes_section(user: Any) -> dict[str, Any]:
    from khuyencong.programmes import deadlines, inspections, money, services
    from khuyencong.programmes.access import inspections_for, plans_for, projects_for

    year = timezone.localdate().year
    projects = projects_for(user).filter(year=year)
    return {
        "year": year,
        "status_counts": services.status_counts(projects),
        "money": money.money_total(projects.filter(status__in=services.PLANNED_STATES)),
        "overdue_steps": len(deadlines.overdue_steps(plans_for(user).filter(year__gte=year - 1))),
        "overdue_inspections": inspections.overdue(inspections_for(user)).count(),
    }


# Projects waiting for a role's next step, with what the step is called for them.
WAITING = {
    "officer": [
        (Project.Status.RETURNED, "returned"),
        (Project.Status.DRAFT, "draft"),
        (Project.Status.APPROVED, "approved"),
    ],
    "manager": [
        (Project.Status.SUBMITTED, "submitted"),
        (Project.Status.APPRAISED, "appraised"),
        (Project.Status.ACCEPTED, "accepted"),
    ],
}


def _waiting_text(kind: str, n: int) -> str:
    texts = {
        "returned": _("Projects returned for revision, to revise and submit again: %(n)s"),
        "draft": _("Draft projects to complete and submit: %(n)s"),
        "approved": _("Approved projects to start once the contract is signed: %(n)s"),
        "submitted": _("Projects submitted, to appraise: %(n)s"),
        "appraised": _("Projects appraised, to approve: %(n)s"),
        "accepted": _("Projects accepted, to settle: %(n)s"),
    }
    return texts[kind] % {"n": n}


@todo_provider(order=20)
def programmes_todos(user: Any) -> list[Todo]:
    """Projects waiting for the user's step, plan steps and inspections overdue."""
    from khuyencong.core.roles import Role
    from khuyencong.programmes import deadlines, inspections
    from khuyencong.programmes.access import inspections_for, plans_for, projects_for

    if user.role == Role.PROVINCIAL_OFFICER:
        waiting = WAITING["officer"]
    elif user.role == Role.PROVINCIAL_MANAGER:
        waiting = WAITING["manager"]
    else:
        return []
    year = timezone.localdate().year
    projects = projects_for(user, write=True).filter(year__gte=year - 1)
    counts = dict(
        projects.filter(status__in=[status for status, _kind in waiting])
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    todos = [
        Todo(
            _waiting_text(kind, counts[status]),
            reverse("programmes:project-list") + f"?status={status}",
        )
        for status, kind in waiting
        if counts.get(status)
    ]
    today = timezone.localdate()
    for step in deadlines.overdue_steps(plans_for(user).filter(year__gte=year - 1)):
        todos.append(
            Todo(
                _("Plan %(plan)s: %(step)s") % {"plan": step.plan, "step": step.label},
                reverse("programmes:plan-detail", args=[step.plan.pk]),
                urgent=True,
                due=step.due,
            )
        )
    if user.role == Role.PROVINCIAL_OFFICER:
        late = inspections.overdue(inspections_for(user), today=today).count()
        if late:
            todos.append(
                Todo(
                    _("Overdue inspections of supported establishments: %(n)s") % {"n": late},
                    reverse("programmes:inspection-list") + "?show=overdue",
                    urgent=True,
                )
            )
    return todos
