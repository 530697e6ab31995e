"""The summary as a Word document (python-docx): A4 landscape, Times New Roman as Vietnamese
administrative documents use, the title, the place and period, the paragraph, the table with
Vietnamese-formatted numbers, then the notes."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from khuyencong.reports.exporting import (
    EXPLANATION,
    HEADERS,
    TITLE,
    Progress,
    capitalised,
    made_on,
    notes,
    period_line,
    table_rows,
)

FONT = "Times New Roman"
# Column widths in millimetres (A4 landscape less the margins: 257 mm).
WIDTHS = (11, 70, 20, 30, 30, 17, 30, 17, 32)
NUMERIC = {3, 4, 5, 6, 7}


def _set_font(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    # East-Asian and complex-script runs use their own font slot; set them all.
    fonts = style.element.rPr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _page(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Mm(297)
    section.page_height = Mm(210)
    section.left_margin = Mm(25)
    section.right_margin = Mm(15)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)


def _centred(document: Any, text: str, *, bold: bool = False, size: int = 12) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _cell(cell: Any, text: str, *, bold: bool = False, align: Any = None) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(10)


def render_docx(report: dict[str, Any], progress: Progress | None = None) -> bytes:
    document = Document()
    _set_font(document)
    _page(document)
    document.core_properties.title = f"{TITLE} – {report['unit_label']} – {report['period_label']}"
    document.core_properties.author = "Khuyến công"
    _centred(document, TITLE, bold=True, size=14)
    _centred(document, capitalised(report["unit_label"]), bold=True, size=13)
    _centred(document, period_line(report))
    paragraph = document.add_paragraph(report["narrative"])
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)

    rows = table_rows(report)
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for index, text in enumerate(HEADERS):
        _cell(header.cells[index], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in rows:
        cells = table.add_row().cells
        for index, text in enumerate(line.texts()):
            align = WD_ALIGN_PARAGRAPH.RIGHT if index in NUMERIC else None
            if index == 0:
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell(cells[index], text, bold=line.depth == 0 and index <= 1, align=align)
        if line.depth:
            cells[1].paragraphs[0].paragraph_format.left_indent = Mm(4 * line.depth)
        if progress is not None:
            progress()
    for column, width in zip(table.columns, WIDTHS, strict=True):
        for cell in column.cells:
            cell.width = Mm(width)

    document.add_paragraph()
    explanation = document.add_paragraph()
    explanation.add_run(EXPLANATION).italic = True
    listed = notes(report)
    if listed:
        document.add_paragraph().add_run("Ghi chú:").bold = True
        for name, note in listed:
            document.add_paragraph(f"{name}: {note}", style="List Bullet")
    document.add_paragraph().add_run(made_on()).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
