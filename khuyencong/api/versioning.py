"""Nothing overwritten (DESIGN.md, History): an edit names the version it was based on.

Every ``PUT`` and ``PATCH`` of a versioned record (``core.models.VersionedModel``) must send
the ``version`` the client read: without it the API answers ``400 {"version": […]}`` once the
record is found (an unknown or out-of-scope one stays a 404), before anything is validated or
changed; with a stale one the service answers ``409``
(``core.locking.lock_current``). The OpenAPI schema marks ``version`` required on those
operations (``api.schema.AutoSchema``). A test walks the router so that no versioned
endpoint escapes (``api/tests/test_versions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

UPDATE_METHODS = ("PUT", "PATCH")


def version_required_message() -> str:
    return str(
        _(
            "The version is required: send the `version` of the record you read, so that a "
            "change saved by someone else in the meantime is not overwritten."
        )
    )


if TYPE_CHECKING:
    _ViewBase = GenericAPIView
else:
    # A mixin of DRF's generic views: typed as one, a plain class at run time.
    _ViewBase = object


class VersionRequiredMixin(_ViewBase):
    """For viewsets of versioned records: a ``PUT`` or ``PATCH`` without ``version`` is a 400."""

    requires_version = True

    def get_object(self) -> Any:
        instance = super().get_object()
        request: Request = self.request
        if request.method in UPDATE_METHODS:
            data = request.data
            value = data.get("version") if isinstance(data, Mapping) else None
            if value is None or value == "":
                raise ValidationError({"version": [version_required_message()]})
        return instance
