"""Import of establishments from a spreadsheet (docs/import.md documents the format).

Every row is checked with the same rules as the form (the model's validators, the place
scope of ``core.scoping``, the duplicate rule of ``services.find_duplicates``) before
anything is written; then all rows are created in one transaction through
``core.bulk.create_with_history``, so each new establishment has its "created" history entry
with the importing user, exactly like one registered through the form.

Where an establishment is (one of, in this order):
1. the 2025 commune code (``Mã xã (2025)``);
2. the 2025 province and commune names (the province may be left empty by a provincial
   user: their own province is assumed);
3. the pre-2025 address, as three columns (old province, district, commune) or one verbatim
   text; it is converted to the 2025 commune through ``places.conversion`` and kept verbatim.

Duplicates are errors, never merged: a tax code already registered (anywhere) or a name
already registered in the same commune, and the same within the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.core.bulk import insert_with_history
from khuyencong.core.formats import format_number
from khuyencong.core.importing import (
    Column,
    ErrorCollector,
    FieldChecker,
    FileRejected,
    Importer,
    Progress,
    SourceRow,
    Table,
    cell_text,
)
from khuyencong.core.scoping import can_write_place
from khuyencong.core.text import normalise_name
from khuyencong.places.conversion import Conversion, LegacyResolver
from khuyencong.places.models import Commune, LegacyCommune, Province
from khuyencong.registry import services
from khuyencong.registry.access import establishments_for
from khuyencong.registry.models import Establishment, Sector, YearlyFigure

Kind = Establishment.Kind
Status = Establishment.Status

# The Vietnamese names of kinds and statuses used in files (template drop-downs, exports).
# They are part of the file format, like the headers: a file reads the same in every office
# whatever the interface language. Other spellings accepted on import are listed after.
KIND_LABELS = {
    Kind.HOUSEHOLD: "Hộ kinh doanh",
    Kind.ENTERPRISE: "Doanh nghiệp nhỏ và vừa",
    Kind.COOPERATIVE: "Hợp tác xã",
    Kind.COOPERATIVE_GROUP: "Tổ hợp tác",
    Kind.ARTISAN: "Nghệ nhân",
}
KIND_ALIASES = {
    Kind.HOUSEHOLD: ("Hộ KD", "HKD", "Hộ kinh doanh cá thể", "Hộ sản xuất kinh doanh"),
    Kind.ENTERPRISE: ("Doanh nghiệp", "DN", "DNNVV", "Doanh nghiệp nhỏ", "Doanh nghiệp vừa"),
    Kind.COOPERATIVE: ("HTX",),
    Kind.COOPERATIVE_GROUP: ("THT",),
    Kind.ARTISAN: (),
}
STATUS_LABELS = {
    Status.ACTIVE: "Đang hoạt động",
    Status.PAUSED: "Tạm ngừng hoạt động",
    Status.CEASED: "Ngừng hoạt động",
}
STATUS_ALIASES = {
    Status.ACTIVE: ("Hoạt động",),
    Status.PAUSED: ("Tạm ngừng", "Tạm dừng", "Tạm dừng hoạt động"),
    Status.CEASED: ("Đã ngừng hoạt động", "Giải thể", "Đã giải thể", "Ngừng"),
}


# A choice of the file (a kind or a status): the label and alias tables are keyed by it.
_Choice = TypeVar("_Choice", bound=TextChoices)
_T = TypeVar("_T")


def _accepted(labels: Mapping[_Choice, str]) -> str:
    return ", ".join(f"{label} ({code})" for code, label in labels.items())


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Tên cơ sở",
        required=True,
        help=gettext_lazy("Name of the establishment, as registered."),
        example="Cơ sở chế biến cà phê Thành Đạt",
        aliases=("Tên", "Tên cơ sở công nghiệp nông thôn", "Tên doanh nghiệp"),
        width=34,
    ),
    Column(
        "kind",
        "Loại hình",
        required=True,
        help=gettext_lazy("Kind of establishment: the Vietnamese name or the code."),
        accepted=_accepted(KIND_LABELS),
        example=KIND_LABELS[Kind.HOUSEHOLD],
        aliases=("Loại hình cơ sở", "Loại hình tổ chức"),
        width=22,
    ),
    Column(
        "tax_code",
        "Mã số thuế",
        help=gettext_lazy(
            "10 digits, 13 for a branch (0101234567-001), or the owner's 12-digit personal "
            "identification number. Keep the column as text so Excel keeps the leading 0."
        ),
        example="6001234567",
        aliases=("MST",),
        width=16,
    ),
    Column(
        "registration_number",
        "Số đăng ký kinh doanh",
        help=gettext_lazy("Number of the business registration certificate."),
        example="40A8001234",
        aliases=("Số ĐKKD", "Số giấy chứng nhận đăng ký kinh doanh", "Số GCN ĐKKD"),
    ),
    Column(
        "representative",
        "Người đại diện",
        help=gettext_lazy("Owner or legal representative."),
        example="Nguyễn Văn An",
        aliases=("Chủ cơ sở", "Người đại diện theo pháp luật"),
        width=22,
    ),
    Column(
        "phone",
        "Điện thoại",
        help=gettext_lazy("Phone number; keep the column as text so Excel keeps the leading 0."),
        example="0912345678",
        aliases=("Số điện thoại", "SĐT", "ĐT"),
        width=14,
    ),
    Column(
        "email",
        "Email",
        help=gettext_lazy("Email address."),
        example="thanhdat@example.vn",
        aliases=("Thư điện tử", "E-mail"),
        width=24,
    ),
    Column(
        "address",
        "Địa chỉ",
        help=gettext_lazy("Village, street and house number within the commune."),
        example="Thôn 3",
        aliases=("Địa chỉ chi tiết", "Thôn, xóm, số nhà"),
        width=24,
    ),
    Column(
        "commune_code",
        "Mã xã (2025)",
        help=gettext_lazy(
            "5-digit code of the commune, ward or special zone in the structure in force "
            "since 1 July 2025. Where the establishment is needs this code, or the province "
            "and commune names, or the pre-2025 address."
        ),
        example="24100",
        aliases=("Mã xã", "Mã xã/phường", "Mã đơn vị hành chính", "Mã ĐVHC"),
        width=12,
    ),
    Column(
        "province",
        "Tỉnh/thành phố",
        help=gettext_lazy(
            "Province or centrally-run city (2025 structure), with or without “Tỉnh”. "
            "Left empty: your own province."
        ),
        example="Đắk Lắk",
        aliases=("Tỉnh", "Tỉnh/thành phố (2025)", "Tỉnh/TP"),
        width=18,
    ),
    Column(
        "commune",
        "Xã/phường",
        help=gettext_lazy(
            "Commune, ward or special zone (2025 structure), with or without “Xã”/“Phường”."
        ),
        example="Xã Ea Kar",
        aliases=("Xã", "Phường", "Xã/phường/đặc khu", "Xã/phường (2025)"),
        width=20,
    ),
    Column(
        "old_province",
        "Tỉnh cũ (trước 2025)",
        help=gettext_lazy("Pre-2025 province, for an address written before July 2025."),
        example="Đắk Lắk",
        aliases=("Tỉnh/thành phố cũ",),
        width=18,
    ),
    Column(
        "old_district",
        "Huyện cũ (trước 2025)",
        help=gettext_lazy("Pre-2025 district (huyện, quận, thị xã, thành phố)."),
        example="Huyện Ea Kar",
        aliases=("Quận/huyện cũ", "Huyện", "Quận/huyện"),
        width=18,
    ),
    Column(
        "old_commune",
        "Xã cũ (trước 2025)",
        help=gettext_lazy(
            "Pre-2025 commune, ward or town (thị trấn). With the old province (and district) it "
            "is converted to the 2025 commune through the official mapping."
        ),
        example="Thị trấn Ea Kar",
        aliases=("Xã/phường cũ", "Xã/phường/thị trấn cũ"),
        width=18,
    ),
    Column(
        "legacy_address",
        "Địa chỉ cũ (trước 2025)",
        help=gettext_lazy(
            "The whole pre-2025 address in one cell, converted like the three columns above. "
            "It is kept verbatim on the record."
        ),
        example="Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk",
        aliases=("Địa chỉ trước sáp nhập",),
        width=36,
    ),
    Column(
        "vsic_code",
        "Mã ngành VSIC",
        help=gettext_lazy("VSIC 2018 industry code, 2 to 5 digits."),
        example="1077",
        aliases=("VSIC", "Mã ngành", "Mã ngành kinh tế"),
        width=12,
    ),
    Column(
        "sector",
        "Lĩnh vực khuyến công",
        required=True,
        help=gettext_lazy(
            "Letter of the khuyến công sector (Decree 45/2012, Article 5), alone or followed "
            "by its name."
        ),
        accepted="a, b, c, d, đ, e, g",
        example="a",
        aliases=("Lĩnh vực", "Ngành khuyến công"),
        width=12,
    ),
    Column(
        "founded_year",
        "Năm thành lập",
        help=gettext_lazy("Year the establishment started, e.g. 2012."),
        example="2012",
        aliases=("Năm bắt đầu hoạt động",),
        width=10,
        text=False,
    ),
    Column(
        "status",
        "Tình trạng",
        help=gettext_lazy("Left empty: active."),
        accepted=_accepted(STATUS_LABELS),
        example=STATUS_LABELS[Status.ACTIVE],
        aliases=("Tình trạng hoạt động", "Trạng thái"),
        width=18,
    ),
    Column(
        "notes",
        "Ghi chú",
        help=gettext_lazy("Anything else worth knowing."),
        example="",
        width=30,
    ),
    Column(
        "figures_year",
        "Năm số liệu",
        help=gettext_lazy(
            "Year of the figures in the next four columns (workers, revenue, output value, "
            "capital); needed when any of them is filled. They are recorded with the source "
            "“imported from a file”."
        ),
        example="2024",
        aliases=("Năm báo cáo",),
        width=10,
        text=False,
    ),
    Column(
        "workers",
        "Số lao động",
        help=gettext_lazy("Workers in that year (people)."),
        example="12",
        aliases=("Lao động", "Số lao động (người)"),
        width=10,
        text=False,
    ),
    Column(
        "revenue",
        "Doanh thu (đồng)",
        help=gettext_lazy("Revenue of that year, in đồng (a whole number)."),
        example="1500000000",
        aliases=("Doanh thu",),
        width=16,
        text=False,
    ),
    Column(
        "output_value",
        "Giá trị sản xuất (đồng)",
        help=gettext_lazy("Output value of that year, in đồng."),
        example="1800000000",
        aliases=("Giá trị sản xuất",),
        width=16,
        text=False,
    ),
    Column(
        "capital",
        "Vốn (đồng)",
        help=gettext_lazy("Capital at the end of that year, in đồng."),
        example="900000000",
        aliases=("Vốn", "Tổng vốn"),
        width=16,
        text=False,
    ),
)
FIGURE_KEYS = ("workers", "revenue", "output_value", "capital")
# Spellings of kinds, statuses and sectors remembered by an import (a file has a handful;
# a file of distinct nonsense in every row is not remembered past this).
_SPELLINGS_KEPT = 1_000
# Whole numbers as ASCII digits.
_DIGITS = re.compile(r"[0-9]+")
COLUMN_KEYS = {column.key for column in COLUMNS}
_FIGURE_COLUMNS = (*FIGURE_KEYS, "figures_year")
PLACE_KEYS = ("commune_code", "commune", "old_commune", "legacy_address")
LEGACY_KEYS = ("old_province", "old_district", "old_commune")
# Model field -> column its errors are reported in (the location columns are handled apart).
FIELD_COLUMNS = {
    "name": "name",
    "kind": "kind",
    "tax_code": "tax_code",
    "registration_number": "registration_number",
    "representative": "representative",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "vsic_code": "vsic_code",
    "founded_year": "founded_year",
    "status": "status",
    "notes": "notes",
}
# Resolved before the model is checked, so its field checks need not query them row by row.
_RESOLVED_FIELDS = [
    "commune",
    "province",
    "sector",
    "legacy_commune",
    "craft_village",
    "created_by",
    "search_name",
]


def _choice_lookup(
    choices: type[_Choice],
    labels: Mapping[_Choice, str],
    aliases: Mapping[_Choice, Sequence[str]],
) -> dict[str, str]:
    """Every accepted spelling (reduced by ``normalise_name``) -> choice code: the code, the
    file's Vietnamese name, its aliases and the interface labels in both languages."""
    lookup: dict[str, str] = {}
    for code, label in labels.items():
        names: list[str] = [code, label, *aliases.get(code, ())]
        for language in ("vi", "en"):
            with translation.override(language):
                names.append(str(choices(code).label))
        for name in names:
            lookup.setdefault(normalise_name(name), code)
    return lookup


