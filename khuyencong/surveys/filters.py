"""The filters of the surveys lists (needs, applications), read from the query string by
``core.pages.list_page``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.places.models import Commune
from khuyencong.programmes.filters import YearFilter
from khuyencong.programmes.models import ActivityCategory
from khuyencong.surveys import services
from khuyencong.surveys.forms import CommuneField
from khuyencong.surveys.models import Application, Need


class CommuneFilter(django_filters.ModelChoiceFilter):
    """A commune of the province the list is about: its own name is enough."""

    field_class = CommuneField


class NeedFilter(django_filters.FilterSet):
    """The needs list's filters. The page offers the communes of the user's province (none
    to a national user) and shows this year's needs until asked otherwise."""

    year = YearFilter(label=_("Year"))
    category = django_filters.ModelChoiceFilter(
        queryset=ActivityCategory.objects.all(), label=_("Activity category")
    )
    commune = CommuneFilter(queryset=Commune.objects.none(), label=_("Commune"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("Show"),
        empty_label=_("All needs"),
        choices=[
            ("open", _("Not yet in a project")),
            ("drafted", _("In a project")),
            ("met", _("Met (project accepted)")),
        ],
    )

    class Meta:
        model = Need
        fields = ["year", "category", "commune", "state"]

    def filter_state(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        if value == "open":
            return queryset.filter(Q(project__isnull=True) | Q(project__status="cancelled"))
        if value == "drafted":
            return queryset.filter(project__isnull=False).exclude(project__status="cancelled")
        return queryset.filter(project__status__in=services.MET_STATES)


class ApplicationFilter(django_filters.FilterSet):
    """The applications of one status; a status that is not one lists them all."""

    status = django_filters.Filter(method="filter_status", label=_("Status"))

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value in Application.Status.values:
            return queryset.filter(status=value)
        return queryset
