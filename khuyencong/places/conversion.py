"""Pre-2025 addresses → 2025 communes, through the official mapping (``CommuneMapping``).

Entry points, all returning a ``Conversion``:

- ``convert_legacy(province=…, district=…, commune=…)``: the old units as names (any case,
  with or without diacritics or prefixes such as "Xã", "Thị trấn", "Huyện", "Thị xã",
  "Tỉnh", "TP.") or as statistics-office codes;
- ``convert_legacy_address(text)``: one free-text pre-2025 address;
- ``LegacyResolver``: the same two as methods, with every lookup cached, for imports of
  thousands of rows. It loads an old province's communes and their mappings once (two
  queries), so the number of queries grows with the provinces met, never with the rows.

Free text is parsed offline by ``vietnamadminunits.parser`` (its converter and geocoding
reach the network and are never used). An old commune split across several new ones
converts to the official default successor; ``candidates`` lists all of them.

Matching, from strict to lenient, the first level that finds something wins: the name as
written (diacritics count: "Sa Pả" is not "Sa Pa", both in Thị xã Sa Pa), then without
diacritics, punctuation and spaces, then also without the unit prefix. Several matches at
the winning level are reported as ambiguous, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.text import normalise
from khuyencong.places.models import (
    Commune,
    CommuneMapping,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
)

# Prefixes of the unit kinds, written out or abbreviated ("TP.", "Q.1", "TT.", "P. 3").
_PREFIX = re.compile(
    r"^(?:tinh|thanh pho|tp|t\.p|quan|q|huyen|h|thi xa|tx|t\.x|thi tran|tt|t\.t|xa|x"
    r"|phuong|p|dac khu)(?:\s*\.\s*|\s+)"
)
_NOT_ALNUM = re.compile(r"[\W_]+")
# Usual names the dataset does not carry, as compact forms.
_PROVINCE_ALIASES = {
    "hcm": "hochiminh",
    "tphcm": "hochiminh",
    "saigon": "hochiminh",
    "thuathienhue": "hue",
    "brvt": "bariavungtau",
}


@dataclass
class Conversion:
    """The outcome of converting one pre-2025 place: ``commune`` is the default 2025
    successor, ``candidates`` all of them (default first); ``error`` says what was not
    found or is ambiguous, and is None on success."""

    legacy_commune: LegacyCommune | None = None
    commune: Commune | None = None
    candidates: list[Commune] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.commune is not None


def _exact(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", normalise(text))


def _bare(text: str) -> str:
    return _NOT_ALNUM.sub("", _PREFIX.sub("", normalise(text)))


def _forms(text: str) -> tuple[str, str, str]:
    """The three forms of a written name, strict to lenient."""
    return _exact(text), _compact(text), _bare(text)


class _NameIndex:
    """Units by the three forms of their full and short names."""

    def __init__(self, units: Iterable, names=lambda u: (u.name, u.short_name)) -> None:
        self.levels: list[dict[str, list]] = [defaultdict(list) for _level in range(3)]
        for unit in units:
            for level, index in enumerate(self.levels):
                for form in {_forms(name)[level] for name in names(unit)}:
                    if form:
                        index[form].append(unit)

    def find(self, text: str, within: set | None = None) -> list:
        """The units matching ``text`` at the strictest level that matches any, restricted
        to those whose pk is in ``within`` when given."""
        forms = _forms(text)
        for level, index in enumerate(self.levels):
            found = index.get(forms[level], [])
            if level == 2 and not found:
                found = index.get(forms[1], [])  # "Xà Phiên" stripped as if "Xã Phiên"
            if within is not None:
                found = [u for u in found if u.pk in within]
            if found:
                return list(dict.fromkeys(found))
        return []


class _ProvinceUnits:
    """An old province's districts and communes with their successors, loaded at once."""

    def __init__(self, province: LegacyProvince) -> None:
        self.province = province
        self.communes = list(
            LegacyCommune.objects.filter(province=province).select_related("district")
        )
        successors: dict[str, list[CommuneMapping]] = defaultdict(list)
        mappings = CommuneMapping.objects.filter(legacy_commune__province=province).select_related(
            "commune__province"
        )
        for mapping in mappings:
            successors[mapping.legacy_commune_id].append(mapping)
        self.successors = {
            code: sorted(items, key=lambda m: (not m.is_default, m.commune.name))
            for code, items in successors.items()
        }
        for commune in self.communes:  # no query per row for names in messages
            commune.province = province
            commune.district.province = province
        self.by_code = {c.code: c for c in self.communes}
        self.by_key = {c.key: c for c in self.communes}
        self.districts = list({c.district_id: c.district for c in self.communes}.values())
        self.commune_index = _NameIndex(self.communes)
        self.district_index = _NameIndex(self.districts)

    def district_unit(self, district: LegacyDistrict) -> LegacyCommune | None:
        """The unit standing for an island district that had no communes (code "D…")."""
        return self.by_code.get(f"D{district.code}")


