from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Organisation, SecurityEvent, User


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
