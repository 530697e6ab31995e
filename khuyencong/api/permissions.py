"""Who may call what. Place scoping itself is ``core.scoping``; these only decide the
method-level answer (403) before scoping decides what exists for the caller (404)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from khuyencong.core.scoping import can_write, is_admin


def writes(request: Any) -> bool:
    """Whether the request would change something: a scoped viewset then looks the record up
    among those the caller may change (``<app>.access``, ``write=True``), so one they may
    only read answers 404, like a missing one. Every scoped viewset asks this one question."""
    return request.method not in SAFE_METHODS


class IsAdministrator(BasePermission):
    """Superusers and users with the administrator role."""

    # Read by api.schema to document the 403 answers.
    documents_403 = True
    refuses_reads = True

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_admin(request.user)


class ReadAuthenticatedWriteAdministrator(BasePermission):
    """Reference data (regions): everyone signed in reads, administrators change."""

    documents_403 = True

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or is_admin(request.user)


class WritingRole(BasePermission):
    """Scoped domain data: reads for everyone signed in (the queryset is scoped), writes
    only for roles that may change something somewhere. Read-only roles get 403, not 404."""

    documents_403 = True

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_write(request.user)
