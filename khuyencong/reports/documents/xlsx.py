"""A form's document as a workbook, print-ready: sheet "Báo cáo" on A4 landscape, margins
20 mm top and bottom, 30 mm left, 15 mm right, fitted to the page's width, the table's
header rows repeated on every page; the agency and the motto in merged cells above the
title, the signature block under the table, in Times New Roman.

Figures are real numbers (money in the form's unit, e.g. millions of đồng), formatted
``#,##0`` (``#,##0.0`` where not whole): Excel and LibreOffice show them with the reader's
separators, 1.234.567 under Vietnamese settings. A funding form gets sheet "Biểu đồ": the
money spent and the plan by content, and a native bar chart of them."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from khuyencong.reports.documents import (
    DOCUMENT_KIND,
    MOTTO,
    MOTTO_LINE,
    RECIPIENTS,
    SIGNATURE_HINT,
    Document,
    cell_number,
    row_kind,
    unit_text,
)

FONT = "Times New Roman"
WHOLE = "#,##0"
ONE_DECIMAL = "#,##0.0"
PERCENT = "0.0"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
INCH = 25.4  # mm


def font(size: float = 12, **style: Any) -> Font:
    return Font(name=FONT, size=size, **style)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` characters needs (Excel does not size rows)."""
    return max(1, math.ceil(len(text) * 1.1 / max(1.0, width)))


