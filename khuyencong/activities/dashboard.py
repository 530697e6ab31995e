"""The activities' section of the overview page: this year's trainees and the share
employed, fair participations and the establishments behind them, showrooms, brands,
consulting revenue and workshops, within the user's scope."""

from typing import Any

from django.utils import timezone

from khuyencong.core.dashboard import dashboard_section


@dashboard_section("activities/dashboard.html", order=25)
def activities_section(user: Any) -> dict[str, Any]:
    from khuyencong.activities.summary import year_summary

    return year_summary(user, timezone.localdate().year)
