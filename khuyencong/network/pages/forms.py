"""Forms of the network's staff pages. They only shape input: every rule is checked by the
services, whose errors come back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import (
    MoneyField,
    VersionedFormMixin,
    VersionField,
    choice,
    label_choices,
    model_choice,
    require_version,
)
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.core.scoping import is_admin
from khuyencong.network import services
from khuyencong.network.models import Collaborator, Difficulty, QuarterlyReport
from khuyencong.network.quarters import Quarter, finished_quarters, parse_period, quarter_of
from khuyencong.network.workflow import DIFFICULTY_WORKFLOW
from khuyencong.places.models import Commune, Province
from khuyencong.registry.models import Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def count_field(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1", "min": "0"}),
        min_value=0,
        max_value=services.MAX_COUNT,
    )


def money_field(label: Any) -> MoneyField:
    return MoneyField(label=label, required=False, max_value=services.MAX_AMOUNT)


def recent_periods(today: Any) -> list[Quarter]:
    """The quarters a report is usually filed for: the current one and the last four
    finished ones, newest first."""
    return [quarter_of(today), *reversed(finished_quarters(today, 4))]


class CollaboratorForm(VersionedFormMixin, forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none())
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("E.g. Công chức Văn hóa – Xã hội of the commune."),
    )
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DATE)
    appointment_decision = forms.CharField(
        label=_("Appointment decision"), max_length=100, required=False
    )
    active_until = forms.DateField(
        label=_("Active until"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty while the collaborator is active."),
    )
    monthly_fee = money_field(_("Monthly fee (đồng)"))
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes covered"),
        queryset=Commune.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    user = forms.ModelChoiceField(
        label=_("Login"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("The collaborator's own login, so they can file reports on their phone."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    FIELDS = (
        "full_name",
        "phone",
        "email",
        "position",
        "appointed_on",
        "appointment_decision",
        "active_until",
        "monthly_fee",
        "notes",
    )

    def __init__(
        self, *args: Any, user: Any, province_id: str | None, instance: Any = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.FIELDS},
                "province": instance.province_id,
                "user": instance.user_id,
                "version": instance.version,
                "communes": [c.pk for c in instance.communes.all()],
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            require_version(self)
        if is_admin(user):
            model_choice(self, "province").queryset = Province.objects.all()
        else:
            model_choice(self, "province").queryset = Province.objects.filter(pk=user.province_id)
        self.fields["province"].initial = province_id
        if instance is not None or province_id is not None:
            # The communes offered depend on the province, fixed once chosen.
            self.fields["province"].disabled = True
        communes = model_choice(self, "communes")
        communes.queryset = Commune.objects.filter(province_id=province_id or "-").order_by("name")
        label_choices(communes, lambda commune: commune.name)
        linked = Q(collaborator_record__isnull=True)
        if instance is not None:
            linked |= Q(collaborator_record=instance)
        logins = model_choice(self, "user")
        logins.queryset = (
            get_user_model()
            .objects.filter(role=Role.COLLABORATOR, province_id=province_id or "-")
            .filter(linked)
            .order_by("username")
        )
        label_choices(logins, lambda u: f"{u.username} ({u.get_full_name()})")

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        for name in ("phone", "email", "position", "appointment_decision", "notes"):
            data[name] = data[name] or ""
        data["monthly_fee"] = data["monthly_fee"] or 0
        data["communes"] = list(self.cleaned_data["communes"])
        data["user"] = self.cleaned_data.get("user")
        data["province"] = self.cleaned_data["province"]
        return data


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DATE)
    organiser = forms.CharField(label=_("Organiser"), max_length=200, required=False)


class RewardForm(forms.Form):
    title = forms.CharField(label=_("Reward"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = money_field(_("Amount (đồng)"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)


class ReportForm(VersionedFormMixin, forms.Form):
    """The quarterly report on one phone screen: the quarter, the three totals, the counts
    by sector (optional; the totals are then their sums) and the proposals. Difficulties
    come in a formset beside it (``DifficultyFormSet``)."""

    collaborator = forms.ModelChoiceField(
        label=_("Collaborator"), queryset=Collaborator.objects.none()
    )
    period = forms.ChoiceField(label=_("Quarter"))
    establishments_active = count_field(_("Establishments active"))
    establishments_new = count_field(_("New establishments"))
    establishments_ceased = count_field(_("Establishments ceased"))
    proposals = forms.CharField(
        label=_("Proposals for support"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        collaborators: Any,
        today: Any,
        report: QuarterlyReport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        field = model_choice(self, "collaborator")
        field.queryset = collaborators
        periods = recent_periods(today)
        if report is not None:
            field.disabled = True
            field.initial = report.collaborator_id
            self.fields["period"].disabled = True
            self.fields["period"].initial = report.period.period
            if report.period not in periods:
                periods.append(report.period)
            for name in ("establishments_active", "establishments_new", "establishments_ceased"):
                self.fields[name].initial = getattr(report, name)
            self.fields["proposals"].initial = report.proposals
            self.fields["version"].initial = report.version
            require_version(self)
        choice(self, "period").choices = [(p.period, p.label) for p in periods]
        self.sectors = list(Sector.objects.all())
        current = {}
        if report is not None:
            current = {line.sector_id: line for line in report.sector_lines.all()}
        self.sector_rows = []
        for sector in self.sectors:
            names = []
            for part, label in (
                ("active", _("active")),
                ("new", _("new")),
                ("ceased", _("ceased")),
            ):
                name = f"sector_{sector.code}_{part}"
                self.fields[name] = count_field(label)
                line = current.get(sector.code)
                if line is not None:
                    self.fields[name].initial = getattr(line, part)
                names.append(name)
            self.sector_rows.append((sector, [self[name] for name in names]))
        self.has_lines = bool(current)

    def clean_period(self) -> Quarter:
        value = self.cleaned_data["period"]
        period = parse_period(value)
        if period is None:
            raise forms.ValidationError(_("Enter a quarter such as 2026-Q1."))
        return period

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: self.cleaned_data.get(name)
            for name in ("establishments_active", "establishments_new", "establishments_ceased")
        }
        data["proposals"] = self.cleaned_data.get("proposals") or ""
        data["sector_lines"] = [
            {
                "sector": sector.code,
                **{
                    part: self.cleaned_data.get(f"sector_{sector.code}_{part}") or 0
                    for part in ("active", "new", "ceased")
                },
            }
            for sector in self.sectors
        ]
        return data


class DifficultyLineForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", "—"), *Difficulty.Topic.choices]
    )
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    text = forms.CharField(
        label=_("Difficulty"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, communes: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "commune").choices = [("", "—"), *((c.pk, c.name) for c in communes or [])]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("text") and not data.get("topic"):
            self.add_error("topic", _("Choose the topic of this difficulty."))
        if data.get("topic") and not data.get("text"):
            self.add_error("text", _("Describe the difficulty."))
        return data


DifficultyFormSet = forms.formset_factory(
    DifficultyLineForm, extra=2, max_num=services.MAX_DIFFICULTIES
)


def difficulty_items(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "topic": form.cleaned_data["topic"],
            "text": form.cleaned_data["text"],
            "commune": form.cleaned_data.get("commune") or None,
        }
        for form in formset.forms
        if form.cleaned_data.get("topic") and form.cleaned_data.get("text")
    ]


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, report: QuarterlyReport, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = report.version
        if action == "return":
            self.fields["note"].label = _("Reason for return")
            self.fields["note"].required = True


def province_staff(province_id: str | None):
    return (
        get_user_model()
        .objects.filter(role__in=list(PROVINCIAL_ROLES), province_id=province_id or "-")
        .order_by("last_name", "first_name", "username")
    )


class DifficultyChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Difficulty.Status.choices)
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        max_length=300,
        required=False,
        help_text=_("The body the difficulty is passed to (e.g. the commune People's Committee)."),
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    handler = forms.ModelChoiceField(
        label=_("Handled by"), required=False, queryset=get_user_model().objects.none()
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, difficulty: Difficulty, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": difficulty.status,
                "forwarded_to": difficulty.forwarded_to,
                "resolution": difficulty.resolution,
                "handler": difficulty.handler_id,
                "expected_status": difficulty.status,
            },
        )
        super().__init__(*args, **kwargs)
        # The statuses the steps open to the user lead to (what the workflow accepts).
        allowed = {step.target for step in DIFFICULTY_WORKFLOW.allowed_steps(user, difficulty)}
        choice(self, "status").choices = [
            (code, label) for code, label in Difficulty.Status.choices if code in allowed
        ]
        field = model_choice(self, "handler")
        field.queryset = province_staff(difficulty.province_id)
        label_choices(field, lambda u: u.get_full_name() or u.username)


class DifficultyRecordForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none())
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.none()
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Difficulty.Topic.choices)
    text = forms.CharField(
        label=_("Difficulty"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: Any, province_id: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = (
            Province.objects.all()
            if is_admin(user)
            else Province.objects.filter(pk=user.province_id)
        )
        model_choice(self, "province").queryset = provinces
        self.fields["province"].initial = province_id
        field = model_choice(self, "commune")
        field.queryset = Commune.objects.filter(province_id=province_id or "-").order_by("name")
        label_choices(field, lambda commune: commune.name)
