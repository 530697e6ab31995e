"""``/account/security/``: what happened to my account, my API tokens, my second factor;
for administrators also every lockout (to lift) and every user's tokens and events."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from knox.models import AuthToken

from khuyencong.accounts import security, tokens, twofactor
from khuyencong.accounts.models import SecurityEvent, User
from khuyencong.accounts.requests import user_of
from khuyencong.core.scoping import is_admin

EVENTS_SHOWN = 50


def _admin_or_404(request: HttpRequest) -> None:
    # Not 403: a page that exists only for administrators does not exist for anyone else.
    if not is_admin(request.user):
        raise Http404


def _page(request: HttpRequest, subject: User, **extra: object) -> HttpResponse:
    context: dict[str, object] = {
        "subject": subject,
        "own": subject.pk == request.user.pk,
        "tokens": tokens.tokens_of(subject),
        "events": security.events_for(subject)[:EVENTS_SHOWN],
        "two_factor_on": twofactor.has_two_factor(subject),
        "two_factor_required": twofactor.required_for(subject),
        "recovery_left": twofactor.recovery_codes_left(subject),
        **extra,
    }
    if context["own"] and is_admin(request.user):
        context["lockouts"] = security.active_lockouts()
        context["recent_events"] = SecurityEvent.objects.select_related("user", "actor")[
            :EVENTS_SHOWN
        ]
    return render(request, "accounts/security.html", context)


@require_GET
@login_required
def security_page(request: HttpRequest) -> HttpResponse:
    return _page(request, user_of(request))


@require_GET
@login_required
def user_security(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_or_404(request)
    subject = get_object_or_404(User, pk=pk)
    return _page(request, subject)


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    token, secret = tokens.issue_token(user_of(request), request=request)
    # Shown once, on this page only: the database keeps a digest.
    return _page(request, user_of(request), new_token=secret, new_token_expiry=token.expiry)


def _token_for(request: HttpRequest, digest: str) -> AuthToken:
    queryset = AuthToken.objects.select_related("user")
    if not is_admin(request.user):
        queryset = queryset.filter(user=request.user)
    return get_object_or_404(queryset, digest=digest)


@require_POST
@login_required
def token_revoke(request: HttpRequest, digest: str) -> HttpResponse:
    token = _token_for(request, digest)
    owner = token.user
    tokens.revoke(token, actor=user_of(request), request=request)
    messages.success(request, _("The API token was revoked; programs using it are refused."))
    if owner.pk == request.user.pk:
        return redirect("accounts:security")
    return redirect("accounts:user-security", pk=owner.pk)


@require_POST
@login_required
def lockout_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_or_404(request)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    security.lift_lockout(attempt, actor=user_of(request), request=request)
    messages.success(
        request,
        _("The lockout of %(username)s from %(address)s was lifted.")
        % {"username": attempt.username, "address": attempt.ip_address},
    )
    return redirect("accounts:security")
