from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts import services
from khuyencong.accounts.models import Organisation, SecurityEvent, User
from khuyencong.accounts.requests import user_of
from khuyencong.core.roles import Role
from khuyencong.places.models import Commune

# What the account services change and record (accounts.services.update_user); the admin
# saves the other fields (names, groups, permissions) itself.
RECORDED_FIELDS = ("role", "province", "communes", "is_active", "is_staff", "is_superuser")
# The recorded fields kept on the user row itself (``communes`` is a relation).
RECORDED_COLUMNS = ("role", "province", "is_active", "is_staff", "is_superuser")


class UserForm(UserChangeForm):
    """The admin's user form, checked by the account services' rules of places."""

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns cleaned_data (typed ``| None`` for subclasses that don't).
        data = super().clean() or self.cleaned_data
        role = data.get("role", "")
        if role != Role.COLLABORATOR:
            # A user leaving the collaborator role keeps no communes (as in the API).
            data["communes"] = Commune.objects.none()
        try:
            services.check_places(role, data.get("province"), data.get("communes"))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are created and changed through accounts.services, so each creation, change
    of role or places, of staff or superuser status and (de)activation is in the security
    log."""

    form = UserForm
    list_display = ["username", "last_name", "first_name", "role", "province", "is_active"]
    list_filter = ["role", "province", "is_active"]
    list_select_related = ["province"]
    autocomplete_fields = ["communes"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Role and place"),
            {"fields": ("role", "organisation", "province", "communes", "phone")},
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            password = form.cleaned_data.get("password1") or None
            services.create_user(
                actor=user_of(request), user=obj, password=password, request=request
            )
            return
        # The recorded fields are changed by the service, which compares them with what is
        # saved: the form's values go back to the saved ones until it applies them.
        before = User.objects.get(pk=obj.pk)
        for name in RECORDED_COLUMNS:
            setattr(obj, name, getattr(before, name))
        data = {
            name: form.cleaned_data[name]
            for name in RECORDED_FIELDS
            if name in form.changed_data and name in form.cleaned_data
        }
        # The service saves the other fields of the form too (names, e-mail).
        services.update_user(actor=user_of(request), user=obj, data=data, request=request)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, read-only: it records what happened."""

    list_display = ["at", "username", "kind", "ip_address", "actor"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
