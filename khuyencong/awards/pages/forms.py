"""Forms of the awards' staff pages. They only shape input: every rule is checked by the
services, whose errors come back on the field they name."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.awards import scoring, services
from khuyencong.awards.models import AwardComplaint, AwardRound, Level, ProductGroup
from khuyencong.core.forms import VersionedFormMixin, VersionField, require_version
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import LegacyDistrict, Province, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "decimal"}


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of records of any model with a ``name``, shown by it alone (a province, a
    product)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DistrictChoiceField(forms.ModelChoiceField[LegacyDistrict]):
    """A pre-2025 district shown with its province: “Krông Ana, Đắk Lắk”."""

    def label_from_instance(self, obj: LegacyDistrict) -> str:
        return f"{obj.name}, {obj.province.short_name}"


class RoundForm(VersionedFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    province = NamedChoiceField(
        label=_("Province"),
        required=False,
        queryset=Province.objects.none(),
        help_text=_("For a district or province round."),
    )
    legacy_district = DistrictChoiceField(
        label=_("District (before 2025)"),
        required=False,
        queryset=LegacyDistrict.objects.none(),
        help_text=_("For a district round, if known."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.none(),
        help_text=_("For a region round."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    organiser = forms.CharField(label=_("Organiser"), max_length=300, required=False)
    decision = forms.CharField(
        label=_("Organising decision"),
        max_length=200,
        required=False,
        help_text=_("Number and date, e.g. 125/QĐ-SCT ngày 10/03/2026."),
    )
    council_size = forms.IntegerField(
        label=_("Council members"),
        min_value=1,
        max_value=99,
        help_text=_("Odd: district 5–7, province 7–9, region 9–11, national 11–13."),
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark"),
        max_digits=5,
        decimal_places=2,
        initial=70,
        widget=forms.NumberInput(attrs={"step": "0.01", **NUMBER}),
    )
    complaint_days = forms.IntegerField(
        label=_("Complaint window (working days)"), min_value=1, max_value=90, initial=15
    )
    resolution_days = forms.IntegerField(
        label=_("Time to resolve a complaint (working days)"),
        min_value=1,
        max_value=90,
        initial=10,
    )
    closing_date = forms.DateField(label=_("Planned closing date"), required=False, widget=DATE)
    version = VersionField()

    FIELDS = (
        "year",
        "title",
        "organiser",
        "decision",
        "council_size",
        "pass_mark",
        "complaint_days",
        "resolution_days",
        "closing_date",
    )

    def __init__(self, *args: Any, user: Any, instance: AwardRound | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.FIELDS},
                "level": instance.level,
                "province": instance.province_id,
                "region": instance.region_id,
                "legacy_district": instance.legacy_district_id,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            require_version(self)
        if instance is None:
            self.fields["year"].initial = services.today().year
        admin = is_admin(user)
        # ModelChoiceField and ChoiceField attributes, set on fields the form declares.
        fields: dict[str, Any] = self.fields
        if admin:
            fields["province"].queryset = Province.objects.all()
            fields["region"].queryset = Region.objects.all()
            fields["legacy_district"].queryset = LegacyDistrict.objects.select_related(
                "province"
            ).order_by("province__name", "name")
        else:
            fields["level"].choices = [
                (Level.PROVINCE, Level.PROVINCE.label),
                (Level.DISTRICT, Level.DISTRICT.label),
            ]
            fields["province"].queryset = Province.objects.filter(pk=user.province_id)
            fields["province"].initial = user.province_id
            fields["legacy_district"].queryset = (
                LegacyDistrict.objects.filter(province__successor_id=user.province_id)
                .select_related("province")
                .order_by("province__name", "name")
            )
            del fields["region"]
        if instance is not None:
            for name in ("level", "province", "region", "legacy_district"):
                if name in fields:
                    fields[name].disabled = True
            if instance.status != AwardRound.Status.OPEN:
                for name in services.FIXED_ONCE_SCORING:
                    if name in fields:
                        fields[name].disabled = True

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        for name in ("organiser", "decision"):
            data[name] = data[name] or ""
        if self.instance is None:
            data["level"] = self.cleaned_data["level"]
            for name in ("province", "region", "legacy_district"):
                data[name] = self.cleaned_data.get(name)
        return data


class CriterionForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    max_points = forms.IntegerField(
        label=_("Maximum points"), min_value=1, max_value=100, required=False
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20)


def criteria_initial(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"code": c["code"], "name": c.get("name") or "", "max_points": c["max_points"]}
        for c in criteria
    ]


def criteria_items(formset: Any) -> list[dict[str, Any]]:
    """The filled rows of the criteria formset (empty rows dropped)."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (data.get("code") or data.get("max_points")):
            continue
        items.append(
            {
                "code": (data.get("code") or "").lower(),
                "name": data.get("name") or "",
                "max_points": data.get("max_points"),
            }
        )
    return items


class EstablishmentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the establishment"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("name (with or without accents) or tax code")}
        ),
    )


class EntryForm(forms.Form):
    product = NamedChoiceField(
        label=_("Registered product"),
        required=False,
        queryset=None,
        empty_label=_("— not in the registry: name it below —"),
    )
    product_name = forms.CharField(
        label=_("Product name"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the registered product's name."),
    )
    group = forms.ChoiceField(label=_("Product group"), choices=ProductGroup.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, establishment: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = cast(forms.ModelChoiceField, self.fields["product"])
        product.queryset = establishment.products.order_by("name")


class ScoreForm(forms.Form):
    """A judge's sheet: one field per criteria group of the round, named ``points_<code>``."""

    judge = forms.CharField(label=_("Judge"), max_length=200)

    def __init__(self, *args: Any, round: AwardRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = round.criteria
        for criterion in round.criteria:
            self.fields[f"points_{criterion['code']}"] = forms.DecimalField(
                label=f"{scoring.criterion_label(criterion)} (≤ {criterion['max_points']})",
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=criterion["max_points"],
                widget=forms.NumberInput(
                    attrs={"step": "0.25", "min": "0", "max": criterion["max_points"], **NUMBER}
                ),
            )

    def points(self) -> dict[str, Any]:
        return {c["code"]: self.cleaned_data.get(f"points_{c['code']}") for c in self.criteria}


class TransitionForm(forms.Form):
    closing_date = forms.DateField(
        label=_("Closing date (date the results are issued)"), required=False, widget=DATE
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, round: AwardRound, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": round.version, "closing_date": round.closing_date})
        super().__init__(*args, **kwargs)
        if action != "close":
            del self.fields["closing_date"]


class ComplaintForm(forms.Form):
    complainant = forms.CharField(label=_("Complainant"), max_length=200)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    text = forms.CharField(
        label=_("Complaint"), max_length=services.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE)

    def __init__(self, *args: Any, complaint: AwardComplaint, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"resolved_on": services.today()})
        super().__init__(*args, **kwargs)
        self.complaint = complaint

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The step's note (core.pages.transition_page reads ``note``) is the resolution.
        cleaned["note"] = cleaned.get("resolution") or ""
        return cleaned
