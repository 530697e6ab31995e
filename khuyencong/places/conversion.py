"""Pre-2025 addresses → 2025 communes, through the official mapping (``CommuneMapping``).

Entry points, all returning a ``Conversion`` (never raising on bad input):

- ``convert_legacy(province=…, district=…, commune=…)``: the old units as names (any case,
  with or without diacritics or prefixes such as "Xã", "Thị trấn", "Huyện", "Thị xã",
  "Tỉnh", "TP.", "Q.1", "P. 3") or as statistics-office codes;
- ``convert_legacy_address(text)``: one free-text pre-2025 address;
- ``LegacyResolver``: the same two as methods, with every lookup cached, for imports of
  thousands of rows. It loads an old province's communes and their mappings once (two
  queries), so the number of queries grows with the provinces met, never with the rows.

Free text is parsed offline by ``vietnamadminunits.parser`` (its converter, which geocodes
over the network, is never used: offices may be offline), and what it finds is checked
against the text, since the parser guesses. An old commune split across several new ones
converts to the official default successor; ``candidates`` lists all of them.

Names are matched from strict to lenient, and the first level that finds something wins:
the name as written (diacritics count: Thị xã Sa Pa had both Phường Sa Pa and Phường Sa
Pả), then without diacritics, punctuation and spaces, then also without a prefix of the
right kind ("Huyện Krông Búk" never names Xã Krông Búk). Several matches at the winning
level are reported as ambiguous, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.text import normalise
from khuyencong.places.loading import ISLAND_PREFIX
from khuyencong.places.models import (
    Commune,
    CommuneMapping,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
)

__all__ = [
    "Conversion",
    "LegacyResolver",
    "convert_legacy",
    "convert_legacy_address",
    "legacy_districts_of",
    "legacy_units_of",
]

# Prefixes of each kind of unit, written out or abbreviated ("TP.", "Q.1", "TT.", "P. 3"),
# kept apart so that "huyện Krông Búk" never reads as Xã Krông Búk.
_SEPARATOR = r"(?:\s*\.\s*|\s+|(?=\d))"
_PROVINCE_PREFIX = re.compile(rf"^(?:tinh|thanh pho|tp|t\.p){_SEPARATOR}")
_DISTRICT_PREFIX = re.compile(rf"^(?:quan|q|huyen|h|thi xa|tx|t\.x|thanh pho|tp|t\.p){_SEPARATOR}")
_COMMUNE_PREFIX = re.compile(rf"^(?:xa|x|phuong|p|f|thi tran|tt|t\.t|dac khu){_SEPARATOR}")
_NOT_ALNUM = re.compile(r"[\W_]+")
# Usual names of old provinces that the dataset does not carry, as compact forms.
_PROVINCE_ALIASES = {
    "hcm": "hochiminh",
    "tphcm": "hochiminh",
    "saigon": "hochiminh",
    "thuathienhue": "hue",
    "brvt": "bariavungtau",
}


@dataclass
class Conversion:
    """The outcome of converting one pre-2025 place.

    ``commune`` is the 2025 commune a record lands in (the official default successor);
    ``candidates`` are all the 2025 communes the old one went into, default first. On
    failure ``commune`` is None and ``error`` says what was not found or is ambiguous, in
    the active language; it is None on success. Resolvers share these objects between
    identical inputs: treat them as read-only."""

    legacy_commune: LegacyCommune | None = None
    commune: Commune | None = None
    candidates: list[Commune] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.commune is not None

    @property
    def is_split(self) -> bool:
        """The old commune went into several 2025 communes."""
        return len(self.candidates) > 1


# Names ---------------------------------------------------------------------------------------


def _exact(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _has_diacritics(text: str) -> bool:
    return normalise(text) != " ".join((text or "").split()).lower()


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", normalise(text))


def _bare(text: str, prefix: re.Pattern = _COMMUNE_PREFIX) -> str:
    return _NOT_ALNUM.sub("", prefix.sub("", normalise(text), count=1))


def _forms(text: str, prefix: re.Pattern) -> tuple[str, str, str]:
    """The three forms of a written name, strict to lenient."""
    return _exact(text), _compact(text), _bare(text, prefix)


class _NameIndex:
    """Units of one level by the three forms of their full and short names."""

    def __init__(self, units: Iterable[Any], prefix: re.Pattern) -> None:
        self.prefix = prefix
        self.levels: list[dict[str, list[Any]]] = [defaultdict(list) for _level in range(3)]
        for unit in units:
            for level, index in enumerate(self.levels):
                for form in {_forms(name, prefix)[level] for name in (unit.name, unit.short_name)}:
                    if form:
                        index[form].append(unit)

    def find(self, text: str, within: set[str] | None = None) -> list[Any]:
        """The units matching ``text`` at the strictest level that matches any, restricted
        to those whose pk is in ``within`` when given."""
        forms = _forms(text, self.prefix)
        # Text typed without diacritics says nothing about them: "sa pa" may be Phường Sa Pa
        # or Phường Sa Pả, so it starts at the level that ignores them.
        start = 0 if _has_diacritics(text) else 1
        for level, index in enumerate(self.levels[start:], start):
            found = index.get(forms[level], [])
            if within is not None:
                found = [u for u in found if u.pk in within]
            if found:
                return list(dict.fromkeys(found))
        return []


# One old province, loaded once ---------------------------------------------------------------


class _ProvinceUnits:
    """An old province's districts and communes with their successors: two queries, then
    everything from memory."""

    def __init__(self, province: LegacyProvince) -> None:
        self.province = province
        self.communes = list(
            LegacyCommune.objects.filter(province=province)
            .select_related("district")
            .order_by("code")
        )
        districts: dict[str, LegacyDistrict] = {}
        for commune in self.communes:  # no query per row for names in messages
            district = districts.setdefault(commune.district_id, commune.district)
            district.province = province
            commune.district = district
            commune.province = province
        self.districts = list(districts.values())
        self.successors: dict[str, list[CommuneMapping]] = defaultdict(list)
        for mapping in (
            CommuneMapping.objects.filter(legacy_commune__province=province)
            .select_related("commune__province")
            .order_by("-is_default", "commune__name")
        ):
            self.successors[mapping.legacy_commune_id].append(mapping)
        self.by_code = {c.code: c for c in self.communes}
        self.by_key = {c.key: c for c in self.communes}
        self.commune_index = _NameIndex(self.communes, _COMMUNE_PREFIX)
        self.district_index = _NameIndex(self.districts, _DISTRICT_PREFIX)

    def in_district(self, district: LegacyDistrict) -> set[str]:
        return {c.pk for c in self.communes if c.district_id == district.pk}

    def island(self, district: LegacyDistrict) -> LegacyCommune | None:
        """The unit standing for an island district that had no communes ("D318")."""
        return self.by_code.get(f"{ISLAND_PREFIX}{district.code}")


# The resolver --------------------------------------------------------------------------------


class LegacyResolver:
    """Converts pre-2025 places with every lookup cached: one instance per import.

    ``convert`` and ``convert_address`` behave exactly like ``convert_legacy`` and
    ``convert_legacy_address``."""

    def __init__(self) -> None:
        self._provinces: list[LegacyProvince] | None = None
        self._province_index: _NameIndex | None = None
        self._units: dict[str, _ProvinceUnits] = {}
        self._province_of_code: dict[str, str | None] = {}
        self._results: dict[tuple[str, ...], Conversion] = {}

    # Provinces and their units -----------------------------------------------------------

    def _all_provinces(self) -> list[LegacyProvince]:
        if self._provinces is None:
            self._provinces = list(LegacyProvince.objects.all())
            self._province_index = _NameIndex(self._provinces, _PROVINCE_PREFIX)
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
        assert self._province_index is not None
        found = self._province_index.find(value)
        if not found:
            alias = _PROVINCE_ALIASES.get(_compact(value)) or _PROVINCE_ALIASES.get(
                _bare(value, _PROVINCE_PREFIX)
            )
            found = [p for p in provinces if alias and _compact(p.short_name) == alias]
        if not found:
            key = _parsed(value, level=1)[0]
            found = [p for p in provinces if key and p.key == key]
        return found[0] if len(found) == 1 else None

    def _commune_by_code(self, code: str) -> LegacyCommune | None:
        if code not in self._province_of_code:
            self._province_of_code[code] = (
                LegacyCommune.objects.filter(code=code).values_list("province_id", flat=True)
            ).first()
        province_code = self._province_of_code[code]
        if province_code is None:
            return None
        province = next(p for p in self._all_provinces() if p.code == province_code)
        return self._units_of(province).by_code.get(code)

    # Conversion --------------------------------------------------------------------------

    def _finish(self, legacy: LegacyCommune) -> Conversion:
        mappings = self._units_of(legacy.province).successors.get(legacy.code, [])
        candidates = [m.commune for m in mappings]
        defaults = [m.commune for m in mappings if m.is_default]
        if not mappings:
            error = _("%(name)s has no successor in the 2025 structure.") % {"name": legacy.name}
            return Conversion(legacy_commune=legacy, error=error)
        if not defaults:
            error = _(
                "%(name)s was split between %(communes)s and the official mapping names no "
                "default one: give the 2025 commune."
            ) % {"name": legacy.name, "communes": "; ".join(str(c) for c in candidates)}
            return Conversion(legacy_commune=legacy, candidates=candidates, error=error)
        return Conversion(legacy_commune=legacy, commune=defaults[0], candidates=candidates)

    def convert(self, *, province: str = "", district: str = "", commune: str = "") -> Conversion:
        """Convert a pre-2025 (province, district, commune) given as names or codes; the
        district may be left out where the commune's name is unique in its province."""
        values = [(value or "").strip() for value in (province, district, commune)]
        key = ("parts", *(_exact(value) for value in values))
        if key not in self._results:
            self._results[key] = self._convert(*values)
        return self._results[key]

    def _convert(self, province: str, district: str, commune: str) -> Conversion:
        old_province = self.find_province(province) if province else None
        if province and old_province is None:
            return Conversion(
                error=_("“%(name)s” is not a pre-2025 province.") % {"name": province}
            )
        if _is_code(commune):
            units = self._units_of(old_province) if old_province else None
            # "1" may be the name of a Phường 1 of that province rather than a code.
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
            if len(found) > 1:
                return Conversion(
                    error=_("“%(district)s” is ambiguous in %(province)s (%(options)s).")
                    % {
                        "district": district,
                        "province": old_province.short_name,
                        "options": "; ".join(d.name for d in found),
                    }
                )
            old_district = found[0] if found else None
        if not commune:
            return self._convert_district(units, district, old_district)
        within = units.in_district(old_district) if old_district is not None else None
        matches = units.commune_index.find(commune, within)
        if not matches and district:
            # A misspelt district, or a commune moved between districts in an earlier
            # reorganisation: a name unique in the province is still safe.
            matches = units.commune_index.find(commune)
            if len(matches) != 1:
                if old_district is None:
                    return Conversion(
                        error=_("%(province)s had no district “%(district)s” before July 2025.")
                        % {"province": old_province.short_name, "district": district}
                    )
                matches = []
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
            return Conversion(error=_ambiguous(commune, old_province, old_district, matches))
        return self._finish(matches[0])

    def _convert_code(self, old_province: LegacyProvince | None, code_text: str) -> Conversion:
        code = code_text.upper() if code_text[0].isalpha() else code_text.zfill(5)
        legacy = self._commune_by_code(code)
        if legacy is None:
            return Conversion(
                error=_("No pre-2025 commune has the code %(code)s.") % {"code": code_text}
            )
        if old_province is not None and legacy.province_id != old_province.code:
            return Conversion(
                error=_(
                    "The pre-2025 commune %(code)s (%(name)s) was in %(actual)s, not in "
                    "%(province)s."
                )
                % {
                    "code": code_text,
                    "name": legacy.name,
                    "actual": legacy.province.short_name,
                    "province": old_province.short_name,
                }
            )
        return self._finish(legacy)

    def _convert_district(
        self, units: _ProvinceUnits, district: str, old_district: LegacyDistrict | None
    ) -> Conversion:
        """Only a district given: enough for the island districts that had no communes."""
        if not district:
            return Conversion(error=_("The pre-2025 commune is missing."))
        if old_district is None:
            return Conversion(
                error=_("%(province)s had no district “%(district)s” before July 2025.")
                % {"province": units.province.short_name, "district": district}
            )
        island = units.island(old_district)
        if island is None:
            return Conversion(
                error=_("The pre-2025 commune is missing: %(district)s had several, name one.")
                % {"district": old_district.name}
            )
        return self._finish(island)

    def convert_address(self, text: str) -> Conversion:
        """Convert one free-text pre-2025 address ("Thôn 3, xã Cư Né, huyện Krông Búk,
        tỉnh Đắk Lắk"); the district may be left out, anything before the commune is
        ignored."""
        text = (text or "").strip()
        key = ("text", _exact(text))
        if key not in self._results:
            self._results[key] = self._convert_address(text)
        return self._results[key]

    def _convert_address(self, text: str) -> Conversion:
        if not text:
            return Conversion(error=_("The pre-2025 address is empty."))
        province_key, district_key, ward_key = _parsed(text, level=3)
        old_province = next((p for p in self._all_provinces() if p.key == province_key), None)
        if old_province is not None and district_key:
            units = self._units_of(old_province)
            legacy = units.by_key.get(f"{province_key}_{district_key}_{ward_key or ''}")
            if (
                legacy is not None
                and _names_commune(text, legacy)
                and (_has_diacritics(text) or len(_twins(units, legacy)) == 1)
            ):
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
        error = _(
            "The pre-2025 address “%(address)s” names no commune, district and province "
            "that existed before July 2025."
        ) % {"address": text}
        return Conversion(error=f"{error} {first_error}" if first_error else error)


