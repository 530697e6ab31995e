"""The filters of the award round list, read from the query string by
``core.pages.list_page``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from khuyencong.awards.models import AwardRound, Level
from khuyencong.core.filters import IntegerFilter
from khuyencong.places.models import Province


class NamedModelChoiceField(ModelChoiceField):
    """A choice of records with a ``name``, shown by it alone (a province)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedModelChoiceField


class RoundFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All levels")
    )
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100)
    # Dropped for a province's staff: they see their own rounds and the region and
    # national ones.
    province = NamedChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        empty_label=_("All provinces"),
        to_field_name="code",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AwardRound.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = AwardRound
        fields = ["level", "year", "province", "status"]
