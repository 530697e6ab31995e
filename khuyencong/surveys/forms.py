"""Forms of the surveys pages and of the public application. They shape the input; the
rules are the services' (surveys/services.py), whose errors the views put on the field."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import MoneyField, VersionedFormMixin, VersionField
from khuyencong.core.uploads import SpreadsheetField
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import ActivityCategory, FundingLevel
from khuyencong.registry.models import Establishment, Sector
from khuyencong.registry.services import MAX_WORKERS
from khuyencong.surveys.models import Priority

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEED_SLOTS = 3


class CommuneField(forms.ModelChoiceField):
    """A commune chosen within a province: its own name is enough (no query per option)."""

    def label_from_instance(self, obj: Commune) -> str:
        return obj.name


class CampaignForm(VersionedFormMixin, forms.Form):
    version = VersionField()
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    questions = forms.CharField(
        label=_("Extra questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: key | question | kind (text, number or yes_no), e.g. "
            "“workers | Số lao động | number”."
        ),
    )

    def clean_questions(self) -> list[dict[str, str]]:
        result = []
        for number, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) not in (2, 3):
                raise forms.ValidationError(
                    _("Line %(n)s: write key | question | kind.") % {"n": number}
                )
            result.append(
                {
                    "key": parts[0],
                    "label": parts[1],
                    "kind": parts[2] if len(parts) == 3 else "text",
                }
            )
        return result

    @staticmethod
    def questions_text(questions: list[dict[str, str]]) -> str:
        return "\n".join(f"{q['key']} | {q['label']} | {q['kind']}" for q in questions)


class ResponseForm(forms.Form):
    """The survey form of a campaign: the establishment, up to three needs and the
    campaign's extra questions. It works offline (surveys/static/surveys/offline.js)."""

    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    commune = CommuneField(label=_("Commune"), queryset=Commune.objects.none())
    establishment = forms.IntegerField(widget=forms.HiddenInput, required=False)
    establishment_name = forms.CharField(label=_("Establishment name"), max_length=300)
    tax_code = forms.CharField(label=_("Tax code"), required=False, max_length=20)
    establishment_kind = forms.ChoiceField(
        label=_("Legal form"), choices=[("", "—"), *Establishment.Kind.choices], required=False
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.order_by("ordering", "code"), required=False
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    representative = forms.CharField(label=_("Representative"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    respondent = forms.CharField(label=_("Respondent"), required=False, max_length=200)
    collected_on = forms.DateField(label=_("Survey date"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    previous_year_workers = forms.IntegerField(
        label=_("Workers in the previous year"),
        required=False,
        min_value=0,
        max_value=MAX_WORKERS,
        help_text=_("Recorded as the establishment's figures of the year before the survey."),
    )
    previous_year_revenue = MoneyField(
        label=_("Revenue of the previous year (đồng)"), required=False
    )

    def __init__(self, *args: Any, campaign: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = communes
        self.fields["collected_on"].initial = timezone.localdate()
        categories = ActivityCategory.objects.filter(active=True).order_by("ordering", "code")
        for slot in range(1, NEED_SLOTS + 1):
            first = slot == 1
            self.fields[f"need{slot}_category"] = forms.ModelChoiceField(
                label=_("Support needed"), queryset=categories, required=first
            )
            self.fields[f"need{slot}_description"] = forms.CharField(
                label=_("What is needed"),
                required=first,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"need{slot}_cost"] = MoneyField(
                label=_("Estimated cost (đồng)"), required=first, min_value=1
            )
            self.fields[f"need{slot}_counterpart"] = MoneyField(
                label=_("Counterpart the establishment can bring (đồng)"), required=False
            )
            self.fields[f"need{slot}_priority"] = forms.TypedChoiceField(
                label=_("Priority"),
                choices=Priority.choices,
                coerce=int,
                initial=Priority.MEDIUM,
                required=False,
            )
        for question in campaign.questions:
            name = f"q_{question['key']}"
            if question["kind"] == "number":
                field: forms.Field = forms.DecimalField(label=question["label"], required=False)
            elif question["kind"] == "yes_no":
                field = forms.ChoiceField(
                    label=question["label"],
                    required=False,
                    choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                )
            else:
                field = forms.CharField(label=question["label"], required=False, max_length=2000)
            self.fields[name] = field

    def need_slots(self) -> list[list[forms.BoundField]]:
        return [
            [
                self[f"need{slot}_{part}"]
                for part in ("category", "description", "cost", "counterpart", "priority")
            ]
            for slot in range(1, NEED_SLOTS + 1)
        ]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q['key']}"] for q in self.campaign.questions]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        needs = []
        for slot in range(1, NEED_SLOTS + 1):
            category = data.get(f"need{slot}_category")
            if category is None:
                continue
            needs.append(
                {
                    "category": category.pk,
                    "description": data.get(f"need{slot}_description") or "",
                    "estimated_cost": data.get(f"need{slot}_cost"),
                    "counterpart_capacity": data.get(f"need{slot}_counterpart") or 0,
                    "priority": data.get(f"need{slot}_priority") or Priority.MEDIUM,
                }
            )
        answers = {}
        for question in self.campaign.questions:
            value = data.get(f"q_{question['key']}")
            if value not in (None, ""):
                answers[question["key"]] = str(value)
        sector = data.get("sector")
        return {
            "client_key": data["client_key"],
            "commune": data["commune"],
            "establishment": data.get("establishment"),
            "establishment_details": {
                "name": data["establishment_name"],
                "tax_code": data.get("tax_code", ""),
                "kind": data.get("establishment_kind", ""),
                "sector": sector.pk if sector else "",
                "address": data.get("address", ""),
                "representative": data.get("representative", ""),
                "phone": data.get("phone", ""),
            },
            "respondent": data.get("respondent", ""),
            "collected_on": data.get("collected_on"),
            "notes": data.get("notes", ""),
            "previous_year_workers": data.get("previous_year_workers"),
            "previous_year_revenue": data.get("previous_year_revenue"),
            "answers": answers,
            "needs": needs,
        }


# Service fields → form fields, to show a service's refusal on the right input.
RESPONSE_FIELD = {
    "establishment_kind": "establishment_kind",
    "needs": "need1_category",
    "answers": "notes",
    "establishment": "establishment_name",
}


class KoboUploadForm(forms.Form):
    file = SpreadsheetField(label=_("Kobo / ODK export (XLSX or CSV)"))


class NeedsToProjectForm(forms.Form):
    needs = forms.CharField(widget=forms.HiddenInput, required=False)
    year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)
    funding_level = forms.ChoiceField(label=_("Funding level"), choices=FundingLevel.choices)
    title = forms.CharField(label=_("Project title (optional)"), required=False, max_length=300)


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("review", _("Being reviewed")),
            ("accept", _("Accept as a need")),
            ("reject", _("Do not accept")),
        ],
    )
    establishment = forms.IntegerField(
        label=_("Registry number of the establishment (if already registered)"),
        required=False,
        min_value=1,
    )
    note = forms.CharField(
        label=_("Answer to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public status page. Required when not accepting."),
    )


class ApplicationForm(forms.Form):
    """The public application: every field named in its message; no markup accepted."""

    establishment_name = forms.CharField(label=_("Name of the establishment"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Legal form"), choices=[("", "—"), *Establishment.Kind.choices]
    )
    tax_code = forms.CharField(label=_("Tax code (if any)"), required=False, max_length=20)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all())
    commune = CommuneField(
        label=_("Commune"),
        queryset=Commune.objects.none(),
        help_text=_("The commune or ward where the establishment works (2025)."),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.order_by("ordering", "code")
    )
    representative = forms.CharField(label=_("Contact person"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    category = forms.ModelChoiceField(
        label=_("Support asked for"),
        queryset=ActivityCategory.objects.filter(active=True).order_by("ordering", "code"),
    )
    description = forms.CharField(
        label=_("What the establishment needs"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    estimated_cost = MoneyField(label=_("Estimated cost (đồng)"), min_value=1)
    counterpart_capacity = MoneyField(
        label=_("Counterpart the establishment can bring (đồng)"), required=False
    )
    # A field people never see: a filled one is a robot.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.data.get("province") if self.is_bound else None
        if province:
            cast(forms.ModelChoiceField, self.fields["commune"]).queryset = Commune.objects.filter(
                province_id=str(province)[:8]
            ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        commune, province = data.get("commune"), data.get("province")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", _("This commune lies in another province."))
        return data


def questions_json(questions: list[dict[str, str]]) -> str:
    return json.dumps(questions, ensure_ascii=False)
