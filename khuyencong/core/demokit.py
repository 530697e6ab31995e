"""Shared pieces of the demo data set (see core/management/commands/seed_demo.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "khuyencong"  # noqa: S105  (demo data on a developer's machine only)
DEMO_MARKER_USERNAME = "admin"


@dataclass
class DemoContext:
    """What one app's demo hands on to the next ones (provinces, users, establishments)."""

    rng: random.Random
    stdout: Any = None
    provinces: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    establishments: list[Any] = field(default_factory=list)

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def demo_present() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=DEMO_MARKER_USERNAME).exists()


DEMO_EMAIL_DOMAIN = "demo.khuyencong.local"


def demo_logins() -> list[tuple[str, str]]:
    """(username, role and place) of every demo user, administrators first."""
    from django.contrib.auth import get_user_model

    from khuyencong.core.roles import Role

    order = {role: index for index, role in enumerate(Role.values)}
    users = (
        get_user_model()
        .objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .select_related("province")
    )
    rows = sorted(users, key=lambda u: (order.get(u.role, 99), u.province_id or "", u.username))
    return [
        (u.username, f"{u.get_role_display()}{', ' + u.province.short_name if u.province else ''}")
        for u in rows
    ]
