"""The province a page is about (used by the network and activities pages)."""

from __future__ import annotations

from django.http import HttpRequest

from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Province


def chosen_province(request: HttpRequest) -> Province | None:
    """A provincial user's own province; for national users and administrators the one
    picked with ``?province=`` (none: every province, the national overview)."""
    user = request.user
    province_id = getattr(user, "province_id", None)
    if province_id is not None and not is_admin(user):
        # The user's own (already loaded with the user): no query. ``user`` is typed as the
        # request's user, which may be anonymous; one with a province_id is an account.
        province: Province | None = getattr(user, "province", None)
        return province
    code = request.GET.get("province") or request.POST.get("province") or ""
    return Province.objects.filter(pk=code).first() if code else None
