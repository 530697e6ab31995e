"""The impact evaluation as files: an XLSX workbook (one sheet per table, numbers as numbers)
and a DOCX annex for the annual report (A4, Times New Roman, the method, the tables and the
charts). Both only read the object ``impact_report.build_overview`` built, as the page does.
Texts in Vietnamese: the annex goes into a Vietnamese report."""

from __future__ import annotations

import io
from typing import Any

from django.utils import translation
from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from khuyencong.core.exporting import inert, workbook_bytes
from khuyencong.core.formats import format_money, format_number
from khuyencong.reports import impact_charts
from khuyencong.reports.documents.docx import _font, _page, _paragraph

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VERDICTS = {
    "effect": "Có tác động",
    "harm": "Tác động ngược",
    "no_effect": "Chưa thấy tác động rõ",
    "too_few": "Chưa đủ số liệu để kết luận",
}
ESTIMATE_HEADERS = ["Tác động", "Cận dưới (95%)", "Cận trên (95%)", "Kết luận"]


def filename(report: dict[str, Any], fmt: str) -> str:
    unit = report["unit"].replace(":", "-")
    return f"danh-gia-tac-dong-{unit}-{report['cohort']}.{fmt}"


def _estimate_cells(estimate: dict[str, Any]) -> list[Any]:
    return [
        estimate["effect"],
        estimate["ci_low"],
        estimate["ci_high"],
        VERDICTS[estimate["verdict"]],
    ]


