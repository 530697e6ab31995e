"""The registry's section of the overview page."""

from typing import Any

from khuyencong.core.dashboard import dashboard_section
from khuyencong.registry.services import dashboard_counts


@dashboard_section("registry/dashboard.html", order=10)
def registry_section(user: Any) -> dict[str, Any]:
    return dashboard_counts(user)
