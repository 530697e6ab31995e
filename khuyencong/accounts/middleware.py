"""Between the password and the site: a code when the account has two-factor authentication,
its setup when the role requires it (accounts/twofactor.py)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyencong.accounts import twofactor

# What a session half-way through the login may still reach.
OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/public/", "/healthz/", "/login/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = twofactor.pending_step(request)
        if step is None or self._open(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # A browser session calling the API; scripts use tokens and never get here.
            return JsonResponse(
                {"detail": _("Two-factor authentication is needed first (Account security).")},
                status=403,
            )
        target = reverse("accounts:2fa-verify" if step == "verify" else "accounts:2fa-setup")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path
        if path.startswith(OPEN_PREFIXES):
            return True
        return path in {
            reverse("logout"),
            reverse("accounts:2fa-verify"),
            reverse("accounts:2fa-setup"),
        }


class IdleTimeoutMiddleware:
    """Log out a session left idle for ``SESSION_IDLE_MINUTES`` (the cookie's own age,
    ``SESSION_COOKIE_AGE``, bounds it from its start). The last activity is written at most
    once a minute, not on every request."""

    KEY = "kc_last_seen"

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("You were logged out after a period without activity."))
                return HttpResponseRedirect(
                    f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if last is None or now - int(last) >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)