class LegacyResolver:
    """Converts pre-2025 places with every lookup cached: one instance per import."""

    def __init__(self) -> None:
        self._provinces: list[LegacyProvince] | None = None
        self._province_index: _NameIndex | None = None
        self._units: dict[str, _ProvinceUnits] = {}
        self._province_of_code: dict[str, str | None] = {}
        self._results: dict[tuple[str, ...], Conversion] = {}

    # -- provinces and their units -------------------------------------------------------

    def _all_provinces(self) -> list[LegacyProvince]:
        if self._provinces is None:
            self._provinces = list(LegacyProvince.objects.all())
            self._province_index = _NameIndex(self._provinces)
        return self._provinces

    def _units_of(self, province: LegacyProvince) -> _ProvinceUnits:
        if province.code not in self._units:
            self._units[province.code] = _ProvinceUnits(province)
        return self._units[province.code]

    def find_province(self, text: str) -> LegacyProvince | None:
        """The old province named (or coded) by ``text``, or None."""
        provinces = self._all_provinces()
        value = (text or "").strip()
        if not value:
            return None
        if value.isdigit():
            return next((p for p in provinces if p.code == value.zfill(2)), None)
        found = self._province_index.find(value)
        if not found:
            alias = _PROVINCE_ALIASES.get(_compact(value)) or _PROVINCE_ALIASES.get(_bare(value))
            found = [p for p in provinces if _bare(p.short_name) == alias] if alias else []
        if not found:
            key = _parsed(value, level=1)[0]
            found = [p for p in provinces if key and p.key == key]
        return found[0] if len(found) == 1 else None

    def _commune_by_code(self, code: str) -> LegacyCommune | None:
        code = code.zfill(5)
        if code not in self._province_of_code:
            self._province_of_code[code] = (
                LegacyCommune.objects.filter(code=code).values_list("province_id", flat=True)
            ).first()
        province_code = self._province_of_code[code]
        if province_code is None:
            return None
        province = next(p for p in self._all_provinces() if p.code == province_code)
        return self._units_of(province).by_code.get(code)

    # -- conversion ----------------------------------------------------------------------

    def _finish(self, legacy: LegacyCommune) -> Conversion:
        mappings = self._units_of(legacy.province).successors.get(legacy.code, [])
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

    def convert(self, *, province: str = "", district: str = "", commune: str = "") -> Conversion:
        """Convert a pre-2025 (province, district, commune) given as names or codes; the
        district may be left out when the commune's name is unique in its province."""
        province, district, commune = (
            (province or "").strip(),
            (district or "").strip(),
            (commune or "").strip(),
        )
        key = ("parts", _exact(province), _exact(district), _exact(commune))
        if key not in self._results:
            self._results[key] = self._convert(province, district, commune)
        return self._results[key]

    def _convert(self, province: str, district: str, commune: str) -> Conversion:
        old_province = self.find_province(province) if province else None
        if province and old_province is None:
            return Conversion(
                error=_("“%(name)s” is not a pre-2025 province.") % {"name": province}
            )
        if commune.isdigit():
            units = self._units_of(old_province) if old_province else None
            # "1" may be the name of Phường 1 in that province rather than a code.
            if units is None or not units.commune_index.find(commune):
                return self._convert_code(old_province, commune)
        if old_province is None:
            return Conversion(error=_("The pre-2025 province is missing."))
        units = self._units_of(old_province)
        old_district = None
        if district:
            if district.isdigit():
                found = [d for d in units.districts if d.code == district.zfill(3)]
            else:
                found = units.district_index.find(district)
            if len(found) == 1:
                old_district = found[0]
            elif len(found) > 1:
                return Conversion(
                    error=_("“%(district)s” is ambiguous in %(province)s (%(options)s).")
                    % {
                        "district": district,
                        "province": old_province.short_name,
                        "options": ", ".join(d.name for d in found),
                    }
                )
        if not commune:
            return self._convert_district(old_province, district, old_district)
        within = None
        if old_district is not None:
            within = {c.pk for c in units.communes if c.district_id == old_district.pk}
        matches = units.commune_index.find(commune, within)
        if not matches and district and old_district is None:
            # A misspelt district does not matter when the commune alone is unique.
            matches = units.commune_index.find(commune)
            if len(matches) != 1:
                return Conversion(
                    error=_("%(province)s had no district “%(district)s” before July 2025.")
                    % {"province": old_province.short_name, "district": district}
                )
        if not matches:
            if old_district is not None:
                error = _(
                    "%(district)s (%(province)s) had no commune “%(commune)s” before July 2025."
                )
            else:
                error = _("%(province)s had no commune “%(commune)s” before July 2025.")
            return Conversion(
                error=error
                % {
                    "province": old_province.short_name,
                    "district": old_district.name if old_district else "",
                    "commune": commune,
                }
            )
        if len(matches) > 1:
            options = ", ".join(f"{c.name} ({c.district.name})" for c in matches)
            if old_district is None:
                error = _(
                    "“%(commune)s” is ambiguous in %(province)s (%(options)s): give the district."
                )
            else:
                error = _(
                    "“%(commune)s” is ambiguous in %(district)s (%(options)s): write it with "
                    "its diacritics."
                )
            return Conversion(
                error=error
                % {
                    "commune": commune,
                    "province": old_province.short_name,
                    "district": old_district.name if old_district else "",
                    "options": options,
                }
            )
        return self._finish(matches[0])

    def _convert_code(self, old_province: LegacyProvince | None, code: str) -> Conversion:
        legacy = self._commune_by_code(code)
        if legacy is None:
            return Conversion(
                error=_("No pre-2025 commune has the code %(code)s.") % {"code": code}
            )
        if old_province is not None and legacy.province_id != old_province.code:
            return Conversion(
                error=_(
                    "The pre-2025 commune %(code)s (%(name)s) was in %(actual)s, not in "
                    "%(province)s."
                )
                % {
                    "code": code,
                    "name": legacy.name,
                    "actual": legacy.province.short_name,
                    "province": old_province.short_name,
                }
            )
        return self._finish(legacy)

    def _convert_district(
        self, old_province: LegacyProvince, district: str, old_district: LegacyDistrict | None
    ) -> Conversion:
        """Only a district given: enough for the island districts that had no communes."""
        if not district:
            return Conversion(error=_("The pre-2025 commune is missing."))
        if old_district is None:
            return Conversion(
                error=_("%(province)s had no district “%(district)s” before July 2025.")
                % {"province": old_province.short_name, "district": district}
            )
        unit = self._units_of(old_province).district_unit(old_district)
        if unit is None:
            return Conversion(
                error=_("The pre-2025 commune is missing: %(district)s had several, name one.")
                % {"district": old_district.name}
            )
        return self._finish(unit)

    def convert_address(self, text: str) -> Conversion:
        """Convert one free-text pre-2025 address ("Thôn 3, xã Cư Né, huyện Krông Búk,
        tỉnh Đắk Lắk"); the district may be left out, anything before the commune is
        ignored."""
        key = ("text", _exact(text))
        if key not in self._results:
            self._results[key] = self._convert_address(text or "")
        return self._results[key]

    def _convert_address(self, text: str) -> Conversion:
        if not text.strip():
            return Conversion(error=_("The pre-2025 address is empty."))
        province_key, district_key, ward_key = _parsed(text, level=3)
        old_province = next((p for p in self._all_provinces() if p.key == province_key), None)
        if old_province is not None and district_key:
            units = self._units_of(old_province)
            legacy = units.by_key.get(f"{province_key}_{district_key}_{ward_key or ''}")
            if legacy is not None:
                return self._finish(legacy)
        # The parser did not settle it: read the last parts as commune, district, province.
        parts = [p.strip() for p in text.split(",") if p.strip()]
        attempts = []
        if len(parts) >= 3:
            attempts.append({"province": parts[-1], "district": parts[-2], "commune": parts[-3]})
        if len(parts) >= 2:
            attempts.append({"province": parts[-1], "commune": parts[-2]})
            attempts.append({"province": parts[-1], "district": parts[-2]})
        first_error = None
        for attempt in attempts:
            result = self.convert(**attempt)
            if result.ok:
                return result
            if first_error is None and self.find_province(attempt["province"]) is not None:
                first_error = result.error
        if old_province is None and (len(parts) < 2 or self.find_province(parts[-1]) is None):
            return Conversion(
                error=_(
                    "The pre-2025 address “%(address)s” names no province that existed "
                    "before July 2025."
                )
                % {"address": text}
            )
        return Conversion(
            error=_(
                "The pre-2025 address “%(address)s” names no commune, district and province "
                "that existed before July 2025."
            )
            % {"address": text}
            + (f" {first_error}" if first_error else "")
        )


