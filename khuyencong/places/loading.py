"""Loading administrative units from the ``vietnamadminunits`` dataset (PyPI).

The package ships an SQLite file with both editions (``admin_units``: 34 provinces and
3,321 communes of 2025; ``admin_units_legacy``: 63 provinces, 696 districts and 10,035
communes before July 2025) and ``converter_2025.json``, the official mapping of old
communes to new ones. We copy them into our tables; nothing is typed by hand.

Quirks of the dataset (version 1.0.4), and what we do with them:

- Five island districts had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo):
  their legacy row has ``ward`` NULL and the converter maps ``<province>_<district>_`` (empty
  ward key) to a 2025 special zone. Each gets one pre-2025 "commune" standing for the whole
  district, coded ``D`` + the district code (``D318``, which cannot clash with the 5-digit
  commune codes) so that addresses there convert like any other.
- ``wardKeyDuplicated``: where two communes would get the same key without diacritics
  (Phú Thành / Phú Thạnh), the dataset keeps the diacritics in the key (``xãphúthạnh``).
  We store keys verbatim, so the converter's keys still join; the conversion compares names
  with diacritics when the plain comparison finds several.
- Old commune keys repeat across districts of one province, so a pre-2025 commune is keyed
  ``<province key>_<district key>_<ward key>``, as in the converter.
- A converter key missing from the tables is reported (``LoadReport.missing_keys``) and
  skipped rather than guessed; none is missing in 1.0.4.

Loading is idempotent: rows are matched on their codes, only differences are written, and
mapping rows that the dataset no longer has are removed. Units that the dataset no longer
has are reported, never deleted (records may point at them).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import models, transaction

from khuyencong.core import dataversions
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
ISLAND_PREFIX = "D"  # code prefix of the units standing for an island district without communes
BATCH = 1000


class PlacesDataError(ValueError):
    """The dataset or the regions file is not what the loader expects; nothing is loaded."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    # Pre-2025 communes that the mapping sends nowhere, or to several without a default.
    unmapped: list[str] = field(default_factory=list)
    without_default: list[str] = field(default_factory=list)
    # Keys of converter_2025.json that match no unit (skipped).
    missing_keys: list[str] = field(default_factory=list)
    # Codes in our tables that the dataset no longer has (kept: records may use them).
    stale: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())
        )

    def lines(self) -> list[str]:
        out = []
        for label, total in self.totals.items():
            line = (
                f"{label}: {total} ({self.created.get(label, 0)} created, "
                f"{self.updated.get(label, 0)} updated"
            )
            if self.deleted.get(label):
                line += f", {self.deleted[label]} deleted"
            out.append(line + ")")
        for label, codes in self.stale.items():
            if codes:
                out.append(f"{label} no longer in the dataset (kept): {', '.join(codes)}")
        if self.missing_keys:
            out.append(f"mapping keys matching no unit (skipped): {', '.join(self.missing_keys)}")
        out.append(
            f"pre-2025 communes without a 2025 successor: {len(self.unmapped)}"
            + (f" ({', '.join(self.unmapped)})" if self.unmapped else "")
        )
        if self.without_default:
            out.append(
                f"pre-2025 communes split without a default successor: "
                f"{', '.join(self.without_default)}"
            )
        return out


# Reading the package's data ------------------------------------------------------------------


def _dataset_dir() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


def _rows(sql: str) -> list[dict[str, Any]]:
    # Read-only and closed at once: site-packages may be read-only, and an unclosed
    # connection is a ResourceWarning (an error in the test suite).
    uri = f"{(_dataset_dir() / 'dataset.db').as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql).fetchall()]


def _converter() -> dict[str, Any]:
    return json.loads((_dataset_dir() / "converter_2025.json").read_text("utf-8"))


# Writing -------------------------------------------------------------------------------------


def _sync(
    model: type[models.Model], wanted: dict[str, dict[str, Any]], report: LoadReport, label: str
) -> None:
    """Create missing rows and update changed ones, keyed by primary key."""
    existing = model._default_manager.in_bulk()
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
    model._default_manager.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields), batch_size=BATCH)
    # No save signals: cached figures reading these places are invalidated here.
    dataversions.changed(model, [*to_create, *to_update])
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.totals[label] = len(wanted)
    report.stale[label] = sorted(set(existing) - set(wanted))


def _province_kind(name: str) -> str:
    return Province.Kind.CITY if name.startswith("Thành phố") else Province.Kind.PROVINCE


