"""Small helpers for the API's serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def related_field(
    serializer: serializers.BaseSerializer[Any], name: str
) -> serializers.RelatedField[Any, Any, Any]:
    """The serializer's related field ``name``, whose queryset a view narrows to the caller's
    scope (``serializer.fields`` is typed as plain fields, which have no queryset)."""
    field = serializer.fields[name]  # type: ignore[attr-defined]  # every Serializer has fields
    if not isinstance(field, serializers.RelatedField):
        raise TypeError(f"{name} is not a related field")
    return field
