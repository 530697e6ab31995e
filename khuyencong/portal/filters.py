"""The filters of the public catalogue of certified products, read from the query string by
``core.pages.list_page``: a search ignoring diacritics and case, the level, the product
group, the province and the year; only certificates valid today unless asked for the
expired ones too."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.awards import certificates
from khuyencong.awards.models import AwardEntry, Level, ProductGroup
from khuyencong.awards.services import today
from khuyencong.core.filters import CheckboxFilter, IntegerFilter, ShownByChoiceFilter
from khuyencong.core.text import normalise
from khuyencong.places.models import Province


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=100,
        method="filter_q",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("product or producer, with or without accents"),
            }
        ),
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=Level.choices,
        empty_label=_("All levels"),
        field_name="round__level",
    )
    group = django_filters.ChoiceFilter(
        label=_("Product group"), choices=ProductGroup.choices, empty_label=_("All groups")
    )
    province = ShownByChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.order_by("name"),
        empty_label=_("All provinces"),
        to_field_name="code",
        shown_by="name",
    )
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100, field_name="round__year")
    # Ticked or not, it decides which certificates are listed at all.
    expired = CheckboxFilter(label=_("Include expired certificates"), method="filter_expired")

    class Meta:
        model = AwardEntry
        fields = ["q", "level", "group", "province", "year", "expired"]

    def filter_q(
        self, queryset: QuerySet[AwardEntry], name: str, value: str
    ) -> QuerySet[AwardEntry]:
        term = normalise(value)
        if not term:
            return queryset
        return queryset.filter(
            Q(search_name__contains=term) | Q(establishment__search_name__contains=term)
        )

    def filter_expired(
        self, queryset: QuerySet[AwardEntry], name: str, value: Any
    ) -> QuerySet[AwardEntry]:
        """Every certificate ever issued when ticked; those valid today otherwise."""
        if value:
            return queryset.filter(certified=True)
        return certificates.certificates_valid_on(today(), queryset=queryset)

    @property
    def qs(self) -> QuerySet[AwardEntry]:
        entries = super().qs
        # With no query string the filters are not applied: the certificates valid today.
        return entries if self.is_bound else self.filter_expired(entries, "expired", False)
