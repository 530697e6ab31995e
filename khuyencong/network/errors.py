"""The network app's domain error (STYLE.md 3)."""

from __future__ import annotations

from khuyencong.core.errors import DomainError


class NetworkError(DomainError):
    """Invalid input for a collaborator, a report or a difficulty (API: 400 on ``field``).
    A step or a change not allowed now is core's ``WorkflowError`` (409)."""