def _area(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def load_places(log: Callable[[str], None] | None = None) -> LoadReport:
    """Load (or bring up to date) both editions, the mapping and the seeded regions.

    Idempotent, in one transaction: a second run writes nothing."""
    report = LoadReport()
    converter = _converter()

    provinces: dict[str, dict[str, Any]] = {}
    communes: dict[str, dict[str, Any]] = {}
    for r in _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
        provinces[r["provinceCode"]] = {
            "name": r["province"],
            "short_name": r["provinceShort"],
            "kind": _province_kind(r["province"]),
            "key": r["provinceKey"],
            "search_name": normalise(r["province"]),
        }
        if r["wardType"] not in COMMUNE_KINDS:
            raise PlacesDataError(f"Unknown commune type {r['wardType']!r} ({r['wardCode']})")
        communes[r["wardCode"]] = {
            "name": r["ward"],
            "short_name": r["wardShort"],
            "kind": COMMUNE_KINDS[r["wardType"]],
            "province_id": r["provinceCode"],
            "key": r["wardKey"],
            "search_name": normalise(r["ward"]),
            "area_km2": _area(r["wardAreaKm2"]),
        }
    _sync(Province, provinces, report, "provinces")
    _sync(Commune, communes, report, "communes")

    province_code_by_key = {values["key"]: code for code, values in provinces.items()}
    successor_by_old_key: dict[str, str] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        if new_key not in province_code_by_key:
            raise PlacesDataError(f"converter_2025.json names an unknown province {new_key}")
        for old_key in old_keys:
            successor_by_old_key[old_key] = province_code_by_key[new_key]

    old_provinces: dict[str, dict[str, Any]] = {}
    districts: dict[str, dict[str, Any]] = {}
    old_communes: dict[str, dict[str, Any]] = {}
    for r in _rows(
        "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    ):
        if r["provinceKey"] not in successor_by_old_key:
            raise PlacesDataError(f"No 2025 successor for the province {r['province']}")
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
            code = f"{ISLAND_PREFIX}{r['districtCode']}"
            name, short, kind = r["district"], r["districtShort"], r["districtType"]
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

    _load_mapping(converter, provinces, communes, old_communes, report)
    _seed_regions(report)
    if log:
        for line in report.lines():
            log(line)
    return report


def _wanted_mapping(
    converter: dict[str, Any],
    provinces: dict[str, dict[str, Any]],
    communes: dict[str, dict[str, Any]],
    old_communes: dict[str, dict[str, Any]],
    report: LoadReport,
) -> dict[tuple[str, str], bool]:
    """(old commune code, new commune code) → is_default, from converter_2025.json."""
    new_code = {
        (provinces[v["province_id"]]["key"], v["key"]): code for code, v in communes.items()
    }
    old_code = {v["key"]: code for code, v in old_communes.items()}
    wanted: dict[tuple[str, str], bool] = {}

    def add(old_key: str, province_key: str, ward_key: str, default: bool) -> None:
        old = old_code.get(old_key)
        new = new_code.get((province_key, ward_key))
        if old is None:
            report.missing_keys.append(old_key)
        elif new is None:
            report.missing_keys.append(f"{province_key}/{ward_key}")
        else:
            wanted[(old, new)] = default

    # Old communes that went whole into one new commune.
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                add(old_key, province_key, ward_key, True)
    # Old communes split across several new ones: the official default is where a record
    # without more detail goes.
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                add(old_key, province_key, target["newWardKey"], bool(target["isDefaultNewWard"]))
    return wanted


def _load_mapping(
    converter: dict[str, Any],
    provinces: dict[str, dict[str, Any]],
    communes: dict[str, dict[str, Any]],
    old_communes: dict[str, dict[str, Any]],
    report: LoadReport,
) -> None:
    label = "commune mappings"
    wanted = _wanted_mapping(converter, provinces, communes, old_communes, report)
    existing = {(m.legacy_commune_id, m.commune_id): m for m in CommuneMapping.objects.all()}
    stale = [m.pk for pair, m in existing.items() if pair not in wanted]
    to_create = [
        CommuneMapping(legacy_commune_id=old, commune_id=new, is_default=default)
        for (old, new), default in wanted.items()
        if (old, new) not in existing
    ]
    to_update = []
    for pair, mapping in existing.items():
        if pair in wanted and mapping.is_default != wanted[pair]:
            mapping.is_default = wanted[pair]
            to_update.append(mapping)
    # Stale rows go first, then defaults off, then on, then new rows, so that the
    # one-default-per-old-commune constraint holds after every statement.
    for start in range(0, len(stale), BATCH):
        CommuneMapping.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    CommuneMapping.objects.bulk_update(
        [m for m in to_update if not m.is_default], ["is_default"], batch_size=BATCH
    )
    CommuneMapping.objects.bulk_update(
        [m for m in to_update if m.is_default], ["is_default"], batch_size=BATCH
    )
    CommuneMapping.objects.bulk_create(to_create, batch_size=BATCH)
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.deleted[label] = len(stale)
    report.totals[label] = len(wanted)

    targets: dict[str, list[bool]] = {}
    for (old, _new), default in wanted.items():
        targets.setdefault(old, []).append(default)
    report.unmapped = sorted(set(old_communes) - set(targets))
    report.without_default = sorted(old for old, flags in targets.items() if not any(flags))


def _seed_regions(report: LoadReport) -> None:
    """Create the seeded regions that do not exist yet.

    A region that exists (perhaps edited by an administrator) is left exactly as it is, and
    one that existed once and was deleted (it has history) is not brought back."""
    spec = json.loads(REGIONS_FILE.read_text("utf-8"))
    by_name = {p.short_name: p for p in Province.objects.all()}
    named: list[str] = []
    for region in spec["regions"]:
        if region["provinces"] == "rest":
            continue
        missing = [n for n in region["provinces"] if n not in by_name]
        if missing:
            raise PlacesDataError(
                f"{REGIONS_FILE.name}: region {region['code']} names unknown provinces {missing}"
            )
        named.extend(region["provinces"])
    if len(named) != len(set(named)):
        raise PlacesDataError(f"{REGIONS_FILE.name}: a province is in two regions")

    known = set(Region.objects.values_list("code", flat=True))
    known |= set(Region.history.values_list("code", flat=True))
    created = 0
    for region in spec["regions"]:
        if region["code"] in known:
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
    report.totals["regions"] = Region.objects.count()