def _parsed(text: str, *, level: int) -> tuple[str | None, str | None, str | None]:
    """(province key, district key, ward key) read offline by the dataset's own parser."""
    from vietnamadminunits.parser import ParseMode, parse_address

    try:
        unit = parse_address(text, mode=ParseMode.LEGACY, level=level)
    except Exception:  # the parser raises plain exceptions on text it cannot read
        return None, None, None
    return (
        getattr(unit, "province_key", None),
        getattr(unit, "district_key", None),
        getattr(unit, "ward_key", None),
    )


def convert_legacy(*, province: str = "", district: str = "", commune: str = "") -> Conversion:
    """Convert a pre-2025 (province, district, commune) given as names or codes. For many
    rows use one ``LegacyResolver``."""
    return LegacyResolver().convert(province=province, district=district, commune=commune)


def convert_legacy_address(text: str) -> Conversion:
    """Convert one free-text pre-2025 address ("Thôn 3, xã Cư Né, huyện Krông Búk, Đắk Lắk").
    For many rows use one ``LegacyResolver``."""
    return LegacyResolver().convert_address(text)


def legacy_units_of(province_code: str) -> QuerySet[LegacyProvince]:
    """The pre-2025 provinces merged into a 2025 province (for reports on old units)."""
    return LegacyProvince.objects.filter(successor_id=province_code)


def legacy_districts_of(province_code: str) -> QuerySet[LegacyDistrict]:
    """The pre-2025 districts whose province merged into a 2025 province."""
    return LegacyDistrict.objects.filter(province__successor_id=province_code)
