"""The filters of the network's staff lists (quarterly reports, difficulties), read from the
query string by ``core.pages.list_page``. The choices that depend on the user or the day
(the collaborators of the province chosen, the recent quarters, the communes) are set by
the page before the filter is validated."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import ShownByChoiceFilter
from khuyencong.core.forms import choice
from khuyencong.network.models import Collaborator, Difficulty, QuarterlyReport
from khuyencong.network.quarters import finished_quarters, parse_period, quarter_of
from khuyencong.places.models import Commune, Province


class ReportFilter(django_filters.FilterSet):
    # The recent quarters, offered by ``offer_quarters``.
    period = django_filters.ChoiceFilter(
        label=_("Quarter"), choices=(), empty_label="—", method="filter_period"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=QuarterlyReport.Status.choices, empty_label="—"
    )
    collaborator = django_filters.ModelChoiceFilter(
        label=_("Collaborator"), queryset=Collaborator.objects.none()
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.all()
    )

    class Meta:
        model = QuarterlyReport
        fields = ["period", "status", "collaborator", "province"]

    def offer_quarters(self, today: datetime.date) -> None:
        """Offer the current quarter and the eight before it, newest first."""
        periods = [quarter_of(today), *reversed(finished_quarters(today, 8))]
        choice(self.form, "period").choices = [(p.period, p.label) for p in periods]

    def filter_period(
        self, queryset: QuerySet[QuarterlyReport], name: str, value: str
    ) -> QuerySet[QuarterlyReport]:
        period = parse_period(value)
        if period is None:
            return queryset
        return queryset.filter(year=period.year, quarter=period.quarter)


class DifficultyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Difficulty.Status.choices, empty_label="—"
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), choices=Difficulty.Topic.choices, empty_label="—"
    )
    # The communes of the province chosen, set by the page; the province is implied.
    commune = ShownByChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.none(), shown_by="name"
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.all()
    )

    class Meta:
        model = Difficulty
        fields = ["status", "topic", "commune", "province"]
