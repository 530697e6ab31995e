"""Accounts: every change of a user's account goes through a ``verb_noun`` function taking
``actor=`` (STYLE.md 2), used alike by the Django admin and ``/api/v1/users/``, and each is
recorded in the security log (``SecurityEvent``, shown on /account/security/):

- ``create_user``: a new account, its role and places (``USER_CREATED``);
- ``change_role``: another role, province or communes (``ROLE_CHANGED``, old → new);
- ``deactivate_user`` / ``reactivate_user``: the account stops (its API tokens are revoked,
  its sessions are refused) or works again (``DEACTIVATED`` / ``REACTIVATED``);
- ``change_admin_rights``: the staff status (the Django admin) or the superuser status
  (every permission) given or taken (``ADMIN_RIGHTS_CHANGED``, old → new);
- ``update_user``: an edit of several fields at once, calling the above for what changed.

The rules of a role's places are ``check_places``': a provincial role or a collaborator
needs a province; a collaborator at least one commune, all in that province; nobody else
has communes. Refusals are Django ``ValidationError``s naming their field (several
messages for one field at once), which the admin shows on its form and the API answers
400 with (api/exceptions.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.security import Kind, record
from khuyencong.accounts.tokens import revoke_all
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.places.models import Commune, Province

# The fields ``update_user`` changes besides the role, places, activity and password.
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "phone", "organisation")


def check_places(
    role: str, province: Province | None, communes: Iterable[Commune] | None
) -> list[Commune]:
    """The communes the role keeps (none unless a collaborator), or ``ValidationError`` on
    ``province`` or ``communes``."""
    if (role in PROVINCIAL_ROLES or role == Role.COLLABORATOR) and province is None:
        raise ValidationError({"province": [_("This role needs a province.")]})
    chosen = list(communes or [])
    if role != Role.COLLABORATOR:
        if chosen:
            raise ValidationError(
                {"communes": [_("Only commune collaborators are bound to communes.")]}
            )
        return []
    if not chosen:
        raise ValidationError({"communes": [_("A collaborator needs at least one commune.")]})
    assert province is not None  # a collaborator's province was required above
    outside = [c.code for c in chosen if c.province_id != province.pk]
    if outside:
        raise ValidationError(
            {
                "communes": [
                    _("Commune %(code)s is not in province %(province)s.")
                    % {"code": code, "province": province.pk}
                    for code in outside
                ]
            }
        )
    return chosen


def check_password(password: str, user: User) -> None:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS), as errors on ``password``."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc


def _places_text(user: User, communes: Iterable[Commune]) -> str:
    """'provincial_officer, 66' or 'collaborator, 66: 24100 24200': what the log keeps."""
    text = user.role or "-"
    if user.province_id:
        text += f", {user.province_id}"
    codes = sorted(c.code for c in communes)
    if codes:
        text += ": " + " ".join(codes)
    return text


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    user: User,
    password: str | None,
    communes: Iterable[Commune] | None = None,
    request: Any = None,
) -> User:
    """Save ``user`` (a new, unsaved account with its role and fields set) with its
    password and communes. Without a password (the admin may create one so) nobody can log
    in as the user until it is set or reset by e-mail."""
    kept = check_places(user.role, user.province, communes)
    if password:
        check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.communes.set(kept)
    record(
        Kind.USER_CREATED,
        request=request,
        user=user,
        detail=_places_text(user, kept),
        actor=actor,
    )
    return user


@transaction.atomic
def change_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    province: Province | None,
    communes: Iterable[Commune] | None = None,
    request: Any = None,
) -> User:
    """Give the user another role, province or communes; a user leaving the collaborator
    role keeps no communes. Nothing is recorded when nothing changes."""
    kept = check_places(role, province, communes)
    before = _places_text(user, user.communes.all())
    user.role = role
    user.province = province
    user.save(update_fields=["role", "province"])
    user.communes.set(kept)
    after = _places_text(user, kept)
    if after != before:
        record(
            Kind.ROLE_CHANGED,
            request=request,
            user=user,
            detail=f"{before} → {after}",
            actor=actor,
        )
    return user


def _rights_text(user: User) -> str:
    """'staff, superuser', 'staff' or '-': the administration rights the log keeps."""
    rights = [
        name for name, on in (("staff", user.is_staff), ("superuser", user.is_superuser)) if on
    ]
    return ", ".join(rights) or "-"


@transaction.atomic
def change_admin_rights(
    *,
    actor: User | None,
    user: User,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    request: Any = None,
) -> User:
    """Give or take the staff status or the superuser status (None: unchanged). Nothing is
    recorded when nothing changes."""
    before = _rights_text(user)
    if is_staff is not None:
        user.is_staff = bool(is_staff)
    if is_superuser is not None:
        user.is_superuser = bool(is_superuser)
    after = _rights_text(user)
    if after != before:
        user.save(update_fields=["is_staff", "is_superuser"])
        record(
            Kind.ADMIN_RIGHTS_CHANGED,
            request=request,
            user=user,
            detail=f"{before} → {after}",
            actor=actor,
        )
    return user


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User, request: Any = None) -> User:
    """Stop the account: its logins and sessions are refused (Django refuses an inactive
    user), and its API tokens are revoked. The account and its history stay."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(Kind.DEACTIVATED, request=request, user=user, actor=actor)
    # A deactivation ends the sessions of scripts, too.
    revoke_all(user, actor=actor, request=request)
    return user


@transaction.atomic
def reactivate_user(*, actor: User | None, user: User, request: Any = None) -> User:
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(Kind.REACTIVATED, request=request, user=user, actor=actor)
    return user


@transaction.atomic
def update_user(
    *,
    actor: User | None,
    user: User,
    data: Mapping[str, Any],
    request: Any = None,
) -> User:
    """Apply an edit of several fields (the API's PATCH, the admin's form): the profile
    fields, then ``role``/``province``/``communes`` through ``change_role``, ``password``
    (its rules checked; the user's API tokens revoked), ``is_active`` through
    ``deactivate_user``/``reactivate_user`` and ``is_staff``/``is_superuser`` through
    ``change_admin_rights``. Everything is checked before anything is saved."""
    role = data.get("role", user.role)
    province = data.get("province", user.province)
    places_given = any(name in data for name in ("role", "province", "communes"))
    if "communes" in data:
        communes = data["communes"]
    elif role == Role.COLLABORATOR:
        communes = list(user.communes.all())
    else:
        # A user leaving the collaborator role keeps no communes.
        communes = []
    check_places(role, province, communes)
    password = data.get("password")
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    if password:
        check_password(password, user)
        user.set_password(password)
    user.save()
    if places_given:
        change_role(
            actor=actor,
            user=user,
            role=role,
            province=province,
            communes=communes,
            request=request,
        )
    if "is_staff" in data or "is_superuser" in data:
        change_admin_rights(
            actor=actor,
            user=user,
            is_staff=data.get("is_staff"),
            is_superuser=data.get("is_superuser"),
            request=request,
        )
    if "is_active" in data and not data["is_active"]:
        deactivate_user(actor=actor, user=user, request=request)
    elif "is_active" in data:
        reactivate_user(actor=actor, user=user, request=request)
    if password:
        # A new password ends the sessions of scripts, too.
        revoke_all(user, actor=actor, request=request)
    return user
