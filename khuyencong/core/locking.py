"""Optimistic locking for edits (DESIGN.md, History): a stale edit is refused, never applied."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet

from khuyencong.core.errors import StaleEditError
from khuyencong.core.models import VersionedModel

V = TypeVar("V", bound=VersionedModel)


def lock_current(queryset: QuerySet[V], pk: int, expected_version: int | None) -> V:
    """Inside ``transaction.atomic``: lock the row and check the editor saw its last version.

    ``expected_version=None`` means the caller has no version to compare (e.g. an API PATCH
    without ``version``): the write goes ahead under the row lock.
    """
    current = queryset.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError()
    return current
