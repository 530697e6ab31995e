"""Khuyến công activities and their outputs (DOMAIN.md, activity contents 1, 2, 4, 5, 6):
training courses and their trainees, trade fairs and the establishments taking part,
showrooms, brand registrations, the provincial centre's consulting contracts and their
receipts, communication items, workshops and conferences.

Every record belongs to a province, denormalised, with an optional commune, so scoping is
one indexed ``WHERE`` (DESIGN.md, Places); it may name the project (đề án) that paid for it,
of the same province. Each main record is versioned (optimistic locking) and every change
is kept by simple_history. Money is an integer number of đồng.

Each activity kind names the date that places it in a period (``PERIOD_FIELD``): the end of
a course (trainees count when trained), the opening of a fair, a showroom's opening, a
brand's filing, a contract's signing, a communication's or a workshop's date. Lists filter
their year on it and ``activities.indicators`` counts by it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.formats import percent
from khuyencong.core.models import VersionedModel
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import FundingLevel, Project
from khuyencong.registry.models import Establishment

# Guards against typos and overflow, far above any real figure.
MAX_COUNT = 1_000_000
MAX_AMOUNT = 10**15


class Activity(VersionedModel):
    """Fields every activity record shares: its place, the project that paid for it, who
    recorded it and a diacritics-free copy of its name for search."""

    # The date field placing the record in a period (lists, indicators).
    PERIOD_FIELD = ""
    # The field naming the record (lists, search).
    NAME_FIELD = "title"

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
    # SET_NULL: a draft project may be deleted; the activity took place all the same.
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The project (đề án) that paid for it, of the same province."),
    )
    # The programme it counts under in the official forms when it has no project (KCQG or
    # KCĐP); empty when a project is named: the project's funding level decides then.
    funding_level = models.CharField(
        _("programme"),
        max_length=16,
        choices=FundingLevel.choices,
        blank=True,
        help_text=_(
            "National (KCQG) or local (KCĐP) khuyến công: required when no project is "
            "named; with a project, the project's programme counts."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_text = models.CharField(max_length=400, editable=False, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, self.NAME_FIELD))

    @property
    def period_date(self):
        return getattr(self, self.PERIOD_FIELD)


def _history() -> HistoricalRecords:
    return HistoricalRecords(excluded_fields=["updated_at", "search_text"], inherit=False)


def _indexes(prefix: str, date_field: str) -> list[models.Index]:
    return [
        # The province's list of a year, newest first, and the indicators of a period.
        models.Index(fields=["province", f"-{date_field}"], name=f"{prefix}_prov_date_idx"),
        # National lists and indicators over every province.
        models.Index(fields=[f"-{date_field}", "id"], name=f"{prefix}_date_idx"),
    ]


# --- 1. training ---------------------------------------------------------------------------


class TrainingCourse(Activity):
    """A training course (vocational, management, cleaner production…). ``participants`` is
    the number trained; when a trainee list is kept, it has at most that many rows (the
    services keep the count at least the list's length). ``employed_after`` is how many
    found or kept work afterwards, empty while unknown."""

    PERIOD_FIELD = "end_date"

    class Topic(models.TextChoices):
        VOCATIONAL = "vocational", _("Vocational training and craft passing")
        UPSKILLING = "upskilling", _("Upskilling of workers")
        STARTUP = "startup", _("Start-up")
        MANAGEMENT = "management", _("Business management")
        CLEANER_PRODUCTION = "cleaner_production", _("Cleaner production")
        ENERGY_EFFICIENCY = "energy_efficiency", _("Energy efficiency")
        DIGITAL = "digital", _("Digital transformation and e-commerce")
        COLLABORATOR = "collaborator", _("Collaborators and khuyến công staff")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(
        _("participants"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    employed_after = models.PositiveIntegerField(
        _("employed after the course"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text=_("How many trainees found or kept work afterwards; empty while unknown."),
    )
    history = _history()

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-end_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(employed_after__isnull=True)
                | models.Q(employed_after__lte=models.F("participants")),
                name="training_employed_within_participants",
            ),
        ]
        indexes = _indexes("training", "end_date")

    @property
    def employed_percent(self) -> float | None:
        """Share employed after the course, one decimal; None when unknown or nobody."""
        return percent(self.employed_after, self.participants)


class Trainee(models.Model):
    """One person on a course's trainee list (acceptance evidence: DOMAIN.md)."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("training course"),
        on_delete=models.CASCADE,
        related_name="trainees",
    )
    name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # SET_NULL: the trainee stays on the list when the establishment leaves the registry.
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    employed_after = models.BooleanField(_("employed after the course"), null=True, blank=True)
    history = HistoricalRecords(inherit=False)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["course", "id"]
        indexes = [
            # An establishment's activities page: the courses its people attended.
            models.Index(fields=["establishment", "course"], name="trainee_establishment_idx"),
        ]

    def __str__(self) -> str:
        return self.name


