"""The filters of the award round list, read from the query string by
``core.pages.list_page``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from khuyencong.awards.models import AwardRound, Level
from khuyencong.core.filters import IntegerFilter, ShownByChoiceFilter
from khuyencong.places.models import Province


class RoundFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All levels")
    )
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100)
    # Dropped for a province's staff: they see their own rounds and the region and
    # national ones.
    province = ShownByChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        empty_label=_("All provinces"),
        to_field_name="code",
        shown_by="name",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AwardRound.Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = AwardRound
        fields = ["level", "year", "province", "status"]
