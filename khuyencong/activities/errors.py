"""The activities app's domain error (STYLE.md 3)."""

from __future__ import annotations

from khuyencong.core.errors import DomainError


class ActivityError(DomainError):
    """Invalid input for an activity or one of its rows (API: 400 on ``field``)."""
