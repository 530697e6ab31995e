"""The surveys' section of the overview page: this year's needs, how many are planned and
met, and the online applications waiting for the centre."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from khuyencong.core.dashboard import dashboard_section


@dashboard_section("surveys/dashboard.html", order=30)
def surveys_section(user: Any) -> dict[str, Any]:
    from khuyencong.surveys import services
    from khuyencong.surveys.models import Application

    year = timezone.localdate().year
    waiting = services.applications_for(user).aggregate(
        n=Count(
            "pk", filter=Q(status__in=[Application.Status.RECEIVED, Application.Status.IN_REVIEW])
        )
    )["n"]
    return {
        "year": year,
        "share": services.met_share(services.needs_for(user).filter(year=year)),
        "waiting": waiting,
    }
