"""Needs surveys, their responses and needs, and the public online application.

A *campaign* is one province's survey of a year (with its own extra questions); a
*response* is what one establishment answered, linked to the registry; each *need* of a
response (or of an accepted application) names an activity category, an estimated cost and
the counterpart the establishment can bring, and keeps the link to the project it became,
so reports can say what share of needs was met.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TransitionRecord, VersionedModel
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import ActivityCategory, Project
from khuyencong.registry.models import Establishment, Sector


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class SurveyCampaign(VersionedModel):
    """One province's needs survey of a year. ``questions`` are the campaign's own extra
    questions: ``[{"key": "workers", "label": "Số lao động", "kind": "number"}]`` with kinds
    ``text``, ``number`` and ``yes_no``."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    questions = models.JSONField(_("extra questions"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["province", "-year"], name="campaign_prov_year_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class SurveyResponse(VersionedModel):
    """One establishment's answers to a campaign.

    ``client_key`` is the key the phone form (or KoboToolbox's ``_uuid``) gives a response
    when it is started: a response sent twice (a retry over a flaky network) is stored once.
    """

    class Source(models.TextChoices):
        FORM = "form", _("Survey form")
        KOBO = "kobo", _("KoboToolbox / ODK import")
        API = "api", _("API")

    campaign = models.ForeignKey(
        SurveyCampaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    collected_on = models.DateField(_("collected on"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.FORM
    )
    client_key = models.CharField(_("submission key"), max_length=64, unique=True)
    establishment_created = models.BooleanField(
        _("establishment registered by this response"), default=False
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-collected_on", "-id"]
        indexes = [
            models.Index(fields=["campaign", "commune"], name="response_campaign_idx"),
            models.Index(fields=["province", "-collected_on"], name="response_prov_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} — {self.campaign}"


class Application(models.Model):
    """A request for support sent by an establishment from the public site or the API,
    without an account. Its ``tracking_code`` opens the public status page."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("Being reviewed")
        ACCEPTED = "accepted", _("Accepted as a need")
        REJECTED = "rejected", _("Not accepted")

    class Channel(models.TextChoices):
        WEB = "web", _("Public site")
        API = "api", _("API")

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    establishment_name = models.CharField(_("establishment name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=Establishment.Kind.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("khuyến công sector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    representative = models.CharField(_("contact person"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("support asked for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("what the establishment needs"), max_length=4000)
    estimated_cost = models.BigIntegerField(_("estimated cost (đồng)"))
    counterpart_capacity = models.BigIntegerField(
        _("counterpart the establishment can bring (đồng)"), default=0
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment in the registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # Shown on the public status page: the centre's answer to the applicant.
    decision_note = models.TextField(_("answer to the applicant"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("online application")
        verbose_name_plural = _("online applications")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_cost__gte=0, counterpart_capacity__gte=0),
                name="application_money_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status", "-submitted_at"], name="application_idx")
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} — {self.establishment_name}"


class ApplicationTransition(TransitionRecord):
    """One triage step of an application: who did what, when, with what answer."""

    SUBJECT = "application"

    application = models.ForeignKey(
        Application,
        verbose_name=_("online application"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Application.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Application.Status.choices)

    class Meta:
        verbose_name = _("application transition")
        verbose_name_plural = _("application transitions")
        ordering = ["application", "at", "id"]


class Need(models.Model):
    """A need for support of one establishment, from a survey response or an accepted
    application; ``project`` is the draft project it was turned into."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("survey response"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("online application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="need",
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    # The establishment's sector when the need was recorded (needs are summed by sector).
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("activity category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), max_length=4000)
    estimated_cost = models.BigIntegerField(_("estimated cost (đồng)"))
    counterpart_capacity = models.BigIntegerField(_("counterpart capacity (đồng)"), default=0)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MaxValueValidator(3)],
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["priority", "-estimated_cost", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_cost__gte=0, counterpart_capacity__gte=0),
                name="need_money_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "year", "category"], name="need_prov_year_idx"),
            models.Index(fields=["year", "category"], name="need_year_idx"),
            # The needs list's order (highest priority, then the largest cost).
            models.Index(fields=["priority", "-estimated_cost", "id"], name="need_list_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} — {self.category_id}"
