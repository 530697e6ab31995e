from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.places.models import Commune, Province


class Organisation(models.Model):
    """The national agency, a province's Sở Công Thương or khuyến công centre, a commune."""

    class Kind(models.TextChoices):
        NATIONAL_AGENCY = "national_agency", _("National agency")
        DEPARTMENT = "department", _("Department of Industry and Trade (Sở Công Thương)")
        CENTRE = "centre", _("Provincial khuyến công centre")
        COMMUNE = "commune", _("Commune People's Committee")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind != self.Kind.NATIONAL_AGENCY and self.province_id is None:
            raise ValidationError({"province": _("A provincial or commune body needs a province.")})
        if self.kind == self.Kind.COMMUNE and self.commune_id is None:
            raise ValidationError({"commune": _("A commune body needs its commune.")})


class User(AbstractUser):
    """A person with one role, scoped by place (core/scoping.py)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), blank=True, related_name="collaborator_users"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        # Vietnamese order: family name first ("Trần Thị Mai").
        return f"{self.last_name} {self.first_name}".strip()

    def clean(self) -> None:
        super().clean()
        if self.role in PROVINCIAL_ROLES and self.province_id is None:
            raise ValidationError({"province": _("This role needs a province.")})
        if self.role == Role.COLLABORATOR and self.province_id is None:
            raise ValidationError({"province": _("A collaborator needs a province.")})


class SecurityEvent(models.Model):
    """One thing that happened to an account: shown to its owner and to administrators on
    /account/security/ (docs/security.md)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Wrong password")
        LOCKED_OUT = "locked_out", _("Locked out after repeated wrong passwords")
        LOCKOUT_LIFTED = "lockout_lifted", _("Lockout lifted by an administrator")
        TWO_FACTOR_ON = "2fa_on", _("Two-factor authentication turned on")
        TWO_FACTOR_OFF = "2fa_off", _("Two-factor authentication turned off")
        TWO_FACTOR_FAILED = "2fa_failed", _("Wrong verification code")
        RECOVERY_CODE_USED = "recovery_used", _("Recovery code used")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset by e-mail")
        # Recorded by accounts.services: who changed the account, and how.
        USER_CREATED = "user_created", _("Account created")
        ROLE_CHANGED = "role_changed", _("Role or places changed")
        DEACTIVATED = "deactivated", _("Account deactivated")
        REACTIVATED = "reactivated", _("Account reactivated")
        ADMIN_RIGHTS_CHANGED = "admin_rights_changed", _("Staff or superuser status changed")

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # The name typed at the login, kept when it matches no account.
    username = models.CharField(_("username"), max_length=150, blank=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or program"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    # Who did it when it was not the account's owner (an administrator lifting a lockout,
    # revoking a token).
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username}"
