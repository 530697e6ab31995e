"""The official forms' files through the API (``/api/v1/reports/forms/{code}/?format=…``) and
the page (``/reports/forms/?…&format=…``), from records: the cells equal the form's figures
(hand-computed in ``test_forms``), the number and date as asked, bad input a 400 naming the
parameter."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from khuyencong.reports.documents import cell_text
from khuyencong.reports.forms.base import OfficialForm
from khuyencong.reports.tests.test_forms import api, records, region  # noqa: F401  (fixtures)

FORMS = "/api/v1/reports/forms"
PAGE = reverse("reports:forms")
M = 1_000_000


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_the_results_workbook_holds_the_kcqg_kcdp_and_total_of_the_records(records, officer_a):  # noqa: F811
    response = api(officer_a).get(
        f"{FORMS}/results/", {"unit": "province:66", "year": "2026", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert (
        "ket-qua-cong-tac-khuyen-cong-tinh-66-2026-01-01-2026-12-31.xlsx"
        in (response["Content-Disposition"])
    )
    sheet = load_workbook(io.BytesIO(response.content))["Báo cáo"]
    rows = {r[1].value: [c.value for c in r] for r in sheet.iter_rows() if r[1].value}
    form = api(officer_a).get(f"{FORMS}/results/", {"unit": "province:66", "year": "2026"}).json()
    vocational = next(r for r in form["rows"] if r["code"] == "training.vocational")
    assert rows[vocational["label"]][3:6] == [60, 30, 90]
    employed = next(r for r in form["rows"] if r["code"] == "training.vocational.employed")
    assert rows[employed["label"]][3:6] == [40, 24, 64]
    investment = next(r for r in form["rows"] if r["code"] == "models.demonstration.investment")
    assert rows[investment["label"]][2] == "triệu đồng"
    assert rows[investment["label"]][3] == investment["national"] / M


def test_the_funding_document_has_the_number_date_and_the_forms_figures(records, officer_a):  # noqa: F811
    query = {"unit": "province:66", "year": "2026"}
    response = api(officer_a).get(
        f"{FORMS}/funding/",
        {**query, "format": "docx", "number": "12", "issued_on": "2027-01-05"},
    )
    assert response.status_code == 200
    assert "12-kinh-phi-khuyen-cong-tinh-66" in response["Content-Disposition"]
    document = open_docx(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for line in table.rows:
            texts.extend(p.text for c in line.cells for p in c.paragraphs)
    assert "Số: 12/BC-SCT" in texts and "Đắk Lắk, ngày 05 tháng 01 năm 2027" in texts
    assert "SỞ CÔNG THƯƠNG" in texts and "UBND TỈNH ĐẮK LẮK" in texts
    form = OfficialForm.from_json(api(officer_a).get(f"{FORMS}/funding/", query).json())
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    body = {line.cells[0].text or line.cells[1].text: line.cells for line in table.rows[2:]}
    for row in form.rows:
        cells = body[row.no or row.label]
        for offset, column in enumerate(form.columns):
            assert cells[2 + offset].text == cell_text(form, row, column), (row.code, column.key)
    # 150 million KCQG and 60 million KCĐP spent: 150 | 60 | 210 (triệu đồng).
    assert [c.text for c in body["Tổng cộng"]][4:7] == ["150", "60", "210"]


def test_a_regional_pdf_is_issued_by_the_national_agency(records, admin):  # noqa: F811
    response = api(admin).get(
        f"{FORMS}/funding/", {"unit": "region:MIEN", "year": "2026", "format": "pdf", "number": "3"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "BỘ CÔNG THƯƠNG" in text and "Số: 3/BC-ĐMST" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Hà Nội, ngày" in text
    assert "290" in text  # the region's total spent, in triệu đồng


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"number": "abc"}, "number"),
        ({"number": "0"}, "number"),
        ({"number": "12345678"}, "number"),
        ({"issued_on": "2026-13-01"}, "issued_on"),
        ({"issued_on": "31/02/2026"}, "issued_on"),
        ({"issued_on": "2025-12-31"}, "issued_on"),  # before the period begins
        ({"issued_on": "1890-01-01"}, "issued_on"),
        ({"format": "odt"}, "format"),
    ],
)
def test_bad_file_parameters_are_a_400_naming_them(records, officer_a, extra, field):  # noqa: F811
    query = {"unit": "province:66", "year": "2026", "format": "pdf", **extra}
    response = api(officer_a).get(f"{FORMS}/awards/", query)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_another_province_gets_no_file(records, officer_b):  # noqa: F811
    query = {"unit": "province:66", "year": "2026", "format": "docx"}
    assert api(officer_b).get(f"{FORMS}/results/", query).status_code == 404


# --- the page -------------------------------------------------------------------------------


def test_the_page_issues_the_file_with_a_number_or_says_what_is_wrong(
    client_for,
    officer_a,
    records,  # noqa: F811
):
    client = client_for(officer_a)
    query = {"form": "results", "unit": "province:66", "kind": "year", "year": "2026"}
    html = client.get(PAGE, query).content.decode()
    assert 'data-testid="official-form-document"' in html
    assert 'name="document_number"' in html and 'name="issued_on"' in html
    assert '<input type="hidden" name="form" value="results">' in html
    response = client.get(
        PAGE, {**query, "format": "docx", "document_number": "5", "issued_on": "05/12/2026"}
    )
    assert response.status_code == 200
    assert "5-ket-qua-cong-tac-khuyen-cong" in response["Content-Disposition"]
    texts = [p.text for t in open_docx(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells for p in c.paragraphs]  # fmt: skip
    assert "Số: 5/BC-SCT" in texts and "Đắk Lắk, ngày 05 tháng 12 năm 2026" in texts
    # "number" is the period's (months, quarter): the document's is "document_number".
    half = {**query, "kind": "months", "number": "6", "format": "pdf"}
    wrong = client.get(PAGE, {**half, "document_number": "năm"})
    assert wrong.status_code == 200 and wrong["Content-Type"].startswith("text/html")
    assert 'role="alert"' in wrong.content.decode()
    assert 'data-testid="official-form-table"' in wrong.content.decode()
    assert "6 tháng đầu năm 2026" in wrong.content.decode()
    half_file = client.get(PAGE, {**half, "document_number": "9"})
    assert half_file["Content-Type"] == "application/pdf"
    assert (
        "9-ket-qua-cong-tac-khuyen-cong-tinh-66-2026-01-01-2026-06-30.pdf"
        in (half_file["Content-Disposition"])
    )
