"""Programmes, annual plans and projects (đề án khuyến công), their money and follow-up.

Money is an integer number of đồng everywhere (DESIGN.md). Legal figures — activity
categories, support caps, plan-cycle deadlines, inspection schedules — are reference data
with an effective date and a legal basis (DOMAIN.md), never constants in code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TransitionRecord, VersionedModel
from khuyencong.places.models import Commune, Province
from khuyencong.registry.models import Establishment

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class FundingLevel(models.TextChoices):
    """Whose budget a plan and its projects draw on."""

    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class Source(models.TextChoices):
    """Where a project's money comes from (DOMAIN.md glossary)."""

    NATIONAL = "national", _("National khuyến công funds")
    LOCAL = "local", _("Local khuyến công funds")
    COUNTERPART = "counterpart", _("Counterpart (beneficiary's own)")
    OTHER = "other", _("Other programmes (integrated)")


# The sources paid by the state budget of each funding level: the caps limit these.
STATE_SOURCES = {FundingLevel.NATIONAL: Source.NATIONAL, FundingLevel.LOCAL: Source.LOCAL}


def _localised(obj: Any) -> str:
    """The English name in English where there is one, else the Vietnamese (``obj`` has
    ``name`` and may have ``name_en``)."""
    english = str(getattr(obj, "name_en", "") or "")
    if (get_language() or "vi").startswith("en") and english:
        return english
    return str(obj.name)


