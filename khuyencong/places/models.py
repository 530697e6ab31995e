"""Administrative units of two editions: the 2025 structure (34 provinces, 3,321 communes,
no districts) and the pre-July-2025 one (63 provinces, districts, communes), with the
official mapping from old communes to new ones.

Codes are the statistics office's. An old and a new unit can share a code number (old 80
Long An, new 80 Tây Ninh), so each edition has its own tables and a code never travels
without its model. Loaded by ``manage.py load_places`` from the ``vietnamadminunits``
dataset; never typed by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Province(models.Model):
    """A province or centrally-run city of the 2025 structure."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CITY = "thanh_pho", _("Centrally-run city")

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The dataset's key ("thanhphohanoi"), used to join the conversion tables.
    key = models.CharField(_("key"), max_length=100, unique=True)
    search_name = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name


class Commune(models.Model):
    """A commune, ward or special zone (xã / phường / đặc khu) of the 2025 structure."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    key = models.CharField(_("key"), max_length=100)
    search_name = models.CharField(max_length=100, editable=False)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["province_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "key"], name="commune_key_per_province"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025, merged whole into ``successor``."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    key = models.CharField(_("key"), max_length=100, unique=True)
    search_name = models.CharField(max_length=100, editable=False)
    successor = models.ForeignKey(
        Province,
        verbose_name=_("successor (2025)"),
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("pre-2025 province")
        verbose_name_plural = _("pre-2025 provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name


class LegacyDistrict(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32)
    province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("pre-2025 province"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    key = models.CharField(_("key"), max_length=100)

    class Meta:
        verbose_name = _("pre-2025 district")
        verbose_name_plural = _("pre-2025 districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"


class LegacyCommune(models.Model):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32)
    district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("pre-2025 district"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("pre-2025 province"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    # "<province key>_<district key>_<ward key>", the dataset's join key for the mapping.
    key = models.CharField(_("key"), max_length=200, unique=True)
    search_name = models.CharField(max_length=100, editable=False)
    successors: models.ManyToManyField[Commune, CommuneMapping] = models.ManyToManyField(
        Commune,
        through="CommuneMapping",
        verbose_name=_("successors (2025)"),
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("pre-2025 commune")
        verbose_name_plural = _("pre-2025 communes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}, {self.province.short_name}"


class CommuneMapping(models.Model):
    """Old commune → new commune. An old commune split across several new ones has one row
    per new commune; the official default (where the old commune's seat went) is marked, and
    a record converted without more detail lands there."""

    legacy_commune = models.ForeignKey(
        LegacyCommune, on_delete=models.CASCADE, related_name="mappings"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="legacy_mappings")
    is_default = models.BooleanField(_("default successor"), default=True)

    class Meta:
        verbose_name = _("commune mapping")
        verbose_name_plural = _("commune mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_commune", "commune"], name="commune_mapping_unique"
            ),
            models.UniqueConstraint(
                fields=["legacy_commune"],
                condition=models.Q(is_default=True),
                name="commune_mapping_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legacy_commune_id} → {self.commune_id}"


class Region(models.Model):
    """A named set of 2025 provinces (the khuyến công regions). Data, edited by admins."""

    code = models.SlugField(_("code"), max_length=16, primary_key=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=200)
    provinces = models.ManyToManyField(
        Province, verbose_name=_("provinces"), related_name="regions", blank=True
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    history = HistoricalRecords(m2m_fields=[provinces])

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
