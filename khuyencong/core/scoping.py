"""The one place that decides what a user may see and change.

Every view, form, export, import, search and API endpoint filters through ``scope_queryset``
or fetches through ``get_scoped_or_404`` (healthchecks ``_get_rw_check_for_user``, zulip
``access_stream_by_id``). Scoped models carry a denormalised ``province`` and ``commune``
(DESIGN.md, Places), so every rule is one indexed ``WHERE``.

Rules:
- superuser / administrator: everything, read and write;
- national officer: reads everything, writes nothing;
- auditor: reads within their province (or everything when bound to none), writes nothing;
- provincial manager / officer: read and write within their province;
- commune collaborator: read and write within their own communes;
- anyone else (no role, no place): nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from khuyencong.core.roles import READ_ONLY_ROLES, Role

M = TypeVar("M", bound=Model)

# ``user`` is typed ``Any`` here: it is the request's user, ``accounts.User`` (role,
# province, communes) or an ``AnonymousUser``, and core sits below accounts in the layer
# order, so it cannot name the account model. Every function checks ``is_authenticated``
# before it reads the role.


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def can_write(user: Any) -> bool:
    """Whether the user's role may change domain data at all (somewhere)."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return user.role not in READ_ONLY_ROLES and _has_place(user)


def _has_place(user: Any) -> bool:
    if user.role == Role.COLLABORATOR:
        return True  # their communes are checked in the query
    return user.province_id is not None


def place_filter(
    user: Any,
    *,
    write: bool = False,
    province_field: str = "province",
    commune_field: str = "commune",
) -> Q | None:
    """The ``Q`` restricting a queryset to the user's places; ``None`` means no restriction.

    Raises ``PermissionError`` subclasses never: an empty scope is ``Q(pk__in=[])``.
    """
    nothing = Q(pk__in=[])
    if not user.is_authenticated:
        return nothing
    if is_admin(user):
        return None
    role = user.role
    if write and role in READ_ONLY_ROLES:
        return nothing
    if role == Role.NATIONAL_OFFICER:
        return None
    if role == Role.AUDITOR:
        return None if user.province_id is None else Q(**{f"{province_field}_id": user.province_id})
    if role in (Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_OFFICER):
        if user.province_id is None:
            return nothing
        return Q(**{f"{province_field}_id": user.province_id})
    if role == Role.COLLABORATOR:
        # A subquery, not a list: one query whatever the number of communes.
        return Q(**{f"{commune_field}__in": user.communes.values("pk")})
    return nothing


def sees_everywhere(user: Any) -> bool:
    """Whether nothing restricts what the user reads by place (an administrator, a national
    officer, an auditor bound to no province)."""
    return user.is_authenticated and place_filter(user) is None


def scope_queryset(
    user: Any,
    queryset: QuerySet[M],
    *,
    write: bool = False,
    province_field: str = "province",
    commune_field: str = "commune",
) -> QuerySet[M]:
    condition = place_filter(
        user, write=write, province_field=province_field, commune_field=commune_field
    )
    return queryset if condition is None else queryset.filter(condition)


def get_scoped_or_404(user: Any, queryset: QuerySet[M], *, write: bool = False, **lookup: Any) -> M:
    """Fetch one object the user may see (or change, with ``write=True``), else 404.

    Out-of-scope objects answer exactly like missing ones, so ids of other provinces leak
    nothing.
    """
    try:
        return scope_queryset(user, queryset, write=write).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_write_place(user: Any, *, province_id: str | None, commune_id: str | None) -> bool:
    """Whether the user may create or move a record into this place."""
    if not can_write(user):
        return False
    if is_admin(user):
        return True
    if user.role == Role.COLLABORATOR:
        return commune_id is not None and user.communes.filter(pk=commune_id).exists()
    return province_id is not None and province_id == user.province_id
