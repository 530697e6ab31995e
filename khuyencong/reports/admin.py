"""The indicator catalogue and the records start are reference data, edited here by
administrators. Aggregate values are shown read-only with their history: they change through
the staff pages, the import and the API, which check places and periods."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.reports.models import AggregateValue, Indicator, RecordsSince


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "counting", "by_plan_year", "parent", "plan", "order"]
    list_filter = ["unit", "counting", "in_summary"]
    search_fields = ["code", "name", "name_en"]


@admin.register(RecordsSince)
class RecordsSinceAdmin(SimpleHistoryAdmin):
    list_display = ["province", "since", "note"]
    list_select_related = ["province"]


@admin.register(AggregateValue)
class AggregateValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "unit", "start", "end", "value", "is_declared_total", "province"]
    list_filter = ["unit_kind", "is_declared_total", "indicator"]
    list_select_related = ["indicator", "province"]
    search_fields = ["unit_code", "source_note"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