def _strip_prefix(text: str, prefixes: Iterable[str]) -> str:
    for prefix in prefixes:
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :]
    return text


_PROVINCE_PREFIXES = ("thanh pho", "tinh", "tp")
_COMMUNE_PREFIXES = ("dac khu", "phuong", "xa", "thi tran")
_SECTOR_CODE = re.compile(r"^\s*(đ|Đ|dd|DD|[a-gA-G])\s*(?:[).:\-–]|$|\s)")


@dataclass
class Place:
    commune: Commune
    column: str  # the column the place came from: errors about it point there
    legacy_commune: LegacyCommune | None = None
    legacy_address: str = ""
    converted: bool = False


@dataclass
class Draft:
    values: dict[str, Any]  # the establishment's columns (core.bulk.insert_with_history)
    place: Place
    figures: dict[str, int | None] | None = None  # the yearly figures' fields, with "year"


class PlaceIndex:
    """Finds 2025 communes by code or name with a handful of queries for a whole file."""

    def __init__(self) -> None:
        self._provinces: dict[str, Province] | None = None
        self._by_code: dict[str, Commune | None] = {}
        self._by_name: dict[str, dict[str, list[Commune]]] = {}
        self._all_communes = False

    def province(self, text: str) -> Province | None:
        if self._provinces is None:
            self._provinces = {}
            for province in Province.objects.all():
                for name in (province.name, province.short_name, province.code):
                    key = normalise_name(name)
                    self._provinces.setdefault(key, province)
                    self._provinces.setdefault(_strip_prefix(key, _PROVINCE_PREFIXES), province)
        key = normalise_name(text)
        return self._provinces.get(key) or self._provinces.get(
            _strip_prefix(key, _PROVINCE_PREFIXES)
        )

    def commune_by_code(self, code: str) -> Commune | None:
        if not self._all_communes:
            # All 3,321 communes in one query: a national file names thousands of them.
            for commune in Commune.objects.select_related("province"):
                self._by_code.setdefault(commune.pk, commune)
            self._all_communes = True
        return self._by_code.get(code)

    def communes_named(self, province: Province, text: str) -> list[Commune]:
        names = self._by_name.get(province.pk)
        if names is None:
            names = self._by_name[province.pk] = {}
            for commune in Commune.objects.filter(province=province).select_related("province"):
                self._by_code.setdefault(commune.pk, commune)
                keys = {normalise_name(commune.name), normalise_name(commune.short_name)}
                keys |= {_strip_prefix(k, _COMMUNE_PREFIXES) for k in set(keys)}
                for key in keys:
                    names.setdefault(key, []).append(commune)
        key = normalise_name(text)
        exact = names.get(key, [])
        if exact:
            # "Xã Ea Kar" names one unit even when a "Phường Ea Kar" exists.
            full = [c for c in exact if normalise_name(c.name) == key]
            return full or exact
        return names.get(_strip_prefix(key, _COMMUNE_PREFIXES), [])

    def with_province(self, commune: Commune) -> Commune:
        """The same commune with its province loaded (for messages), from the cache."""
        return self.commune_by_code(commune.pk) or commune


