"""The awards app's domain errors (STYLE.md 3)."""

from __future__ import annotations

from khuyencong.core.errors import DomainError


class AwardError(DomainError):
    """Invalid input for a round, an entry, a score sheet or a complaint (API: 400 on
    ``field``)."""
