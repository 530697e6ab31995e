"""Forms of the programmes' staff pages. They only shape input: every rule is checked by
the services, whose errors come back on the field they name."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.formats import format_number
from khuyencong.core.forms import MoneyField, VersionedFormMixin, VersionField, require_version
from khuyencong.core.scoping import is_admin
from khuyencong.core.uploads import AttachmentField
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.access import programme_refusal
from khuyencong.programmes.models import (
    ActivityCategory,
    ActivitySubtype,
    Disbursement,
    FundingLevel,
    Indicator,
    Inspection,
    Project,
    ProjectDocument,
    Source,
)
from khuyencong.registry.models import Establishment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"min_value": 0, "max_value": 10**15}


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of the form (``form.fields`` holds plain ``Field``s to mypy)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def money_field(label: Any, required: bool = False) -> MoneyField:
    return MoneyField(label=label, required=required, **MONEY)


def indicator_field(indicator: Any, maximum: int, *, initial: Any = None) -> forms.Field:
    """A figure of an output indicator: an amount (unit đồng) typed as money, else a count."""
    label = f"{indicator.display_name} ({indicator.unit})"
    if indicator.unit == "đồng":
        return MoneyField(label=label, required=False, max_value=maximum, initial=initial)
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=maximum, initial=initial
    )


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    """The project file: its fields, budget by source, expected outputs, beneficiaries."""

    province = forms.ModelChoiceField(queryset=Province.objects.all(), label=_("Province"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    funding_level = forms.ChoiceField(label=_("Funding level"), choices=FundingLevel.choices)
    beneficiaries = forms.ModelMultipleChoiceField(
        queryset=Establishment.objects.none(), required=False, label=_("Beneficiaries")
    )
    version = VersionField()

    class Meta:
        model = Project
        fields = [
            "title",
            "category",
            "subtype",
            "kind",
            "is_priority",
            "implementer",
            "partners",
            "commune",
            "place",
            "start_date",
            "end_date",
            "need",
            "objectives",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "partners": forms.Textarea(attrs={"rows": 2}),
            "need": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        instance = self.instance if self.instance.pk else None
        if is_admin(user):
            province_id = (self.data.get("province") if self.is_bound else None) or (
                instance.province_id if instance else None
            )
        else:
            province_id = user.province_id
            _model_choice(self, "province").queryset = Province.objects.filter(pk=province_id)
            self.fields["province"].initial = province_id
        if instance:
            self.fields["province"].disabled = True
            self.fields["province"].initial = instance.province_id
            self.fields["year"].initial = instance.year
            self.fields["funding_level"].initial = instance.funding_level
            self.fields["version"].initial = instance.version
            require_version(self)
        else:
            self.fields["year"].initial = timezone.localdate().year
        _model_choice(self, "category").queryset = ActivityCategory.objects.filter(active=True)
        _model_choice(self, "subtype").queryset = ActivitySubtype.objects.filter(
            active=True
        ).select_related("category")
        # Django's way of labelling one field's choices: a per-instance override.
        _model_choice(self, "subtype").label_from_instance = lambda s: (  # type: ignore[method-assign, assignment]  # per field
            f"{s.category_id} · {s.display_name}"
        )
        _model_choice(self, "commune").queryset = Commune.objects.filter(
            province_id=province_id or "-"
        )
        _model_choice(self, "commune").label_from_instance = lambda c: str(c.name)  # type: ignore[method-assign, assignment]  # as above
        _model_choice(self, "beneficiaries").queryset = Establishment.objects.filter(
            province_id=province_id or "-"
        )
        # Budget lines: one amount per source (integer đồng).
        self.budget_fields = []
        current = {}
        if instance:
            current = {line.source: line for line in instance.budget_lines.all()}
        for source, label in Source.choices:
            name = f"budget_{source}"
            self.fields[name] = money_field(label)
            if source in current:
                self.fields[name].initial = current[source].amount
            self.budget_fields.append(name)
        self.fields["other_programme"] = forms.CharField(
            label=_("Integrated programme"),
            required=False,
            max_length=200,
            help_text=_("For money from other programmes: which one (e.g. new rural development)."),
            initial=current["other"].other_programme if "other" in current else "",
        )
        # Expected outputs: a planned value per indicator, empty for those not promised.
        outputs = {}
        if instance:
            outputs = {o.indicator_id: o.planned for o in instance.outputs.all()}
        self.output_fields = []
        for indicator in Indicator.objects.all():
            name = f"output_{indicator.code}"
            self.fields[name] = indicator_field(
                indicator, 10**12, initial=outputs.get(indicator.code)
            )
            self.output_fields.append(name)
        if instance and not self.is_bound:
            self.initial["beneficiaries"] = list(
                instance.beneficiaries.values_list("pk", flat=True)
            )

    def chosen_beneficiaries(self):
        """The establishments ticked on the form (not the whole province, which may hold
        thousands): the template lists these and a search adds more."""
        if self.is_bound:
            ids = [
                v for v in cast(QueryDict, self.data).getlist("beneficiaries") if str(v).isdigit()
            ]
        else:
            ids = self.initial.get("beneficiaries", [])
        chosen = Establishment.objects.filter(pk__in=ids)
        queryset = _model_choice(self, "beneficiaries").queryset
        if queryset is not None:  # set in __init__ to the province's establishments
            chosen = queryset.filter(pk__in=ids)
        return chosen.select_related("commune")

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["province"] = self.cleaned_data["province"]
        data["year"] = self.cleaned_data["year"]
        data["funding_level"] = self.cleaned_data["funding_level"]
        data["partners"] = data["partners"] or ""
        data["budget_lines"] = [
            {
                "source": name.removeprefix("budget_"),
                "amount": self.cleaned_data.get(name) or 0,
                **(
                    {"other_programme": self.cleaned_data.get("other_programme") or ""}
                    if name == "budget_other"
                    else {}
                ),
            }
            for name in self.budget_fields
        ]
        data["outputs"] = {
            name.removeprefix("output_"): self.cleaned_data[name]
            for name in self.output_fields
            if self.cleaned_data.get(name) is not None
        }
        data["beneficiaries"] = [e.pk for e in self.cleaned_data.get("beneficiaries") or []]
        return data


class TransitionForm(forms.Form):
    """The fields a workflow step needs; the view keeps only those of the chosen step."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    accepted_on = forms.DateField(label=_("Acceptance date"), required=False, widget=DATE)
    minutes = forms.CharField(
        label=_("Acceptance minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    settled_on = forms.DateField(label=_("Settlement date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("New end date"), required=False, widget=DATE)
    override_reason = forms.CharField(
        label=_("Reason for overriding the rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the rules above refuse the step and you decide to go ahead."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    STEP_FIELDS = {
        "approve": ["decision_number", "decision_date"],
        "accept": ["accepted_on", "minutes"],
        "settle": ["settled_on"],
        "adjust": ["decision_number", "decision_date", "end_date"],
    }

    def __init__(self, *args: Any, project: Project, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.action = action
        keep = {"note", "version", *self.STEP_FIELDS.get(action, [])}
        if action in ("approve", "adjust"):
            keep.add("override_reason")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        today = timezone.localdate()
        for name in ("decision_date", "accepted_on", "settled_on"):
            if name in self.fields and action != "adjust":
                self.fields[name].initial = today
        self.fields["version"].initial = project.version
        self.amount_fields: list[str] = []
        budget = {line.source: line.amount for line in project.budget_lines.all()}
        outputs = list(project.outputs.select_related("indicator"))
        if action == "accept":
            for output in outputs:
                name = f"actual_{output.indicator_id}"
                self.fields[name] = indicator_field(output.indicator, 10**12)
                self.fields[name].required = True
                self.fields[name].label = _("%(indicator)s — actual (planned %(planned)s)") % {
                    "indicator": output.indicator.display_name,
                    "planned": format_number(output.planned),
                }
                self.amount_fields.append(name)
        if action == "settle":
            for source, amount in budget.items():
                name = f"spent_{source}"
                self.fields[name] = money_field(
                    _("%(source)s — spent (đồng)") % {"source": Source(source).label}, required=True
                )
                self.fields[name].initial = amount
                self.amount_fields.append(name)
        if action == "adjust":
            for source, label in Source.choices:
                name = f"budget_{source}"
                self.fields[name] = money_field(
                    _("%(source)s — new amount (đồng)") % {"source": label}
                )
                self.fields[name].initial = budget.get(source, 0)
                self.amount_fields.append(name)
            for output in outputs:
                name = f"output_{output.indicator_id}"
                self.fields[name] = indicator_field(
                    output.indicator, 10**12, initial=output.planned
                )
                self.fields[name].label = _("%(indicator)s — planned") % {
                    "indicator": output.indicator.display_name
                }
                self.amount_fields.append(name)
        if "note" in self.fields:
            self.fields["note"].label = (
                _("Reason") if action in ("return", "suspend", "cancel", "adjust") else _("Note")
            )

    def step_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {}
        for name in self.STEP_FIELDS.get(self.action, []):
            value = data.get(name)
            if value not in (None, ""):
                params[name] = value
        if self.action == "accept":
            params.setdefault("accepted_on", None)
            params.setdefault("minutes", "")
            params["actual_outputs"] = {
                name.removeprefix("actual_"): data[name] for name in self.amount_fields
            }
        elif self.action == "settle":
            params["spending"] = {
                name.removeprefix("spent_"): data[name] for name in self.amount_fields
            }
        elif self.action == "adjust":
            params["budget"] = {
                name.removeprefix("budget_"): data.get(name) or 0
                for name in self.amount_fields
                if name.startswith("budget_")
            }
            params["outputs"] = {
                name.removeprefix("output_"): data.get(name) or 0
                for name in self.amount_fields
                if name.startswith("output_")
            }
        return params


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Disbursement.Kind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    amount = money_field(_("Amount (đồng)"), required=True)
    date = forms.DateField(label=_("Date"), widget=DATE, initial=datetime.date.today)
    reference = forms.CharField(label=_("Document reference"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    file = AttachmentField(label=_("File"))


class PlanDecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding the rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, step: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {
            "register": ["reason"],
            "approve": ["decision_number", "decision_date", "override_reason"],
            "adjust": ["reason", "decision_number", "decision_date"],
        }[step]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "decision_date" in self.fields:
            self.fields["decision_date"].initial = timezone.localdate()
        if step == "register":
            self.fields["reason"].label = _("Note")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The step's note (core.pages.transition_page reads ``note``) is the reason field.
        cleaned["note"] = cleaned.get("reason") or ""
        return cleaned


class InspectionForm(forms.Form):
    done_on = forms.DateField(label=_("Inspected on"), widget=DATE, initial=datetime.date.today)
    inspector = forms.CharField(label=_("Inspector"), required=False, max_length=200)
    finding = forms.ChoiceField(label=_("Finding"), choices=Inspection.Finding.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(
        label=_("Follow-up action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when the equipment is idle, sold or moved, or the establishment ceased."
        ),
    )
    follow_up_due = forms.DateField(label=_("Follow-up due by"), required=False, widget=DATE)
    workers = forms.IntegerField(
        label=_("Workers found"),
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("Recorded as the establishment's figures of the inspection's year."),
    )
    revenue = MoneyField(
        label=_("Revenue of the year"),
        required=False,
        help_text=_("As the establishment declares it to the inspector, e.g. 1,5 tỷ."),
    )


class FollowUpForm(forms.Form):
    # Its errors go back to the inspection's page as messages: one message for both.
    done_on = forms.DateField(
        label=_("Done on"),
        widget=DATE,
        initial=datetime.date.today,
        error_messages={"required": _("Enter a valid date."), "invalid": _("Enter a valid date.")},
    )


class ProgrammeForm(VersionedFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=300)
    level = forms.ChoiceField(label=_("Level"), choices=[])
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    def __init__(self, *args: Any, user: Any, programme: Any = None, **kwargs: Any) -> None:
        from khuyencong.programmes.models import Programme

        if programme is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": programme.code,
                "name": programme.name,
                "level": programme.level,
                "province": programme.province_id,
                "start_year": programme.start_year,
                "end_year": programme.end_year,
                "decision_number": programme.decision_number,
                "decision_date": programme.decision_date,
                "signer": programme.signer,
                "description": programme.description,
                "version": programme.version,
            }
        super().__init__(*args, **kwargs)
        if programme is not None:
            require_version(self)
        # The national level is offered to those who may record a national programme.
        if programme_refusal(user, Programme.Level.NATIONAL, None) is None:
            _choice(self, "level").choices = Programme.Level.choices
            _model_choice(self, "province").queryset = Province.objects.all()
        else:
            _choice(self, "level").choices = [
                (Programme.Level.PROVINCIAL, Programme.Level.PROVINCIAL.label)
            ]
            _model_choice(self, "province").queryset = Province.objects.filter(pk=user.province_id)
            self.fields["province"].initial = user.province_id
        targets = {}
        if programme is not None:
            targets = {t.indicator_id: t.value for t in programme.targets.all()}
        self.target_fields = []
        for indicator in Indicator.objects.all():
            name = f"target_{indicator.code}"
            self.fields[name] = indicator_field(
                indicator, 10**15, initial=targets.get(indicator.code)
            )
            self.target_fields.append(name)

    def service_data(self) -> tuple[dict[str, Any], dict[str, int]]:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "code",
                "name",
                "level",
                "province",
                "start_year",
                "end_year",
                "decision_number",
                "decision_date",
                "signer",
                "description",
            )
        }
        data["signer"] = data["signer"] or ""
        data["description"] = data["description"] or ""
        targets = {
            name.removeprefix("target_"): self.cleaned_data[name]
            for name in self.target_fields
            if self.cleaned_data.get(name) is not None
        }
        return data, targets
