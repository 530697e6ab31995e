"""Two-factor authentication (django-otp): a TOTP app on the phone, ten recovery codes.

Required (``REQUIRE_2FA``, on by default) for administrators, provincial managers and
national officers: after the password they must set it up before anything else; optional
for everyone else. Once set up, every login asks for a code (``TwoFactorMiddleware``).
"""

from __future__ import annotations

import re
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from khuyencong.accounts.models import User
from khuyencong.accounts.security import Kind, record
from khuyencong.core.roles import Role

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.PROVINCIAL_MANAGER, Role.NATIONAL_OFFICER})
RECOVERY_CODES = 10


def required_for(user: Any) -> bool:
    """Whether this account may not be used without a second factor."""
    return bool(
        settings.REQUIRE_2FA
        and user.is_authenticated
        and (user.is_superuser or user.role in REQUIRED_ROLES)
    )


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verified_in_session(request: Any) -> bool:
    """Whether this session passed the second factor (django-otp's middleware decides).

    The test suite's conftest replaces this to mark its users verified; the tests of
    two-factor authentication itself use the real one (``@pytest.mark.two_factor``)."""
    return bool(request.user.is_verified())


def pending_step(request: Any) -> str | None:
    """``"verify"`` (a code is due), ``"setup"`` (the role requires 2FA and none is set up)
    or ``None`` (nothing stands between this session and the site)."""
    user = request.user
    if not user.is_authenticated or verified_in_session(request):
        return None
    if has_two_factor(user):
        return "verify"
    if required_for(user):
        return "setup"
    return None


# --- setting up ------------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the setup page shows (the same one until it is
    confirmed, so reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, drawn on the server."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps where the QR code cannot be read."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned once to be shown."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def confirm(request: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn the device on if ``code`` is right: mark this session verified, log it, and
    return the new recovery codes; ``None`` when the code is wrong."""
    if not device.verify_token(normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    record(Kind.TWO_FACTOR_ON, request=request, user=device.user)
    return new_recovery_codes(device.user)


def verify(request: Any, code: str) -> bool:
    """Check a code from the app, else a recovery code (used up); on success this session is
    verified."""
    user = request.user
    token = normalise(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        with transaction.atomic():
            if device.verify_token(token):
                otp_login(request, device)
                return True
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        with transaction.atomic():
            if device.verify_token(token):
                otp_login(request, device)
                record(
                    Kind.RECOVERY_CODE_USED,
                    request=request,
                    user=user,
                    detail=str(recovery_codes_left(user)),
                )
                return True
    record(Kind.TWO_FACTOR_FAILED, request=request, user=user)
    return False


def throttled(user: User) -> bool:
    """Whether django-otp's throttling refuses codes right now (too many wrong ones)."""
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


def code_for_api(user: User, code: str) -> bool:
    """A code sent with the password to the token endpoint (no session to mark)."""
    token = normalise(code)
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            with transaction.atomic():
                if device.verify_token(token):
                    return True
    return False


@transaction.atomic
def turn_off(user: User, *, actor: User, request: Any = None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        Kind.TWO_FACTOR_OFF,
        request=request,
        user=user,
        actor=actor if actor.pk != user.pk else None,
    )