def _ambiguous(
    commune: str,
    province: LegacyProvince,
    district: LegacyDistrict | None,
    matches: list[LegacyCommune],
) -> str:
    options = "; ".join(f"{c.name}, {c.district.name}" for c in matches[:5])
    if len(matches) > 5:
        options += "; …"
    if district is None:
        message = _("“%(commune)s” is ambiguous in %(province)s (%(options)s): give the district.")
    else:
        message = _(
            "“%(commune)s” is ambiguous in %(district)s (%(options)s): write it with its "
            "diacritics."
        )
    return message % {
        "commune": commune,
        "province": province.short_name,
        "district": district.name if district else "",
        "options": options,
    }


def _twins(units: _ProvinceUnits, legacy: LegacyCommune) -> list[LegacyCommune]:
    """The communes of ``legacy``'s district spelt like it without diacritics (Phường Sa Pa,
    Phường Sa Pả): the parser picks one of them for text typed without diacritics."""
    return units.commune_index.find(normalise(legacy.name), units.in_district(legacy.district))


def _is_code(text: str) -> bool:
    """A statistics-office code ("24400", "4" as a spreadsheet keeps 00004) or the code of
    an island district's unit ("D318")."""
    return text.isdigit() or (
        text[:1].upper() == ISLAND_PREFIX and text[1:].isdigit() and len(text) == 4
    )


