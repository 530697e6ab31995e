"""A change that does not compare like with like (2025 from the records against 2024 from
aggregate values) is still given, and marked with its reason in the summary's files (XLSX,
DOCX, PDF) and in its paragraph, for the money spent and for the plan."""

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from khuyencong.reports import exporting
from khuyencong.reports.factories import enter
from khuyencong.reports.periods import Period
from khuyencong.reports.tests.test_files import pdf_text, scenario  # noqa: F401  (fixture)
from khuyencong.reports.units import Unit, resolve

M = 1_000_000
REASON = "Không so sánh được: kỳ này dựa trên"


@pytest.fixture
def report(scenario, manager_a):  # noqa: F811
    # The 2024 plan from an aggregate value; 2025's from the records.
    enter(manager_a, "funding.planned", "province:66", "2024-01-01", "2024-12-31", 500 * M)
    return exporting.build_report(resolve(Unit.parse("province:66")), Period.year(2025))


def rows(report):
    return {row["code"]: row for row in report["indicators"]}


def test_the_report_has_changes_that_are_not_comparable(report):
    disbursed, planned = rows(report)["funding.disbursed"], rows(report)["funding.planned"]
    assert disbursed["change_percent"] is not None and disbursed["comparable"] is False
    assert planned["change_percent"] == 40.0 and planned["comparable"] is False
    assert rows(report)["projects.approved"]["comparable"] is True


def test_the_paragraph_says_the_comparisons_are_indicative(report):
    text = report["narrative"]
    assert "Mức so sánh với năm 2024 chỉ có ý nghĩa tham khảo" in text
    assert "Mức so sánh kế hoạch với năm 2024 chỉ có ý nghĩa tham khảo" in text
    assert "số liệu ghi nhận trên hệ thống" in text and "số liệu tổng hợp" in text


def test_the_workbook_keeps_the_number_and_says_why(report):
    sheet = load_workbook(io.BytesIO(exporting.render(report, "xlsx")))["Báo cáo"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "STT")
    titles = [c.value for c in header]
    assert titles[-1] == "So sánh cùng kỳ"
    change, comparison = titles.index("% thay đổi"), titles.index("So sánh cùng kỳ")
    by_name = {
        r[1].value.strip(): r for r in sheet.iter_rows(min_row=header[0].row + 1) if r[1].value
    }
    planned = by_name["Kinh phí theo kế hoạch"]
    assert planned[change].value == 40.0  # still a number
    assert planned[comparison].value.startswith(f"(*) {REASON}")
    assert by_name["Số đề án được phê duyệt"][comparison].value in (None, "")
    notes = load_workbook(io.BytesIO(exporting.render(report, "xlsx")))["Nguồn"]
    assert any(REASON in str(c.value) for row in notes.iter_rows() for c in row)


def test_the_document_marks_the_change_and_explains_it(report):
    document = Document(io.BytesIO(exporting.render(report, "docx")))
    (table,) = document.tables
    lines = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert lines["Kinh phí theo kế hoạch"][7] == "+40% (*)"
    assert lines["Số đề án được phê duyệt"][7].endswith("(*)") is False
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Kinh phí theo kế hoạch: (*) " + REASON) for t in texts)
    assert report["narrative"] in texts


def test_the_pdf_marks_the_change_and_explains_it(report):
    text = re.sub(r"\s+", " ", pdf_text(exporting.render(report, "pdf")))
    assert "+40% (*)" in text
    assert f"Kinh phí theo kế hoạch: (*) {REASON}" in text
    assert "chỉ có ý nghĩa tham khảo" in text
