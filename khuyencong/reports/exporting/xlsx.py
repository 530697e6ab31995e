"""The summary as a workbook: sheet "Báo cáo" (title, place and period, the paragraph, the
table with real numbers: đồng and counts as ``#,##0``, percentages as ``0.0``, shown with
the separators of the reader's Excel) and sheet "Nguồn" (where each figure came from and
why a value is missing)."""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from khuyencong.core.exporting import neutralise, workbook_bytes
from khuyencong.reports.exporting import (
    EXPLANATION,
    HEADERS,
    SOURCE_WORDS,
    TITLE,
    Progress,
    comparable_note,
    made_on,
    period_line,
    table_rows,
)

NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
WIDTHS = (7, 48, 14, 20, 20, 12, 20, 12, 26, 40)
# The spreadsheet keeps the change a number: whether it compares like with like is a column
# of its own.
COMPARISON_HEADER = "So sánh cùng kỳ"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(value: str) -> str:
    return neutralise(value)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell of ``width`` characters needs (Excel does not size rows)."""
    return max(1, math.ceil(len(text) * 1.1 / max(1, width)))


def _title_block(sheet: Any, report: dict[str, Any], columns: int) -> int:
    last = get_column_letter(columns)
    lines = [
        (TITLE, Font(bold=True, size=14)),
        (report["unit_label"][:1].upper() + report["unit_label"][1:], Font(bold=True, size=12)),
        (period_line(report), Font(italic=True)),
    ]
    for index, (text, font) in enumerate(lines, start=1):
        sheet.merge_cells(f"A{index}:{last}{index}")
        cell = sheet.cell(row=index, column=1, value=_text(text))
        cell.font = font
        cell.alignment = CENTER
    return len(lines)


def _report_sheet(sheet: Any, report: dict[str, Any], progress: Progress | None) -> None:
    headers = (*HEADERS, COMPARISON_HEADER)
    columns = len(headers)
    row = _title_block(sheet, report, columns) + 2
    last = get_column_letter(columns)
    sheet.merge_cells(f"A{row}:{last}{row}")
    narrative = sheet.cell(row=row, column=1, value=_text(report["narrative"]))
    narrative.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[row].height = 15 * _lines(report["narrative"], sum(WIDTHS))
    row += 2
    header_row = row
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    for line in table_rows(report):
        row += 1
        data = line.data
        is_percent = data["unit"] == "percent"
        value_format = PERCENT_FORMAT if is_percent else NUMBER_FORMAT
        values: list[tuple[Any, str | None]] = [
            (line.number, None),
            (_text(("   " * line.depth) + line.name), None),
            (line.unit, None),
            (data["value"], value_format),
            (data["plan"], value_format),
            (data["percent_of_plan"], PERCENT_FORMAT),
            (data["previous"], value_format),
            (data["change_percent"], PERCENT_FORMAT),
            (line.source, None),
            (_text(comparable_note(data)), None),
        ]
        for column, (value, number_format) in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = BORDER
            if number_format:
                cell.number_format = number_format
            elif column in (2, columns):
                cell.alignment = WRAP
            if line.depth == 0 and column <= 2:
                cell.font = Font(bold=True)
        if progress is not None:
            progress()
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    row += 2
    sheet.cell(row=row, column=1, value=EXPLANATION).font = Font(italic=True, size=9)
    sheet.cell(row=row + 1, column=1, value=made_on()).font = Font(italic=True, size=9)


def _sources_sheet(sheet: Any, report: dict[str, Any]) -> None:
    headers = ("STT", "Mã chỉ tiêu", "Chỉ tiêu", "Nguồn số liệu", "Ghi chú")
    sheet.append(["Nguồn số liệu và ghi chú"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([period_line(report)])
    sheet.append([EXPLANATION])
    sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for column in range(1, len(headers) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
    for line in table_rows(report):
        data = line.data
        sheet.append(
            [
                line.number,
                data["code"],
                _text(line.name),
                SOURCE_WORDS.get(data["source"], data["source"]),
                _text(" ".join(t for t in (data.get("note") or "", comparable_note(data)) if t)),
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).alignment = WRAP
    for column, width in enumerate((7, 30, 48, 26, 70), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def render_xlsx(report: dict[str, Any], progress: Progress | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    _report_sheet(sheet, report, progress)
    _sources_sheet(workbook.create_sheet("Nguồn"), report)
    workbook.properties.title = f"{TITLE} – {report['unit_label']} – {report['period_label']}"
    workbook.properties.creator = "Khuyến công"
    return workbook_bytes(workbook)
