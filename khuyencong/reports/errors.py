"""The reports app's domain errors (core/errors.py maps them to HTTP once)."""

from __future__ import annotations

from khuyencong.core.errors import ConflictError, DomainError


class SubmissionError(DomainError):
    """Invalid input for a submission (API: 400 on ``field``)."""


class SubmissionConflict(ConflictError):
    """Someone submitted the same period at the same moment, or the period's report is
    already accepted (API: 409)."""
