"""Reference data of programmes, edited by administrators (DOMAIN.md: legal figures are
data with an effective date and a legal basis). Projects, plans and money are changed only
through the staff pages and the API, which keep the workflow, scoping and locking."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.programmes.models import (
    ActivityCategory,
    ActivitySubtype,
    Indicator,
    InspectionRule,
    PlanDeadline,
    PriorityCriterion,
    PrioritySector,
    Programme,
    ProgrammeTarget,
    Project,
    SupportCap,
)


class SubtypeInline(admin.TabularInline):
    model = ActivitySubtype
    extra = 0


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "advance_percent", "legal_basis", "active"]
    inlines = [SubtypeInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "ordering"]


@admin.register(SupportCap)
class SupportCapAdmin(SimpleHistoryAdmin):
    list_display = [
        "category",
        "subtype",
        "funding_level",
        "province",
        "valid_from",
        "valid_until",
        "max_share",
        "max_amount",
        "per_beneficiary",
        "priority_multiplier",
        "legal_basis",
        "needs_verification",
    ]
    list_filter = ["funding_level", "category", "province", "needs_verification"]
    list_select_related = ["category", "subtype", "province"]


@admin.register(PlanDeadline)
class PlanDeadlineAdmin(admin.ModelAdmin):
    list_display = [
        "step",
        "funding_level",
        "province",
        "day",
        "month",
        "year_offset",
        "legal_basis",
    ]
    list_filter = ["funding_level", "province"]


@admin.register(InspectionRule)
class InspectionRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "subtype", "months_after_acceptance", "active", "note"]


@admin.register(PriorityCriterion)
class PriorityCriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "points", "active", "legal_basis"]


@admin.register(PrioritySector)
class PrioritySectorAdmin(SimpleHistoryAdmin):
    list_display = ["province", "sector", "first_year", "last_year", "legal_basis"]
    list_filter = ["province"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    """Read-only: projects change through their workflow."""

    list_display = ["code", "title", "province", "year", "funding_level", "status"]
    list_filter = ["status", "funding_level", "year", "province"]
    search_fields = ["code", "title"]
    list_select_related = ["province"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 1


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    """National programmes are recorded here by administrators (the API's
    ``/api/v1/programmes/`` does the same with the same rules)."""

    list_display = [
        "code",
        "name",
        "level",
        "province",
        "start_year",
        "end_year",
        "decision_number",
    ]
    list_filter = ["level", "province"]
    inlines = [TargetInline]
