"""Pre-2025 addresses → 2025 communes, through the official mapping (``CommuneMapping``).

Two entry points, both returning a ``Conversion``:

- ``convert_legacy(province=…, district=…, commune=…)``: the old units as names (any case,
  with or without diacritics or prefixes such as "Xã", "Huyện", "Tỉnh", "TP.") or codes;
- ``convert_legacy_address(text)``: one free-text pre-2025 address.

Names are parsed offline by ``vietnamadminunits.parser`` (its geocoding converter is never
used: offices may be offline). An old commune split across several new ones converts to the
official default successor; ``candidates`` lists them all. Each call costs a few queries;
importers cache per distinct address (registry/importing.py ``LegacyConverter``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince

_PREFIXES = re.compile(
    r"^(tinh|thanh pho|tp\.?|quan|huyen|thi xa|tx\.?|xa|phuong|p\.|thi tran|tt\.?)\s+"
)


@dataclass
class Conversion:
    legacy_commune: LegacyCommune | None = None
    commune: Commune | None = None
    candidates: list[Commune] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.commune is not None


def _bare(text: str) -> str:
    value = normalise(text)
    previous = None
    while previous != value:
        previous = value
        value = _PREFIXES.sub("", value).strip()
    return value


def _finish(legacy: LegacyCommune) -> Conversion:
    mappings = list(legacy.mappings.select_related("commune__province").order_by("-is_default"))
    if not mappings:
        return Conversion(
            legacy_commune=legacy,
            error=_("%(name)s has no successor in the 2025 structure.") % {"name": legacy.name},
        )
    return Conversion(
        legacy_commune=legacy,
        commune=mappings[0].commune,
        candidates=[m.commune for m in mappings],
    )


def _legacy_queryset() -> QuerySet[LegacyCommune]:
    return LegacyCommune.objects.select_related("district", "province")


def _find_province(text: str) -> LegacyProvince | None:
    value = (text or "").strip()
    if value.isdigit():
        return LegacyProvince.objects.filter(code=value.zfill(2)).first()
    bare = _bare(value)
    for province in LegacyProvince.objects.all():
        if _bare(province.short_name) == bare or province.search_name == normalise(value):
            return province
    return None


def convert_legacy(*, province: str = "", district: str = "", commune: str = "") -> Conversion:
    """Convert a pre-2025 (province, district, commune) given as names or codes."""
    commune = (commune or "").strip()
    district = (district or "").strip()
    if commune.isdigit():
        legacy = _legacy_queryset().filter(code=commune.zfill(5)).first()
        if legacy is None:
            return Conversion(
                error=_("No pre-2025 commune has the code %(code)s.") % {"code": commune}
            )
        return _finish(legacy)
    old_province = _find_province(province)
    if old_province is None:
        return Conversion(
            error=_("“%(name)s” is not a pre-2025 province.") % {"name": province or "—"}
        )
    candidates = list(_legacy_queryset().filter(province=old_province))
    if commune:
        wanted = _bare(commune)
        matches = [c for c in candidates if _bare(c.short_name) == wanted]
    else:
        matches = []
    if district:
        wanted_district = _bare(district)
        in_district = [c for c in matches if _bare(c.district.short_name) == wanted_district]
        if in_district or not matches:
            matches = in_district
        if not commune:
            # Island districts had no communes: the district itself is the unit.
            matches = [
                c
                for c in candidates
                if c.code.startswith("D") and _bare(c.district.short_name) == wanted_district
            ]
    if not matches:
        return Conversion(
            error=_("%(province)s had no commune “%(commune)s”%(district)s before July 2025.")
            % {
                "province": old_province.short_name,
                "commune": commune or district,
                "district": _(" in %(district)s") % {"district": district} if district else "",
            }
        )
    if len(matches) > 1:
        return Conversion(
            error=_("“%(commune)s” is ambiguous in %(province)s (%(options)s): give the district.")
            % {
                "commune": commune,
                "province": old_province.short_name,
                "options": ", ".join(f"{c.name}, {c.district.name}" for c in matches),
            }
        )
    return _finish(matches[0])


def convert_legacy_address(text: str) -> Conversion:
    """Convert one free-text pre-2025 address ("Thôn 3, xã Cư Né, huyện Krông Búk, Đắk Lắk")."""
    from vietnamadminunits.parser import ParseMode, parse_address

    if not (text or "").strip():
        return Conversion(error=_("The pre-2025 address is empty."))
    try:
        unit = parse_address(text, mode=ParseMode.LEGACY, level=3)
    except Exception:  # the parser raises plain exceptions on text it cannot read
        unit = None
    if unit is not None and unit.province_key and unit.district_key:
        key = f"{unit.province_key}_{unit.district_key}_{unit.ward_key or ''}"
        legacy = _legacy_queryset().filter(key=key).first()
        if legacy is not None:
            return _finish(legacy)
    # Fall back on the last three comma-separated parts: commune, district, province.
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2:
        result = convert_legacy(
            province=parts[-1],
            district=parts[-2] if len(parts) >= 3 else "",
            commune=parts[-3] if len(parts) >= 3 else parts[-2],
        )
        if result.ok:
            return result
    return Conversion(
        error=_(
            "The pre-2025 address “%(address)s” names no commune, district and province "
            "that existed before July 2025."
        )
        % {"address": text}
    )


def legacy_units_of(province_code: str) -> QuerySet[LegacyProvince]:
    """The pre-2025 provinces merged into a 2025 province (for reports on old units)."""
    return LegacyProvince.objects.filter(successor_id=province_code)


def legacy_districts_of(province_code: str) -> QuerySet[LegacyDistrict]:
    return LegacyDistrict.objects.filter(province__successor_id=province_code)
