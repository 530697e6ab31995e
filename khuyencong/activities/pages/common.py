"""Helpers shared by the activities pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from khuyencong.accounts.requests import user_of
from khuyencong.activities.pages.kinds import KINDS, Kind
from khuyencong.core.errors import DomainError
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Province


def get_or_404(queryset: Any, **lookup: Any) -> Any:
    """One object of an already scoped queryset, else 404 (out of scope looks missing)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def chosen_province(request: HttpRequest) -> Province | None:
    """The province a page is about: a provincial user's own; for national users and
    administrators the one picked with ``?province=`` (none: every province)."""
    user = user_of(request)
    if user.province_id is not None and not is_admin(user):
        return user.province
    code = request.GET.get("province") or request.POST.get("province") or ""
    return Province.objects.filter(pk=code).first() if code else None


def field_error(form: Any, error: DomainError) -> None:
    """A service error on the form field it names (or on the form as a whole)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def nav_context(kind: Kind | None, province: Province | None) -> dict[str, Any]:
    return {"kinds": KINDS, "here": kind.slug if kind else "index", "province": province}
