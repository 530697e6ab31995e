from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.places.models import (
    Commune,
    CommuneMapping,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
    Region,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Loaded from the dataset by ``load_places``; never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name", "search_name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["province"]


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "successor"]
    list_filter = ["successor"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["successor"]


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


class SuccessorInline(admin.TabularInline):
    """The 2025 communes an old commune went into (the official mapping, loaded)."""

    model = CommuneMapping
    fields = ["commune", "is_default"]
    readonly_fields = ["commune", "is_default"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commune__province")


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "district", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["district__province", "province"]
    inlines = [SuccessorInline]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["provinces"]
