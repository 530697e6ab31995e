"""The surveys app's domain error (STYLE.md 3); a step not allowed now is core's
``WorkflowError`` (API: 409)."""

from __future__ import annotations

from khuyencong.core.errors import DomainError


class SurveyError(DomainError):
    """Invalid input for a campaign, a response, a need or an application (API: 400)."""
