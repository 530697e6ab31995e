"""The one shape of a workflow's ``transitions`` action in the API (API.md): GET lists the
record's steps, oldest first; POST takes one through the core workflow kernel with the
validated body ``{"action", "note" (or the workflow's name for it), "version", …the data
the step takes}``. Refusals map once (api/exceptions.py): 400 naming the field, 404 out
of scope, 403 for a role that may never, 409 for a step not allowed now or a stale version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db.models import Model
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.viewsets import GenericViewSet

from khuyencong.core.workflow import workflow_for

M = TypeVar("M", bound=Model)

if TYPE_CHECKING:
    _ViewBase = GenericViewSet
else:
    # A mixin of DRF's generic viewsets: typed as one, a plain class at run time.
    _ViewBase = object


def step_rows(obj: Model, *extra: str) -> list[dict[str, Any]]:
    """The record's transition rows, oldest first: who did what, when, why (plus the
    ``extra`` columns a workflow records, e.g. an override's reason)."""
    workflow = workflow_for(obj)
    # Every transition model names its foreign key to the record ``related_name="transitions"``.
    rows = obj.transitions.select_related("actor").order_by("at", "id")  # type: ignore[attr-defined]  # a reverse accessor, unseen on a plain Model
    return [
        {
            "action": row.action,
            "from_status": row.from_status,
            "to_status": row.to_status,
            "actor": row.actor.username if row.actor else None,
            "at": row.at.isoformat(),
            "note": getattr(row, workflow.note_column),
            **{name: getattr(row, name) for name in extra},
        }
        for row in rows
    ]


def take_step(request: Request, obj: M, validated: Mapping[str, Any]) -> M:
    """Take the step the validated body asks for; answer the moved record."""
    data = dict(validated)
    action = data.pop("action")
    expected_version = data.pop("version", None)
    note_field = workflow_for(obj).note_field
    # A workflow that calls its note ``reason`` takes ``note`` too (and ``reason`` first).
    notes = [data.pop(name, "") or "" for name in dict.fromkeys((note_field, "note"))]
    note = next((text for text in notes if text), "")
    return workflow_for(obj).transition(
        obj, action, request.user, note=note, expected_version=expected_version, **data
    )


# The ``transitions`` action of a viewset whose records have a workflow, written once:
# ``GET /…/{id}/transitions/`` lists the steps taken (``step_rows``), ``POST`` validates the
# body with ``transition_serializer`` and takes the step (``take_step``), answering the moved
# record as the viewset reads it (its ``_read``). A viewset declares the serializer, the extra
# columns its transition rows have, and its schema with ``extend_schema_view(transitions=[…])``.
# (A comment, not a docstring: drf-spectacular would describe the viewsets with it.)
class TransitionsMixin(_ViewBase):
    transition_serializer: ClassVar[type[Serializer[Any]]]
    step_columns: ClassVar[tuple[str, ...]] = ()

    def _read(self, obj: Any) -> Any:
        raise NotImplementedError

    def check_step(self, request: Request, obj: Any) -> None:
        """Refuse a step before its body is read (``PermissionDenied``); none by default."""

    @action(detail=True, methods=["get", "post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        if request.method == "GET":
            return Response(step_rows(obj, *self.step_columns))
        self.check_step(request, obj)
        serializer = self.transition_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(self._read(take_step(request, obj, serializer.validated_data)))
