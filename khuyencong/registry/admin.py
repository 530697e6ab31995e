from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.registry.models import CraftVillage, EligibilityRule, Establishment, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "legal_basis"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "effective_from", "legal_basis", "needs_verification"]


@admin.register(CraftVillage)
class CraftVillageAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "province", "craft", "recognised_year"]
    list_filter = ["province"]
    search_fields = ["name", "craft"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune__province", "province"]


@admin.register(Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin):
    """Read-only here: changes go through the registry pages and services, which keep
    scoping, duplicate checks and optimistic locking."""

    list_display = ["name", "kind", "commune", "province", "status"]
    list_filter = ["kind", "status", "sector", "province"]
    search_fields = ["name", "search_name", "tax_code"]
    list_select_related = ["commune__province", "province"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
