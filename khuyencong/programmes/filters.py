"""The filters of the programmes lists (projects, plans, inspections), read from the query
string by ``core.pages.list_page``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.places.models import Province
from khuyencong.programmes import inspections
from khuyencong.programmes.models import ActivityCategory, FundingLevel, Project

#: The years a list may be filtered by.
YEARS = (2000, 2100)


class YearFilter(django_filters.Filter):
    """A year between 2000 and 2100: any other value is an invalid filter."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEARS[0])
        kwargs.setdefault("max_value", YEARS[1])
        super().__init__(**kwargs)


def lenient_year(value: str | None) -> int | None:
    """The year a query string names, or None for anything else (not a number, out of
    2000–2100): a list that ignores what it cannot read."""
    if not value or not value.isdecimal():
        return None
    year = int(value)
    return year if YEARS[0] <= year <= YEARS[1] else None


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    year = YearFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices, label=_("Status"), empty_label="—"
    )
    funding_level = django_filters.ChoiceFilter(
        choices=FundingLevel.choices, label=_("Funding level"), empty_label="—"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ActivityCategory.objects.all(), label=_("Activity category")
    )
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), label=_("Province")
    )

    class Meta:
        model = Project
        fields = ["q", "year", "status", "funding_level", "category", "province"]

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))


class PlanFilter(django_filters.FilterSet):
    """The plan list's year: a year it cannot read is no filter (the page never refused one)."""

    year = django_filters.Filter(method="filter_year", label=_("Year"))

    def filter_year(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        year = lenient_year(value)
        return queryset if year is None else queryset.filter(year=year)


class InspectionFilter(django_filters.FilterSet):
    """What the inspection list shows: ``overdue`` (the default), ``due``, ``done``; ``all``
    or any other value is every inspection."""

    #: Shown when the query string does not say.
    DEFAULT = {"show": "overdue"}

    show = django_filters.Filter(method="filter_show", label=_("Show"))

    def filter_show(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "overdue":
            return inspections.overdue(queryset, today=timezone.localdate())
        if value == "due":
            return queryset.filter(done_on__isnull=True)
        if value == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset
