"""Files the registry writes: the export of the establishment list, and the import template
and example (generated from the import's column definitions, never committed as binaries).

The export uses the import's Vietnamese headers and names of kinds and statuses, so an
exported list is also a valid import file (docs/import.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from khuyencong.core.exporting import INTEGER_FORMAT, ExportColumn, Exporter, workbook_bytes
from khuyencong.core.formats import format_number
from khuyencong.core.scoping import can_write_place
from khuyencong.places.models import Commune, CommuneMapping
from khuyencong.registry.access import communes_for, establishments_for
from khuyencong.registry.importing import COLUMNS, KIND_LABELS, STATUS_LABELS
from khuyencong.registry.models import Establishment, Sector
from khuyencong.registry.validators import tax_check_digit

_HEADERS = {column.key: column.header for column in COLUMNS}
EXPORT_KEYS = (
    "name",
    "kind",
    "tax_code",
    "registration_number",
    "representative",
    "phone",
    "email",
    "address",
    "commune_code",
    "commune",
    "province",
    "legacy_address",
    "vsic_code",
    "sector",
    "founded_year",
    "status",
    "notes",
)
# The file's names by the code a row stores.
_KIND_NAMES = {kind.value: name for kind, name in KIND_LABELS.items()}
_STATUS_NAMES = {status.value: name for status, name in STATUS_LABELS.items()}
_WIDTHS = {column.key: column.width for column in COLUMNS}
_WIDTHS.update({"sector": 40, "notes": 40})


def filtered_establishments(
    user: Any, data: QueryDict, *, request: Any = None
) -> QuerySet[Establishment]:
    """The list page's establishments: the user's scope, then the list's filters.

    A background job has no request: the filter gets a stand-in carrying the job's user and
    query, which is all a FilterSet reads from it.
    """
    from khuyencong.registry.filters import EstablishmentFilter

    queryset = establishments_for(user)
    if request is None:
        request = SimpleNamespace(user=user, GET=data, method="GET")
    return EstablishmentFilter(data, queryset=queryset, request=request).qs


class EstablishmentExporter(Exporter):
    """The establishment list, one row per establishment, readable and re-importable."""

    name = "co-so-cong-nghiep-nong-thon"
    sheet_title = "Cơ sở"
    columns = tuple(
        ExportColumn(
            _HEADERS[key],
            width=_WIDTHS[key],
            number_format=INTEGER_FORMAT if key == "founded_year" else None,
            wrap=key in ("sector", "notes"),
        )
        for key in EXPORT_KEYS
    )

    def __init__(self, queryset: QuerySet[Establishment], *, progress: Any = None) -> None:
        # One query whatever the number of rows; the iterator keeps memory flat.
        self.queryset = queryset.select_related("commune", "province", "sector")
        self.progress = progress

    def rows(self) -> Iterator[Sequence[Any]]:
        for item in self.queryset.iterator(chunk_size=2000):
            yield (
                item.name,
                _KIND_NAMES.get(item.kind, item.kind),
                item.tax_code or "",
                item.registration_number,
                item.representative,
                item.phone,
                item.email,
                item.address,
                item.commune_id,
                item.commune.name,
                item.province.name,
                item.legacy_address,
                item.vsic_code,
                f"{item.sector.code_label}) {item.sector.name}",
                item.founded_year,
                _STATUS_NAMES.get(item.status, item.status),
                item.notes,
            )
            if self.progress is not None:
                self.progress.advance()


# Import template and example ---------------------------------------------------------------

DATA_SHEET = "Cơ sở"
_HEADER_FILL = PatternFill("solid", fgColor="F2E6E4")
_REQUIRED_FONT = Font(bold=True, color="B3261E")
_BOLD = Font(bold=True)
_TOP = Alignment(wrap_text=True, vertical="top")


def _data_sheet(workbook: Workbook, rows: Sequence[dict[str, Any]] = ()) -> None:
    sheet = workbook.active
    sheet.title = DATA_SHEET
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else _BOLD
        cell.fill, cell.alignment = _HEADER_FILL, _TOP
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            # Text cells keep the leading zeros of tax codes, phones and commune codes.
            sheet.column_dimensions[letter].number_format = "@"
    for number, values in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = values.get(column.key, "")
            cell = sheet.cell(row=number, column=index, value=value if value != "" else None)
            if column.text:
                cell.number_format = "@"
    sheet.freeze_panes = "B2"
    # Drop-downs for the coded columns; other spellings stay allowed (no error box).
    positions = {column.key: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
    for key, choices in (
        ("kind", list(KIND_LABELS.values())),
        ("status", list(STATUS_LABELS.values())),
        ("sector", ["a", "b", "c", "d", "đ", "e", "g"]),
    ):
        validation = DataValidation(
            type="list", formula1='"{}"'.format(",".join(choices)), allow_blank=True
        )
        validation.showErrorMessage = False
        validation.add(f"{positions[key]}2:{positions[key]}{settings.IMPORT_MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _notes_sheet(workbook: Workbook, user: Any) -> None:
    sheet = workbook.create_sheet(_("Instructions")[:31])
    lines = [
        _("How to fill in this file"),
        _(
            "Fill in one establishment per row of the sheet “%(sheet)s”, from row 2. Do not change the headers in row 1; columns you do not need may be deleted. Red headers are required."
        )
        % {"sheet": DATA_SHEET},
        _(
            "Where the establishment is: the 2025 commune code, or the 2025 province and commune names, or the pre-2025 address (three columns or one). A pre-2025 address is converted to the 2025 commune through the official mapping and kept verbatim; the result page lists every conversion."
        ),
        _(
            "All or nothing: every row is checked first. If any row has an error, nothing is imported and every error is listed by row and column; correct the file and upload it again."
        ),
        _(
            "Duplicates are errors, never merged: the same tax code as an establishment already registered, or the same name in the same commune (in the file or already registered)."
        ),
        _(
            "At most %(max)s rows per file. Large files are imported in the background; the page shows the progress."
        )
        % {"max": format_number(settings.IMPORT_MAX_ROWS)},
    ]
    for number, text in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.font = _BOLD if number == 1 else Font()
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=6)
        cell.alignment = _TOP
        sheet.row_dimensions[number].height = 15 if number == 1 else 32
    top = len(lines) + 2
    headings = [
        _("Column"),
        _("Header"),
        _("Required"),
        _("What to write"),
        _("Accepted values"),
        _("Example"),
    ]
    for index, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=top, column=index, value=heading)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    for offset, column in enumerate(COLUMNS, start=1):
        values = [
            get_column_letter(offset),
            column.header,
            _("yes") if column.required else "",
            str(column.help),
            column.accepted,
            column.example,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=top + offset, column=index, value=value)
            cell.alignment = _TOP
            cell.number_format = "@"
    for letter, width in zip("ABCDEF", (8, 24, 10, 60, 40, 28), strict=True):
        sheet.column_dimensions[letter].width = width

    # The sectors, and the communes the user may register in, with their codes.
    lists = workbook.create_sheet(_("Codes")[:31])
    lists.append([_("Sector"), _("Name")])
    for sector in Sector.objects.all():
        lists.append([sector.code_label, sector.name])
    lists.append([])
    lists.append([_("Commune code (2025)"), _("Commune"), _("Province")])
    for commune in _writable_communes(user):
        lists.append([commune.code, commune.name, commune.province.name])
    for row in lists.iter_rows():
        for cell in row:
            cell.number_format = "@"
    for cell in (lists["A1"], lists["B1"]):
        cell.font = _BOLD
    lists.column_dimensions["A"].width = 20
    lists.column_dimensions["B"].width = 60
    lists.column_dimensions["C"].width = 28


def _writable_communes(user: Any) -> QuerySet[Commune]:
    """Communes the user may import into (none listed for national scopes: too many)."""
    communes = communes_for(user, write=True).select_related("province")
    if communes.count() > 500:
        return communes.none()
    return communes.order_by("province_id", "name")


def build_import_template(user: Any) -> bytes:
    """The empty import file: headers, drop-downs, and the notes and codes sheets."""
    workbook = Workbook()
    _data_sheet(workbook)
    _notes_sheet(workbook, user)
    return workbook_bytes(workbook)


def build_import_example(user: Any) -> bytes:
    """The template with a few realistic rows in the user's own area, one of them given by
    its pre-2025 address, so that importing the example works as it is."""
    workbook = Workbook()
    _data_sheet(workbook, example_rows(user))
    _notes_sheet(workbook, user)
    return workbook_bytes(workbook)


def _valid_tax_code(head: int) -> str:
    while True:
        first_nine = f"{head:09d}"
        digit = tax_check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        head += 1


def example_rows(user: Any) -> list[dict[str, Any]]:
    communes = list(_writable_communes(user)[:2])
    first = communes[0] if communes else None
    second = communes[1] if len(communes) > 1 else first
    rows: list[dict[str, Any]] = [
        {
            "name": "Cơ sở chế biến cà phê Thành Đạt",
            "kind": KIND_LABELS[Establishment.Kind.HOUSEHOLD],
            "tax_code": "066085001234",
            "representative": "Nguyễn Văn An",
            "phone": "0912345678",
            "address": "Thôn 3",
            "commune_code": first.code if first else "24100",
            "vsic_code": "1077",
            "sector": "a",
            "founded_year": 2012,
            "status": STATUS_LABELS[Establishment.Status.ACTIVE],
        },
        {
            "name": "Hợp tác xã dệt thổ cẩm Hòa Bình",
            "kind": KIND_LABELS[Establishment.Kind.COOPERATIVE],
            "tax_code": _valid_tax_code(600123456),
            "registration_number": "4007000123",
            "representative": "H'Hen Niê",
            "phone": "0262381234",
            "email": "hoabinh.thocam@example.vn",
            "address": "Buôn Ko Siêr",
            "province": second.province.short_name if second else "Đắk Lắk",
            "commune": second.name if second else "Phường Buôn Ma Thuột",
            "vsic_code": "1392",
            "sector": "đ",
            "founded_year": 2008,
            "status": STATUS_LABELS[Establishment.Status.ACTIVE],
        },
    ]
    legacy = _example_legacy_commune(user)
    rows.append(
        {
            "name": "Công ty TNHH cơ khí nông nghiệp Tân Tiến",
            "kind": KIND_LABELS[Establishment.Kind.ENTERPRISE],
            "tax_code": _valid_tax_code(600765432),
            "registration_number": "6000765432",
            "representative": "Lê Hoàng Nam",
            "phone": "0905123456",
            "address": "Km 52, Quốc lộ 26",
            "legacy_address": legacy or "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk",
            "vsic_code": "3312",
            "sector": "d",
            "founded_year": 2015,
            "status": STATUS_LABELS[Establishment.Status.PAUSED],
            "notes": "Địa chỉ ghi theo giấy phép cấp năm 2015 (trước sáp nhập).",
        }
    )
    return rows


def _example_legacy_commune(user: Any) -> str:
    """A real pre-2025 address that converts into the user's area, when the mapping is
    loaded."""
    mappings = CommuneMapping.objects.filter(is_default=True).select_related(
        "commune", "legacy_commune__district", "legacy_commune__province"
    )
    if getattr(user, "province_id", None):
        mappings = mappings.filter(commune__province_id=user.province_id)
    for mapping in mappings.order_by("legacy_commune_id")[:20]:
        commune = mapping.commune
        if can_write_place(user, province_id=commune.province_id, commune_id=commune.pk):
            old = mapping.legacy_commune
            return f"{old.name}, {old.district.name}, {old.province.name}"
    return ""
