"""Forms of the report pages: choosing a place and a period, filtering, entering and
importing aggregate values. The rules themselves are in ``reports.services``."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.uploads import SpreadsheetField
from khuyencong.places.models import LegacyProvince, Province, Region
from khuyencong.reports import access
from khuyencong.reports.models import Indicator, UnitKind
from khuyencong.reports.periods import Period, PeriodError
from khuyencong.reports.units import COMMUNE, NATION, Unit
from khuyencong.reports.units import legacy_label as legacy_unit_label


def unit_choices(user: Any) -> list[tuple[str, Any]]:
    """The places a user may choose, grouped as the select shows them."""
    unrestricted = access.reads_everywhere(user)
    if access.communes_only(user):
        return [
            (f"commune:{c.code}", c.name)
            for c in user.communes.select_related("province").order_by("name")
        ]
    provinces = Province.objects.order_by("name")
    legacy = LegacyProvince.objects.order_by("name")
    choices: list[tuple[str, Any]] = []
    if unrestricted:
        choices.append((NATION, _("Whole country")))
        regions = [(f"region:{r.code}", r.name) for r in Region.objects.order_by("code")]
        if regions:
            choices.append((_("Regions"), regions))
    else:
        provinces = provinces.filter(pk=user.province_id)
        legacy = legacy.filter(successor=user.province_id)
    choices.append((_("Provinces"), [(f"province:{p.code}", p.name) for p in provinces]))
    olds = [(f"legacy-province:{o.code}", legacy_unit_label(o)) for o in legacy]
    if olds:
        choices.append((_("Pre-2025 provinces"), olds))
    return choices


class SummaryForm(forms.Form):
    """A place and a period, as reports name them."""

    KINDS = [
        ("year", gettext_lazy("Year")),
        ("months", gettext_lazy("First months of a year")),
        ("quarter", gettext_lazy("Quarter")),
        ("month", gettext_lazy("Month")),
        ("years", gettext_lazy("Range of years")),
        ("dates", gettext_lazy("From one date to another")),
    ]

    unit = forms.ChoiceField(label=gettext_lazy("Place"))
    commune = forms.CharField(
        label=gettext_lazy("or a commune (code)"),
        required=False,
        max_length=5,
        help_text=gettext_lazy("Leave empty unless the report is about one commune."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=KINDS, initial="year")
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    number = forms.IntegerField(
        label=gettext_lazy("Months, quarter or month"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=gettext_lazy("9 for the first nine months; 1–4 for a quarter; 1–12 for a month."),
    )
    last_year = forms.IntegerField(
        label=gettext_lazy("Last year of the range"), required=False, min_value=1990, max_value=2100
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices(user)
        self.fields["unit"].initial = str(access.default_unit(user))
        self.fields["year"].initial = timezone.localdate().year
        if access.communes_only(user):
            del self.fields["commune"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data  # Form.clean returns cleaned_data
        if self.errors:
            return data
        try:
            data["period"] = self._period(data)
        except PeriodError as error:
            self.add_error(error.field if error.field in self.fields else "kind", error.message)
        commune = (data.get("commune") or "").strip()
        data["unit_text"] = f"{COMMUNE}:{commune}" if commune else data["unit"]
        return data

    def _period(self, data: dict[str, Any]) -> Period:
        kind, year, number = data["kind"], data["year"], data.get("number")
        if kind == "year":
            return Period.year(year)
        if kind == "years":
            last = data.get("last_year")
            if last is None:
                raise PeriodError(_("Give the last year of the range."), field="last_year")
            return Period.years(year, last)
        if kind == "dates":
            start, end = data.get("start"), data.get("end")
            if start is None:
                raise PeriodError(_("Give the first day."), field="start")
            if end is None:
                raise PeriodError(_("Give the last day."), field="end")
            return Period(start, end)
        if number is None:
            raise PeriodError(
                _("Give the number of months, the quarter or the month."), field="number"
            )
        if kind == "quarter":
            if number > 4:
                raise PeriodError(_("A quarter is 1, 2, 3 or 4."), field="number")
            return Period.quarter(year, number)
        if kind == "month":
            return Period.month(year, number)
        return Period.first_months(year, number)


class UnitForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Place"))
    commune = forms.CharField(
        label=gettext_lazy("or a commune (code)"), required=False, max_length=5
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices(user)
        self.fields["unit"].initial = str(access.default_unit(user))
        if access.communes_only(user):
            del self.fields["commune"]

    def unit_text(self) -> str:
        commune = (self.cleaned_data.get("commune") or "").strip()
        return f"{COMMUNE}:{commune}" if commune else self.cleaned_data["unit"]


class AggregateForm(forms.Form):
    """One value (``reports.services`` checks it)."""

    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator"),
        queryset=Indicator.objects.order_by("order", "code"),
        to_field_name="code",
    )
    unit_kind = forms.ChoiceField(label=gettext_lazy("Kind of place"), choices=UnitKind.choices)
    unit_code = forms.CharField(
        label=gettext_lazy("Place code"),
        max_length=5,
        help_text=gettext_lazy("Statistics office code, e.g. 66 for Đắk Lắk."),
    )
    start = forms.DateField(label=gettext_lazy("From"))
    end = forms.DateField(label=gettext_lazy("To"))
    value = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=30,
        help_text=gettext_lazy(
            "Đồng for money, a number for counts, a percentage with one decimal at most."
        ),
    )
    is_declared_total = forms.BooleanField(label=gettext_lazy("Declared total"), required=False)
    source_note = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access.bound_province(user):
            self.fields["unit_code"].initial = user.province_id
        self.fields["start"].initial = datetime.date(timezone.localdate().year - 1, 1, 1)
        self.fields["end"].initial = datetime.date(timezone.localdate().year - 1, 12, 31)

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"].code,
            "unit": str(Unit(data["unit_kind"], data["unit_code"].strip())),
            "start": data["start"],
            "end": data["end"],
            "value": data["value"],
            "is_declared_total": data["is_declared_total"],
            "source_note": data["source_note"],
        }


class AggregateEditForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("Value"), max_length=30)
    is_declared_total = forms.BooleanField(label=gettext_lazy("Declared total"), required=False)
    source_note = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ImportForm(forms.Form):
    file = SpreadsheetField(label=gettext_lazy("File to import"))
    replace = forms.BooleanField(
        label=gettext_lazy(
            "Replace values already entered for the same indicator, place and period"
        ),
        required=False,
    )


# People pick an indicator by its name; its code is for files and the API (the import
# template lists both).
_indicator = cast(forms.ModelChoiceField, AggregateForm.base_fields["indicator"])
_indicator.label_from_instance = lambda indicator: indicator.label  # type: ignore[method-assign,assignment]  # Django documents overriding it per field
