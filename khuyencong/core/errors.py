from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every app's domain error; carries a translated message for the user.

    Views show it as a message; the API answers 400 (``ValidationFailed``) or 409.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(DomainError):
    """Someone saved the record after this form was opened (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This record was changed by someone else after you opened it. "
                "Your changes were not saved: reload the page, check their changes and edit again."
            )
        )
