"""The summary as files (XLSX, DOCX, PDF), opened and read back with the figures checked
against ``summary.build``; the page view: scoping, form errors, inline files for a province
and a background job for a region or the nation."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from khuyencong.core.models import Job
from khuyencong.reports import exporting
from khuyencong.reports.exporting.jobs import SUMMARY_FILE
from khuyencong.reports.factories import approved_project, enter, pay
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve

M = 1_000_000
URL = "/reports/file/"
NINE_MONTHS = {"unit": "province:66", "kind": "months", "year": 2026, "number": 9}


@pytest.fixture
def scenario(manager_a, province_a, commune_a1, merged, regions):
    """Đắk Lắk: plans of 2025 (700 million) and 2026 (1.150 million) and payments in both
    years; a 2024 total entered as an aggregate value under old Phú Yên."""
    p1 = approved_project(
        manager=manager_a, province=province_a, year=2025, approved_on=dt.date(2025, 3, 10)
    )
    p2 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2025,
        approved_on=dt.date(2025, 4, 1),
        funding_level="local",
        state=100 * M,
        counterpart=100 * M,
    )
    pay(p1, manager=manager_a, amount=150 * M, on=dt.date(2025, 6, 15))
    pay(p2, manager=manager_a, amount=60 * M, on=dt.date(2025, 9, 20))
    p3 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=dt.date(2026, 2, 1),
        state=300 * M,
        counterpart=450 * M,
        commune=commune_a1,
    )
    p4 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=dt.date(2026, 3, 1),
        funding_level="local",
        state=200 * M,
        counterpart=200 * M,
    )
    pay(p3, manager=manager_a, amount=240 * M, on=dt.date(2026, 5, 10))
    pay(p4, manager=manager_a, amount=120 * M, on=dt.date(2026, 8, 30))
    pay(p3, manager=manager_a, amount=60 * M, on=dt.date(2026, 10, 15))  # after 9 months
    enter(
        manager_a,
        "funding.disbursed",
        "legacy-province:54",
        "2024-01-01",
        "2024-12-31",
        1_000 * M,
    )


@pytest.fixture
def report(scenario):
    return exporting.build_report(resolve(Unit.parse("province:66")), Period.first_months(2026, 9))


def by_code(report):
    return {row["code"]: row for row in report["indicators"]}


def test_the_scenario_is_not_trivial(report):
    disbursed = by_code(report)["funding.disbursed"]
    assert disbursed["value"] == 360 * M
    assert disbursed["plan"] == 1_150 * M
    assert disbursed["percent_of_plan"] == 31.3
    assert disbursed["previous"] == 210 * M
    assert disbursed["change_percent"] == 71.4
    assert report["period_label"] == "9 tháng đầu năm 2026"


# --- XLSX -------------------------------------------------------------------------------------


def test_the_workbook_reads_back_with_real_numbers(report):
    workbook = load_workbook(io.BytesIO(exporting.render(report, "xlsx")))
    assert workbook.sheetnames == ["Báo cáo", "Nguồn"]
    sheet = workbook["Báo cáo"]
    assert sheet["A1"].value == "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
    assert sheet["A2"].value == "Tỉnh Đắk Lắk"
    assert "9 tháng đầu năm 2026" in sheet["A3"].value
    assert sheet["A5"].value == report["narrative"]
    header_row = next(
        r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "STT"
    )
    headers = [sheet.cell(row=header_row, column=c).value for c in range(1, 10)]
    assert headers == list(exporting.HEADERS)
    assert sheet.freeze_panes == f"C{header_row + 1}"
    assert sheet.column_dimensions["B"].width >= 40
    names = {
        sheet.cell(row=r, column=2).value.strip(): r
        for r in range(header_row + 1, header_row + 1 + len(report["indicators"]))
    }
    rows = by_code(report)
    for code, row in rows.items():
        r = names[row["name"]]
        cells = [sheet.cell(row=r, column=c) for c in range(1, 10)]
        assert cells[3].value == row["value"]
        assert cells[4].value == row["plan"]
        assert cells[5].value == row["percent_of_plan"]
        assert cells[6].value == row["previous"]
        assert cells[7].value == row["change_percent"]
        assert cells[8].value == exporting.SOURCE_WORDS[row["source"]], code
    disbursed = [sheet.cell(row=names["Kinh phí đã giải ngân"], column=c) for c in range(1, 10)]
    assert disbursed[0].value == "2"
    assert disbursed[2].value == "đồng"
    assert disbursed[3].value == 360 * M and isinstance(disbursed[3].value, int)
    assert disbursed[3].number_format == "#,##0"
    assert disbursed[4].value == 1_150 * M
    assert disbursed[5].value == 31.3 and disbursed[5].number_format == "0.0"
    assert disbursed[7].value == 71.4
    national = sheet.cell(row=names["Kinh phí đã giải ngân – khuyến công quốc gia"], column=1)
    assert national.value == "2.1"
    assert sheet.cell(row=names["Số đề án được phê duyệt"], column=3).value == "đề án"
    assert sheet.cell(row=names["Số đề án được phê duyệt"], column=4).value == 2


def test_the_sources_sheet_lists_every_indicator_with_its_source_and_note(report):
    sheet = load_workbook(io.BytesIO(exporting.render(report, "xlsx")))["Nguồn"]
    values = list(sheet.iter_rows(values_only=True))
    header = values.index(("STT", "Mã chỉ tiêu", "Chỉ tiêu", "Nguồn số liệu", "Ghi chú"))
    listed = {row[1]: row for row in values[header + 1 :]}
    assert set(listed) == {row["code"] for row in report["indicators"]}
    for row in report["indicators"]:
        assert listed[row["code"]][3] == exporting.SOURCE_WORDS[row["source"]]
        assert (listed[row["code"]][4] or "") == (row["note"] or "")


def test_a_cell_that_would_be_a_formula_is_text(report):
    report = {**report, "narrative": '=HYPERLINK("http://x")'}
    sheet = load_workbook(io.BytesIO(exporting.render(report, "xlsx")))["Báo cáo"]
    assert sheet["A5"].value.startswith("'=")


# --- DOCX -------------------------------------------------------------------------------------


def test_the_document_reads_back(report):
    document = Document(io.BytesIO(exporting.render(report, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
    assert texts[1] == "Tỉnh Đắk Lắk"
    assert "9 tháng đầu năm 2026" in texts[2]
    assert report["narrative"] in texts
    section = document.sections[0]
    assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(exporting.HEADERS)
    lines = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert len(lines) == len(report["indicators"])
    assert lines["Kinh phí đã giải ngân"] == [
        "2",
        "Kinh phí đã giải ngân",
        "đồng",
        "360.000.000",
        "1.150.000.000",
        "31,3%",
        "210.000.000",
        "+71,4%",
        "Hồ sơ trên hệ thống",
    ]
    assert lines["Kinh phí theo kế hoạch"][3] == "1.150.000.000"
    assert lines["Kinh phí theo kế hoạch"][6] == "700.000.000"
    assert lines["Số đề án được phê duyệt"][2:4] == ["đề án", "2"]
    for row in report["indicators"]:
        assert lines[row["name"]][3] == exporting.amount(row["value"], row["unit"])


# --- PDF --------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def test_the_pdf_reads_back(report):
    content = exporting.render(report, "pdf")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]  # A4
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Noto Sans, embedded (a subset: "ABCDEF+Noto-Sans"), for every text of the file.
    assert fonts and all("+Noto-Sans" in font for font in fonts), fonts
    text = pdf_text(content)
    assert "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG" in text
    assert "Tỉnh Đắk Lắk" in text
    assert "9 tháng đầu năm 2026" in text
    flat = re.sub(r"\s+", " ", text)
    assert "Kinh phí đã giải ngân đồng 360.000.000 1.150.000.000 31,3% 210.000.000 +71,4%" in flat
    assert "Số đề án được phê duyệt đề án 2" in flat
    assert "Kinh phí theo kế hoạch đồng 1.150.000.000" in flat


def test_file_names():
    report = {"unit": "province:66", "start": "2026-01-01", "end": "2026-09-30"}
    assert exporting.filename(report, "xlsx") == (
        "bao-cao-khuyen-cong-tinh-66-2026-01-01-2026-09-30.xlsx"
    )
    assert exporting.filename({**report, "unit": "region:NAM"}, "pdf").startswith(
        "bao-cao-khuyen-cong-khu-vuc-nam-"
    )
    assert exporting.filename({**report, "unit": "nation"}, "docx").startswith(
        "bao-cao-khuyen-cong-ca-nuoc-2026"
    )


def test_the_file_is_vietnamese_whatever_the_language(scenario):
    from django.utils import translation

    with translation.override("en"):
        file = exporting.build_file(
            resolve(Unit.parse("province:66")), Period.first_months(2026, 9), "docx"
        )
    table = Document(io.BytesIO(file.content)).tables[0]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert "Kinh phí đã giải ngân" in names
    assert any(row.cells[3].text == "360.000.000" for row in table.rows[1:])


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", exporting.CONTENT_TYPES["xlsx"]),
        ("docx", exporting.CONTENT_TYPES["docx"]),
        ("pdf", "application/pdf"),
    ],
)
def test_a_province_file_is_made_within_the_request(
    client_for, officer_a, scenario, fmt, content_type
):
    response = client_for(officer_a).get(URL, {**NINE_MONTHS, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-khuyen-cong-tinh-66-2026-01-01-2026-09-30.{fmt}"'
    )
    assert not Job.objects.exists()


def test_the_page_file_has_the_figures(client_for, officer_a, report):
    response = client_for(officer_a).get(URL, {**NINE_MONTHS, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["Báo cáo"]
    values = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Kinh phí đã giải ngân"]
    assert values[0][3:8] == (360 * M, 1_150 * M, 31.3, 210 * M, 71.4)


def test_a_commune_file_is_made_within_the_request(client_for, officer_a, scenario):
    response = client_for(officer_a).get(URL, {**NINE_MONTHS, "commune": "24100", "format": "docx"})
    assert response.status_code == 200
    assert "xa-24100" in response["Content-Disposition"]
    assert Document(io.BytesIO(response.content)).paragraphs[1].text == "Xã Ea Kar (Đắk Lắk)"


def test_a_region_file_is_made_by_a_job(
    client_for, national, scenario, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(national).get(
            URL,
            {"unit": "region:TRUNG", "kind": "months", "year": 2026, "number": 9, "format": "xlsx"},
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == SUMMARY_FILE and job.created_by == national
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress_total == job.progress_done > 0
    assert job.result["filename"] == (
        "bao-cao-khuyen-cong-khu-vuc-trung-2026-01-01-2026-09-30.xlsx"
    )
    with job.result_file.open("rb") as file:
        sheet = load_workbook(io.BytesIO(file.read()))["Báo cáo"]
    assert sheet["A2"].value == "Khu vực miền Trung – Tây Nguyên"
    values = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Kinh phí đã giải ngân"]
    assert values[0][3] == 360 * M  # the region is Đắk Lắk alone
    client = client_for(national)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and f"/jobs/{job.pk}/download/" in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "khu-vuc-trung" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_a_national_file_waits_for_the_commit_and_shows_progress(
    client_for, national, scenario, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(national).get(
            URL, {"unit": "nation", "kind": "year", "year": 2026, "format": "pdf"}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    with job.result_file.open("rb") as file:
        assert "Cả nước" in pdf_text(file.read())


def test_the_job_refuses_a_place_its_creator_may_no_longer_read(officer_b, scenario):
    from khuyencong.core.jobs import start_job

    job = start_job(
        kind=SUMMARY_FILE,
        actor=officer_b,
        params={"unit": "province:66", "start": "2026-01-01", "end": "2026-12-31", "format": "pdf"},
        inline=True,
    )
    assert job.status == Job.Status.FAILED
    assert not job.result_file
    assert job.message == gettext("You may no longer read this place.")


def test_another_province_file_is_404(client_for, officer_b, scenario):
    response = client_for(officer_b).get(URL, {**NINE_MONTHS, "format": "xlsx"})
    assert response.status_code == 404
    response = client_for(officer_b).get(
        URL, {**NINE_MONTHS, "unit": "province:79", "commune": "24100", "format": "xlsx"}
    )
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_province_officer_cannot_start_a_national_or_regional_job(
    client_for, officer_a, scenario
):
    client = client_for(officer_a)
    for unit in ("nation", "region:TRUNG"):
        response = client.get(URL, {"unit": unit, "kind": "year", "year": 2026, "format": "xlsx"})
        assert response.status_code == 404
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({**NINE_MONTHS, "format": "csv"}, "format"),
        ({**NINE_MONTHS}, "format"),
        ({**NINE_MONTHS, "number": None, "format": "xlsx"}, "number"),
        ({**NINE_MONTHS, "kind": "quarter", "number": 7, "format": "pdf"}, "number"),
        ({**NINE_MONTHS, "commune": "99999", "format": "pdf"}, "commune"),
        ({**NINE_MONTHS, "year": "", "format": "pdf"}, "year"),
        ({**NINE_MONTHS, "unit": "province", "format": "pdf"}, "unit"),
        ({**NINE_MONTHS, "unit": "province:99", "format": "pdf"}, "unit"),
    ],
)
def test_bad_parameters_are_form_errors(client_for, officer_a, scenario, params, field):
    params = {k: v for k, v in params.items() if v is not None}
    response = client_for(officer_a).get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    form = response.context["form"]
    assert field in form.errors
    assert 'role="alert"' in response.content.decode()
    assert not Job.objects.exists()


def test_the_page_needs_a_login(client, scenario):
    response = client.get(URL, {**NINE_MONTHS, "format": "xlsx"})
    assert response.status_code == 302


def test_the_page_is_mounted_where_the_summary_links_to():
    from django.urls import reverse

    assert reverse("reports:summary-file") == URL
