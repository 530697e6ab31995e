"""The field network: commune collaborators (cộng tác viên khuyến công), their quarterly
reports and the difficulties they pass on (DOMAIN.md glossary).

A collaborator belongs to one province and covers some of its communes. Each quarter they
report the establishments active, new and ceased in their communes, optionally by sector,
with the difficulties establishments face; the province reviews the report and handles
the difficulties. Reports and difficulties carry the province, denormalised, so scoping is
one indexed ``WHERE`` (DESIGN.md, Places). Money is an integer number of đồng.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TransitionRecord, VersionedModel
from khuyencong.network.quarters import Quarter
from khuyencong.places.models import Commune, Province
from khuyencong.registry.models import Sector

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Collaborator(VersionedModel):
    """A commune collaborator, appointed by a decision of the province, paid a monthly fee
    the province sets. Active from ``appointed_on`` until ``active_until`` (empty while
    active)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborator_record",
        help_text=_("The collaborator's own login (role: commune collaborator), if they have one."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="collaborators"
    )
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes covered"),
        related_name="collaborators",
        blank=True,
    )
    position = models.CharField(
        _("position"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Công chức Văn hóa – Xã hội of the commune."),
    )
    appointed_on = models.DateField(_("appointed on"))
    appointment_decision = models.CharField(
        _("appointment decision"), max_length=100, blank=True, help_text=_("Decision number.")
    )
    active_until = models.DateField(
        _("active until"),
        null=True,
        blank=True,
        help_text=_("Empty while the collaborator is active."),
    )
    # Đồng per month, set by the province.
    monthly_fee = models.BigIntegerField(
        _("monthly fee (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[communes])

    class Meta:
        verbose_name = _("commune collaborator")
        verbose_name_plural = _("commune collaborators")
        ordering = ["province_id", "full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True)
                | models.Q(active_until__gte=models.F("appointed_on")),
                name="collaborator_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_fee__gte=0), name="collaborator_fee_not_negative"
            ),
        ]
        indexes = [
            # The roster and the late list: a province's collaborators active on a date.
            models.Index(
                fields=["province", "appointed_on", "active_until"],
                name="collaborator_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def is_active_on(self, day) -> bool:
        return self.appointed_on <= day and (self.active_until is None or self.active_until >= day)

    @staticmethod
    def active_between(start, end) -> models.Q:
        """Collaborators active at some time between two dates (both included)."""
        return models.Q(appointed_on__lte=end) & (
            models.Q(active_until__isnull=True) | models.Q(active_until__gte=start)
        )


class CollaboratorTraining(models.Model):
    """A training the collaborator attended."""

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator training")
        verbose_name_plural = _("collaborator trainings")
        ordering = ["collaborator", "-date", "-id"]

    def __str__(self) -> str:
        return self.title


class CollaboratorReward(models.Model):
    """A reward (khen thưởng) given to the collaborator, with its amount in đồng."""

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.CASCADE,
        related_name="rewards",
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    # Đồng; 0 for a reward without money (a certificate of merit).
    amount = models.BigIntegerField(
        _("amount (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    decision = models.CharField(_("decision"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator reward")
        verbose_name_plural = _("collaborator rewards")
        ordering = ["collaborator", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="collaborator_reward_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportDeadline(models.Model):
    """How many days after a quarter ends its report is due, as data. A province may have its
    own row, which wins over the nationwide one (``province`` empty)."""

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: applies to every province without its own deadline."),
    )
    days = models.PositiveSmallIntegerField(
        _("days after the quarter"), validators=[MaxValueValidator(90)]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quarterly report deadline")
        verbose_name_plural = _("quarterly report deadlines")
        ordering = ["province_id"]
        constraints = [
            models.UniqueConstraint(fields=["province"], name="report_deadline_unique_province"),
            # The nationwide row (no province): a partial index, which SQLite supports too.
            # At most one nationwide row (no province): a partial unique index on a constant,
            # which SQLite and PostgreSQL both support (NULLs never collide in the first).
            models.UniqueConstraint(
                models.Value(1, output_field=models.IntegerField()),
                condition=models.Q(province__isnull=True),
                name="report_deadline_unique_nationwide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id or '—'}: {self.days}"


class QuarterlyReport(VersionedModel):
    """A collaborator's report for one quarter. Its status moves only through
    ``network.workflow``; every move is a ``ReportTransition`` row."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # Denormalised from the collaborator, for scoping and the province's lists.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    establishments_active = models.PositiveIntegerField(_("establishments active"), default=0)
    establishments_new = models.PositiveIntegerField(_("new establishments"), default=0)
    establishments_ceased = models.PositiveIntegerField(_("establishments ceased"), default=0)
    proposals = models.TextField(_("proposals for support"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    # When the report was first submitted: lateness is judged on it, so a report returned
    # for correction and submitted again is not late for that.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
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
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["-year", "-quarter", "collaborator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "year", "quarter"], name="report_unique_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"
            ),
        ]
        indexes = [
            # The province's report list, newest quarter first, filtered by status.
            models.Index(
                fields=["province", "-year", "-quarter", "status"], name="report_prov_period_idx"
            ),
            # The national report list, newest quarter first.
            models.Index(
                fields=["-year", "-quarter", "province", "collaborator"],
                name="report_national_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collaborator} — {self.period.label}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)


class ReportSectorLine(models.Model):
    """The report's counts for one khuyến công sector; their sums are the report's totals."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="sector_lines",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.PositiveIntegerField(_("active"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    ceased = models.PositiveIntegerField(_("ceased"), default=0)

    class Meta:
        verbose_name = _("report line by sector")
        verbose_name_plural = _("report lines by sector")
        ordering = ["report", "sector__ordering", "sector_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sector"], name="report_sector_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sector_id}: {self.active}/{self.new}/{self.ceased}"


class ReportTransition(TransitionRecord):
    """One workflow step of a report (healthchecks ``Flip``): who did what, when, why."""

    SUBJECT = "report"

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=QuarterlyReport.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=QuarterlyReport.Status.choices)

    class Meta:
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        ordering = ["report", "at", "id"]


class Difficulty(models.Model):
    """A difficulty establishments face, passed on by a collaborator's report (or recorded
    by the province directly), and how the province handles it: forwarded to the body that
    can solve it, then resolved. Every change is kept (simple_history)."""

    class Topic(models.TextChoices):
        CAPITAL = "capital", _("Capital")
        MARKET = "market", _("Market")
        RAW_MATERIALS = "raw_materials", _("Raw materials")
        TECHNOLOGY = "technology", _("Technology")
        PREMISES = "premises", _("Premises")
        LABOUR = "labour", _("Labour")
        PROCEDURES = "procedures", _("Administrative procedures")
        ENVIRONMENT = "environment", _("Environment")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FORWARDED = "forwarded", _("Forwarded")
        RESOLVED = "resolved", _("Resolved")

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="difficulties",
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    text = models.TextField(_("difficulty"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    forwarded_to = models.CharField(
        _("forwarded to"),
        max_length=300,
        blank=True,
        help_text=_("The body the difficulty was passed to (e.g. the commune People's Committee)."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # False while its report is a draft of the collaborator's: the province sees the
    # difficulty once the report is first submitted (a flag, so the lists need no join).
    shared = models.BooleanField(_("passed on to the province"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The province's difficulty list and its counts by topic and status.
            models.Index(fields=["province", "status", "topic"], name="difficulty_prov_status_idx"),
            # The lists, newest first: a province's, and the country's by status.
            models.Index(fields=["province", "-created_at"], name="difficulty_prov_list_idx"),
            models.Index(fields=["status", "-created_at"], name="difficulty_status_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.text[:60]}"


class DifficultyTransition(TransitionRecord):
    """One step in the handling of a difficulty (``network.workflow.DifficultyWorkflow``):
    who kept it open, forwarded or resolved it, and when."""

    SUBJECT = "difficulty"

    difficulty = models.ForeignKey(
        Difficulty,
        verbose_name=_("difficulty"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Difficulty.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Difficulty.Status.choices)

    class Meta:
        verbose_name = _("difficulty transition")
        verbose_name_plural = _("difficulty transitions")
        ordering = ["difficulty", "at", "id"]
