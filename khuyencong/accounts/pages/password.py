"""Password change and reset by e-mail: Django's own views, logged in the security log; a
reset also revokes the account's API tokens (docs/security.md)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _

from khuyencong.accounts.security import Kind, record
from khuyencong.accounts.tokens import revoke_all
from khuyencong.core.ratelimit import allow, client_address


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to an account (no oracle)."""

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allow(
            f"password-reset:{client_address(request)}",
            limit=settings.PASSWORD_RESETS_PER_HOUR,
            window=3600,
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                "email",
                _("Too many reset requests from this address: try again in an hour."),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        for user in form.get_users(form.cleaned_data["email"]):
            record(Kind.PASSWORD_RESET_REQUESTED, request=self.request, user=user)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record(Kind.PASSWORD_RESET, request=self.request, user=user)
        # Whoever held the old password loses what it gave them.
        revoke_all(user, request=self.request)
        AxesProxyHandler.reset_attempts(username=user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        return response
