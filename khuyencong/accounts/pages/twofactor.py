"""Pages of two-factor authentication: setup, the code at login, recovery codes, turning off
(accounts/twofactor.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.accounts import twofactor
from khuyencong.accounts.models import User
from khuyencong.accounts.requests import user_of
from khuyencong.core.scoping import is_admin


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if twofactor.has_two_factor(user):
        return redirect("accounts:security")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/2fa_recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "code",
            _(
                "The code is wrong or has expired: check the phone's clock and type the code it shows now."
            ),
        )
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_for_typing(device),
            "required": twofactor.required_for(user),
            "next": _next(request),
        },
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(request.user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.throttled(user_of(request)):
            form.add_error(
                "code", _("Too many wrong codes: wait a little, then type the code shown now.")
            )
        elif twofactor.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        else:
            form.add_error("code", _("The code is wrong or has already been used."))
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": _next(request)})


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_two_factor(request.user):
        return redirect("accounts:2fa-setup")
    codes = twofactor.new_recovery_codes(user_of(request))
    return render(
        request,
        "accounts/2fa_recovery_codes.html",
        {"codes": codes, "next": "/account/security/"},
    )


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    if twofactor.required_for(request.user):
        messages.error(request, _("Your role requires two-factor authentication: it stays on."))
        return redirect("accounts:security")
    twofactor.turn_off(user_of(request), actor=user_of(request), request=request)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:security")


@require_POST
@login_required
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator's answer to a lost phone: the user sets a new one up at next login."""
    if not is_admin(request.user):
        raise Http404
    subject = get_object_or_404(User, pk=pk)
    twofactor.turn_off(subject, actor=user_of(request), request=request)
    messages.success(
        request,
        _("Two-factor authentication of %(username)s was reset.") % {"username": subject.username},
    )
    return redirect("accounts:user-security", pk=subject.pk)
