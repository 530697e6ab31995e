"""The establishment filters, shared by the list page, the XLSX export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from khuyencong.places.models import Commune, Province
from khuyencong.registry import services
from khuyencong.registry.models import Establishment, Sector


class EstablishmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), label=_("Province"), to_field_name="code"
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.all(), label=_("Commune"), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(choices=Establishment.Kind.choices, label=_("Legal form"))
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), label=_("Sector"), to_field_name="code"
    )
    status = django_filters.ChoiceFilter(choices=Establishment.Status.choices, label=_("Status"))

    class Meta:
        model = Establishment
        fields = ["q", "province", "commune", "kind", "sector", "status"]

    def filter_q(self, queryset, name, value):
        return services.search(queryset, value)
