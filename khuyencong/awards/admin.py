"""Rounds, entries, score sheets and complaints are shown read-only (with their history):
they change only through the staff pages and the API, which keep the workflow, the scoring
rules, scoping and optimistic locking."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.awards.models import (
    AwardComplaint,
    AwardComplaintTransition,
    AwardEntry,
    AwardRound,
    AwardRoundTransition,
    ScoreSheet,
)


class ReadOnlyMixin:
    """Look, never touch: changes go through ``awards.services`` and ``awards.workflow``."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = AwardRoundTransition
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


class ComplaintTransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = AwardComplaintTransition
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(AwardRound)
class AwardRoundAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "level", "year", "province", "region", "status", "closing_date"]
    list_filter = ["level", "status", "year"]
    list_select_related = ["province", "region"]
    search_fields = ["title", "decision"]
    inlines = [TransitionInline]


@admin.register(AwardEntry)
class AwardEntryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "product_name",
        "establishment",
        "round",
        "average",
        "certified",
        "certificate_number",
        "valid_until",
    ]
    list_filter = ["certified", "round__level", "group"]
    list_select_related = ["establishment", "round"]
    search_fields = ["product_name", "certificate_number", "establishment__name"]
    raw_id_fields = ["establishment", "product", "qualifying_entry"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["entry", "judge", "total", "created_at"]
    list_select_related = ["entry"]
    search_fields = ["judge", "entry__product_name"]


@admin.register(AwardComplaint)
class AwardComplaintAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["complainant", "entry", "received_on", "due_on", "status", "resolved_on"]
    list_filter = ["status"]
    list_select_related = ["entry"]
    inlines = [ComplaintTransitionInline]
