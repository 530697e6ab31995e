"""The report deadline is reference data, edited here by administrators. Collaborators,
reports and difficulties are shown read-only (with their history): they change only through
the staff pages and the API, which keep the workflow, scoping and optimistic locking."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.network.models import (
    Collaborator,
    CollaboratorReward,
    CollaboratorTraining,
    Difficulty,
    DifficultyTransition,
    QuarterlyReport,
    ReportDeadline,
    ReportSectorLine,
    ReportTransition,
)


class ReadOnlyMixin:
    """Look, never touch: changes go through ``network.services``."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    list_display = ["province", "days", "legal_basis"]
    list_select_related = ["province"]


class TrainingInline(ReadOnlyMixin, admin.TabularInline):
    model = CollaboratorTraining
    extra = 0
    fields = ["date", "title", "organiser", "created_by"]


class RewardInline(ReadOnlyMixin, admin.TabularInline):
    model = CollaboratorReward
    extra = 0
    fields = ["date", "title", "amount", "decision", "created_by"]


@admin.register(Collaborator)
class CollaboratorAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "province", "position", "appointed_on", "active_until", "user"]
    list_filter = ["province"]
    list_select_related = ["province", "user"]
    search_fields = ["full_name", "phone", "appointment_decision"]
    inlines = [TrainingInline, RewardInline]


class SectorLineInline(ReadOnlyMixin, admin.TabularInline):
    model = ReportSectorLine
    extra = 0


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    """A record's workflow steps, oldest first."""

    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = ["at"]


class ReportTransitionInline(TransitionInline):
    model = ReportTransition


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["collaborator", "province", "year", "quarter", "status", "submitted_at"]
    list_filter = ["status", "year", "quarter", "province"]
    list_select_related = ["collaborator", "province"]
    search_fields = ["collaborator__full_name"]
    inlines = [SectorLineInline, ReportTransitionInline]


class DifficultyTransitionInline(TransitionInline):
    model = DifficultyTransition


@admin.register(Difficulty)
class DifficultyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "topic",
        "status",
        "province",
        "commune",
        "forwarded_to",
        "handler",
        "created_at",
    ]
    list_filter = ["status", "topic", "province"]
    list_select_related = ["province", "commune", "handler"]
    search_fields = ["text", "forwarded_to", "resolution"]
    inlines = [DifficultyTransitionInline]