class Sheet:
    """Writing the form's sheet row by row."""

    def __init__(self, sheet: Any, made: Document) -> None:
        self.sheet = sheet
        self.made = made
        self.width = made.fixed_columns + len(made.columns)
        # The agency's block: the fixed columns; the motto's: the others (at least two).
        self.split = min(made.fixed_columns, self.width - 2)
        self.row = 0

    def put(
        self,
        text: str,
        first: int,
        last: int,
        *,
        style: Font | None = None,
        align: Alignment = CENTER,
        row: int | None = None,
    ) -> Any:
        row = row or self.row
        if last > first:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = _text(self.sheet.cell(row=row, column=first), text)
        cell.font = style or font()
        cell.alignment = align
        return cell

    def next(self, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.sheet.row_dimensions[self.row].height = height
        return self.row

    def heading(self) -> None:
        made, split, width = self.made, self.split, self.width
        self.next(18)
        if made.superior:
            self.put(made.superior, 1, split)
        self.put(MOTTO, split + 1, width, style=font(12, bold=True))
        self.next(18)
        self.put(made.agency, 1, split, style=font(12, bold=True, underline="single"))
        self.put(MOTTO_LINE, split + 1, width, style=font(13, bold=True, underline="single"))
        self.next(18)
        self.put(made.number, 1, split, style=font(13))
        self.put(made.date, split + 1, width, style=font(13, italic=True))
        self.next(10)
        self.next(20)
        self.put(DOCUMENT_KIND, 1, width, style=font(14, bold=True))
        self.next(20 * _lines(made.title, self.total_width))
        self.put(made.title, 1, width, style=font(14, bold=True))
        self.next(18)
        self.put(made.coverage, 1, width, style=font(13, italic=True))
        if made.money_line:
            self.next(18)
            self.put(made.money_line, 1, width, style=font(12, italic=True), align=RIGHT)

    @property
    def total_width(self) -> float:
        return sum(self.widths())

    def widths(self) -> list[float]:
        fixed = [6.0, 46.0] + ([13.0] if self.made.with_units else [])
        return fixed + [16.0 if c.kind != "text" else 24.0 for c in self.made.columns]

    def table(self) -> tuple[int, int]:
        """The header rows and the body; (first, last) header row."""
        made = self.made
        first_header = self.row + 1
        headers = made.header_rows()
        for index, header in enumerate(headers):
            row = self.next(30)
            column = 1
            for head in header:
                while index and self._taken(headers, column):
                    column += 1
                last_row = row + head.rows - 1
                last_column = column + head.columns - 1
                if last_row > row or last_column > column:
                    self.sheet.merge_cells(
                        start_row=row, start_column=column, end_row=last_row, end_column=last_column
                    )
                cell = self.sheet.cell(row=row, column=column, value=head.label)
                cell.font = font(11, bold=True)
                cell.alignment = CENTER
                for r in range(row, last_row + 1):
                    for c in range(column, last_column + 1):
                        self.sheet.cell(row=r, column=c).border = BORDER
                column = last_column + 1
        last_header = self.row
        label_width = self.widths()[1]
        for form_row in made.rows:
            row = self.next()
            bold = form_row.level == 0
            fixed: list[str] = [form_row.no, form_row.label]
            if made.with_units:
                fixed.append(unit_text(made.form, form_row))
            for column, text in enumerate(fixed, start=1):
                cell = _text(self.sheet.cell(row=row, column=column), text)
                cell.font = font(11, bold=bold)
                cell.border = BORDER
                cell.alignment = CENTER if column == 1 else LEFT
                if column == 2 and form_row.level >= 2:
                    cell.alignment = Alignment(
                        horizontal="left", vertical="center", wrap_text=True, indent=2
                    )
            self.sheet.row_dimensions[row].height = 16 * _lines(form_row.label, label_width)
            for offset, form_column in enumerate(made.columns):
                column = made.fixed_columns + 1 + offset
                cell = self.sheet.cell(row=row, column=column)
                cell.font = font(11, bold=bold)
                cell.border = BORDER
                kind = row_kind(form_row, form_column)
                value = form_row.values.get(form_column.key)
                if kind == "text" or isinstance(value, str):
                    _text(cell, "" if value is None else str(value))
                    cell.alignment = LEFT
                    continue
                number = cell_number(made.form, form_row, form_column)
                cell.alignment = RIGHT
                if number is None:
                    cell.value = "–"
                    continue
                cell.value = float(number) if isinstance(number, Decimal) else number
                cell.number_format = _format(kind, number)
        return first_header, last_header

    def _taken(self, headers: list[list[Any]], column: int) -> bool:
        position = 1
        for head in headers[0]:
            if position <= column < position + head.columns:
                return head.rows > 1
            position += head.columns
        return False

    def notes(self) -> None:
        made = self.made
        if made.completeness:
            self.next(16 * _lines(made.completeness, self.total_width))
            self.put(made.completeness, 1, self.width, style=font(11, italic=True), align=LEFT)
        if made.notes:
            self.next(16)
            self.put("Ghi chú:", 1, self.width, style=font(11, bold=True), align=LEFT)
            for note in made.notes:
                self.next(16 * _lines(note, self.total_width))
                self.put(f"- {note}", 1, self.width, style=font(11), align=LEFT)

    def closing(self) -> None:
        made, split, width = self.made, self.split, self.width
        self.next(10)
        lines: list[tuple[str, Font]] = [(line, font(13, bold=True)) for line in made.signer_lines]
        lines.append((SIGNATURE_HINT, font(13, italic=True)))
        lines.extend([("", font())] * 4)
        lines.append((made.signer_name, font(14, bold=True)))
        recipients = [(RECIPIENTS, font(12, bold=True, italic=True))]
        recipients += [(line, font(11)) for line in made.recipients]
        for index in range(max(len(lines), len(recipients))):
            self.next(18)
            if index < len(recipients):
                text, style = recipients[index]
                self.put(text, 1, split, style=style, align=LEFT)
            if index < len(lines):
                text, style = lines[index]
                self.put(text, split + 1, width, style=style)


def _text(cell: Any, text: str) -> Any:
    """Text kept as text: openpyxl would store "=…" as a formula (a "- Lưu: VT" line is
    text in a workbook, unlike in a CSV file, and keeps its dash)."""
    cell.value = text or None
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _format(kind: str, number: int | float | Decimal) -> str:
    if kind == "percent":
        return PERCENT
    if kind == "money" and isinstance(number, Decimal):
        rounded = number.quantize(Decimal("0.1"))
        return WHOLE if rounded == rounded.to_integral_value() else ONE_DECIMAL
    return WHOLE


def _page(sheet: Any, header_rows: tuple[int, int]) -> None:
    sheet.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=30 / INCH, right=15 / INCH, top=20 / INCH, bottom=20 / INCH, header=0.3, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT


def _chart_sheet(workbook: Workbook, made: Document) -> None:
    divisor = 1_000_000
    sheet = workbook.create_sheet("Biểu đồ")
    sheet["A1"] = made.chart_title
    sheet["A1"].font = font(13, bold=True)
    sheet.append([])
    sheet.append(["Nội dung", "Đã giải ngân (triệu đồng)", "Kế hoạch (triệu đồng)"])
    for cell in sheet[3]:
        cell.font = font(11, bold=True)
        cell.border = BORDER
        cell.alignment = CENTER
    for bar in made.bars:
        sheet.append(
            [
                bar.label,
                None if bar.spent is None else bar.spent / divisor,
                None if bar.planned is None else bar.planned / divisor,
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = font(11)
            cell.border = BORDER
        sheet.cell(row=sheet.max_row, column=2).number_format = ONE_DECIMAL
        sheet.cell(row=sheet.max_row, column=3).number_format = ONE_DECIMAL
    last = sheet.max_row
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 22
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Kinh phí đã giải ngân và kế hoạch theo nội dung"
    chart.x_axis.title = "Nội dung"
    chart.y_axis.title = "Triệu đồng"
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=3, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
    chart.height = max(8.0, 1.2 * (last - 3) + 3)
    chart.width = 24
    sheet.add_chart(chart, f"A{last + 2}")
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def render_xlsx(made: Document) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    writer = Sheet(sheet, made)
    writer.heading()
    writer.next(6)
    header_rows = writer.table()
    writer.notes()
    writer.closing()
    for column, width in enumerate(writer.widths(), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _page(sheet, header_rows)
    if made.bars:
        _chart_sheet(workbook, made)
    workbook.properties.title = made.document_title
    workbook.properties.creator = made.agency
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