# --- 2. fairs ------------------------------------------------------------------------------


class Fair(Activity):
    """A trade fair or exhibition establishments of the province were supported to attend."""

    PERIOD_FIELD = "start_date"
    NAME_FIELD = "name"

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial")
        REGION = "region", _("Regional")
        NATIONAL = "national", _("National")
        INTERNATIONAL = "international", _("International")

    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    country = models.CharField(
        _("country"), max_length=100, blank=True, help_text=_("For an international fair.")
    )
    # The results form counts the fairs the province organised and their booths, apart
    # from the fairs its establishments were supported to attend.
    organised = models.BooleanField(
        _("organised by the province"),
        default=False,
        help_text=_("The province's khuyến công centre organised this fair."),
    )
    booths = models.PositiveIntegerField(
        _("booths of the fair"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_("All booths of a fair the province organised."),
    )
    history = _history()

    class Meta:
        verbose_name = _("trade fair")
        verbose_name_plural = _("trade fairs")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="fair_dates_ordered",
            ),
        ]
        indexes = _indexes("fair", "start_date")


class FairParticipation(models.Model):
    """One establishment at one fair (a "lượt"): what it was given and what it brought home."""

    fair = models.ForeignKey(
        Fair, verbose_name=_("trade fair"), on_delete=models.CASCADE, related_name="participations"
    )
    # PROTECT: a supported establishment cannot vanish from the registry.
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supported_amount = models.BigIntegerField(
        _("support (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    booths = models.PositiveSmallIntegerField(
        _("booths"), default=1, validators=[MaxValueValidator(1000)]
    )
    contracts_signed = models.PositiveIntegerField(
        _("contracts signed"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    sales = models.BigIntegerField(
        _("sales reported (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(inherit=False)

    class Meta:
        verbose_name = _("fair participation")
        verbose_name_plural = _("fair participations")
        ordering = ["fair", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "establishment"], name="participation_unique_per_fair"
            ),
            models.CheckConstraint(
                condition=models.Q(supported_amount__gte=0, sales__gte=0),
                name="participation_money_not_negative",
            ),
        ]
        indexes = [
            # An establishment's activities page and the distinct establishments count.
            models.Index(fields=["establishment", "fair"], name="participation_est_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fair_id} → {self.establishment_id}"


# --- 3. showrooms --------------------------------------------------------------------------


class Showroom(Activity):
    """A showroom (phòng trưng bày giới thiệu sản phẩm) an establishment was supported to open."""

    PERIOD_FIELD = "opened_on"
    NAME_FIELD = "name"

    name = models.CharField(_("name"), max_length=300)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    opened_on = models.DateField(_("opened on"))
    cost = models.BigIntegerField(
        _("total cost (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    supported_amount = models.BigIntegerField(
        _("support (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    history = _history()

    class Meta:
        verbose_name = _("showroom")
        verbose_name_plural = _("showrooms")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supported_amount__lte=models.F("cost")),
                name="showroom_support_within_cost",
            ),
        ]
        indexes = [
            *_indexes("showroom", "opened_on"),
            models.Index(fields=["establishment"], name="showroom_establishment_idx"),
        ]


# --- 4. brands -----------------------------------------------------------------------------


class BrandRegistration(Activity):
    """A mark an establishment was supported to register, and where its application stands."""

    PERIOD_FIELD = "filed_on"
    NAME_FIELD = "mark_name"

    class Kind(models.TextChoices):
        TRADEMARK = "trademark", _("Trademark")
        COLLECTIVE = "collective", _("Collective mark")
        CERTIFICATION = "certification", _("Certification mark")
        GEOGRAPHICAL = "geographical_indication", _("Geographical indication")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mark_name = models.CharField(_("mark"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    application_number = models.CharField(_("application number"), max_length=60, blank=True)
    filed_on = models.DateField(_("filed on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FILED
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    supported_amount = models.BigIntegerField(
        _("support (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    history = _history()

    class Meta:
        verbose_name = _("brand registration")
        verbose_name_plural = _("brand registrations")
        ordering = ["-filed_on", "-id"]
        indexes = [
            *_indexes("brand", "filed_on"),
            models.Index(fields=["establishment"], name="brand_establishment_idx"),
        ]


# --- 5. consulting -------------------------------------------------------------------------


class ConsultingContract(Activity):
    """A paid consulting contract of the provincial centre (tư vấn phát triển công nghiệp).

    Revenue of a year (``activities.consulting``): the receipts dated in that year; a
    contract without any receipt counts its whole value in the year it was signed, unless
    it was cancelled.
    """

    PERIOD_FIELD = "signed_on"

    class Service(models.TextChoices):
        ENERGY_AUDIT = "energy_audit", _("Energy audit")
        INVESTMENT = "investment", _("Investment project")
        ENVIRONMENT = "environment", _("Environment")
        TECHNOLOGY = "technology", _("Technology and equipment")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300)
    client_establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("client establishment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When the client is in the registry."),
    )
    client_name = models.CharField(_("client"), max_length=300)
    service = models.CharField(_("service"), max_length=16, choices=Service.choices)
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    value = models.BigIntegerField(_("value (đồng)"), validators=[MinValueValidator(0)])
    signed_on = models.DateField(_("signed on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SIGNED
    )
    history = _history()

    class Meta:
        verbose_name = _("consulting contract")
        verbose_name_plural = _("consulting contracts")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("signed_on")),
                name="consulting_dates_ordered",
            ),
        ]
        indexes = [
            *_indexes("consulting", "signed_on"),
            models.Index(fields=["client_establishment"], name="consulting_client_idx"),
        ]


class ConsultingReceipt(models.Model):
    """Money actually received for a contract."""

    contract = models.ForeignKey(
        ConsultingContract,
        verbose_name=_("consulting contract"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    date = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(1)])
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(inherit=False)

    class Meta:
        verbose_name = _("consulting receipt")
        verbose_name_plural = _("consulting receipts")
        ordering = ["contract", "date", "id"]
        indexes = [
            # Revenue of a period: receipts by date.
            models.Index(fields=["date", "contract"], name="receipt_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.amount}"


# --- 6. communication ----------------------------------------------------------------------


class CommunicationItem(Activity):
    """A piece of information work: a TV or radio report, an article, a bulletin, a panel,
    a handbook print run, a web page."""

    PERIOD_FIELD = "date"

    class Kind(models.TextChoices):
        TV = "tv", _("Television")
        RADIO = "radio", _("Radio")
        ARTICLE = "article", _("Article")
        BULLETIN = "bulletin", _("Bulletin")
        PANEL = "panel", _("Panel, poster")
        HANDBOOK = "handbook", _("Handbook, leaflet")
        WEB = "web", _("Web page")

    class Topic(models.TextChoices):
        ENERGY_SAVING = "energy_saving", _("Energy saving")
        CLEANER_PRODUCTION = "cleaner_production", _("Cleaner production")
        TYPICAL_PRODUCTS = "typical_products", _("Typical products")
        PROGRAMME = "programme", _("The khuyến công programme")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    outlet = models.CharField(
        _("channel or outlet"), max_length=200, blank=True, help_text=_("E.g. the provincial TV.")
    )
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    reach = models.PositiveIntegerField(
        _("reach"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10**9)],
        help_text=_("Viewers, listeners or readers, when known."),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"),
        default=1,
        validators=[MaxValueValidator(10**7)],
        help_text=_("E.g. 500 handbooks, 12 broadcasts."),
    )
    cost = models.BigIntegerField(_("cost (đồng)"), default=0, validators=[MinValueValidator(0)])
    history = _history()

    class Meta:
        verbose_name = _("communication item")
        verbose_name_plural = _("communication items")
        ordering = ["-date", "-id"]
        indexes = _indexes("communication", "date")


# --- 7. workshops --------------------------------------------------------------------------


class Workshop(Activity):
    """A workshop or conference, with its attendance and the establishments that took part."""

    PERIOD_FIELD = "date"

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Conference")
        # A study tour is one group (đoàn): its attendees are the persons of the group.
        STUDY_TOUR = "study_tour", _("Study tour in the country")
        STUDY_TOUR_ABROAD = "study_tour_abroad", _("Study tour abroad")

    class Topic(models.TextChoices):
        CLEANER_PRODUCTION = "cleaner_production", _("Cleaner production")
        ENERGY_EFFICIENCY = "energy_efficiency", _("Energy efficiency")
        DIGITAL = "digital", _("Digital transformation and e-commerce")
        MARKET = "market", _("Market expansion")
        MANAGEMENT = "management", _("Management and start-up")
        POLICY = "policy", _("Khuyến công policy")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.WORKSHOP)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    attendees = models.PositiveIntegerField(
        _("attendees"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    establishments = models.ManyToManyField(
        Establishment,
        verbose_name=_("participating establishments"),
        related_name="+",
        blank=True,
    )
    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_text"], m2m_fields=[establishments], inherit=False
    )

    class Meta:
        verbose_name = _("workshop or conference")
        verbose_name_plural = _("workshops and conferences")
        ordering = ["-date", "-id"]
        indexes = _indexes("workshop", "date")


STUDY_TOURS = (Workshop.Kind.STUDY_TOUR, Workshop.Kind.STUDY_TOUR_ABROAD)


# --- 8. khuyến công staff ------------------------------------------------------------------


class StaffCount(models.Model):
    """How many people work in khuyến công in a province in a year (the results form's last
    row): one small record per province and year, read at the end of a period."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    staff = models.PositiveIntegerField(
        _("khuyến công staff"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(inherit=False)

    class Meta:
        verbose_name = _("khuyến công staff count")
        verbose_name_plural = _("khuyến công staff counts")
        ordering = ["province_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="staff_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}: {self.staff}"