class LegacyConverter:
    """Pre-2025 address -> 2025 commune through ``places.conversion.LegacyResolver``, which
    loads each old province once and caches every answer, so queries do not grow with rows."""

    def __init__(self) -> None:
        self._resolver = LegacyResolver()

    def convert(self, *, province: str, district: str, commune: str) -> Conversion:
        return self._resolver.convert(province=province, district=district, commune=commune)

    def convert_text(self, text: str) -> Conversion:
        return self._resolver.convert_address(text)


class EstablishmentImporter(Importer):
    columns = COLUMNS

    def __init__(self, *, actor: User) -> None:
        self.actor = actor
        # IMPORT_MAX_ROWS: a national list of 200,000 rows streams through; IMPORT_MAX_BYTES:
        # 100,000 rows of the template are about 5 MB (settings).
        self.max_rows = settings.IMPORT_MAX_ROWS
        self.max_bytes = settings.IMPORT_MAX_BYTES
        self.places = PlaceIndex()
        self.legacy = LegacyConverter()
        self._kinds = _choice_lookup(Kind, KIND_LABELS, KIND_ALIASES)
        self._statuses = _choice_lookup(Status, STATUS_LABELS, STATUS_ALIASES)
        self._sectors: dict[str, Sector] | None = None
        # The spellings met in the file (kinds, statuses, sectors) and what they mean.
        self._spellings: dict[str, str] = {}
        self._sector_of: dict[str, Sector | None] = {}
        self._may_write: dict[str, bool] = {}
        self._this_year = timezone.localdate().year
        self._fields = FieldChecker(Establishment, exclude=_RESOLVED_FIELDS)
        # Across the batches of one import (Importer.run_batches).
        self._by_tax: dict[str, int] = {}
        self._by_name: dict[tuple[str, str], int] = {}
        self._created = 0
        self._figures_created = 0
        self._converted_rows: list[dict[str, int | str]] = []

    def run(self, table: Table, *, progress: Progress | None = None) -> dict[str, Any]:
        # In batches: validated, checked for duplicates and inserted a batch at a time in
        # one transaction, so memory does not grow with the file and nothing is kept when
        # any row is wrong.
        return self.run_batches(table, progress=progress)

    # Whole file --------------------------------------------------------------------------

    def check_headers(self, table: Table) -> None:
        if not any(table.has(key) for key in PLACE_KEYS):
            raise FileRejected(
                _(
                    "The file says nowhere where the establishments are: it needs the column "
                    "“%(code)s”, or “%(commune)s” (with “%(province)s”), or the pre-2025 address "
                    "columns."
                )
                % {"code": "Mã xã (2025)", "commune": "Xã/phường", "province": "Tỉnh/thành phố"}
            )

    # One row -----------------------------------------------------------------------------

    def clean_row(self, row: SourceRow, errors: ErrorCollector) -> Draft | None:
        before = len(errors)
        name = row["name"]
        if not name:
            errors.add(row, "name", _("The name of the establishment is missing."))
        kind = self._choice(row, "kind", self._kinds, errors, required=True)
        status = self._choice(row, "status", self._statuses, errors) or Status.ACTIVE
        sector = self._sector(row, errors)
        founded_year = self._year(row, errors)
        place = self._place(row, errors)
        if place is not None:
            self._check_scope(row, place, errors)
        figures = self._figures(row, errors)
        if len(errors) > before or place is None or sector is None:
            return None

        # The new record as column values: no model instance per row (Model.__init__ and
        # the foreign-key descriptors were a fifth of a large import); the fields
        # services.apply_changes sets, the columns it derives from them.
        legacy = place.legacy_commune
        values: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "registration_number": row["registration_number"],
            "representative": row["representative"],
            "phone": self._code(row, "phone", lengths=(9,)),
            "email": row["email"],
            "address": row["address"],
            "commune_id": place.commune.pk,
            "legacy_address": place.legacy_address,
            "legacy_commune_id": legacy.pk if legacy is not None else None,
            "vsic_code": row["vsic_code"],
            "sector_id": sector.pk,
            "founded_year": founded_year,
            "status": status,
            "notes": row["notes"],
            "created_by_id": self.actor.pk,
            **services.derived_values(
                name=name,
                tax_code=self._code(row, "tax_code", lengths=(9, 11)),
                province_id=place.commune.province_id,
            ),
        }
        # The model's field checks, as full_clean makes them (the same messages), without
        # its per-row overhead; duplicates are checked a batch at a time (check_batch).
        invalid = self._fields.errors(values)
        if invalid:
            for field, messages in invalid.items():
                column = FIELD_COLUMNS.get(field)
                if field == "legacy_address":
                    column = "legacy_address" if row.values.get("legacy_address") else "old_commune"
                for message in messages:
                    errors.add(row, column or "name", message)
            return None
        return Draft(values, place, figures)

    @staticmethod
    def _code(row: SourceRow, key: str, *, lengths: tuple[int, ...]) -> str:
        """A code Excel stored as a number lost its leading zero: put it back."""
        value = row[key]
        if row.is_number(key) and value.isdigit() and len(value) in lengths:
            return "0" + value
        return value

    def _choice(
        self,
        row: SourceRow,
        key: str,
        lookup: Mapping[str, str],
        errors: ErrorCollector,
        *,
        required: bool = False,
    ) -> str | None:
        value = row[key]
        if not value:
            if required:
                errors.add(row, key, _("This column must be filled in."))
            return None
        code = lookup.get(self._reduced(value))
        if code is None:
            labels = KIND_LABELS if key == "kind" else STATUS_LABELS
            errors.add(
                row,
                key,
                _("“%(value)s” is not an accepted value; use one of: %(accepted)s.")
                % {"value": value, "accepted": ", ".join(labels.values())},
            )
        return code

    def _reduced(self, value: str) -> str:
        """``normalise_name(value)``, once for each spelling: a file repeats a handful."""
        reduced = self._spellings.get(value)
        if reduced is None:
            reduced = normalise_name(value)
            if len(self._spellings) < _SPELLINGS_KEPT:
                self._spellings[value] = reduced
        return reduced

    def _sector(self, row: SourceRow, errors: ErrorCollector) -> Sector | None:
        if self._sectors is None:
            self._sectors = {}
            for known in Sector.objects.all():
                self._sectors[known.code] = known
                self._sectors.setdefault(normalise_name(known.name), known)
        value = row["sector"]
        if not value:
            errors.add(row, "sector", _("This column must be filled in."))
            return None
        if value in self._sector_of:
            sector = self._sector_of[value]
        else:
            sector = None
            match = _SECTOR_CODE.match(value)
            if match:
                letter = match.group(1).lower()
                sector = self._sectors.get("dd" if letter in ("đ", "dd") else letter)
            if sector is None:
                sector = self._sectors.get(normalise_name(value))
            if len(self._sector_of) < _SPELLINGS_KEPT:
                self._sector_of[value] = sector
        if sector is None:
            errors.add(
                row,
                "sector",
                _("“%(value)s” is not a khuyến công sector; use one of the letters %(codes)s.")
                % {"value": value, "codes": "a, b, c, d, đ, e, g"},
            )
        return sector

    def _year(self, row: SourceRow, errors: ErrorCollector) -> int | None:
        value = row["founded_year"]
        if not value:
            return None
        if not _DIGITS.fullmatch(value) or len(value) > 4:
            # ASCII digits only: "²" or "١٢" pass str.isdigit() but int() refuses them.
            errors.add(row, "founded_year", _("Write the year as four digits, e.g. 2012."))
            return None
        year = int(value)
        if year > self._this_year:
            errors.add(
                row,
                "founded_year",
                _("The year %(year)s is in the future.") % {"year": year},
            )
            return None
        return year

    def _figures(self, row: SourceRow, errors: ErrorCollector) -> dict[str, int | None] | None:
        """The optional yearly figures of the row: whole numbers of đồng or people, with
        the year they belong to."""
        if not any(row.values.get(key) for key in _FIGURE_COLUMNS):
            return None  # most rows: no figures, no year
        values: dict[str, int | None] = {}
        bad = False
        for key in FIGURE_KEYS:
            text = row[key].strip()
            if not text:
                values[key] = None
                continue
            digits = text if row.is_number(key) else re.sub(r"[.,\s]", "", text)
            if digits.endswith(".0"):
                digits = digits[:-2]
            if not _DIGITS.fullmatch(digits):
                errors.add(row, key, _("Enter a whole number of zero or more."))
                bad = True
                continue
            limit = services.MAX_WORKERS if key == "workers" else services.MAX_AMOUNT
            if len(digits) > 20 or int(digits) > limit:
                # Beyond what the database column holds (a 500 when saved otherwise).
                errors.add(
                    row,
                    key,
                    _("Enter a number no larger than %(max)s.") % {"max": format_number(limit)},
                )
                bad = True
                continue
            values[key] = int(digits)
        if bad:
            return None
        if all(value is None for value in values.values()):
            if row["figures_year"]:
                errors.add(row, "workers", _("The year of the figures is given but no figure is."))
            return None
        year_text = row["figures_year"]
        if year_text.endswith(".0"):
            year_text = year_text[:-2]
        if (
            not _DIGITS.fullmatch(year_text)
            or len(year_text) > 4
            or not 1990 <= int(year_text) <= self._this_year
        ):
            errors.add(
                row,
                "figures_year",
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": 1990, "last": self._this_year},
            )
            return None
        return {"year": int(year_text), **values}

    # Where the establishment is ----------------------------------------------------------

    def _place(self, row: SourceRow, errors: ErrorCollector) -> Place | None:
        verbatim = self._legacy_verbatim(row)
        if row["commune_code"]:
            commune = self._commune_by_code(row, errors)
            return Place(commune, "commune_code", legacy_address=verbatim) if commune else None
        if row["commune"]:
            if row["old_district"] and not (row["old_province"] or row["old_commune"]):
                # Districts ended in 2025: a "Huyện" next to "Tỉnh" and "Xã" means the row is
                # a pre-2025 address, and reading its commune as a 2025 one could place the
                # establishment in a namesake.
                errors.add(
                    row,
                    "old_district",
                    _(
                        "A district means a pre-2025 address: put its province and commune in "
                        "the columns “%(province)s” and “%(commune)s”, or remove the district."
                    )
                    % {"province": "Tỉnh cũ (trước 2025)", "commune": "Xã cũ (trước 2025)"},
                )
                return None
            commune = self._commune_by_name(row, errors)
            return Place(commune, "commune", legacy_address=verbatim) if commune else None
        if any(row[key] for key in LEGACY_KEYS):
            return self._convert_parts(row, errors, verbatim)
        if row["legacy_address"]:
            return self._convert_text(row, errors)
        errors.add(
            row,
            next((key for key in PLACE_KEYS if key in row.values), "commune"),
            _(
                "Where is the establishment? Fill in the commune code (2025), the province "
                "and commune (2025), or the pre-2025 address."
            ),
        )
        return None

    @staticmethod
    def _legacy_verbatim(row: SourceRow) -> str:
        """The pre-2025 address as the file writes it: the single text, else the three
        columns as "commune, district, province"."""
        return row["legacy_address"] or ", ".join(
            row[key] for key in ("old_commune", "old_district", "old_province") if row[key]
        )

    def _commune_by_code(self, row: SourceRow, errors: ErrorCollector) -> Commune | None:
        code = row["commune_code"]
        if code.isdigit():
            code = code.zfill(5)
        commune = self.places.commune_by_code(code)
        if commune is None:
            errors.add(
                row,
                "commune_code",
                _("No commune of the 2025 structure has the code “%(code)s”.") % {"code": code},
            )
        return commune

    def _commune_by_name(self, row: SourceRow, errors: ErrorCollector) -> Commune | None:
        province_text = row["province"]
        if province_text:
            province = self.places.province(province_text)
            if province is None:
                errors.add(
                    row,
                    "province",
                    _(
                        "“%(name)s” is not a province or centrally-run city of the 2025 "
                        "structure. For a pre-2025 province use the column “%(column)s”."
                    )
                    % {"name": province_text, "column": "Tỉnh cũ (trước 2025)"},
                )
                return None
        else:
            province = self.actor.province
            if province is None:
                errors.add(row, "province", _("Fill in the province of the commune."))
                return None
        name = row["commune"]
        found = self.places.communes_named(province, name)
        if not found:
            errors.add(
                row,
                "commune",
                _(
                    "%(province)s has no commune, ward or special zone named “%(name)s” in the "
                    "2025 structure. A pre-2025 commune goes in the column “%(column)s”."
                )
                % {"province": province.short_name, "name": name, "column": "Xã cũ (trước 2025)"},
            )
            return None
        if len(found) > 1:
            errors.add(
                row,
                "commune",
                _("“%(name)s” could be %(options)s: write the full name or the commune code.")
                % {
                    "name": name,
                    "options": ", ".join(f"{c.name} ({c.code})" for c in found),
                },
            )
            return None
        return found[0]

    def _convert_parts(self, row: SourceRow, errors: ErrorCollector, verbatim: str) -> Place | None:
        parts = {key: row[key] for key in LEGACY_KEYS}
        missing = [key for key in ("old_province", "old_commune") if not parts[key]]
        for key in missing:
            errors.add(row, key, _("Fill in the pre-2025 province and commune together."))
        if missing:
            return None
        outcome = self.legacy.convert(
            province=parts["old_province"],
            district=parts["old_district"],
            commune=parts["old_commune"],
        )
        return self._converted(row, "old_commune", verbatim, outcome, errors)

    def _convert_text(self, row: SourceRow, errors: ErrorCollector) -> Place | None:
        text = row["legacy_address"]
        return self._converted(row, "legacy_address", text, self.legacy.convert_text(text), errors)

    def _converted(
        self,
        row: SourceRow,
        column: str,
        verbatim: str,
        outcome: Conversion,
        errors: ErrorCollector,
    ) -> Place | None:
        if not outcome.ok:
            errors.add(
                row,
                column,
                outcome.error
                or _(
                    "The pre-2025 address “%(address)s” could not be converted to a 2025 "
                    "commune: check the spelling, or give the 2025 commune instead."
                )
                % {"address": verbatim},
            )
            return None
        commune = outcome.commune
        assert commune is not None  # outcome.ok
        return Place(
            self.places.with_province(commune),
            column,
            legacy_commune=outcome.legacy_commune,
            legacy_address=verbatim,
            converted=True,
        )

    def _check_scope(self, row: SourceRow, place: Place, errors: ErrorCollector) -> None:
        commune = place.commune
        if commune.pk not in self._may_write:
            self._may_write[commune.pk] = can_write_place(
                self.actor, province_id=commune.province_id, commune_id=commune.pk
            )
        if not self._may_write[commune.pk]:
            errors.add(
                row,
                place.column,
                _("You may not register establishments in %(commune)s: it is outside your area.")
                % {"commune": str(commune)},
            )

    # All rows ----------------------------------------------------------------------------

    def check_batch(
        self, cleaned: list[tuple[SourceRow, Draft]], errors: ErrorCollector
    ) -> list[tuple[SourceRow, Draft]]:
        """Duplicates within the file (against every row read so far) and in the registry.

        A row repeating an earlier row of the file is reported as such only: the earlier row
        may already be written (in this import's transaction), and is no "registered" record.
        """
        fresh = []
        for row, draft in cleaned:
            item = draft.values
            repeated = False
            tax_code = item["tax_code"]
            if tax_code:
                first = self._by_tax.setdefault(tax_code, row.number)
                if first != row.number:
                    repeated = True
                    errors.add(
                        row,
                        "tax_code",
                        _("Same tax code as row %(row)s of this file.") % {"row": first},
                    )
            first = self._by_name.setdefault((item["commune_id"], item["search_name"]), row.number)
            if first != row.number:
                repeated = True
                errors.add(
                    row,
                    "name",
                    _("Same name in the same commune as row %(row)s of this file.")
                    % {"row": first},
                )
            if not repeated:
                fresh.append((row, draft))
        self._check_database(fresh, errors)
        return fresh

    def _check_database(
        self, cleaned: list[tuple[SourceRow, Draft]], errors: ErrorCollector
    ) -> None:
        items = [draft.values for _row, draft in cleaned]
        tax_codes = {item["tax_code"] for item in items if item["tax_code"]}
        pairs = {(item["commune_id"], item["search_name"]) for item in items}
        existing_tax: dict[str, Establishment] = {}
        existing_name: dict[tuple[str, str], Establishment] = {}
        for other in _registered(sorted(tax_codes), sorted(pairs)):
            if other.tax_code and other.tax_code in tax_codes:
                existing_tax.setdefault(other.tax_code, other)
            if (other.commune_id, other.search_name) in pairs:
                existing_name.setdefault((other.commune_id, other.search_name), other)
        if not existing_tax and not existing_name:
            return
        found_ids = [e.pk for e in (*existing_tax.values(), *existing_name.values())]
        visible = set(
            establishments_for(self.actor).filter(pk__in=found_ids).values_list("pk", flat=True)
        )
        for row, draft in cleaned:
            item = draft.values
            same_tax = existing_tax.get(item["tax_code"]) if item["tax_code"] else None
            if same_tax is not None:
                errors.add(row, "tax_code", _already(same_tax, visible, _("same tax code")))
            same_name = existing_name.get((item["commune_id"], item["search_name"]))
            if same_name is not None:
                errors.add(
                    row, "name", _already(same_name, visible, _("same name in the same commune"))
                )

    # Saving ------------------------------------------------------------------------------

    def save_batch(self, cleaned: list[tuple[SourceRow, Draft]]) -> None:
        reason = _("Imported from a file")
        keys = insert_with_history(
            Establishment,
            [draft.values for _row, draft in cleaned],
            user=self.actor,
            reason=reason,
        )
        figures = [
            {"establishment_id": key, "source": YearlyFigure.Source.IMPORT, **draft.figures}
            for key, (_row, draft) in zip(keys, cleaned, strict=True)
            if draft.figures
        ]
        if figures:
            insert_with_history(YearlyFigure, figures, user=self.actor, reason=reason)
        self._created += len(keys)
        self._figures_created += len(figures)
        self._converted_rows.extend(
            {
                "row": row.number,
                "legacy": draft.place.legacy_address,
                "commune": str(draft.place.commune),
                "commune_code": draft.place.commune.pk,
            }
            for row, draft in cleaned
            if draft.place.converted
        )

    def finish(self) -> dict[str, Any]:
        return {
            "created": self._created,
            "figures": self._figures_created,
            "converted": self._converted_rows,
        }


