"""``/api/v1/reports/summary/?…&format=xlsx|docx|pdf`` (API.md, Reports): the file with its
content type and name, the figures read back, JSON by default, errors as JSON naming the
parameter, and scoping."""

import datetime as dt
import io
import re
import unicodedata

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from khuyencong.reports.factories import approved_project, legacy_province, pay

M = 1_000_000
URL = "/api/v1/reports/summary/"
NINE_MONTHS = {"unit": "province:66", "start": "2026-01-01", "end": "2026-09-30"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@pytest.fixture
def scenario(manager_a, province_a, province_b, commune_a1, commune_a2):
    legacy_province("54", "Phú Yên", province_a, [commune_a2])
    legacy_province("66", "Đắk Lắk", province_a, [commune_a1])
    for year, approved_on, paid in (
        (2025, dt.date(2025, 2, 1), [(100, dt.date(2025, 6, 1)), (100, dt.date(2025, 11, 1))]),
        (2026, dt.date(2026, 2, 1), [(150, dt.date(2026, 5, 1)), (50, dt.date(2026, 10, 1))]),
    ):
        project = approved_project(
            manager=manager_a,
            province=province_a,
            year=year,
            approved_on=approved_on,
            state=200 * M,
            counterpart=300 * M,
        )
        for amount, on in paid:
            pay(project, manager=manager_a, amount=amount * M, on=on)


def disbursed(body):
    return next(r for r in body["indicators"] if r["code"] == "funding.disbursed")


def test_json_stays_the_default(api_for, officer_a, scenario):
    for extra in ({}, {"format": "json"}):
        response = api_for(officer_a).get(URL, {**NINE_MONTHS, **extra})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        row = disbursed(response.json())
        assert (row["value"], row["plan"], row["percent_of_plan"]) == (150 * M, 500 * M, 30.0)
        assert (row["previous"], row["change_percent"]) == (100 * M, 50.0)


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_format_gives_the_file(api_for, officer_a, scenario, fmt):
    response = api_for(officer_a).get(URL, {**NINE_MONTHS, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-khuyen-cong-tinh-66-2026-01-01-2026-09-30.{fmt}"'
    )
    assert response.content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")


def test_the_xlsx_has_the_figures(api_for, officer_a, scenario):
    content = api_for(officer_a).get(URL, {**NINE_MONTHS, "format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content))["Báo cáo"]
    assert sheet["A1"].value == "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
    assert "9 tháng đầu năm 2026" in sheet["A3"].value
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Kinh phí đã giải ngân")
    assert row[2:8] == ("đồng", 150 * M, 500 * M, 30.0, 100 * M, 50.0)


def test_the_docx_has_the_figures(api_for, officer_a, scenario):
    content = api_for(officer_a).get(URL, {**NINE_MONTHS, "format": "docx"}).content
    document = Document(io.BytesIO(content))
    assert document.paragraphs[0].text == "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
    row = next(
        [c.text for c in r.cells]
        for r in document.tables[0].rows
        if r.cells[1].text == "Kinh phí đã giải ngân"
    )
    assert row[2:8] == ["đồng", "150.000.000", "500.000.000", "30%", "100.000.000", "+50%"]


def test_the_pdf_has_the_figures(api_for, officer_a, scenario):
    content = api_for(officer_a).get(URL, {**NINE_MONTHS, "format": "pdf"}).content
    reader = PdfReader(io.BytesIO(content))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    flat = re.sub(r"\s+", " ", text)
    assert "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG" in flat
    assert "9 tháng đầu năm 2026" in flat
    assert "Kinh phí đã giải ngân đồng 150.000.000 500.000.000 30% 100.000.000 +50%" in flat


def test_the_file_is_vietnamese_when_english_is_asked(api_for, officer_a, scenario):
    client = api_for(officer_a, language="en")
    body = client.get(URL, NINE_MONTHS).json()
    assert disbursed(body)["name"] == "Disbursed funding"
    document = Document(io.BytesIO(client.get(URL, {**NINE_MONTHS, "format": "docx"}).content))
    names = [r.cells[1].text for r in document.tables[0].rows]
    assert "Kinh phí đã giải ngân" in names


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({**NINE_MONTHS, "format": "csv"}, "format"),
        ({**NINE_MONTHS, "format": "xlsx", "unit": "province"}, "unit"),
        ({**NINE_MONTHS, "format": "pdf", "unit": "province:99"}, "unit"),
        ({**NINE_MONTHS, "format": "docx", "start": "2026-02-30"}, "start"),
        ({**NINE_MONTHS, "format": "xlsx", "end": "2025-01-01"}, "end"),
    ],
)
def test_bad_parameters_are_400_in_json(api_for, officer_a, scenario, params, field):
    response = api_for(officer_a).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_another_province_file_is_404(api_for, officer_b, scenario, fmt):
    for unit in ("province:66", "legacy-province:54", "nation"):
        response = api_for(officer_b).get(URL, {**NINE_MONTHS, "unit": unit, "format": fmt})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "Content-Disposition" not in response


def test_a_file_needs_a_token(api_for, scenario):
    response = api_for(None).get(URL, {**NINE_MONTHS, "format": "pdf"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    # An unknown format is not looked at before the caller is known.
    assert api_for(None).get(URL, {**NINE_MONTHS, "format": "csv"}).status_code == 401


def test_the_accept_header_also_chooses_the_file(api_for, officer_a, scenario):
    response = api_for(officer_a).get(URL, NINE_MONTHS, HTTP_ACCEPT=CONTENT_TYPES["xlsx"])
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"].startswith("attachment;")
