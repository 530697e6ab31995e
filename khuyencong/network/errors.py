"""The network app's domain errors (STYLE.md 3)."""

from __future__ import annotations

from khuyencong.core.errors import DomainError


class NetworkError(DomainError):
    """Invalid input for a collaborator, a report or a difficulty (API: 400 on ``field``)."""


class WorkflowError(DomainError):
    """A step that is not allowed now: wrong state, wrong role (API: 409)."""

    http_status = 409
