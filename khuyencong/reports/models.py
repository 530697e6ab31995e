"""Reports: the indicator catalogue, historical aggregate values and where record data
begins (docs/reports.md).

- ``Indicator`` is reference data (seeded by migration 0002): what each figure of a report
  means, its unit, how it is counted and how it may be combined over places and periods.
- ``AggregateValue`` is a figure entered by hand or imported from a spreadsheet for a place
  and a period, for the years before the system (or a total as declared in a report). It
  belongs to a province (denormalised, for scoping) even when its unit is a pre-2025 province
  or a commune.
- ``RecordsSince`` says from which day a province's records are complete: reports read the
  records from that day on and the aggregate values before it, never both for the same days.
- ``ReportSubmission`` is a province's periodic report as submitted: a frozen copy of the
  summary (``reports.submissions``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import VersionedModel
from khuyencong.places.models import Commune, LegacyProvince, Province

# Percent indicators are stored in tenths of a percent (81.3 % → 813): integers only.
PERCENT_SCALE = 10


class Indicator(models.Model):
    """One figure a report states (API.md, "Indicator codes the summary always contains")."""

    class Unit(models.TextChoices):
        VND = "VND", _("đồng")
        COUNT = "count", _("count")
        PERCENT = "percent", _("percent")
        PEOPLE = "people", _("people")

    class Counting(models.TextChoices):
        # Money and participations ("lượt"): adds up over places and over periods.
        SUM = "sum", _("Sum (amounts, participations)")
        # Each entity once in the period: adds up over places, never over periods.
        DISTINCT = "distinct", _("Distinct (each one counted once)")
        # A share: adds up over neither; answered only by one figure.
        RATIO = "ratio", _("Ratio (a percentage)")
        # The state at the end of the period: adds up over places; a period takes its last value.
        LEVEL = "level", _("Level at the end of the period")

    code = models.CharField(_("code"), max_length=48, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    counting = models.CharField(_("counting"), max_length=8, choices=Counting.choices)
    # Plan money and needs belong to a plan year: any period reads the whole years it touches
    # (a 9-month report shows the plan of its year).
    by_plan_year = models.BooleanField(_("counted by plan year"), default=False)
    computation = models.TextField(_("how it is computed"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The indicator that is the sum of this one and its siblings."),
    )
    # The plan figure a value is compared with (funding.disbursed → funding.planned).
    plan = models.ForeignKey(
        "self",
        verbose_name=_("compared with the plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    in_summary = models.BooleanField(_("shown in the summary"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    @property
    def label(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit == self.Unit.PERCENT


class UnitKind(models.TextChoices):
    """The places an aggregate value may be entered for (API.md: any province, legacy
    province or commune). Regions and the nation are always sums of their provinces."""

    PROVINCE = "province", _("Province (2025)")
    LEGACY_PROVINCE = "legacy-province", _("Pre-2025 province")
    COMMUNE = "commune", _("Commune (2025)")


class AggregateValue(VersionedModel):
    """A figure for one indicator, place and period, from a report or a spreadsheet.

    Values of nested or overlapping periods may coexist (a 9-month and a full-year figure of
    the same year); reports never add them together (``reports.tiling``).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    unit_kind = models.CharField(_("kind of place"), max_length=16, choices=UnitKind.choices)
    unit_code = models.CharField(_("place code"), max_length=5)
    # Denormalised for scoping (DESIGN.md, Places): the 2025 province the place lies in.
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    legacy_province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("pre-2025 province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    # Đồng for money, a number for counts, tenths of a percent for percentages (PERCENT_SCALE).
    value = models.BigIntegerField(_("value"))
    is_declared_total = models.BooleanField(
        _("declared total"),
        default=False,
        help_text=_(
            "A total as a report declared it: the data-quality check compares it with the "
            "sum of its parts."
        ),
    )
    source_note = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the figure comes from, e.g. report no. 123/BC-SCT of 15/01/2024."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("aggregate value")
        verbose_name_plural = _("aggregate values")
        ordering = ["province_id", "indicator__order", "unit_kind", "unit_code", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit_kind", "unit_code", "start", "end"],
                name="aggregate_unique_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="aggregate_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="aggregate_not_negative"),
        ]
        indexes = [
            # Answering a report: the values of some units overlapping a period.
            models.Index(
                fields=["unit_kind", "unit_code", "indicator", "start"],
                name="aggregate_unit_idx",
            ),
            # The staff list of a province, by indicator and period.
            models.Index(fields=["province", "indicator", "start"], name="aggregate_prov_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit} {self.start}–{self.end}: {self.value}"

    @property
    def unit(self) -> str:
        """The unit as the API writes it: ``legacy-province:54``."""
        return f"{self.unit_kind}:{self.unit_code}"

    @property
    def amount(self) -> int | Decimal:
        """The value as people read it: a percentage for percent indicators."""
        if self.indicator.is_percent:
            return Decimal(self.value) / PERCENT_SCALE
        return self.value


class RecordsSince(models.Model):
    """From which day the records of a province are complete enough for reports.

    Before that day a report reads aggregate values, from it on the records. The row without
    a province is the nationwide default (seeded: 1 January 2025); a province's own row wins.
    """

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the nationwide default."),
    )
    since = models.DateField(_("records complete from"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("records start")
        verbose_name_plural = _("records starts")
        ordering = ["province_id"]
        constraints = [
            # One row per province and one nationwide row (NULL would not clash with NULL).
            models.UniqueConstraint(
                Coalesce("province", models.Value("*")), name="records_since_one_per_province"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id or '*'}: {self.since}"


class ReportSubmission(models.Model):
    """A province's periodic report (a quarter, the first 6 or 9 months, a year) as it was
    submitted: ``snapshot`` is the output of ``reports.summary.build`` at that moment, with
    its narrative, and never changes afterwards. Submitting the same period again adds the
    next ``version``; every version is kept and the latest is the one consolidated."""

    class Status(models.TextChoices):
        # In the words of a report sent up (a project's "accepted" is another word).
        SUBMITTED = "submitted", pgettext_lazy("report submission", "Submitted")
        RETURNED = "returned", pgettext_lazy("report submission", "Returned")
        ACCEPTED = "accepted", pgettext_lazy("report submission", "Accepted")

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarterly report")
        FIRST_6_MONTHS = "6_months", _("6-month report")
        FIRST_9_MONTHS = "9_months", _("9-month report")
        YEAR = "year", _("Annual report")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    kind = models.CharField(_("kind of report"), max_length=16, choices=Kind.choices)
    # 1, 2, … per province and period: a resubmission is the next version.
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("submitted figures"), encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as it was when the user is renamed or removed: the report says who submitted it.
    submitted_by_name = models.CharField(_("submitted by (name)"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # What the national agency made of it (``reports.submissions``): submitted, returned
    # with a reason (the province submits a new version) or accepted (consolidated).
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-end", "province_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "start", "end", "version"],
                name="submission_version_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="submission_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="submission_version_positive"
            ),
        ]
        indexes = [
            # Consolidation: the submissions of a period, all provinces.
            models.Index(fields=["start", "end", "province"], name="submission_period_idx"),
            # The list of a province, latest periods first.
            models.Index(fields=["province", "-end"], name="submission_prov_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.start}–{self.end} v{self.version}"

    @property
    def period_label(self) -> str:
        from khuyencong.reports.periods import Period

        return Period(self.start, self.end).label


class IssuingAgency(VersionedModel):
    """Who issues a province's official report forms (or, without a province, the national
    agency's): the agency under its superior body, the symbol of its reports, the place
    named in the date line, the signer and the recipients, as the document's header and
    signature block print them (Decree 30/2020/NĐ-CP). Set by the province's manager or an
    administrator; a province with no row prints ``reports.agency.default_agency``."""

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the national agency."),
    )
    superior = models.CharField(
        _("superior body"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the agency, e.g. UBND TỈNH ĐẮK LẮK."),
    )
    name = models.CharField(
        _("issuing agency"), max_length=200, help_text=_("E.g. SỞ CÔNG THƯƠNG.")
    )
    symbol = models.CharField(
        _("document symbol"),
        max_length=30,
        help_text=_("What follows the number, e.g. BC-SCT in Số: 15/BC-SCT."),
    )
    place = models.CharField(
        _("place name"),
        max_length=100,
        help_text=_("Opens the date line, e.g. Đắk Lắk in “Đắk Lắk, ngày 05 tháng 12 năm 2026”."),
    )
    signer_authority = models.CharField(
        _("signing for"),
        max_length=100,
        blank=True,
        help_text=_("When a deputy signs, e.g. KT. GIÁM ĐỐC; empty when the head signs."),
    )
    signer_title = models.CharField(
        _("signer's title"), max_length=100, help_text=_("E.g. GIÁM ĐỐC or PHÓ GIÁM ĐỐC.")
    )
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        help_text=_("One a line, as under “Nơi nhận:”, e.g. - Bộ Công Thương (để b/c);"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("issuing agency")
        verbose_name_plural = _("issuing agencies")
        ordering = ["province_id"]
        constraints = [
            # One row per province and one for the nation (NULL would not clash with NULL).
            models.UniqueConstraint(
                Coalesce("province", models.Value("*")), name="issuing_agency_one_per_province"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id or '*'}: {self.name}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class SubmissionTransition(models.Model):
    """One step of a submission: submitted by the province's manager, returned with a reason
    or accepted by the national agency. Kept as written, whoever the users become."""

    class Action(models.TextChoices):
        SUBMIT = "submit", pgettext_lazy("report submission", "Submit")
        RETURN = "return", pgettext_lazy("report submission", "Return")
        ACCEPT = "accept", pgettext_lazy("report submission", "Accept")

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission step")
        verbose_name_plural = _("submission steps")
        ordering = ["submission_id", "at", "id"]
        indexes = [models.Index(fields=["submission", "at"], name="submission_step_idx")]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.at:%Y-%m-%d}"