def _sheet_rows(report: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each sheet: its header and rows."""
    kinds = (
        [
            "Nội dung",
            "Tên",
            "Cơ sở được hỗ trợ",
            "Cơ sở so sánh",
            "Kinh phí KC bình quân/cơ sở (đồng)",
            *[f"Doanh thu — {h} (đồng)" for h in ESTIMATE_HEADERS[:3]],
            "Doanh thu — kết luận",
            *[f"Lao động — {h} (người)" for h in ESTIMATE_HEADERS[:3]],
            "Lao động — kết luận",
            "Doanh thu tăng thêm/đồng hỗ trợ",
            "Lao động tăng thêm/tỷ đồng hỗ trợ",
        ],
        [
            [
                kind["category"],
                kind["name"],
                kind["treated"],
                kind["controls"],
                kind["spent_per_establishment"],
                *_estimate_cells(kind["revenue"]),
                *_estimate_cells(kind["workers"]),
                kind["revenue_per_dong"],
                kind["jobs_per_billion"],
            ]
            for kind in report["kinds"]
        ],
    )
    years = (
        [
            "Năm được hỗ trợ",
            "Cơ sở được hỗ trợ",
            "Cơ sở so sánh",
            *[f"Doanh thu — {h}" for h in ESTIMATE_HEADERS],
            *[f"Lao động — {h}" for h in ESTIMATE_HEADERS],
        ],
        [
            [
                str(row["cohort"]),
                row["revenue"]["treated"],
                row["revenue"]["controls"],
                *_estimate_cells(row["revenue"]),
                *_estimate_cells(row["workers"]),
            ]
            for row in report["years"]
        ],
    )
    events = (
        [
            "Năm so với hỗ trợ",
            "Năm",
            *[f"Doanh thu — {h}" for h in ESTIMATE_HEADERS[:3]],
            *[f"Lao động — {h}" for h in ESTIMATE_HEADERS[:3]],
        ],
        [
            [
                revenue["relative_year"],
                str(revenue["year"]),
                revenue["effect"],
                revenue["ci_low"],
                revenue["ci_high"],
                workers["effect"],
                workers["ci_low"],
                workers["ci_high"],
            ]
            for revenue, workers in zip(
                report["overall"]["revenue"]["event_study"],
                report["overall"]["workers"]["event_study"],
                strict=False,
            )
        ],
    )
    sheets = {"Theo nội dung": kinds, "Theo năm": years, "Theo năm so với hỗ trợ": events}
    if report["provinces"]:
        sheets["Theo tỉnh"] = (
            [
                "Tỉnh",
                "Cơ sở được hỗ trợ",
                "Cơ sở so sánh",
                *[f"Doanh thu — {h}" for h in ESTIMATE_HEADERS],
                *[f"Lao động — {h}" for h in ESTIMATE_HEADERS],
            ],
            [
                [
                    row["name"],
                    row["revenue"]["treated"],
                    row["revenue"]["controls"],
                    *_estimate_cells(row["revenue"]),
                    *_estimate_cells(row["workers"]),
                ]
                for row in report["provinces"]
            ],
        )
    for key, title in (("concentration", "Tập trung hỗ trợ"),):
        rows = report.get(key)
        if rows:
            sheets[title] = (
                [
                    "Năm",
                    "Kinh phí KC (đồng)",
                    "Vào ngành ưu tiên (đồng)",
                    "Tỷ lệ kinh phí ngành ưu tiên (%)",
                    "Vào sản phẩm tiêu biểu (đồng)",
                    "Tỷ lệ kinh phí sản phẩm tiêu biểu (%)",
                    "Cơ sở được hỗ trợ",
                    "Thuộc ngành ưu tiên",
                    "Tỷ lệ cơ sở ngành ưu tiên (%)",
                    "Có sản phẩm tiêu biểu",
                    "Tỷ lệ cơ sở có sản phẩm tiêu biểu (%)",
                ],
                [
                    [
                        str(row["year"]),
                        row["funds"],
                        row["funds_priority"],
                        row["funds_priority_percent"],
                        row["funds_typical"],
                        row["funds_typical_percent"],
                        row["establishments"],
                        row["establishments_priority"],
                        row["establishments_priority_percent"],
                        row["establishments_typical"],
                        row["establishments_typical_percent"],
                    ]
                    for row in rows
                ],
            )
    return sheets


def render_xlsx(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    first = True
    for title, (header, rows) in _sheet_rows(report).items():
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = title[:31]
        sheet.append([f"Đánh giá tác động hỗ trợ khuyến công — {report['unit_label']}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(
            [f"Cơ sở được hỗ trợ năm {report['cohort']}, so sánh sau {report['horizon']} năm"]
        )
        sheet.append([])
        sheet.append(header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=5):
            for cell in row:
                inert(cell)
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        for index in range(1, len(header) + 1):
            sheet.column_dimensions[sheet.cell(row=4, column=index).column_letter].width = 18
    method = workbook.create_sheet("Phương pháp")
    with translation.override("vi"):
        method.append([report["method"]])
    method.append(
        [
            f"Kết luận chỉ được đưa ra khi có ít nhất {report['min_treated']} cơ sở được hỗ trợ và "
            f"{report['min_controls']} cơ sở so sánh có số liệu cả trước và sau hỗ trợ."
        ]
    )
    return workbook_bytes(workbook)


# --- the DOCX annex ---------------------------------------------------------------------------


def _show(value: float | int | None, indicator: str) -> str:
    if value is None:
        return "–"
    if indicator == "workers":
        return format_number(value, decimals=1)
    return format_money(round(value))


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _paragraph(cell, text, size=11, bold=True, first=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _paragraph(cell, text, size=11, first=True)


def render_docx(report: dict[str, Any]) -> bytes:
    with translation.override("vi"):
        return _docx(report)


def _docx(report: dict[str, Any]) -> bytes:
    document = new_document()
    _font(document)
    text_width = _page(document, landscape=False)
    _paragraph(document, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        document,
        "ĐÁNH GIÁ TÁC ĐỘNG CỦA HỖ TRỢ KHUYẾN CÔNG",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        document,
        f"{report['unit_label']} — cơ sở được hỗ trợ năm {report['cohort']}, "
        f"so sánh sau {report['horizon']} năm",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )
    _paragraph(document, "1. Kết quả chung", bold=True, before=6, after=3)
    for indicator in ("revenue", "workers"):
        paragraph = _paragraph(document, report["overall"][indicator]["message"], after=3)
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if report["revenue_per_dong"] is not None:
        _paragraph(
            document,
            f"Bình quân mỗi cơ sở nhận {_show(report['spent_per_establishment'], 'revenue')} "
            f"kinh phí khuyến công; mỗi đồng hỗ trợ gắn với "
            f"{format_number(report['revenue_per_dong'], decimals=1)} đồng doanh thu tăng thêm.",
            after=3,
        )
    _paragraph(document, "2. Theo nội dung hỗ trợ", bold=True, before=6, after=3)
    _table(
        document,
        ["Nội dung", "Số cơ sở (hỗ trợ/so sánh)", "Doanh thu", "Lao động", "Kết luận (doanh thu)"],
        [
            [
                f"{kind['category']}. {kind['name']}",
                f"{kind['treated']}/{kind['controls']}",
                _interval(kind["revenue"], "revenue"),
                _interval(kind["workers"], "workers"),
                VERDICTS[kind["revenue"]["verdict"]],
            ]
            for kind in report["kinds"]
        ],
    )
    _paragraph(document, "3. Theo năm được hỗ trợ", bold=True, before=6, after=3)
    _table(
        document,
        ["Năm", "Số cơ sở (hỗ trợ/so sánh)", "Doanh thu", "Lao động"],
        [
            [
                str(row["cohort"]),
                f"{row['revenue']['treated']}/{row['revenue']['controls']}",
                _interval(row["revenue"], "revenue"),
                _interval(row["workers"], "workers"),
            ]
            for row in report["years"]
        ],
    )
    section = 4
    if report["provinces"]:
        _paragraph(document, f"{section}. Theo tỉnh", bold=True, before=6, after=3)
        section += 1
        _table(
            document,
            ["Tỉnh", "Số cơ sở (hỗ trợ/so sánh)", "Doanh thu", "Lao động"],
            [
                [
                    row["name"],
                    f"{row['revenue']['treated']}/{row['revenue']['controls']}",
                    _interval(row["revenue"], "revenue"),
                    _interval(row["workers"], "workers"),
                ]
                for row in report["provinces"]
            ],
        )
    if report.get("concentration"):
        _paragraph(
            document, f"{section}. Tập trung hỗ trợ vào sản phẩm chủ lực", bold=True, before=6,
            after=3,
        )  # fmt: skip
        section += 1

        def share(value: float | None) -> str:
            return "–" if value is None else f"{format_number(value, decimals=1)}%"

        _table(
            document,
            ["Năm", "Kinh phí KC", "Ngành ưu tiên", "Sản phẩm tiêu biểu", "Số cơ sở"],
            [
                [
                    str(row["year"]),
                    _show(row["funds"], "revenue"),
                    share(row["funds_priority_percent"]),
                    share(row["funds_typical_percent"]),
                    str(row["establishments"]),
                ]
                for row in report["concentration"]
            ],
        )
    charts = impact_charts.for_page(report)
    if charts:
        _paragraph(document, f"{section}. Biểu đồ", bold=True, before=6, after=3)
        section += 1
        for chart in charts:
            document.add_picture(io.BytesIO(impact_charts.png(chart)), width=Mm(text_width))
            _paragraph(document, chart.title, size=11, italic=True, after=3)
    _paragraph(document, f"{section}. Phương pháp và giới hạn", bold=True, before=6, after=3)
    _paragraph(document, report["method"], size=12, after=3)
    _paragraph(
        document,
        f"Kết luận chỉ được đưa ra khi có ít nhất {report['min_treated']} cơ sở được hỗ trợ và "
        f"{report['min_controls']} cơ sở so sánh có số liệu cả trước và sau hỗ trợ. Kết quả "
        "dựa trên số liệu hằng năm do cơ sở kê khai, khảo sát hoặc kiểm tra; cơ sở được chọn "
        "hỗ trợ có thể khác cơ sở so sánh ở những điểm không đo được.",
        size=12,
    )
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.font.size is None:
                run.font.size = Pt(13)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _interval(estimate: dict[str, Any], indicator: str) -> str:
    if estimate["effect"] is None:
        return "Chưa đủ số liệu"
    return (
        f"{_show(estimate['effect'], indicator)} "
        f"({_show(estimate['ci_low'], indicator)} đến {_show(estimate['ci_high'], indicator)})"
    )
