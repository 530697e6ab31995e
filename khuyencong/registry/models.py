"""The registry of rural industrial establishments (cơ sở công nghiệp nông thôn)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import VersionedModel
from khuyencong.places.models import Commune, LegacyCommune, Province
from khuyencong.registry.validators import validate_tax_code, validate_vsic


class Sector(models.Model):
    """A khuyến công sector (Decree 45/2012 Art. 5 letters a–g). Reference data: the codes
    stay stable when the legal wording changes."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    condition = models.CharField(
        _("condition"),
        max_length=300,
        blank=True,
        help_text=_("A condition attached to support in this sector, shown when it is chosen."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return f"{self.code_label}) {self.display_name}"

    @property
    def code_label(self) -> str:
        # "dd" stands for the letter đ in the decree's list.
        return "đ" if self.code == "dd" else self.code

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class CraftVillage(models.Model):
    """A recognised craft village (làng nghề)."""

    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="craft_villages"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    craft = models.CharField(_("craft"), max_length=200, blank=True)
    recognised_year = models.PositiveSmallIntegerField(_("year recognised"), null=True, blank=True)

    class Meta:
        verbose_name = _("craft village")
        verbose_name_plural = _("craft villages")
        ordering = ["province_id", "name"]

    def __str__(self) -> str:
        return self.name


class Establishment(VersionedModel):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Small or medium enterprise")
        COOPERATIVE = "cooperative", _("Cooperative")
        COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
        HOUSEHOLD = "household", _("Household business")
        ARTISAN = "artisan", _("Artisan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CEASED = "ceased", _("Ceased")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        null=True,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, 13 for a branch, or the owner's 12-digit personal number."),
    )
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # No index of its own (nor its varchar_pattern_ops twin): est_commune_name_idx leads with
    # it. The same for the province (est_province_name_idx, est_prov_sector_idx, …).
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Denormalised from the commune for fast scoping and reports (DESIGN.md, Places).
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    legacy_address = models.CharField(
        _("pre-2025 address"),
        max_length=400,
        blank=True,
        help_text=_("The address as written before July 2025, kept verbatim when converted."),
    )
    legacy_commune = models.ForeignKey(
        LegacyCommune,
        verbose_name=_("pre-2025 commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # No query looks establishments up by their pre-2025 commune (only deleting one,
        # which the places never do, would scan).
        db_index=False,
    )
    vsic_code = models.CharField(
        _("VSIC 2018 code"), max_length=5, blank=True, validators=[validate_vsic]
    )
    # Its own index is est_sector_idx (Meta): Django's would add a varchar_pattern_ops twin
    # that no query uses.
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("khuyến công sector"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    craft_village = models.ForeignKey(
        CraftVillage,
        verbose_name=_("craft village"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="establishments",
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    search_name = models.CharField(max_length=300, editable=False, db_index=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The history is read by record (its "id" index) and by date; no query searches it by
    # place, sector or author, and its foreign keys are not constraints (nothing cascades
    # on them): their ten indexes (with the varchar_pattern_ops twins) only slowed every
    # insert, a 100,000-row import most (docs/performance.md).
    history = HistoricalRecords(
        excluded_fields=["search_name", "updated_at"],
        no_db_index=[
            "commune",
            "province",
            "legacy_commune",
            "sector",
            "craft_village",
            "created_by",
        ],
    )

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["search_name", "id"]
        indexes = [
            # The national list, sorted by name: an index scan instead of sorting 300,000 rows.
            models.Index(fields=["search_name", "id"], name="est_name_idx"),
            # The province list page, sorted by name (the most common screen).
            models.Index(fields=["province", "search_name"], name="est_province_name_idx"),
            # Collaborators' lists and the duplicate check (same name in the same commune).
            models.Index(fields=["commune", "search_name"], name="est_commune_name_idx"),
            # Duplicate check on tax code; lookups by tax code from imports and the API; the
            # search by the start of a tax code (``LIKE '0100%'``, which a plain index cannot
            # serve under a collation other than C).
            models.Index(
                fields=["tax_code"], name="est_tax_code_idx", opclasses=["varchar_pattern_ops"]
            ),
            # Filters on the list combined with the province.
            models.Index(fields=["province", "sector", "status"], name="est_prov_sector_idx"),
            models.Index(fields=["province", "kind"], name="est_prov_kind_idx"),
            # A national filter by sector counts its seventh of the table (twice as fast as
            # through est_prov_sector_idx).
            models.Index(fields=["sector"], name="est_sector_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductPhoto(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="products/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class YearlyFigure(models.Model):
    """An establishment's figures for one year. Money in đồng (integer).

    One row per establishment and year: a newer figure for the same year replaces the row
    (``version`` goes up), and django-simple-history keeps every earlier value with who
    recorded it and where it came from (``source``)."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the establishment")
        SURVEY = "survey", _("Needs survey")
        QUARTERLY = "quarterly", _("Collaborator's quarterly report")
        INSPECTION = "inspection", _("Follow-up inspection")
        IMPORT = "import", _("Imported from a file")

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="yearly_figures",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    revenue = models.BigIntegerField(_("revenue (đồng)"), null=True, blank=True)
    output_value = models.BigIntegerField(_("output value (đồng)"), null=True, blank=True)
    capital = models.BigIntegerField(_("capital (đồng)"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.DECLARED
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, null=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "year"], name="figure_year_unique"),
        ]
        indexes = [
            # The evaluation's panel: every figure of a year range, by establishment.
            models.Index(fields=["year", "establishment"], name="figure_year_est_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id}: {self.year}"


class EligibilityRule(models.Model):
    """Who may be supported, as data (DOMAIN.md "Who may be supported"): kinds, commune
    types and sectors allowed from an effective date, with the legal basis. The rule in force
    on a date is the one with the latest ``effective_from`` not after it."""

    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    effective_from = models.DateField(_("in force from"), unique=True)
    kinds = models.JSONField(_("establishment kinds"), default=list)
    commune_kinds = models.JSONField(_("commune types"), default=list)
    sectors = models.JSONField(_("sectors"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    needs_verification = models.BooleanField(
        _("to verify"),
        default=False,
        help_text=_("Seeded from older texts; an administrator should confirm it."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"
