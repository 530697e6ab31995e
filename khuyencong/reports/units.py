"""Report units: the place a report is about, written ``nation``, ``region:NAM``,
``province:66`` (2025), ``legacy-province:80`` (pre-2025: a code travels with its edition)
or ``commune:26734`` (2025).

A unit resolves (``resolve``) to

- a filter for record data: the 2025 provinces it covers and, below province level, the 2025
  communes (records are stored with 2025 communes);
- the aggregate units whose stored values answer the years before records: the nation and a
  region are their provinces; a 2025 province is answered by its own values, else by the
  sum of the pre-2025 provinces merged into it; a pre-2025 province and a commune by their
  own values.

A pre-2025 province's records are those of the 2025 communes that came, wholly or partly,
from its old communes (``places.CommuneMapping``). A new commune formed from old communes of
two old provinces counts in both: the approximation is documented in docs/reports.md. When
the old province was not merged with another, its territory is the whole new province and
the province filter is exact.

Labels are Vietnamese, the names of the places as reports write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError
from khuyencong.places.models import Commune, LegacyProvince, Province, Region

NATION = "nation"
REGION = "region"
PROVINCE = "province"
LEGACY_PROVINCE = "legacy-province"
COMMUNE = "commune"
KINDS = (NATION, REGION, PROVINCE, LEGACY_PROVINCE, COMMUNE)
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class UnitError(DomainError):
    """A unit that cannot be read or does not exist (API: 400 naming ``unit``)."""


@dataclass(frozen=True, order=True)
class Unit:
    kind: str
    code: str = ""

    @classmethod
    def parse(cls, text: str | None, *, field: str = "unit") -> Unit:
        """``nation`` or ``<kind>:<code>``; the syntax only (``resolve`` checks existence)."""
        value = (text or "").strip()
        if not value:
            raise UnitError(_("Choose a place (e.g. province:66)."), field=field)
        if value == NATION:
            return cls(NATION)
        kind, sep, code = value.partition(":")
        if not sep or kind not in KINDS or kind == NATION or not _CODE.match(code):
            raise UnitError(
                _(
                    "Write the place as nation, region:<code>, province:<code>, "
                    "legacy-province:<code> or commune:<code>."
                ),
                field=field,
            )
        return cls(kind, code.upper() if kind == REGION else code)

    def __str__(self) -> str:
        return self.kind if self.kind == NATION else f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class AggregatePart:
    """How one 2025 province's share of a unit is answered from aggregate values: by the
    values of ``own``, else by the sum of ``alternatives`` (the pre-2025 provinces merged
    into it). ``province`` gives the day its records begin."""

    province: str
    own: Unit
    alternatives: tuple[Unit, ...] = ()


@dataclass
class ResolvedUnit:
    unit: Unit
    label: str
    # 2025 provinces covered (sorted codes); records are read over these...
    provinces: list[str]
    # ... and, below province level, only over these 2025 communes (None: whole provinces).
    communes: list[str] | None = None
    # For a pre-2025 province: records that kept their pre-2025 commune are placed exactly.
    legacy_province: str | None = None
    parts: list[AggregatePart] = field(default_factory=list)
    labels: dict[Unit, str] = field(default_factory=dict)

    @property
    def below_province(self) -> bool:
        return self.communes is not None

    def label_of(self, unit: Unit) -> str:
        return self.labels.get(unit, str(unit))


def _missing(unit: Unit) -> UnitError:
    return UnitError(_("No such place: %(unit)s.") % {"unit": str(unit)}, field="unit")


def _province_parts(
    provinces: list[Province], legacy: list[LegacyProvince], labels: dict[Unit, str]
) -> list[AggregatePart]:
    by_successor: dict[str, list[LegacyProvince]] = {}
    for old in legacy:
        by_successor.setdefault(old.successor_id, []).append(old)
        labels[Unit(LEGACY_PROVINCE, old.code)] = legacy_label(old)
    parts = []
    for province in provinces:
        labels[Unit(PROVINCE, province.code)] = province.name
        olds = sorted(by_successor.get(province.code, []), key=lambda o: o.code)
        parts.append(
            AggregatePart(
                province.code,
                Unit(PROVINCE, province.code),
                tuple(Unit(LEGACY_PROVINCE, o.code) for o in olds),
            )
        )
    return parts


def legacy_label(old: LegacyProvince) -> str:
    return f"{old.name} (trước 2025)"


def place_names(texts: list[str] | tuple[str, ...]) -> list[str]:
    """The names of units written as text ("legacy-province:54" → "Phú Yên (trước 2025)"),
    in the same order, as ``resolve`` labels them: one query per kind of place, never a code
    shown to a reader unless the place does not exist."""
    wanted: dict[str, set[str]] = {}
    units: list[Unit | None] = []
    for text in texts:
        try:
            unit = Unit.parse(text)
        except UnitError:
            units.append(None)
            continue
        units.append(unit)
        wanted.setdefault(unit.kind, set()).add(unit.code)
    names: dict[Unit, str] = {Unit(NATION): "cả nước"}
    if wanted.get(PROVINCE):
        for code, name in Province.objects.filter(code__in=wanted[PROVINCE]).values_list(
            "code", "name"
        ):
            names[Unit(PROVINCE, code)] = name
    if wanted.get(LEGACY_PROVINCE):
        for old in LegacyProvince.objects.filter(code__in=wanted[LEGACY_PROVINCE]):
            names[Unit(LEGACY_PROVINCE, old.code)] = legacy_label(old)
    if wanted.get(COMMUNE):
        for commune in Commune.objects.select_related("province").filter(code__in=wanted[COMMUNE]):
            names[Unit(COMMUNE, commune.code)] = f"{commune.name} ({commune.province.short_name})"
    if wanted.get(REGION):
        for code, name in Region.objects.filter(code__in=wanted[REGION]).values_list(
            "code", "name"
        ):
            names[Unit(REGION, code)] = name
    return [
        names.get(unit, str(unit)) if unit is not None else text
        for unit, text in zip(units, texts, strict=True)
    ]


def resolve(unit: Unit) -> ResolvedUnit:
    """Look the unit up (a few queries, whatever its size); ``UnitError`` when it does not
    exist."""
    labels: dict[Unit, str] = {}
    if unit.kind in (NATION, REGION):
        if unit.kind == NATION:
            provinces = list(Province.objects.order_by("code"))
            label = "cả nước"
        else:
            region = Region.objects.filter(pk=unit.code).first()
            if region is None:
                raise _missing(unit)
            provinces = list(region.provinces.order_by("code"))
            label = region.name
        codes = [p.code for p in provinces]
        legacy = list(LegacyProvince.objects.filter(successor__in=codes))
        labels[unit] = label
        return ResolvedUnit(
            unit, label, codes, parts=_province_parts(provinces, legacy, labels), labels=labels
        )
    if unit.kind == PROVINCE:
        province = Province.objects.filter(pk=unit.code).first()
        if province is None:
            raise _missing(unit)
        legacy = list(LegacyProvince.objects.filter(successor=province))
        parts = _province_parts([province], legacy, labels)
        return ResolvedUnit(unit, province.name, [province.code], parts=parts, labels=labels)
    if unit.kind == LEGACY_PROVINCE:
        old = LegacyProvince.objects.select_related("successor").filter(pk=unit.code).first()
        if old is None:
            raise _missing(unit)
        label = legacy_label(old)
        labels[unit] = label
        merged = LegacyProvince.objects.filter(successor=old.successor_id).count() > 1
        communes = (
            sorted(
                Commune.objects.filter(legacy_mappings__legacy_commune__province=old)
                .values_list("code", flat=True)
                .distinct()
            )
            if merged
            else None
        )
        return ResolvedUnit(
            unit,
            label,
            [old.successor_id],
            communes=communes,
            legacy_province=old.code if merged else None,
            parts=[AggregatePart(old.successor_id, unit)],
            labels=labels,
        )
    commune = Commune.objects.select_related("province").filter(pk=unit.code).first()
    if commune is None:
        raise _missing(unit)
    label = f"{commune.name} ({commune.province.short_name})"
    labels[unit] = label
    return ResolvedUnit(
        unit,
        label,
        [commune.province_id],
        communes=[commune.code],
        parts=[AggregatePart(commune.province_id, unit)],
        labels=labels,
    )
