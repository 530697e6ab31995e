"""The programmes app's domain errors (STYLE.md 3)."""

from __future__ import annotations

from typing import Any

from khuyencong.core.errors import DomainError, WorkflowError


class ProgrammeError(DomainError):
    """Invalid input for a programme, plan or project (API: 400 on ``field``). A step or a
    change not allowed now is core's ``WorkflowError`` (409)."""


class RulesRefused(WorkflowError):
    """A support cap or an eligibility rule refuses the step; a manager may override it
    with a reason. ``refusals`` lists the explanations (API: 409 with them)."""

    def __init__(self, message: str, refusals: list[str], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.refusals = refusals
