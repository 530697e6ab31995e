"""``POST /api/v1/auth/token/``: a token for a username and password (API.md, Auth).

Each call gives a new token (django-rest-knox: only its digest is stored), valid for
``REST_KNOX["TOKEN_TTL"]`` and revocable on /account/security/. Wrong passwords count
towards the same lockout as the login page: 429 with ``Retry-After`` (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from khuyencong.accounts import twofactor
from khuyencong.accounts.security import Kind, lockout_response, record
from khuyencong.accounts.tokens import issue_token
from khuyencong.api.parsers import PARSERS
from khuyencong.api.schema import AutoSchema


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        max_length=32,
        required=False,
        help_text=(
            "For an account with two-factor authentication: the code its app shows now, or "
            "one of its recovery codes."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expiry = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the token stops working."
    )


class LockedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ObtainTokenView(APIView):
    """A new token for an active user with the right password."""

    # No session authentication here: a script posting credentials needs no CSRF token.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = PARSERS
    schema = AutoSchema()

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            429: OpenApiResponse(
                LockedOutSerializer,
                description="Too many wrong passwords: wait for Retry-After seconds.",
            ),
        },
        description=(
            "Exchange a username and password for a token; send it as "
            "`Authorization: Token <token>`. Each call gives a new token, valid until "
            "`expiry` or until it is revoked. An account with two-factor authentication "
            "also sends `otp_token`. Wrong credentials answer 400; repeated "
            "wrong passwords lock the username from this address out (429, Retry-After)."
        ),
        auth=[],
    )
    def post(self, request: Request) -> Response | HttpResponse:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it.
        http_request = request._request
        user = authenticate(
            http_request, username=username, password=serializer.validated_data["password"]
        )
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request, None, {"username": username})
        if user is None:
            raise ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("Unable to log in with provided credentials.")
                    ]
                }
            )
        self._second_factor(user, serializer.validated_data.get("otp_token", ""))
        # As a login: resets the failure count (django-axes), logs it, sets last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        token, secret = issue_token(user, request=http_request)
        return Response(TokenSerializer({"token": secret, "expiry": token.expiry}).data)

    @staticmethod
    def _second_factor(user: Any, code: str) -> None:
        """A token is worth a login: an account with two-factor authentication sends its
        code; a role that requires it gets no token before it is set up on the site."""
        if twofactor.has_two_factor(user):
            if not code:
                raise ValidationError(
                    {
                        "otp_token": [
                            _(
                                "This account uses two-factor authentication: send the code of its app."
                            )
                        ]
                    }
                )
            if not twofactor.code_for_api(user, code):
                record(Kind.TWO_FACTOR_FAILED, user=user)
                raise ValidationError(
                    {"otp_token": [_("The code is wrong or has already been used.")]}
                )
        elif twofactor.required_for(user):
            raise ValidationError(
                {
                    "otp_token": [
                        _(
                            "Your role requires two-factor authentication: set it up on the website (Account security) first."
                        )
                    ]
                }
            )
