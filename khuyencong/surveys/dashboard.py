"""The surveys' section of the overview page: this year's needs, how many are planned and
met, and the online applications waiting for the centre."""

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.dashboard import Todo, dashboard_section, todo_provider


@dashboard_section("surveys/dashboard.html", order=30)
def surveys_section(user: Any) -> dict[str, Any]:
    from khuyencong.surveys import access, services
    from khuyencong.surveys.models import Application

    year = timezone.localdate().year
    waiting = access.applications_for(user).aggregate(
        n=Count(
            "pk", filter=Q(status__in=[Application.Status.RECEIVED, Application.Status.IN_REVIEW])
        )
    )["n"]
    return {
        "year": year,
        "share": services.met_share(access.needs_for(user).filter(year=year)),
        "waiting": waiting,
    }


@todo_provider(order=30)
def surveys_todos(user: Any) -> list[Todo]:
    """A collaborator: the surveys open in their province and how many establishments of
    their communes have not answered yet. Provincial staff: online applications to triage."""
    from khuyencong.core.roles import PROVINCIAL_ROLES, Role
    from khuyencong.registry.models import Establishment
    from khuyencong.surveys import access
    from khuyencong.surveys.models import Application

    today = timezone.localdate()
    if user.role == Role.COLLABORATOR:
        todos = []
        communes = list(user.communes.values_list("pk", flat=True))
        campaigns = access.campaigns_for(user).filter(opens_on__lte=today, closes_on__gte=today)
        for campaign in campaigns.annotate(
            answered=Count(
                "responses__establishment",
                filter=Q(responses__commune__in=communes),
                distinct=True,
            )
        ):
            total = Establishment.objects.filter(commune__in=communes).count()
            left = max(total - campaign.answered, 0)
            todos.append(
                Todo(
                    _(
                        "Survey “%(title)s”: establishments of your communes not surveyed yet: "
                        "%(left)s of %(total)s"
                    )
                    % {"title": campaign.title, "left": left, "total": total},
                    reverse("surveys:respond", args=[campaign.pk]),
                    due=campaign.closes_on,
                )
            )
        return todos
    if user.role in PROVINCIAL_ROLES:
        waiting = (
            access.applications_for(user)
            .filter(status__in=[Application.Status.RECEIVED, Application.Status.IN_REVIEW])
            .count()
        )
        if waiting:
            return [
                Todo(
                    _("Online applications waiting for the centre's answer: %(n)s")
                    % {"n": waiting},
                    reverse("surveys:application-list") + "?status=received",
                )
            ]
    return []
