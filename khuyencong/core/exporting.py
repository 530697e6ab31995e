"""Exporters: a class yields a header and rows; the base renders XLSX and CSV (STYLE.md 13).

A subclass declares ``columns`` (``ExportColumn``: header, width, number format) and
implements ``rows()``; ``render("xlsx")`` / ``render("csv")`` give the bytes and
``response()`` a download. Values keep their types: numbers stay numbers (summable in
Excel), dates become date cells shown dd/mm/yyyy, text stays text. A cell that would start a
formula is neutralised in both formats (CSV injection: pretix uses defusedcsv).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return hide the same thing behind a blank.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Widths are guessed from the header and this many first rows (write-only sheets need the
# widths before the first row is written).
_WIDTH_SAMPLE = 200
_MIN_WIDTH, _MAX_WIDTH = 8, 60

MONEY_FORMAT = "#,##0"  # Excel shows its own locale's separators: 1.234.567 in Vietnamese
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    width: int | None = None  # characters; guessed from the content when None
    number_format: str | None = None
    wrap: bool = False


def neutralise(value: str) -> str:
    """Make text that a spreadsheet would run as a formula read as plain text (CSV: the
    apostrophe OWASP recommends; Excel hides it)."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def inert(cell: Any) -> None:
    """Make an XLSX cell whose text would start a formula plain text, text unchanged.

    openpyxl stores any string starting with "=" as a formula; the cell becomes a string
    cell marked ``quotePrefix``, which is what Excel itself does when one types '=…: shown
    and kept as text even when edited, while readers (KoboToolbox, our importers) get the
    exact text back. Numbers and dates are not touched.
    """
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save a workbook after making every formula-like text cell inert (``inert``). Every
    spreadsheet the system writes with openpyxl goes through here or ``Exporter``."""
    if not getattr(workbook, "write_only", False):
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    inert(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """A value openpyxl and csv can write: aware datetimes in local time, lazy text as str."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    return str(value)


class Exporter:
    """Base exporter. Subclasses set ``columns``, ``name`` and ``sheet_title``, and yield
    rows (sequences in column order) from ``rows()``."""

    name = "export"  # start of the file name: "<name>-<yyyy-mm-dd>.xlsx"
    sheet_title = "Data"
    columns: Sequence[ExportColumn] = ()

    def header(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def filename(self, fmt: str, *, today: datetime.date | None = None) -> str:
        day = today or timezone.localdate()
        return f"{self.name}-{day:%Y-%m-%d}.{fmt}"

    # Rendering -----------------------------------------------------------------------

    def render(self, fmt: str) -> bytes:
        if fmt == "xlsx":
            return self.render_xlsx()
        if fmt == "csv":
            return self.render_csv()
        raise ValueError(f"Unknown export format {fmt!r}")

    def render_csv(self) -> bytes:
        buffer = io.StringIO()
        # The BOM makes Excel read the file as UTF-8 (Vietnamese letters intact).
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in self.header()])
        for row in self.rows():
            writer.writerow([self._csv_cell(v) for v in row])
        return buffer.getvalue().encode("utf-8")

    @staticmethod
    def _csv_cell(value: Any) -> Any:
        value = _plain(value)
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, str):
            return neutralise(value)
        return value

    def render_xlsx(self) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.sheet_title)[:31])
        rows = iter(self.rows())
        sample = [[_plain(v) for v in row] for row in islice(rows, _WIDTH_SAMPLE)]
        for index, width in enumerate(self._widths(sample), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="F2E6E4")
        heading = Alignment(wrap_text=True, vertical="top")
        header_cells = []
        for text in self.header():
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            inert(cell)
            cell.font, cell.fill, cell.alignment = bold, fill, heading
            header_cells.append(cell)
        sheet.append(header_cells)
        count = 0
        remaining = ([_plain(v) for v in row] for row in rows)
        for row in chain(sample, remaining):
            sheet.append(self._xlsx_cells(sheet, row))
            count += 1
        if self.columns:
            last = get_column_letter(len(self.columns))
            sheet.auto_filter.ref = f"A1:{last}{count + 1}"
        return workbook_bytes(workbook)

    def _xlsx_cells(self, sheet: Any, row: Sequence[Any]) -> list[Any]:
        cells = []
        for index, value in enumerate(row):
            column = self.columns[index] if index < len(self.columns) else ExportColumn("")
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would store "=..." as a formula; text stays text.
                cell.data_type = "s"
                inert(cell)
                if column.wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(value, datetime.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif column.number_format and value is not None:
                cell.number_format = column.number_format
            cells.append(cell)
        return cells

    def _widths(self, sample: list[list[Any]]) -> Iterator[float]:
        for index, column in enumerate(self.columns):
            if column.width:
                yield column.width
                continue
            longest = len(str(column.header))
            for row in sample:
                if index < len(row) and row[index] is not None:
                    value = row[index]
                    text = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
                    longest = max(longest, len(f"{text:,}" if isinstance(text, int) else str(text)))
            yield min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2))

    # HTTP ------------------------------------------------------------------------------

    def content_type(self, fmt: str) -> str:
        return XLSX_CONTENT_TYPE if fmt == "xlsx" else CSV_CONTENT_TYPE

    def response(self, fmt: str = "xlsx") -> HttpResponse:
        """The rendered file as a download."""
        response = HttpResponse(self.render(fmt), content_type=self.content_type(fmt))
        response["Content-Disposition"] = content_disposition_header(True, self.filename(fmt)) or ""
        return response
