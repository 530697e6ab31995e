"""The awards' section of the overview page: rounds open or being scored, products certified
this year, complaints past their deadline (in the user's scope)."""

from typing import Any

from django.utils import timezone

from khuyencong.core.dashboard import dashboard_section


@dashboard_section("awards/dashboard.html", order=50)
def awards_section(user: Any) -> dict[str, Any]:
    from khuyencong.awards import services

    return services.overview(user, timezone.localdate().year)
