"""A form's document as Word (python-docx): A4 (landscape for wide tables), margins 20 mm top
and bottom, 30 mm left, 15 mm right, Times New Roman 13 pt; the header of Decree 30 in a
borderless two-column table, the title, the table (its header rows repeated on every page),
the notes, the chart of a funding form, then "Nơi nhận" and the signature block."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from khuyencong.reports.documents import (
    DOCUMENT_KIND,
    MOTTO,
    MOTTO_LINE,
    RECIPIENTS,
    SIGNATURE_HINT,
    Document,
)
from khuyencong.reports.documents.chart import chart_png

FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # mm


def _font(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    # East-Asian and complex-script runs use their own font slot; set them all.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _page(document: Any, landscape: bool) -> float:
    """Set the page; the width of its text in millimetres."""
    section = document.sections[0]
    width, height = (297, 210) if landscape else (210, 297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(width)
    section.page_height = Mm(height)
    section.top_margin = Mm(MARGINS["top"])
    section.bottom_margin = Mm(MARGINS["bottom"])
    section.left_margin = Mm(MARGINS["left"])
    section.right_margin = Mm(MARGINS["right"])
    return width - MARGINS["left"] - MARGINS["right"]


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = None,
    before: float = 0,
    after: float = 0,
    first: bool = False,
) -> Any:
    """A paragraph of one run; ``first`` reuses the container's empty first paragraph (a
    table cell has one)."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        run.underline = underline
    return paragraph


def _rule(container: Any, indent: float) -> None:
    """A short centred line: a paragraph with a bottom border, narrowed by ``indent`` mm on
    both sides (the line under the agency's name and under the title)."""
    paragraph = container.add_paragraph()
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)
    paragraph.paragraph_format.space_after = Pt(4)
    run = paragraph.add_run()
    run.font.size = Pt(2)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)


def _no_borders(table: Any) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _widths(table: Any, widths: list[float]) -> None:
    """Column widths in mm, on the grid (Word, LibreOffice) and on every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)


def _heading(document: Any, made: Document, text_width: float) -> None:
    left = 75 if not made.landscape else 95
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [left, text_width - left])
    agency_cell, motto_cell = table.rows[0].cells
    if made.superior:
        _paragraph(agency_cell, made.superior, size=12, align=CENTER, first=True)
        _paragraph(agency_cell, made.agency, size=12, bold=True, align=CENTER)
    else:
        _paragraph(agency_cell, made.agency, size=12, bold=True, align=CENTER, first=True)
    _rule(agency_cell, left * 0.32)
    _paragraph(agency_cell, made.number, align=CENTER)
    _paragraph(motto_cell, MOTTO, size=12, bold=True, align=CENTER, first=True)
    _paragraph(motto_cell, MOTTO_LINE, size=13, bold=True, underline=True, align=CENTER)
    _paragraph(motto_cell, made.date, italic=True, align=CENTER, before=10)


def _title(document: Any, made: Document, text_width: float) -> None:
    _paragraph(document, DOCUMENT_KIND, size=14, bold=True, align=CENTER, before=18)
    _paragraph(document, made.title, size=14, bold=True, align=CENTER)
    _rule(document, text_width * 0.4)
    _paragraph(document, made.coverage, italic=True, align=CENTER, after=6)


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _cell_text(
    cell: Any, text: str, *, bold: bool = False, align: Any = None, indent: float = 0
) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Mm(indent)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(11)


def _column_widths(made: Document, text_width: float) -> list[float]:
    fixed = [13.0, 0.0] + ([20.0] if made.with_units else [])
    figures = [22.0 if c.kind != "text" else 30.0 for c in made.columns]
    label = max(45.0, text_width - sum(fixed) - sum(figures))
    fixed[1] = label
    widths = fixed + figures
    scale = text_width / sum(widths)
    return [w * scale for w in widths] if scale < 1 else widths


def _table(document: Any, made: Document, text_width: float) -> None:
    if made.money_line:
        _paragraph(document, made.money_line, size=12, italic=True, align=RIGHT, after=2)
    headers = made.header_rows()
    width = made.fixed_columns + len(made.columns)
    table = document.add_table(rows=len(headers), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        row = table.rows[index]
        _repeat_header(row)
        column = 0
        for head in header:
            while index and _taken(headers, index, column):
                column += 1
            cell = table.cell(index, column)
            if head.columns > 1 or head.rows > 1:
                cell = cell.merge(table.cell(index + head.rows - 1, column + head.columns - 1))
            _cell_text(cell, head.label, bold=True, align=CENTER)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            column += head.columns
    figure_start = made.fixed_columns
    for row, texts in zip(made.rows, made.body(), strict=True):
        cells = table.add_row().cells
        bold = row.level == 0
        for index, text in enumerate(texts):
            if index == 0:
                align = CENTER
            elif index >= figure_start and made.columns[index - figure_start].kind != "text":
                align = RIGHT
            else:
                align = None
            indent = 4.0 if index == 1 and row.level >= 2 else 0.0
            _cell_text(cells[index], text, bold=bold, align=align, indent=indent)
    _widths(table, _column_widths(made, text_width))


def _taken(headers: list[list[Any]], index: int, column: int) -> bool:
    """Whether ``column`` of header row ``index`` is covered by a cell of the row above
    that spans both rows."""
    position = 0
    for head in headers[0]:
        if position <= column < position + head.columns:
            return head.rows > 1
        position += head.columns
    return False


def _notes(document: Any, made: Document) -> None:
    if made.completeness:
        _paragraph(document, made.completeness, size=12, italic=True, before=6)
    if made.notes:
        _paragraph(document, "Ghi chú:", size=12, bold=True, before=6)
        for note in made.notes:
            _paragraph(document, f"- {note}", size=12)


def _chart(document: Any, made: Document, text_width: float) -> None:
    image = chart_png(made)
    if image is None:
        return
    title = _paragraph(
        document, made.chart_title, size=13, bold=True, align=CENTER, before=12, after=4
    )
    title.paragraph_format.keep_with_next = True
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(min(text_width, 170)))


def _closing(document: Any, made: Document, text_width: float) -> None:
    _paragraph(document, before=12)
    left = text_width * 0.45
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [left, text_width - left])
    recipients, signature = table.rows[0].cells
    _paragraph(recipients, RECIPIENTS, size=12, bold=True, italic=True, first=True)
    for line in made.recipients:
        _paragraph(recipients, line, size=11)
    lines = made.signer_lines
    _paragraph(signature, lines[0] if lines else "", size=13, bold=True, align=CENTER, first=True)
    for line in lines[1:]:
        _paragraph(signature, line, size=13, bold=True, align=CENTER)
    _paragraph(signature, SIGNATURE_HINT, size=13, italic=True, align=CENTER)
    for _blank in range(4):
        _paragraph(signature)
    _paragraph(signature, made.signer_name, size=14, bold=True, align=CENTER)


def render_docx(made: Document) -> bytes:
    document = new_document()
    _font(document)
    text_width = _page(document, made.landscape)
    document.core_properties.title = made.document_title
    document.core_properties.author = made.agency
    _heading(document, made, text_width)
    _title(document, made, text_width)
    _table(document, made, text_width)
    _notes(document, made)
    _chart(document, made, text_width)
    _closing(document, made, text_width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
