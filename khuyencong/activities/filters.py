"""The filters of an activity kind's list, read from the query string by
``core.pages.list_page``: a search in the names, the year, the province (for those who see
several), the kind's choice fields and, once a province is chosen, the project."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.activities import services
from khuyencong.activities.models import Activity
from khuyencong.core.filters import drop_filters
from khuyencong.core.forms import model_choice
from khuyencong.core.text import normalise
from khuyencong.places.models import Province
from khuyencong.programmes.models import Project

# The oldest year offered in the year filter.
FIRST_YEAR = 2012


def year_choices() -> list[tuple[Any, str]]:
    """Next year down to ``FIRST_YEAR``, newest first (read at each request)."""
    this_year = timezone.localdate().year
    return [("", "—"), *((y, str(y)) for y in range(this_year + 1, FIRST_YEAR - 1, -1))]


class ActivityFilter(django_filters.FilterSet):
    """The filters every kind has; ``activity_filter`` adds the kind's own."""

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="filter_q")

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(search_text__contains=normalise(value))

    def offer_projects(self, province: Province | None) -> None:
        """The projects of the province chosen, of the year filtered on (this year when
        none): a province has thousands over ten years, too many for one list. No project
        filter while no province is chosen."""
        if province is None:
            drop_filters(self, "project")
            return
        this_year = timezone.localdate().year
        try:
            year = int(self.data.get("year") or this_year)
        except (TypeError, ValueError):
            year = this_year
        model_choice(self.form, "project").queryset = services.projects_of(province.pk).filter(
            year=year
        )


def activity_filter(model: type[Activity], choice_filters: tuple[str, ...]) -> type[ActivityFilter]:
    """The ``FilterSet`` of the list of ``model``: the year of its period, the province, its
    ``choice_filters`` (a status, a topic: columns with choices) and the project. Made per
    request, so that the labels are in the request's language."""
    filters: dict[str, Any] = {
        "year": django_filters.TypedChoiceFilter(
            label=_("Year"),
            field_name=model.PERIOD_FIELD,
            lookup_expr="year",
            choices=year_choices,
            coerce=int,
            empty_value=None,
        ),
        "province": django_filters.ModelChoiceFilter(
            label=_("Province"), queryset=Province.objects.all()
        ),
    }
    for name in choice_filters:
        field: Any = model._meta.get_field(name)
        filters[name] = django_filters.ChoiceFilter(
            label=field.verbose_name.capitalize(), choices=field.choices, empty_label="—"
        )
    filters["project"] = django_filters.ModelChoiceFilter(
        label=_("Project"),
        queryset=Project.objects.none(),
        help_text=_("Projects of the year chosen (this year when none is)."),
    )
    return type(f"{model.__name__}Filter", (ActivityFilter,), filters)
