"""Roles. Kept in core so that scoping (core/scoping.py) can reason about them without
importing the accounts app, which sits above core."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    NATIONAL_OFFICER = "national_officer", _("National officer")
    PROVINCIAL_MANAGER = "provincial_manager", _("Provincial manager")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    COLLABORATOR = "collaborator", _("Commune collaborator")
    AUDITOR = "auditor", _("Auditor")


# Roles that never change domain data, whatever their place.
READ_ONLY_ROLES = frozenset({Role.NATIONAL_OFFICER, Role.AUDITOR})
# Roles bound to one province.
PROVINCIAL_ROLES = frozenset({Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_OFFICER})
