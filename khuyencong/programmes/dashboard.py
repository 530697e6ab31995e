"""The programmes' section of the overview page: this year's projects and money, and what
is overdue (plan steps, inspections)."""

from typing import Any

from django.utils import timezone

from khuyencong.core.dashboard import dashboard_section


@dashboard_section("programmes/dashboard.html", order=20)
def programmes_section(user: Any) -> dict[str, Any]:
    from khuyencong.programmes import deadlines, inspections, money, services
    from khuyencong.programmes.workflow import projects_for

    year = timezone.localdate().year
    projects = projects_for(user).filter(year=year)
    return {
        "year": year,
        "status_counts": services.status_counts(projects),
        "money": money.money_total(projects.filter(status__in=services.PLANNED_STATES)),
        "overdue_steps": len(
            deadlines.overdue_steps(services.plans_for(user).filter(year__gte=year - 1))
        ),
        "overdue_inspections": inspections.overdue(inspections.inspections_for(user)).count(),
    }
