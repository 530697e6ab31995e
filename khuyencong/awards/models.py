"""Typical rural industrial products (bình chọn sản phẩm công nghiệp nông thôn tiêu biểu):
award rounds, the products entered, the judges' score sheets, the certificates the results
give and the complaints against them (DOMAIN.md, "Typical rural industrial products").

A round is organised at one level: district (legacy, before 2025), province, region or
national. Province and district rounds belong to their province; region and national rounds
to no province (everyone on staff reads them). Entries carry the establishment's province
and commune, denormalised, so scoping is one indexed ``WHERE`` (DESIGN.md, Places). The
criteria groups, pass mark and complaint windows are data on each round; the results are
computed once, when the round closes, and stored on the entries (frozen).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TransitionRecord, VersionedModel
from khuyencong.places.models import Commune, LegacyDistrict, Province, Region
from khuyencong.registry.models import Establishment, Product

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Level(models.TextChoices):
    """Levels of a round, lowest first. District rounds ended with the districts (2025)."""

    DISTRICT = "district", _("District (before 2025)")
    PROVINCE = "province", _("Province")
    REGION = "region", _("Region")
    NATIONAL = "national", _("National")


class ProductGroup(models.TextChoices):
    HANDICRAFT = "handicraft", _("Handicrafts and fine arts")
    FOOD = "food", _("Agro-forestry-fishery processing and food")
    MECHANICAL = "mechanical", _("Machinery, tools and mechanical parts")
    OTHER = "other", _("Other products")


def default_criteria() -> list[dict[str, object]]:
    """The score sheet of the regulations, out of 100 (DOMAIN.md): editable per round."""
    return [
        {"code": "market", "name": "", "max_points": 40},
        {"code": "economic", "name": "", "max_points": 40},
        {"code": "culture", "name": "", "max_points": 10},
        {"code": "other", "name": "", "max_points": 10},
    ]


class AwardRound(VersionedModel):
    """One round of the award at a level, for a year and a place. Its status moves only
    through ``awards.workflow``; every move is an ``AwardRoundTransition`` row."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for entries")
        SCORING = "scoring", _("Council scoring")
        CLOSED = "closed", _("Closed, results published")

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a district or province round."),
    )
    legacy_district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("district (before 2025)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a district round, if the district is known."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a region round."),
    )
    title = models.CharField(_("title"), max_length=300)
    organiser = models.CharField(
        _("organiser"),
        max_length=300,
        blank=True,
        help_text=_("E.g. Sở Công Thương Đắk Lắk."),
    )
    decision = models.CharField(
        _("organising decision"),
        max_length=200,
        blank=True,
        help_text=_("Number and date of the decision organising the round."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    council_size = models.PositiveSmallIntegerField(
        _("council members"), help_text=_("An odd number, within the range of the level.")
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        help_text=_("A product is certified when the judges' average reaches it."),
    )
    # [{"code", "name" (empty: the standard label of the code), "max_points"}], out of 100.
    criteria = models.JSONField(_("criteria groups"), default=default_criteria)
    complaint_days = models.PositiveSmallIntegerField(
        _("complaint window (working days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("time to resolve a complaint (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    closing_date = models.DateField(
        _("closing date"),
        null=True,
        blank=True,
        help_text=_("Planned until the round closes; then the date the results were issued."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
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
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year", "level", "province_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        level__in=["district", "province"],
                        province__isnull=False,
                        region__isnull=True,
                    )
                    | models.Q(level="region", province__isnull=True, region__isnull=False)
                    | models.Q(level="national", province__isnull=True, region__isnull=True)
                ),
                name="award_round_place_by_level",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gt=0, pass_mark__lte=100),
                name="award_round_pass_mark_range",
            ),
            # One round per level, year and place: certificate numbers stay unique.
            models.UniqueConstraint(
                fields=["year", "province"],
                condition=models.Q(level="province"),
                name="award_round_one_province_round",
            ),
            models.UniqueConstraint(
                fields=["year", "legacy_district"],
                condition=models.Q(level="district"),
                name="award_round_one_district_round",
            ),
            models.UniqueConstraint(
                fields=["year", "region"],
                condition=models.Q(level="region"),
                name="award_round_one_region_round",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(level="national"),
                name="award_round_one_national_round",
            ),
        ]
        indexes = [
            # The round list of a province, newest first, filtered by level and status.
            models.Index(fields=["province", "-year", "level"], name="award_round_prov_year_idx"),
            # The national list filtered by level and status.
            models.Index(fields=["level", "status", "-year"], name="award_round_level_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place_label(self) -> str:
        if self.level == Level.REGION and self.region_id:
            return str(self.region)
        if self.level == Level.NATIONAL:
            return str(_("Nationwide"))
        parts = []
        if self.legacy_district is not None:
            parts.append(self.legacy_district.name)
        if self.province is not None:
            parts.append(self.province.name)
        return ", ".join(parts)

    @property
    def criteria_total(self) -> int:
        return sum(int(c["max_points"]) for c in self.criteria)


class AwardRoundTransition(TransitionRecord):
    """One workflow step of a round (healthchecks ``Flip``): who did what, when, why."""

    SUBJECT = "round"

    round = models.ForeignKey(
        AwardRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AwardRound.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=AwardRound.Status.choices)

    class Meta:
        verbose_name = _("award round transition")
        verbose_name_plural = _("award round transitions")
        ordering = ["round", "at", "id"]


class AwardEntry(VersionedModel):
    """A product entered in a round by its establishment. The result fields are written once,
    when the round closes, and never recomputed (frozen)."""

    round = models.ForeignKey(
        AwardRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="entries"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="award_entries",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("registered product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_entries",
    )
    product_name = models.CharField(_("product name"), max_length=300)
    # Normalised product name (core.text.normalise): the public search and the match with
    # the certificates of the level below when no registered product is named.
    search_name = models.CharField(max_length=300, editable=False)
    group = models.CharField(_("product group"), max_length=16, choices=ProductGroup.choices)
    description = models.TextField(_("description"), blank=True)
    # Denormalised from the establishment, for scoping and reports.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    # The certificate of the level below that allowed the entry (region and national).
    qualifying_entry = models.ForeignKey(
        "self",
        verbose_name=_("qualifying certificate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Results, frozen at close.
    sheet_count = models.PositiveSmallIntegerField(_("score sheets"), null=True, blank=True)
    average = models.DecimalField(
        _("average score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    certified = models.BooleanField(_("certified"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_seq = models.PositiveIntegerField(_("certificate sequence"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at", "search_name"])

    class Meta:
        verbose_name = _("award entry")
        verbose_name_plural = _("award entries")
        ordering = ["round", "product_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "product"],
                condition=models.Q(product__isnull=False),
                name="award_entry_product_once",
            ),
            models.UniqueConstraint(
                fields=["round", "establishment", "search_name"],
                name="award_entry_name_once",
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="award_entry_certificate_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(certified=False)
                | (models.Q(issued_on__isnull=False) & models.Q(valid_until__isnull=False)),
                name="award_entry_certified_dates",
            ),
        ]
        indexes = [
            # The public catalogue and the indicators: certificates valid on a date.
            models.Index(
                fields=["certified", "valid_until", "issued_on"], name="award_entry_valid_idx"
            ),
            # A province's entries and its certified products by year.
            models.Index(
                fields=["province", "certified", "issued_on"], name="award_entry_prov_idx"
            ),
            # The national period reports: products certified in a period.
            models.Index(
                fields=["issued_on"],
                condition=models.Q(certified=True),
                name="award_entry_issued_idx",
            ),
            # The level-below rule and the history of an establishment.
            models.Index(
                fields=["establishment", "certified", "valid_until"], name="award_entry_est_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} — {self.establishment_id}"

    @property
    def has_result(self) -> bool:
        return self.sheet_count is not None

    def valid_on(self, day: datetime.date) -> bool:
        return bool(
            self.certified
            and self.issued_on is not None
            and self.valid_until is not None
            and self.issued_on <= day <= self.valid_until
        )


class ScoreSheet(models.Model):
    """One judge's independent scoring of one entry: points per criteria group of the round.
    ``total`` is the exact sum of the points (Decimal), stored for the results."""

    entry = models.ForeignKey(
        AwardEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="sheets"
    )
    # Denormalised for counting the judges of a round in one query.
    round = models.ForeignKey(
        AwardRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    judge = models.CharField(_("judge"), max_length=200)
    # normalise(judge): the same person typed with or without accents is one judge.
    judge_key = models.CharField(max_length=200, editable=False)
    judge_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge's login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # {"market": "35.50", ...}: Decimal points as strings, exact.
    points = models.JSONField(_("points"), default=dict)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["entry", "judge_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge_key"], name="score_sheet_one_per_judge"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0, total__lte=100), name="score_sheet_total_range"
            ),
        ]
        indexes = [
            # Counting the distinct judges of a round (council size).
            models.Index(fields=["round", "judge_key"], name="score_sheet_round_judge_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.judge}: {self.total}"


class AwardComplaint(models.Model):
    """A complaint about a round's result for one entry, received within the round's
    complaint window, and its resolution (due within ``resolution_days`` working days)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being handled")
        RESOLVED = "resolved", _("Resolved")

    entry = models.ForeignKey(
        AwardEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="complaints"
    )
    round = models.ForeignKey(
        AwardRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="complaints"
    )
    # Denormalised from the entry, for scoping.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    complainant = models.CharField(_("complainant"), max_length=200)
    text = models.TextField(_("complaint"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("to be resolved by"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award complaint")
        verbose_name_plural = _("award complaints")
        ordering = ["round", "received_on", "id"]
        indexes = [
            models.Index(fields=["round", "status"], name="award_complaint_round_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complainant}: {self.text[:60]}"

    def overdue_on(self, day: datetime.date) -> bool:
        if self.status == self.Status.RESOLVED:
            return bool(self.resolved_on and self.resolved_on > self.due_on)
        return day > self.due_on


class AwardComplaintTransition(TransitionRecord):
    """One workflow step of a complaint (its resolution): who did what, when, with what
    answer."""

    SUBJECT = "complaint"

    complaint = models.ForeignKey(
        AwardComplaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AwardComplaint.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=AwardComplaint.Status.choices)

    class Meta:
        verbose_name = _("award complaint transition")
        verbose_name_plural = _("award complaint transitions")
        ordering = ["complaint", "at", "id"]
