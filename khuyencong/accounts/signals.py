"""Feed the security log from Django's and django-axes' signals."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from khuyencong.accounts.middleware import IdleTimeoutMiddleware
from khuyencong.accounts.models import SecurityEvent, User
from khuyencong.accounts.security import Kind, client_ip, cool_off, record
from khuyencong.core.scoping import is_admin


def _account(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="kc-security-login")
def on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record(Kind.LOGIN, request=request, user=user)
    session = getattr(request, "session", None)
    if session is not None and not request.path.startswith("/api/"):
        # The idle clock starts now (accounts/middleware.py).
        session[IdleTimeoutMiddleware.KEY] = int(time.time())
        if user.is_staff or is_admin(user):
            # Administrators' sessions end when the browser closes.
            session.set_expiry(0)


@receiver(user_login_failed, dispatch_uid="kc-security-login-failed")
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # refused by the lockout: logged once as "locked out", below
    username = credentials.get("username") or ""
    record(Kind.LOGIN_FAILED, request=request, user=_account(username), username=username)


@receiver(user_locked_out, dispatch_uid="kc-security-locked-out")
def on_locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    ip = client_ip(request) if request is not None else None
    # Logged once per lockout, not once per refused attempt.
    latest = (
        SecurityEvent.objects.filter(
            kind=Kind.LOCKED_OUT,
            username=username or "",
            detail=ip or "",
            at__gte=timezone.now() - cool_off(),
        )
        .values_list("at", flat=True)
        .first()
    )
    lifted_since = (
        latest is not None
        and SecurityEvent.objects.filter(
            kind=Kind.LOCKOUT_LIFTED, username=username or "", at__gte=latest
        ).exists()
    )
    if latest is None or lifted_since:
        record(
            Kind.LOCKED_OUT,
            request=request,
            user=_account(username),
            username=username or "",
            detail=ip or "",
        )
