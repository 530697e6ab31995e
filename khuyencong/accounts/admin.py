from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "province", "is_active"]
    list_filter = ["role", "province", "is_active"]
    list_select_related = ["province"]
    autocomplete_fields = ["communes"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and place"),
            {"fields": ("role", "organisation", "province", "communes", "phone")},
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
