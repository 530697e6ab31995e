"""The one error taxonomy of the domain (DESIGN.md, "One kernel per concern").

Services raise these; nothing in them knows about HTTP. The API maps them once
(``api/exceptions.py``: 400 naming the field, 409, 403) and pages turn them into a form
error or a message:

- ``DomainError``: bad input (400, on ``field`` when it names one); each app subclasses it
  once (``ProgrammeError``, ``NetworkError``…) so callers can tell whose rule refused;
- ``ConflictError``: not now: the record's state, a concurrent change (409);
  ``WorkflowError`` (a step not allowed from the state or for the actor's role) and
  ``StaleEditError`` (optimistic locking) are the two kinds;
- ``ForbiddenError``: the actor's role may never do this (403); it is a ``PermissionError``
  so callers written before the taxonomy keep catching it;
- not found is Django's ``Http404``: out-of-scope objects answer 404 (core.scoping).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """Base of every app's domain error; carries a translated message for the user.

    Views show it as a message; the API answers 400 (``ValidationFailed``) or, for a
    subclass declaring ``http_status = 409``, 409.
    """

    http_status = 400

    def __init__(self, message: StrOrPromise, *, field: str | None = None) -> None:
        # Translated now, in the language of the request that raised it.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field


class ConflictError(DomainError):
    """Not now: the record's state or a concurrent change refuses it (API: 409)."""

    http_status = 409


class WorkflowError(ConflictError):
    """A workflow step that is not allowed now: wrong state, wrong role, a precondition of
    the step (core.workflow; API: 409)."""


class StaleEditError(ConflictError):
    """Someone saved the record after this form was opened (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This record was changed by someone else after you opened it. "
                "Your changes were not saved: reload the page, check their changes and edit again."
            )
        )


class ForbiddenError(DomainError, PermissionError):
    """The actor's role may never do this, whatever the record's state (API: 403)."""

    http_status = 403


def in_use_message(exc: Exception) -> str:
    """'…it is still used by 2 award rounds, 1 project…': what a delete refused by the database
    (Django's ``ProtectedError``/``RestrictedError``) would have orphaned. The API answers it
    with 409 (api/exceptions.py), pages with a 409 page (core.middleware.InUseMiddleware)."""
    from collections import Counter

    from django.db.models import ProtectedError
    from django.utils.translation import gettext

    objects = getattr(
        exc, "protected_objects" if isinstance(exc, ProtectedError) else "restricted_objects", ()
    )
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for obj in objects:
        meta = obj._meta
        counts[meta.label] += 1
        names[meta.label] = str(meta.verbose_name)
    uses = ", ".join(f"{count} {names[label]}" for label, count in counts.most_common())
    return gettext(
        "This record cannot be deleted: it is still used by %(uses)s. Remove or change those first."
    ) % {"uses": uses}
