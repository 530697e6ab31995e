"""Forms of the activities pages. They only shape input: every rule is checked by the
services, whose errors come back on the field they name.

``ActivityForm`` builds a kind's fields from its model (labels, choices, lengths) and
narrows the choices to the record's province: its communes, its projects, and — through a
search box instead of a list of thousands — its establishments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.activities import services
from khuyencong.activities.models import MAX_AMOUNT, MAX_COUNT, Trainee
from khuyencong.activities.pages.kinds import Kind
from khuyencong.core.forms import (
    MoneyField,
    VersionedFormMixin,
    VersionField,
    label_choices,
    model_choice,
    require_version,
)
from khuyencong.core.uploads import SpreadsheetField
from khuyencong.places.models import Province
from khuyencong.registry.models import Establishment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric", "step": "1", "min": "0"}


class EstablishmentPicker(forms.Widget):
    """The establishments chosen, and a search box (htmx) finding others of the province by
    name, diacritics ignored. Renders checkboxes (several) or radio buttons (one)."""

    template_name = "activities/widgets/establishment_picker.html"

    def __init__(self, *, multiple: bool = False, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.province_id: str | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else []
        return data.get(name) or None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = [int(str(v)) for v in (getattr(x, "pk", x) for x in values) if str(v).isdigit()]
        chosen = (
            Establishment.objects.filter(pk__in=ids, province_id=self.province_id or "-")
            .select_related("commune")
            .order_by("search_name")
            if ids
            else []
        )
        context["widget"].update(
            {
                "chosen": chosen,
                "multiple": self.multiple,
                "search_url": reverse("activities:establishment-search"),
                "province": self.province_id,
            }
        )
        return context


class ActivityForm(VersionedFormMixin, forms.Form):
    """A kind's fields (services.FIELDS) for one province, and the version edited."""

    version = VersionField()

    def __init__(
        self, *args: Any, kind: Kind, province: Province, instance: Any = None, **kwargs: Any
    ) -> None:
        self.kind = kind
        self.names = (
            *services.FIELDS[kind.model],
            "commune",
            "project",
            "funding_level",
            "notes",
        )
        if kind.model.__name__ == "Workshop":
            self.names = (*self.names, "establishments")
        if instance is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                **model_to_dict(instance, fields=self.names),
                "version": instance.version,
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(kind.model, fields=self.names))
        # The hidden version last, after the fields of the model.
        self.fields["version"] = self.fields.pop("version")
        if instance is not None:
            require_version(self)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE
            elif isinstance(field, forms.IntegerField) and name != "version":
                if "amount" in name or name in ("cost", "value"):
                    self.fields[name] = MoneyField(
                        label=field.label,
                        required=field.required,
                        help_text=field.help_text,
                        max_value=MAX_AMOUNT,
                    )
                    continue
                field.widget = forms.NumberInput(attrs=NUMBER)
                field.min_value = 0
                field.max_value = MAX_COUNT
        model_choice(self, "commune").queryset = services.communes_of(province.pk)
        label_choices(model_choice(self, "commune"), lambda commune: commune.name)
        model_choice(self, "project").queryset = services.projects_of(province.pk)
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 3})
        for name in kind.pickers:
            field = model_choice(self, name)
            field.queryset = Establishment.objects.filter(province=province)
            field.widget = EstablishmentPicker(multiple=name == "establishments")
            field.widget.province_id = province.pk
            if name == "establishments":
                field.help_text = _("Search by name, then tick the establishments.")

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.names}
        if "establishments" in data:
            data["establishments"] = list(data["establishments"] or [])
        return data


class ParticipationForm(forms.Form):
    establishment = forms.ModelChoiceField(
        label=_("Establishment"), queryset=Establishment.objects.none()
    )
    supported_amount = MoneyField(label=_("Support (đồng)"), required=False, max_value=MAX_AMOUNT)
    booths = forms.IntegerField(
        label=_("Booths"), required=False, min_value=0, max_value=1000,
        widget=forms.NumberInput(attrs=NUMBER),
    )  # fmt: skip
    contracts_signed = forms.IntegerField(
        label=_("Contracts signed"), required=False, min_value=0, max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs=NUMBER),
    )  # fmt: skip
    sales = MoneyField(label=_("Sales reported (đồng)"), required=False, max_value=MAX_AMOUNT)

    def __init__(self, *args: Any, province_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "establishment")
        field.queryset = Establishment.objects.filter(province_id=province_id)
        field.widget = EstablishmentPicker()
        field.widget.province_id = province_id


class TraineeForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *Trainee.Gender.choices]
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    employed_after = forms.NullBooleanField(label=_("Employed after the course"), required=False)
    establishment = forms.ModelChoiceField(
        label=_("Establishment"), required=False, queryset=Establishment.objects.none()
    )

    def __init__(self, *args: Any, province_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "establishment")
        field.queryset = Establishment.objects.filter(province_id=province_id)
        field.widget = EstablishmentPicker()
        field.widget.province_id = province_id


class TraineeImportForm(forms.Form):
    file = SpreadsheetField(
        label=_("Trainee list (.xlsx or .csv)"),
        help_text=_("The list replaces the current one; nothing changes if a row is wrong."),
    )


class ReceiptForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = MoneyField(label=_("Amount (đồng)"), min_value=1, max_value=MAX_AMOUNT)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
