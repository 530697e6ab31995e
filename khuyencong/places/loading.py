"""Loading administrative units from the ``vietnamadminunits`` dataset (PyPI).

The package ships an SQLite file with both editions (``admin_units``: 34 provinces and
3,321 communes of 2025; ``admin_units_legacy``: 63 provinces, 696 districts and 10,035
communes before July 2025) and ``converter_2025.json``, the official mapping of old
communes to new ones. We copy them into our tables once; nothing is typed by hand.

Quirks handled:

- Five island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) had no communes
  (their legacy rows have a NULL ward) and the mapping sends the district itself to a 2025
  đặc khu (key ``<province>_<district>_``). Each gets one pre-2025 "commune" standing for the
  whole district, coded ``D`` + the 3-digit district code (``D318``): it cannot clash with
  the 5-digit commune codes, and addresses there convert like any other.
- ``wardKeyDuplicated``: 44 old communes share a key-without-diacritics with a neighbour in
  the same district ("Phường Sa Pa" / "Phường Sa Pả"); the dataset's keys still differ, so
  they load as distinct units and conversion prefers the spelling with diacritics.
- Mapping keys naming a unit the dataset lacks are skipped and reported (none in
  vietnamadminunits 1.0.4), as are old communes without a successor; mappings a newer dataset dropped are
  deleted.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction

from khuyencong.core.text import normalise
from khuyencong.places.models import (
    Commune,
    CommuneMapping,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
    Region,
)

COMMUNE_KINDS = {
    "Xã": Commune.Kind.COMMUNE,
    "Phường": Commune.Kind.WARD,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}
REGIONS_FILE = Path(__file__).parent / "data" / "regions_2025.json"


def _dataset_dir() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


def _rows(sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(_dataset_dir() / "dataset.db") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    # Codes of pre-2025 communes that the mapping does not cover.
    unmapped: list[str] = field(default_factory=list)
    # Mapping keys naming a unit the dataset does not have.
    missing_keys: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())
        )

    def lines(self) -> list[str]:
        out = []
        for name in self.created:
            line = f"{name}: {self.created[name]} created, {self.updated.get(name, 0)} updated"
            if name in self.deleted:
                line += f", {self.deleted[name]} deleted"
            out.append(line)
        out.append(
            f"pre-2025 communes without a 2025 successor: {len(self.unmapped)}"
            + (f" ({', '.join(self.unmapped)})" if self.unmapped else "")
        )
        if self.missing_keys:
            out.append(
                f"mapping keys not found in the dataset: {len(self.missing_keys)} "
                f"({', '.join(self.missing_keys[:50])})"
            )
        return out


def _sync(
    model: Any, wanted: dict[str, dict[str, Any]], report: LoadReport, label: str
) -> dict[str, Any]:
    """Create missing rows and update changed ones, keyed by primary key; returns all rows."""
    existing = model.objects.in_bulk(list(wanted))
    to_create, to_update, fields = [], [], set()
    for pk, values in wanted.items():
        row = existing.get(pk)
        if row is None:
            to_create.append(model(pk=pk, **values))
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            fields.update(changed)
            to_update.append(row)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=1000)
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    return model.objects.in_bulk(list(wanted))


def _province_kind(name: str) -> str:
    return Province.Kind.CITY if name.startswith("Thành phố") else Province.Kind.PROVINCE


@transaction.atomic
def load_places(log: Callable[[str], None] | None = None) -> LoadReport:
    """Load (or bring up to date) both editions and the mapping. Idempotent."""
    report = LoadReport()
    converter = json.loads((_dataset_dir() / "converter_2025.json").read_text("utf-8"))

    new_rows = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")
    provinces: dict[str, dict[str, Any]] = {}
    communes: dict[str, dict[str, Any]] = {}
    for r in new_rows:
        provinces[r["provinceCode"]] = {
            "name": r["province"],
            "short_name": r["provinceShort"],
            "kind": _province_kind(r["province"]),
            "key": r["provinceKey"],
            "search_name": normalise(r["province"]),
        }
        communes[r["wardCode"]] = {
            "name": r["ward"],
            "short_name": r["wardShort"],
            "kind": COMMUNE_KINDS[r["wardType"]],
            "province_id": r["provinceCode"],
            "key": r["wardKey"],
            "search_name": normalise(r["ward"]),
            "area_km2": None if r["wardAreaKm2"] is None else _decimal(r["wardAreaKm2"]),
        }
    province_objs = _sync(Province, provinces, report, "provinces")
    _sync(Commune, communes, report, "communes")

    province_code_by_key = {p.key: code for code, p in province_objs.items()}
    successor_by_old_key = {
        old: province_code_by_key[new]
        for new, olds in converter["DICT_PROVINCE"].items()
        for old in olds
    }

    old_rows = _rows(
        "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    old_provinces: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    old_communes: dict[str, dict[str, Any]] = {}
    for r in old_rows:
        old_provinces[r["provinceCode"]] = {
            "name": r["province"],
            "short_name": r["provinceShort"],
            "key": r["provinceKey"],
            "search_name": normalise(r["province"]),
            "successor_id": successor_by_old_key[r["provinceKey"]],
        }
        districts[r["districtCode"]] = {
            "name": r["district"],
            "short_name": r["districtShort"],
            "kind": r["districtType"],
            "province_id": r["provinceCode"],
            "key": r["districtKey"],
        }
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"]:
            code, name, short, kind = r["wardCode"], r["ward"], r["wardShort"], r["wardType"]
        else:  # an island district without communes: one unit for the whole district
            code, name, short, kind = (
                f"D{r['districtCode']}",
                r["district"],
                r["districtShort"],
                r["districtType"],
            )
        old_communes[code] = {
            "name": name,
            "short_name": short,
            "kind": kind,
            "district_id": r["districtCode"],
            "province_id": r["provinceCode"],
            "key": key,
            "search_name": normalise(name),
        }
    _sync(LegacyProvince, old_provinces, report, "pre-2025 provinces")
    _sync(LegacyDistrict, districts, report, "pre-2025 districts")
    _sync(LegacyCommune, old_communes, report, "pre-2025 communes")

    _load_mapping(converter, communes, old_communes, report)
    _seed_regions(report)
    if log:
        for line in report.lines():
            log(line)
    return report


def _decimal(value: float) -> Any:
    from decimal import Decimal

    return Decimal(str(value)).quantize(Decimal("0.01"))


def _load_mapping(
    converter: dict[str, Any],
    communes: dict[str, dict[str, Any]],
    old_communes: dict[str, dict[str, Any]],
    report: LoadReport,
) -> None:
    province_key_by_code = dict(Province.objects.values_list("code", "key"))
    new_code = {
        (province_key_by_code[v["province_id"]], v["key"]): code for code, v in communes.items()
    }
    old_code = {v["key"]: code for code, v in old_communes.items()}
    wanted: dict[tuple[str, str], bool] = {}

    def add(province_key: str, old_key: str, new_key: str, default: bool) -> None:
        old, new = old_code.get(old_key), new_code.get((province_key, new_key))
        if old is None or new is None:
            # Not in this dataset version: reported, never guessed.
            report.missing_keys.append(old_key if old is None else f"{province_key}/{new_key}")
            return
        wanted[(old, new)] = default

    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                add(province_key, old_key, ward_key, True)
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                add(province_key, old_key, target["newWardKey"], bool(target["isDefaultNewWard"]))
    existing = {(m.legacy_commune_id, m.commune_id): m for m in CommuneMapping.objects.all()}
    to_create = [
        CommuneMapping(legacy_commune_id=old, commune_id=new, is_default=default)
        for (old, new), default in wanted.items()
        if (old, new) not in existing
    ]
    stale = [m.pk for pair, m in existing.items() if pair not in wanted]
    to_update = []
    for pair, mapping in existing.items():
        if pair in wanted and mapping.is_default != wanted[pair]:
            mapping.is_default = wanted[pair]
            to_update.append(mapping)
    if stale:  # a newer dataset dropped them
        CommuneMapping.objects.filter(pk__in=stale).delete()
    # Defaults first off, then on, so the one-default constraint holds at every step.
    CommuneMapping.objects.bulk_update(
        [m for m in to_update if not m.is_default], ["is_default"], batch_size=1000
    )
    CommuneMapping.objects.bulk_update(
        [m for m in to_update if m.is_default], ["is_default"], batch_size=1000
    )
    CommuneMapping.objects.bulk_create(to_create, batch_size=1000)
    report.created["commune mappings"] = len(to_create)
    report.updated["commune mappings"] = len(to_update)
    report.deleted["commune mappings"] = len(stale)
    mapped = {old for old, _new in wanted}
    report.unmapped = sorted(set(old_communes) - mapped)


def _seed_regions(report: LoadReport) -> None:
    """Create the seeded regions that do not exist yet; an existing region (perhaps edited by
    an administrator) is left exactly as it is."""
    spec = json.loads(REGIONS_FILE.read_text("utf-8"))
    by_name = {p.short_name: p for p in Province.objects.all()}
    named: set[str] = set()
    for region in spec["regions"]:
        if region["provinces"] != "rest":
            missing = [n for n in region["provinces"] if n not in by_name]
            if missing:
                raise ValueError(f"Region {region['code']}: unknown provinces {missing}")
            named.update(region["provinces"])
    created = 0
    for region in spec["regions"]:
        if Region.objects.filter(pk=region["code"]).exists():
            continue
        names = (
            [n for n in by_name if n not in named]
            if region["provinces"] == "rest"
            else region["provinces"]
        )
        obj = Region.objects.create(
            code=region["code"], name=region["name"], legal_basis=spec["legal_basis"]
        )
        obj.provinces.set([by_name[n] for n in names])
        created += 1
    report.created["regions"] = created
