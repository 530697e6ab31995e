"""Account security: the login lockout's answers, the security event log, lockouts that an
administrator may lift (docs/security.md).

The counting itself is django-axes': its backend refuses a locked-out username and address
before any password is checked, and its middleware hands the refusal to
``lockout_response`` below.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import SecurityEvent, User
from khuyencong.core.ratelimit import client_address

Kind = SecurityEvent.Kind


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts failures by: the same one as every other rate limit
    (``TRUSTED_PROXY_COUNT`` decides how far ``X-Forwarded-For`` is believed), or None when
    the request carries none (axes stores it in an address column, which PostgreSQL checks)."""
    return _ip_or_none(client_address(request))


def _ip_or_none(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def record(
    kind: str,
    *,
    request: Any = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
    actor: User | None = None,
) -> SecurityEvent:
    """Write one line of the security log."""
    meta = getattr(request, "META", {}) if request is not None else {}
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=_ip_or_none(client_ip(request)) if request is not None else None,
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:255],
        detail=detail[:255],
        actor=actor,
    )


def events_for(user: User) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.filter(user=user).select_related("actor")


# --- Lockouts -----------------------------------------------------------------------------


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def active_lockouts() -> QuerySet[AccessAttempt]:
    """Username-and-address pairs refused right now, newest first."""
    since = timezone.now() - cool_off()
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def retry_after_seconds(username: str | None, ip_address: str | None) -> int:
    """Seconds until the lockout of this username and address ends (at least 1)."""
    last: datetime | None = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return max(1, int(cool_off().total_seconds()))
    remaining = (last + cool_off() - timezone.now()).total_seconds()
    return max(1, math.ceil(remaining))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Too many wrong passwords for this account from this address. Try again in "
        "%(minutes)s minutes, or ask an administrator to lift the lockout."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    """The 429 answer of a locked-out login (django-axes' AXES_LOCKOUT_CALLABLE): JSON on the
    API, a page in the request's language elsewhere; both carry Retry-After."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    seconds = retry_after_seconds(username, client_ip(request))
    message = lockout_message(seconds)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"message": message, "minutes": max(1, math.ceil(seconds / 60))},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


def lift_lockout(attempt: AccessAttempt, *, actor: User, request: Any = None) -> None:
    """Forget the failures of this username and address (an administrator's decision)."""
    AxesProxyHandler.reset_attempts(username=attempt.username, ip_address=attempt.ip_address)
    record(
        Kind.LOCKOUT_LIFTED,
        request=request,
        user=User.objects.filter(username=attempt.username).first(),
        username=attempt.username or "",
        detail=attempt.ip_address or "",
        actor=actor,
    )