class ActivityCategory(models.Model):
    """An activity content of Decree 45/2012 Art. 4 (as amended). Codes stay stable when the
    wording changes."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # Advances (DOMAIN.md, verify): the share of the state money that may be advanced
    # before acceptance, in percent; null = no advance rule recorded.
    advance_percent = models.PositiveSmallIntegerField(
        _("advance allowed (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the state funds that may be paid before acceptance."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity category")
        verbose_name_plural = _("activity categories")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_name}"

    @property
    def display_name(self) -> str:
        return _localised(self)


class ActivitySubtype(models.Model):
    """A sub-type of an activity content (e.g. machinery vs demonstration model)."""

    code = models.CharField(_("code"), max_length=24, primary_key=True)
    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("activity category"),
        on_delete=models.PROTECT,
        related_name="subtypes",
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity sub-type")
        verbose_name_plural = _("activity sub-types")
        ordering = ["category__ordering", "ordering", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self)


class Indicator(models.Model):
    """An output a programme targets and a project promises and delivers (trainees,
    demonstration models, establishments supported…). The reports app computes its own
    indicator catalogue; these are the outputs counted on projects."""

    code = models.CharField(_("code"), max_length=48, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("output indicator")
        verbose_name_plural = _("output indicators")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self)


class Programme(VersionedModel):
    """A multi-year khuyến công programme (national, or one province's)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for a provincial programme."),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(level="national", province__isnull=True)
                | models.Q(level="provincial", province__isnull=False),
                name="programme_level_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class ProgrammeTarget(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.BigIntegerField(_("target"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["indicator__ordering", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"], name="programme_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class AnnualPlan(models.Model):
    """The khuyến công plan of one province, year and funding level. Its content is the set
    of projects that belong to it; each registration, approval and adjustment freezes that
    content as a ``PlanVersion``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        REGISTERED = "registered", _("Registered")
        APPROVED = "approved", _("Approved")
        ADJUSTED = "adjusted", _("Adjusted")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    funding_level = models.CharField(
        _("funding level"), max_length=16, choices=FundingLevel.choices
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "province_id", "funding_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "funding_level"], name="plan_unique_per_level"
            ),
        ]

    def __str__(self) -> str:
        return _("%(level)s plan %(year)s") % {
            "level": self.get_funding_level_display(),
            "year": self.year,
        }


class PlanVersion(models.Model):
    """A frozen copy of a plan at registration, approval or an adjustment, with its decision.

    ``content`` holds the projects as they stood: ``[{"id", "code", "title", "status",
    "category", "budget": {source: amount}}]``. Versions are never edited; comparing two
    of them shows what each adjustment changed."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        APPROVED = "approved", _("Approved")
        ADJUSTED = "adjusted", _("Adjusted")

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    content = models.JSONField(_("content"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def total(self) -> int:
        return sum(sum(item["budget"].values()) for item in self.content)


class PlanTransition(TransitionRecord):
    """One step of a plan (register, approve, adjust): who took it, when, why. The version
    the step froze is the plan's ``PlanVersion`` of the same moment."""

    SUBJECT = "plan"

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AnnualPlan.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=AnnualPlan.Status.choices)

    class Meta:
        verbose_name = _("plan transition")
        verbose_name_plural = _("plan transitions")
        ordering = ["plan", "at", "id"]


class PlanDeadline(models.Model):
    """A step of the plan cycle and its deadline, as data (DOMAIN.md "Plans and projects").

    The deadline of a plan for year Y is ``day/month`` of ``Y + year_offset`` (registration
    of next year's plan by 15/6 is ``year_offset=-1``). A province may have its own row,
    which wins over the nationwide one (``province`` empty)."""

    class Step(models.TextChoices):
        FILE = "file", _("Projects filed with the department")
        REGISTER = "register", _("Plan registered")
        APPROVE = "approve", _("Plan approved")
        SETTLE = "settle", _("Projects settled")

    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    funding_level = models.CharField(
        _("funding level"), max_length=16, choices=FundingLevel.choices
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: applies to every province without its own deadline."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    year_offset = models.SmallIntegerField(
        _("year offset"),
        default=0,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text=_("-1: the year before the plan's year; 1: the year after."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    needs_verification = models.BooleanField(_("to verify"), default=False)

    class Meta:
        verbose_name = _("plan-cycle deadline")
        verbose_name_plural = _("plan-cycle deadlines")
        ordering = ["funding_level", "year_offset", "month", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "funding_level", "province"], name="deadline_unique_per_province"
            ),
            # The nationwide row (no province): a partial index, which SQLite supports too.
            models.UniqueConstraint(
                fields=["step", "funding_level"],
                condition=models.Q(province__isnull=True),
                name="deadline_unique_nationwide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.day:02d}/{self.month:02d} ({self.year_offset:+d})"


class Project(VersionedModel):
    """A khuyến công project (đề án). Its status moves only through the transitions of
    ``programmes.workflow``; its money through budget lines, revisions and disbursements."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        PILOT = "pilot", _("Pilot (đề án điểm)")
        GROUP = "group", _("Group (đề án nhóm)")
        SPECIFIC = "specific", _("Specific beneficiary")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPRAISED = "appraised", _("Appraised")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        ACCEPTED = "accepted", _("Accepted")
        SETTLED = "settled", _("Settled")
        RETURNED = "returned", _("Returned for revision")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=400)
    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="projects"
    )
    # Denormalised from the plan, for scoping, filters and reports (DESIGN.md, Places).
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    funding_level = models.CharField(
        _("funding level"), max_length=16, choices=FundingLevel.choices
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the project takes place; empty when it covers several communes."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("activity category"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    subtype = models.ForeignKey(
        ActivitySubtype,
        verbose_name=_("sub-type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ORDINARY)
    is_priority = models.BooleanField(
        _("priority project"),
        default=False,
        help_text=_(
            "Priority projects may receive more than the normal cap, where a rule says so."
        ),
    )
    implementer = models.CharField(_("implementer"), max_length=300)
    partners = models.TextField(_("partners"), blank=True)
    beneficiaries: models.ManyToManyField[Establishment, ProjectBeneficiary] = (
        models.ManyToManyField(
            Establishment,
            verbose_name=_("beneficiaries"),
            through="ProjectBeneficiary",
            related_name="projects",
            blank=True,
        )
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    need = models.TextField(_("need and legal basis"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_decision = models.CharField(_("approval decision"), max_length=60, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_minutes = models.TextField(_("acceptance minutes"), blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            ),
        ]
        indexes = [
            # The province's project list and plan board: a province and year, newest first.
            models.Index(fields=["province", "year", "status"], name="project_prov_year_idx"),
            # National lists and reports by year and status.
            models.Index(fields=["year", "status"], name="project_year_status_idx"),
            # The national project list's order (newest year first, then code), so a page is
            # read from the index instead of sorting every project.
            models.Index(fields=["-year", "code"], name="project_list_order_idx"),
            # The period reports: projects approved, and beneficiaries of projects accepted,
            # in a period of the whole country (reports.records).
            models.Index(fields=["approved_on"], name="project_approved_idx"),
            models.Index(fields=["accepted_on"], name="project_accepted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def state_source(self) -> str:
        return STATE_SOURCES[FundingLevel(self.funding_level)]


class ProjectBeneficiary(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    # PROTECT: an establishment a project supported cannot vanish from the registry.
    establishment = models.ForeignKey(
        Establishment, verbose_name=_("establishment"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(fields=["project", "establishment"], name="beneficiary_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.establishment_id}"


class BudgetLine(models.Model):
    """The current budget of a project by source (đồng). Before approval it is edited
    freely; afterwards only an adjustment (a new ``ProjectRevision``) changes it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(0)])
    other_programme = models.CharField(
        _("integrated programme"),
        max_length=200,
        blank=True,
        help_text=_("For money from other programmes: which one (e.g. new rural development)."),
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="budget_line_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"


class ProjectOutput(models.Model):
    """An expected output of a project (an indicator target) and, once accepted, what it
    actually delivered."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="outputs"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    planned = models.BigIntegerField(_("planned"), validators=[MinValueValidator(0)])
    actual = models.BigIntegerField(
        _("actual"), null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("expected output")
        verbose_name_plural = _("expected outputs")
        ordering = ["indicator__ordering", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="output_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.planned}"


class ProjectRevision(models.Model):
    """The approved budget and outputs of a project: number 1 at approval, then one per
    adjustment, each with its reason and decision. Never edited."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    reason = models.TextField(_("reason"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    # {"national": 120000000, ...} and {"trainees.count": 30, ...}
    budget = models.JSONField(_("budget"), default=dict)
    outputs = models.JSONField(_("outputs"), default=dict)
    # Other fields the adjustment changed: {"end_date": "2026-12-31", ...}
    details = models.JSONField(_("other changes"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project revision")
        verbose_name_plural = _("project revisions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} r{self.number}"


class ProjectTransition(TransitionRecord):
    """One workflow step of a project (healthchecks ``Flip``): who did what, when, why."""

    SUBJECT = "project"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Project.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Project.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A manager's override of a cap or eligibility refusal, with the refusals it overrode.
    override_reason = models.TextField(_("override reason"), blank=True)
    overridden = models.JSONField(_("overridden refusals"), default=list, blank=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["project", "at", "id"]


class SupportCap(models.Model):
    """The most the state may pay for one kind of activity (DOMAIN.md "Support caps"): a
    share of the total cost and an amount, per funding level, optionally per province,
    from an effective date, with its legal basis. The rule in force on a project's approval
    date applies: the most specific (sub-type over category, province over nationwide),
    then the latest ``valid_from``."""

    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("activity category"),
        on_delete=models.PROTECT,
        related_name="caps",
    )
    subtype = models.ForeignKey(
        ActivitySubtype,
        verbose_name=_("sub-type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caps",
        help_text=_("Empty: the whole category."),
    )
    funding_level = models.CharField(
        _("funding level"), max_length=16, choices=FundingLevel.choices
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: nationwide."),
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    max_share = models.DecimalField(
        _("maximum share of cost (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    max_amount = models.BigIntegerField(
        _("maximum amount (đồng)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    per_beneficiary = models.BooleanField(
        _("amount per beneficiary"),
        default=False,
        help_text=_("The maximum amount applies to each beneficiary establishment."),
    )
    priority_multiplier = models.DecimalField(
        _("multiplier for priority projects"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(1))],
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    needs_verification = models.BooleanField(_("to verify"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support cap")
        verbose_name_plural = _("support caps")
        ordering = ["category", "subtype", "funding_level", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.subtype or self.category} ({self.get_funding_level_display()})"


class Disbursement(models.Model):
    """Money paid to a project: an advance or a payment, by source and date (đồng)."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance")
        PAYMENT = "payment", _("Payment")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="disbursements"
    )
    # Denormalised for scoping and the province money view.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PAYMENT)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    reference = models.CharField(_("document reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["project", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_positive"),
        ]
        indexes = [
            # Money by province and period (money view, reports).
            models.Index(fields=["province", "date"], name="disb_province_date_idx"),
            # The national period reports: money disbursed in a period, every province.
            models.Index(fields=["date"], name="disb_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.amount} ({self.source})"


class SettlementLine(models.Model):
    """What a project actually spent by source, recorded when it is settled (quyết toán)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="settlement"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("settled amount")
        verbose_name_plural = _("settled amounts")
        ordering = ["project", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="settlement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"


def document_path(instance: ProjectDocument, filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class ProjectDocument(models.Model):
    """A file attached to a project: a decision, minutes, an invoice, a contract…"""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        MINUTES = "minutes", _("Minutes")
        INVOICE = "invoice", _("Invoice")
        CONTRACT = "contract", _("Contract")
        PROPOSAL = "proposal", _("Project proposal")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["project", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class InspectionRule(models.Model):
    """When supported establishments are inspected after acceptance, as data: e.g. each
    supported machine within 12 months. The most specific rule wins (sub-type, then
    category, then the default with neither)."""

    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("activity category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    subtype = models.ForeignKey(
        ActivitySubtype,
        verbose_name=_("sub-type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    months_after_acceptance = models.PositiveSmallIntegerField(
        _("months after acceptance"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection rule")
        verbose_name_plural = _("inspection rules")
        ordering = ["category", "subtype"]
        constraints = [
            models.UniqueConstraint(fields=["category", "subtype"], name="inspection_rule_unique"),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(subtype__isnull=True),
                name="inspection_rule_unique_category",
            ),
            models.UniqueConstraint(
                fields=["subtype"],
                condition=models.Q(category__isnull=True),
                name="inspection_rule_unique_subtype",
            ),
        ]

    def __str__(self) -> str:
        target = self.subtype or self.category or _("every project")
        return f"{target}: {self.months_after_acceptance}"


class Inspection(models.Model):
    """A follow-up inspection of a supported establishment: scheduled when the project is
    accepted, then carried out with a finding and, where needed, a follow-up action."""

    class Finding(models.TextChoices):
        IN_USE = "in_use", _("Equipment in use")
        IDLE = "idle", _("Equipment idle")
        SOLD = "sold", _("Equipment sold")
        MOVED = "moved", _("Equipment moved")
        CEASED = "ceased", _("Establishment ceased")

    class Stage(models.TextChoices):
        """Where the inspection stands, read from its dates (the workflow's state; not a
        column: the dates are the facts)."""

        DUE = "due", _("To inspect")
        FOLLOW_UP = "follow_up", _("Follow-up pending")
        DONE = "done", _("Inspected")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="inspections"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    # Denormalised from the project for scoping and the overdue list.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due by"))
    done_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspector = models.CharField(_("inspector"), max_length=200, blank=True)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.TextField(_("follow-up action"), blank=True)
    follow_up_due = models.DateField(_("follow-up due by"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    # What the inspector found of the establishment's business; recorded also as the
    # establishment's yearly figures of the inspection's year (source "inspection"), which
    # the impact evaluation reads (docs/impact.md).
    workers = models.PositiveIntegerField(_("workers found"), null=True, blank=True)
    revenue = models.BigIntegerField(
        _("revenue of the year (đồng)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "establishment"], name="inspection_unique_per_beneficiary"
            ),
        ]
        indexes = [
            # The overdue list: a province's inspections not done, by due date.
            models.Index(fields=["province", "done_on", "due_date"], name="inspection_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} / {self.establishment_id}"

    @property
    def stage(self) -> str:
        if self.done_on is None:
            return self.Stage.DUE
        if self.follow_up and self.follow_up_done_on is None:
            return self.Stage.FOLLOW_UP
        return self.Stage.DONE

    def get_stage_display(self) -> str:
        return str(self.Stage(self.stage).label)

    # Findings that call for a follow-up action (the support is not being used as agreed).
    NEEDS_FOLLOW_UP = frozenset({Finding.IDLE, Finding.SOLD, Finding.MOVED, Finding.CEASED})


class InspectionTransition(TransitionRecord):
    """One step of a follow-up inspection (recorded, follow-up done): who, when, from which
    stage to which."""

    SUBJECT = "inspection"

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Inspection.Stage.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Inspection.Stage.choices)

    class Meta:
        verbose_name = _("inspection transition")
        verbose_name_plural = _("inspection transitions")
        ordering = ["inspection", "at", "id"]


class PrioritySector(models.Model):
    """A sector a province puts first in its khuyến công programme (its key products, "ngành
    hàng chủ lực"), as data with the years it applies and its legal basis. The impact page
    shows the share of money and of supported establishments that goes to them
    (docs/impact.md, "Concentration")."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    sector = models.ForeignKey(
        "registry.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority sector of a province")
        verbose_name_plural = _("priority sectors of provinces")
        ordering = ["province_id", "sector_id", "first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "sector", "first_year"], name="priority_sector_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(last_year__isnull=True)
                | models.Q(last_year__gte=models.F("first_year")),
                name="priority_sector_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id}: {self.sector_id} ({self.first_year}–{self.last_year or ''})"


class PriorityCriterion(models.Model):
    """A reason to rank a candidate project higher when the plan is built (DOMAIN.md
    "Priority"), with its points, as data. ``programmes.priority`` knows how to test each
    code; administrators change the points or switch a criterion off."""

    class Code(models.TextChoices):
        PRIORITY_AREA = "priority_area", _("Marked as a priority project or area")
        PILOT = "pilot", _("Pilot project")
        SPECIAL_ZONE = "special_zone", _("Takes place in a special zone (island)")
        MECHANICAL = "mechanical", _("A beneficiary in machinery or supporting industry")
        AGRO_PROCESSING = "agro_processing", _("A beneficiary in agro-forestry-fishery processing")
        CLEANER_PRODUCTION = "cleaner_production", _("A beneficiary in cleaner production")
        LARGE_EMPLOYER = "large_employer", _("A beneficiary with at least 50 workers")
        COUNTERPART = "counterpart", _("Counterpart money at least half of the cost")

    code = models.CharField(_("code"), max_length=32, primary_key=True, choices=Code.choices)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MaxValueValidator(1000)])
    active = models.BooleanField(_("in use"), default=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("priority criterion")
        verbose_name_plural = _("priority criteria")
        ordering = ["-points", "code"]

    def __str__(self) -> str:
        return self.get_code_display()
