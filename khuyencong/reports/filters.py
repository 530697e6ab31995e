"""The filters of the reports' staff lists (aggregate values, submitted reports), read from
the query string by ``core.pages.list_page``."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import CheckboxFilter, IntegerFilter, ShownByChoiceFilter
from khuyencong.places.models import Province
from khuyencong.reports.models import AggregateValue, Indicator, ReportSubmission, UnitKind


class AggregateFilter(django_filters.FilterSet):
    # People pick an indicator by its name; its code is for files and the API.
    indicator = ShownByChoiceFilter(
        label=_("Indicator"),
        queryset=Indicator.objects.order_by("order", "code"),
        to_field_name="code",
        shown_by="label",
    )
    unit_kind = django_filters.ChoiceFilter(
        label=_("Kind of place"), choices=UnitKind.choices, empty_label="—"
    )
    unit_code = django_filters.CharFilter(label=_("Place code"), max_length=5)
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.order_by("name")
    )
    year = IntegerFilter(label=_("Year"), min_value=1990, max_value=2100, method="filter_year")
    declared = CheckboxFilter(label=_("Declared totals only"), field_name="is_declared_total")

    class Meta:
        model = AggregateValue
        fields = ["indicator", "unit_kind", "unit_code", "province", "year", "declared"]

    def filter_year(
        self, queryset: QuerySet[AggregateValue], name: str, value: int
    ) -> QuerySet[AggregateValue]:
        """Values of a period that overlaps the year."""
        return queryset.filter(start__year__lte=value, end__year__gte=value)


class SubmissionFilter(django_filters.FilterSet):
    # Dropped for a user bound to one province.
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.order_by("name")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Report"), choices=ReportSubmission.Kind.choices, empty_label="—"
    )
    # The year the period ends in.
    year = IntegerFilter(
        label=_("Year"), min_value=1990, max_value=2100, field_name="end", lookup_expr="year"
    )

    class Meta:
        model = ReportSubmission
        fields = ["province", "kind", "year"]
