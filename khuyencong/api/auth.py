"""``POST /api/v1/auth/token/``: a token for a username and password (API.md, Auth)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.api.parsers import PARSERS
from khuyencong.api.schema import AutoSchema


class ObtainTokenView(APIView):
    """The token of an active user; the same token until it is revoked."""

    # No session authentication here: a script posting credentials needs no CSRF token.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = PARSERS
    schema = AutoSchema()

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=AuthTokenSerializer,
        responses={200: AuthTokenSerializer},
        description=(
            "Exchange a username and password for a token; send it as "
            "`Authorization: Token <token>`. Wrong credentials answer 400."
        ),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
