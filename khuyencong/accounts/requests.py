"""The request's user, typed as the account model.

Django and DRF type ``request.user`` as ``User | AnonymousUser``. Behind a login check
(``login_required``, the API's ``IsAuthenticated``) it is always a ``User``; ``user_of``
says so to the type checker, and refuses the request (403) in the case that cannot happen,
so a missing check never serves an anonymous caller.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from khuyencong.accounts.models import User


def user_of(request: HttpRequest | Request) -> User:
    """The logged-in user of a request that passed a login check."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
