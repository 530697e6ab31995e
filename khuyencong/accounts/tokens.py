"""API tokens (django-rest-knox): stored as a SHA-512 digest, with an expiry
(``REST_KNOX["TOKEN_TTL"]``), revocable one by one; listed on /account/security/."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken

from khuyencong.accounts.models import User
from khuyencong.accounts.security import Kind, record


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's authentication, without its sweep of the user's other tokens on every call
    (one query per call, as before; expired tokens are refused, and deleted when listed)."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def issue_token(
    user: User, *, request: Any = None, actor: User | None = None
) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored row and the secret, shown once."""
    instance, secret = AuthToken.objects.create(user=user)
    record(
        Kind.TOKEN_CREATED,
        request=request,
        user=user,
        detail=instance.token_key[:8],
        actor=actor if actor is not None and actor != user else None,
    )
    return instance, secret


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's live tokens, newest first; expired ones are deleted on the way."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.filter(user=user).order_by("-created")


def revoke(token: AuthToken, *, actor: User, request: Any = None) -> None:
    owner = token.user
    key = token.token_key[:8]
    token.delete()
    record(
        Kind.TOKEN_REVOKED,
        request=request,
        user=owner,
        detail=key,
        actor=actor if actor != owner else None,
    )


def revoke_all(user: User, *, actor: User | None = None, request: Any = None) -> int:
    count, _ = AuthToken.objects.filter(user=user).delete()
    if count:
        record(
            Kind.TOKEN_REVOKED,
            request=request,
            user=user,
            detail=f"×{count}",
            actor=actor if actor is not None and actor != user else None,
        )
    return count
