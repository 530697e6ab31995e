from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.places.models import (
    Commune,
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
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["successor"]


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "district", "province"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["district__province", "province"]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["provinces"]
