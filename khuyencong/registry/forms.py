from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import MoneyField, VersionedFormMixin, VersionField, require_version
from khuyencong.core.scoping import is_admin
from khuyencong.core.uploads import ImageUploadField
from khuyencong.places.models import Commune, Province
from khuyencong.registry import services
from khuyencong.registry.access import area_communes
from khuyencong.registry.models import CraftVillage, Establishment, YearlyFigure
from khuyencong.registry.validators import normalise_tax_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class EstablishmentForm(VersionedFormMixin, forms.ModelForm):
    province = forms.ModelChoiceField(
        queryset=Province.objects.all(),
        label=_("Province"),
        required=False,
        help_text=_("Choose the province to list its communes."),
    )
    version = VersionField()
    confirm_duplicate = forms.BooleanField(
        label=_("This is not a duplicate: save anyway"), required=False
    )

    field_order = [
        "name",
        "kind",
        "tax_code",
        "registration_number",
        "representative",
        "phone",
        "email",
        "province",
        "commune",
    ]

    class Meta:
        model = Establishment
        # What a person edits: the service's fields but the pre-2025 commune, which comes
        # from converting the pre-2025 address.
        fields = [f for f in services.EDITABLE_FIELDS if f != "legacy_commune"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "tax_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates: list[services.Duplicate] = []
        communes = area_communes(user).select_related("province")
        commune_field = cast(forms.ModelChoiceField, self.fields["commune"])
        commune_field.queryset = communes
        commune_field.required = False  # a pre-2025 address may stand in for it (clean)
        commune_field.help_text = _(
            "Or leave it empty and write the pre-2025 address below: it is converted."
        )
        if is_admin(user):
            # 3,321 communes are too many for one list: show the chosen province's only.
            province = self._chosen_province()
            self.fields["province"].initial = province
            choices: list[tuple[str, StrOrPromise]] = [("", "---------")]
            if province:
                choices += [(c.code, c.name) for c in Commune.objects.filter(province=province)]
            else:
                choices = [("", _("— choose the province first —"))]
            commune_field.widget.choices = choices
            self.fields["province"].widget.attrs.update(
                {
                    "hx-get": reverse("places:commune-options"),
                    "hx-target": "#id_commune",
                    "hx-trigger": "change",
                    "hx-include": "this",
                }
            )
        else:
            del self.fields["province"]
        cast(
            forms.ModelChoiceField, self.fields["craft_village"]
        ).queryset = CraftVillage.objects.filter(province_id__in=communes.values("province_id"))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            require_version(self)
        else:
            del self.fields["version"]
        self.fields["founded_year"].widget.attrs["max"] = timezone.localdate().year

    def _chosen_province(self) -> Province | None:
        code = self.data.get("province") if self.is_bound else None
        if code:
            return Province.objects.filter(code=code).first()
        if self.instance.pk:
            return self.instance.province
        return None

    def clean_tax_code(self) -> str | None:
        value = self.cleaned_data.get("tax_code")
        return normalise_tax_code(value) if value else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data  # a ModelForm's is never None
        commune = cleaned.get("commune")
        if commune is None and not self.has_error("commune") and cleaned.get("legacy_address"):
            commune = self._convert_legacy_address(cleaned)
        elif commune is None and not self.has_error("commune"):
            self.add_error(
                "commune",
                _("Choose the commune, or write the pre-2025 address to have it converted."),
            )
        if cleaned.get("name") and commune and not cleaned.get("confirm_duplicate"):
            self.duplicates = services.find_duplicates(
                name=cleaned["name"],
                commune_id=commune.pk,
                tax_code=cleaned.get("tax_code"),
                exclude_pk=self.instance.pk,
            )
            if self.duplicates:
                raise ValidationError(
                    _(
                        "This establishment looks already registered. Check the list below; "
                        "if it is really another one, tick “save anyway”."
                    ),
                    code="duplicate",
                )
        return cleaned

    def _convert_legacy_address(self, cleaned: dict[str, Any]) -> Commune | None:
        """A pre-2025 address without a commune: find the 2025 commune through the official
        mapping, keeping the address verbatim and the old commune for reports."""
        from khuyencong.places.conversion import convert_legacy_address

        result = convert_legacy_address(cleaned["legacy_address"])
        if result.commune is None:  # not ok: the error says why
            self.add_error("legacy_address", result.error or "")
            return None
        communes = cast(forms.ModelChoiceField, self.fields["commune"]).queryset
        if communes is None or not communes.filter(pk=result.commune.pk).exists():
            self.add_error(
                "legacy_address",
                _("This address lies in %(commune)s, outside your area.")
                % {"commune": str(result.commune)},
            )
            return None
        cleaned["commune"] = result.commune
        cleaned["legacy_commune"] = result.legacy_commune
        return result.commune

    def service_data(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in services.EDITABLE_FIELDS
        }


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Checked, decoded and re-encoded by the upload guard (core/uploads.py).
    photo = ImageUploadField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB.")
    )

    def clean_photo(self) -> Any:
        return self.cleaned_data.get("photo") or None


class YearlyFigureForm(forms.ModelForm):
    class Meta:
        model = YearlyFigure
        fields = ["year", "workers", "revenue", "output_value", "capital"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("revenue", "output_value", "capital"):
            model_field = self.fields[name]
            self.fields[name] = MoneyField(
                label=model_field.label, required=False, help_text=model_field.help_text
            )
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year