def _already(other: Establishment, visible: set[int], reason: str) -> str:
    if other.pk in visible:
        return _(
            "Already registered (%(reason)s): “%(name)s”, %(commune)s. Nothing is merged: "
            "edit that record instead, or remove this row."
        ) % {"reason": reason, "name": other.name, "commune": str(other.commune)}
    return _(
        "Already registered in another area (%(reason)s). Nothing is merged: remove this row."
    ) % {"reason": reason}


def _registered(tax_codes: list[str], pairs: list[tuple[str, str]]) -> list[Establishment]:
    """The registered establishments with one of these tax codes, or one of these names
    (normalised) in that commune; their commune and province loaded for the messages."""
    if connection.vendor == "postgresql":
        # One query a batch, matching the (commune, name) pairs exactly through
        # est_commune_name_idx: a commune list and a name list were several queries, each
        # reading every name of every listed commune.
        table = connection.ops.quote_name(Establishment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "id" FROM {table} WHERE "tax_code" = ANY(%s::varchar[]) '  # noqa: S608 - a model's table
                f'UNION SELECT e."id" FROM {table} e '
                "JOIN unnest(%s::varchar[], %s::varchar[]) AS p (commune_id, search_name) "
                'ON e."commune_id" = p.commune_id AND e."search_name" = p.search_name',
                [tax_codes, [c for c, _n in pairs], [n for _c, n in pairs]],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        queryset = Establishment.objects.filter(pk__in=ids)
        return list(queryset.select_related("commune__province").order_by("pk"))
    found: list[Establishment] = []
    for chunk in _chunks(tax_codes, 500):
        found += Establishment.objects.filter(tax_code__in=chunk).select_related(
            "commune__province"
        )
    communes = sorted({commune for commune, _name in pairs})
    for chunk in _chunks(communes, 500):
        in_chunk = set(chunk)
        names = sorted({name for commune, name in pairs if commune in in_chunk})
        found += Establishment.objects.filter(
            commune_id__in=chunk, search_name__in=names
        ).select_related("commune__province")
    return found


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_from_mappings(rows: Iterable[Mapping[str, Any]]) -> Table:
    """A ``Table`` from dicts keyed by column key (the API's JSON rows); row numbers from 1."""
    source = []
    for number, values in enumerate(rows, start=1):
        raw = {key: values.get(key) for key in COLUMN_KEYS if key in values}
        source.append(SourceRow(number, {k: cell_text(v) for k, v in raw.items()}, raw))
    headers = {column.key: column.header for column in COLUMNS}
    return Table(source, headers, {}, [])


def import_establishments(
    *, actor: User, rows: Table | Iterable[Mapping[str, Any]], progress: Progress | None = None
) -> dict[str, Any]:
    """Create establishments from rows (a read file, or dicts keyed by column key).

    All or nothing: raises ``ImportRejected`` with every error (nothing written), else
    returns ``{"created": n, "converted": [{"row", "legacy", "commune", "commune_code"}]}``.
    """
    importer = EstablishmentImporter(actor=actor)
    table = rows if isinstance(rows, Table) else table_from_mappings(rows)
    if not isinstance(rows, Table):
        importer.check_headers(table)
    return importer.run(table, progress=progress)
