"""Turn domain errors into the API's error shapes (API.md, Errors).

- ``400 {"field": ["message"]}`` for invalid input, ``{"detail": "message"}`` when no field;
- ``409 {"detail": "message"}`` for a stale edit or a step that is not allowed now;
- ``404 {"detail": "Not found."}`` (translated) for whatever does not exist or is out of
  scope: Django's ``Http404`` carries an English text naming the model, which DRF would pass on;
- ``409 {"detail": "…"}`` naming what still uses a record that a delete would orphan
  (Django's ``ProtectedError``/``RestrictedError``, caught here once for every endpoint);
- DRF's own answers (400 parse errors, 401, 403, 405) are kept as they are.

Domain code never knows about HTTP: a ``DomainError`` says which field it is about, and a
subclass that means "not now" rather than "bad input" declares ``http_status = 409``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from khuyencong.core.errors import DomainError, StaleEditError, in_use_message

NON_FIELD = "detail"


def domain_error_status(exc: DomainError) -> int:
    """400 for bad input, 409 for a conflict (``ConflictError``), 403 for a forbidden act
    (``ForbiddenError``): the taxonomy of core.errors, mapped here once."""
    if isinstance(exc, StaleEditError) or exc.http_status == 409:
        return status.HTTP_409_CONFLICT
    if exc.http_status == 403:
        return status.HTTP_403_FORBIDDEN
    return status.HTTP_400_BAD_REQUEST


def domain_error_body(exc: DomainError, code: int) -> dict[str, Any]:
    message = str(exc.message)
    if code != status.HTTP_400_BAD_REQUEST or not exc.field:
        body: dict[str, Any] = {NON_FIELD: message}
        # Rules a manager may override (support caps, eligibility) are listed one by one.
        refusals = getattr(exc, "refusals", None)
        if refusals:
            body["refusals"] = [str(r) for r in refusals]
        return body
    return {exc.field: [message]}


def validation_error_body(exc: DjangoValidationError) -> dict[str, Any]:
    """A model-level ``ValidationError`` raised inside a service, in the shape DRF gives a
    serializer's errors (``non_field_errors`` for the whole-object ones)."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): [
                str(m) for m in messages
            ]
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: " ".join(str(m) for m in exc.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response({NON_FIELD: in_use_message(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        code = domain_error_status(exc)
        return Response(domain_error_body(exc, code), status=code)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)