def _names_commune(text: str, legacy: LegacyCommune) -> bool:
    """Whether ``text`` really names the commune the parser found. The parser is fuzzy: in
    "xã Không Có, huyện Krông Búk" it finds Xã KRông Búk (of Huyện Krông Pắc) from the
    district's name. So a part of the text between commas must name the commune, or the
    text must name both the commune and, elsewhere, its district."""
    if legacy.code.startswith(ISLAND_PREFIX):  # an island district standing for itself
        return True
    names = {_compact(legacy.name), _bare(legacy.short_name)}
    if any(_bare(part) in names for part in text.split(",")):
        return True
    written, commune = _compact(text), _bare(legacy.short_name)
    if commune not in written:
        return False
    return _bare(legacy.district.short_name, _DISTRICT_PREFIX) in written.replace(commune, "", 1)


def _parsed(text: str, *, level: int) -> tuple[str | None, str | None, str | None]:
    """(province key, district key, ward key) read offline by the dataset's own parser
    (never its converter, which geocodes online)."""
    from vietnamadminunits.parser import ParseMode, parse_address

    try:
        unit = parse_address(text, mode=ParseMode.LEGACY, keep_street=False, level=level)
    except Exception:  # the parser raises bare errors on text it cannot read
        return None, None, None
    return (
        getattr(unit, "province_key", None),
        getattr(unit, "district_key", None),
        getattr(unit, "ward_key", None),
    )


# Module-level shortcuts ----------------------------------------------------------------------


def convert_legacy(*, province: str = "", district: str = "", commune: str = "") -> Conversion:
    """Convert a pre-2025 (province, district, commune) given as names or codes (a few
    queries; use one ``LegacyResolver`` for many rows)."""
    return LegacyResolver().convert(province=province, district=district, commune=commune)


def convert_legacy_address(text: str) -> Conversion:
    """Convert one free-text pre-2025 address ("Thôn 3, xã Cư Né, huyện Krông Búk, Đắk Lắk")
    (use one ``LegacyResolver`` for many rows)."""
    return LegacyResolver().convert_address(text)


def legacy_units_of(province_code: str) -> QuerySet[LegacyProvince]:
    """The pre-2025 provinces merged into a 2025 province (for reports on old units)."""
    return LegacyProvince.objects.filter(successor_id=province_code)


def legacy_districts_of(province_code: str) -> QuerySet[LegacyDistrict]:
    """The pre-2025 districts whose province merged into a 2025 province."""
    return LegacyDistrict.objects.filter(province__successor_id=province_code)
