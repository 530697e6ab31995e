"""Importing aggregate values from a spreadsheet (docs/reports.md, "Import"): the
registry's framework (``core.importing``), so every row is checked, errors name the row and
the column as Excel shows them, and the file is saved all or nothing.

One row is one value: indicator code, kind and code of the place, the period (from–to
dates, or a year), the value, whether it is a declared total, and its source. The rules are
``reports.services`` (the same as the staff form and the API).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from khuyencong.core.exporting import workbook_bytes
from khuyencong.core.importing import Column, ErrorCollector, Importer, SourceRow
from khuyencong.core.text import normalise_name
from khuyencong.reports import access, services
from khuyencong.reports.models import Indicator, UnitKind

KIND_WORDS = {
    UnitKind.PROVINCE: "tỉnh",
    UnitKind.LEGACY_PROVINCE: "tỉnh cũ",
    UnitKind.COMMUNE: "xã",
}
_KINDS_BY_WORD = {
    **{normalise_name(word): kind for kind, word in KIND_WORDS.items()},
    **{normalise_name(kind): kind for kind in UnitKind.values},
    normalise_name("tỉnh (trước 2025)"): UnitKind.LEGACY_PROVINCE,
    normalise_name("phường"): UnitKind.COMMUNE,
    normalise_name("thành phố"): UnitKind.PROVINCE,
}
# The service's field → the column its errors belong to.
FIELD_COLUMNS = {
    "indicator": "indicator",
    "unit": "unit_code",
    "start": "start",
    "end": "end",
    "value": "value",
    "is_declared_total": "declared",
    "source_note": "source_note",
}

COLUMNS = [
    Column(
        "indicator",
        "Mã chỉ tiêu",
        required=True,
        help=gettext_lazy("The indicator's code (see the Indicators sheet)."),
        example="funding.disbursed",
        width=28,
    ),
    Column(
        "unit_kind",
        "Loại địa bàn",
        required=True,
        help=gettext_lazy("The kind of place."),
        accepted="tỉnh / tỉnh cũ / xã",
        example="tỉnh cũ",
        width=14,
    ),
    Column(
        "unit_code",
        "Mã địa bàn",
        required=True,
        help=gettext_lazy(
            "The statistics office code of the place: of the 2025 province, of the pre-2025 "
            "province, or of the 2025 commune."
        ),
        example="54",
        width=12,
    ),
    Column(
        "year",
        "Năm",
        help=gettext_lazy("For a whole calendar year: the year (leave the dates empty)."),
        example="2020",
        width=8,
    ),
    Column(
        "start",
        "Từ ngày",
        help=gettext_lazy("First day of the period (dd/mm/yyyy), unless a year is given."),
        example="01/01/2012",
        width=12,
    ),
    Column(
        "end",
        "Đến ngày",
        help=gettext_lazy("Last day of the period (dd/mm/yyyy), unless a year is given."),
        example="31/12/2023",
        width=12,
    ),
    Column(
        "value",
        "Giá trị",
        required=True,
        help=gettext_lazy(
            "Đồng for money, a number for counts, a percentage with one decimal at most."
        ),
        example="75430000000",
        width=18,
        text=False,
    ),
    Column(
        "declared",
        "Tổng khai báo",
        help=gettext_lazy(
            "x when the value is a total as a report declared it (checked against its parts)."
        ),
        accepted="x / có / để trống",
        width=10,
    ),
    Column(
        "source_note",
        "Nguồn số liệu",
        help=gettext_lazy("Where the figure comes from (report number and date)."),
        example="Báo cáo số 15/BC-SCT ngày 20/01/2024",
        width=36,
    ),
]


class AggregateImporter(Importer):
    columns = COLUMNS

    def __init__(self, *, actor: Any, replace: bool = False) -> None:
        self.actor = actor
        self.replace = replace
        self.lookup: services.Lookup | None = None
        self.writer = access.Writer(actor)

    def item(self, row: SourceRow) -> dict[str, Any]:
        kind = _KINDS_BY_WORD.get(normalise_name(row["unit_kind"]), row["unit_kind"])
        start, end = row["start"], row["end"]
        if row["year"] and not (start or end):
            start, end = f"01/01/{row['year']}", f"31/12/{row['year']}"
        value: Any = row.raw.get("value") if row.is_number("value") else row["value"]
        return {
            "indicator": row["indicator"],
            "unit": f"{kind}:{row['unit_code']}",
            "start": start,
            "end": end,
            "value": value,
            "is_declared_total": row["declared"],
            "source_note": row["source_note"],
        }

    def clean_row(self, row: SourceRow, errors: ErrorCollector) -> Any:
        if self.lookup is None:
            raise RuntimeError("run() prepares the lookup")
        item = self.item(row)
        if row["year"] and not row["year"].isdigit():
            errors.add(row, "year", _("Enter a year such as 2020."))
            return None
        if row["unit_kind"] and _KINDS_BY_WORD.get(normalise_name(row["unit_kind"])) is None:
            errors.add(row, "unit_kind", _("Write tỉnh, tỉnh cũ or xã."))
            return None
        cleaned, found = services.clean_item(item, self.lookup, self.writer)
        for name, messages in found.items():
            column = FIELD_COLUMNS.get(name, "indicator")
            if column in ("start", "end") and row["year"] and not (row["start"] or row["end"]):
                column = "year"
            for message in messages:
                errors.add(row, column, message)
        return item if cleaned is not None else None

    def check_rows(self, cleaned: list[tuple[SourceRow, Any]], errors: ErrorCollector) -> None:
        _values, found, _existing = services.validate(
            self.actor, [item for _row, item in cleaned], replace=self.replace
        )
        for (row, _item), messages in zip(cleaned, found, strict=True):
            for name, texts in messages.items():
                for text in texts:
                    errors.add(row, FIELD_COLUMNS.get(name, "indicator"), text)

    def save(self, cleaned: list[tuple[SourceRow, Any]]) -> dict[str, Any]:
        _saved, counts = services.enter_aggregates(
            actor=self.actor, items=[item for _row, item in cleaned], replace=self.replace
        )
        return counts

    def run(self, table: Any, *, progress: Any = None) -> dict[str, Any]:
        rows = table.rows
        self.lookup = services.Lookup.for_items(self.item(row) for row in rows)
        return super().run(table, progress=progress)


def build_template(example: bool = True) -> bytes:
    """The import file: the columns with a few example rows, and a sheet of indicators."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So lieu tong hop"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(
            row=1, column=index, value=column.header + (" *" if column.required else "")
        )
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    if example:
        rows: list[list[Any]] = [
            [
                "funding.disbursed",
                "tỉnh cũ",
                "54",
                2020,
                None,
                None,
                12_500_000_000,
                None,
                "Báo cáo tổng kết năm 2020",
            ],
            [
                "funding.disbursed",
                "tỉnh cũ",
                "54",
                None,
                "01/01/2012",
                "31/12/2019",
                61_200_000_000,
                "x",
                "Báo cáo giai đoạn 2012–2019",
            ],
            ["trainees.employed_percent", "tỉnh", "66", 2024, None, None, 81.3, None, ""],
        ]
        for number, values in enumerate(rows, start=2):
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(row=number, column=index, value=value)
                if COLUMNS[index - 1].text and value is not None:
                    cell.number_format = "@"
                    cell.value = str(value)
    notes = workbook.create_sheet("Chi tieu")
    notes.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Cách tính"])
    for cell in notes[1]:
        cell.font = bold
    for indicator in Indicator.objects.order_by("order", "code"):
        notes.append(
            [indicator.code, indicator.name, indicator.get_unit_display(), indicator.computation]
        )
    for letter, width in zip("ABCD", (30, 50, 12, 80), strict=True):
        notes.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
