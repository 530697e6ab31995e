"""The official forms as administrative documents (``reports.documents``): each file opened
back — openpyxl, python-docx, the PDF's text — shows the motto, the agency, the number, the
date line, the signer and the form's own figures; LibreOffice opens the DOCX and the XLSX."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from khuyencong.reports.documents import (
    MOTTO,
    MOTTO_LINE,
    DocumentError,
    cell_text,
    date_line,
    form_file,
    number_line,
)
from khuyencong.reports.forms.base import Completeness, FormRow, OfficialForm
from khuyencong.reports.forms.funding import COLUMNS as FUNDING_COLUMNS
from khuyencong.reports.forms.results import COLUMNS as RESULTS_COLUMNS
from khuyencong.reports.models import IssuingAgency

M = 1_000_000
DAY = datetime.date(2026, 12, 5)


def funding_form() -> OfficialForm:
    def values(pn, pl, n, loc, cp):
        total = None if n is None or loc is None else n + loc
        return {
            "planned_national": pn,
            "planned_local": pl,
            "national": n,
            "local": loc,
            "total": total,
            "counterpart": cp,
        }

    return OfficialForm(
        code="funding",
        title="KINH PHÍ KHUYẾN CÔNG",
        unit="province:66",
        unit_label="tỉnh Đắk Lắk",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        period_label="năm 2026",
        columns=list(FUNDING_COLUMNS),
        rows=[
            FormRow("1", "01", "Đào tạo nghề", "", values(1200 * M, 800 * M, 900 * M, 650 * M, 300 * M), 1),
            FormRow("1.1", "01-NGHE", "Đào tạo nghề mới", "", values(700 * M, 500 * M, 600 * M, 450 * M, 0), 2),
            FormRow("2", "02", "Mô hình trình diễn", "", values(2500 * M, 1000 * M, 2100 * M, 750_500_000, 1_234_567_891), 1),
            FormRow("3", "03", "Máy móc thiết bị", "", values(None, None, None, None, None), 1),
            FormRow("", "total", "Tổng cộng", "", values(3700 * M, 1800 * M, 3000 * M, 1_400_500_000, 1_534_567_891), 0),
        ],
        completeness=Completeness(2, 3, ["Phú Yên (trước 2025)"]),
        notes=["Dòng 3: chưa có số liệu của những ngày trước khi hồ sơ đầy đủ."],
    )  # fmt: skip


def results_form() -> OfficialForm:
    return OfficialForm(
        code="results",
        title="KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG",
        unit="province:66",
        unit_label="tỉnh Đắk Lắk",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        period_label="6 tháng đầu năm 2026",
        columns=list(RESULTS_COLUMNS),
        rows=[
            FormRow("1", "training.vocational", "Số người được đào tạo nghề", "người",
                    {"national": 60, "local": 30, "total": 90}, 1),
            FormRow("1.1", "training.vocational.employed", "Trong đó có việc làm", "người",
                    {"national": 1234, "local": 30000, "total": 31234}, 2),
            FormRow("2", "models.demonstration.investment", "Vốn thu hút vào mô hình", "",
                    {"national": 900 * M, "local": 1_234_567, "total": 901_234_567}, 1,
                    kind="money"),
        ],
    )  # fmt: skip


def agency() -> IssuingAgency:
    return IssuingAgency(
        superior="UBND TỈNH ĐẮK LẮK",
        name="Sở Công Thương",
        symbol="BC-SCT",
        place="Đắk Lắk",
        signer_authority="KT. Giám đốc",
        signer_title="Phó Giám đốc",
        signer_name="Nguyễn Văn Toàn",
        recipients="- Bộ Công Thương (để báo cáo);\n- UBND tỉnh (để báo cáo);\n- Lưu: VT, TTKC.",
    )


def made(form: OfficialForm, fmt: str, **options):
    options.setdefault("number", 15)
    options.setdefault("issued_on", DAY)
    return form_file(form, fmt, agency=agency(), **options)


def docx_texts(content: bytes) -> list[str]:
    """Every paragraph's text, those of tables (the header, the signature block) too."""
    document = open_docx(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- what every document prints ----------------------------------------------------------------


def test_the_date_line_follows_decree_30():
    assert date_line("Hà Nội", datetime.date(2026, 12, 5)) == "Hà Nội, ngày 05 tháng 12 năm 2026"
    assert date_line("Đắk Lắk", datetime.date(2026, 2, 28)) == "Đắk Lắk, ngày 28 tháng 02 năm 2026"
    assert date_line("Đắk Lắk", datetime.date(2026, 3, 9)) == "Đắk Lắk, ngày 09 tháng 3 năm 2026"
    assert number_line("BC-SCT", 15) == "Số: 15/BC-SCT"
    assert number_line("BC-SCT", None).startswith("Số: \u00a0") and "/BC-SCT" in number_line(
        "BC-SCT", None
    )


def test_figures_print_with_vietnamese_separators_in_the_forms_money_unit():
    form = funding_form()
    local = next(c for c in form.columns if c.key == "local")
    assert cell_text(form, form.rows[2], local) == "750,5"
    assert cell_text(form, form.rows[4], local) == "1.400,5"
    assert cell_text(form, form.rows[0], local) == "650"
    assert cell_text(form, form.rows[3], local) == "–"
    results = results_form()
    national = results.columns[0]
    assert cell_text(results, results.rows[1], results.columns[1]) == "30.000"
    assert cell_text(results, results.rows[2], national) == "900"


def test_bad_format_or_number_is_refused_naming_the_parameter():
    with pytest.raises(DocumentError) as error:
        form_file(results_form(), "odt", agency=agency())
    assert error.value.field == "format"
    for number in (0, -3, 10**7):
        with pytest.raises(DocumentError) as error:
            form_file(results_form(), "pdf", number=number, agency=agency())
        assert error.value.field == "number"


# --- XLSX ----------------------------------------------------------------------------------------


def test_the_workbook_is_print_ready_with_the_header_and_real_numbers():
    file = made(funding_form(), "xlsx")
    assert file.filename == "15-kinh-phi-khuyen-cong-tinh-66-2026-01-01-2026-12-31.xlsx"
    assert file.content_type.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(file.content))
    sheet = workbook["Báo cáo"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert cells[MOTTO].font.bold and cells[MOTTO].font.name == "Times New Roman"
    assert cells[MOTTO_LINE].font.underline == "single"
    assert "SỞ CÔNG THƯƠNG" in cells and "UBND TỈNH ĐẮK LẮK" in cells
    assert "Số: 15/BC-SCT" in cells
    assert "Đắk Lắk, ngày 05 tháng 12 năm 2026" in cells
    assert cells["Đắk Lắk, ngày 05 tháng 12 năm 2026"].font.italic
    assert "Kinh phí khuyến công năm 2026" in cells and "BÁO CÁO" in cells
    assert "Nguyễn Văn Toàn" in cells and "KT. GIÁM ĐỐC" in cells
    assert "- Lưu: VT, TTKC." in cells  # a dash is text, not a formula
    # The motto is in merged cells above the table, to the right of the agency.
    motto = cells[MOTTO]
    assert any(motto.coordinate in merged for merged in sheet.merged_cells.ranges)
    assert motto.column > cells["SỞ CÔNG THƯƠNG"].column
    # The table: the columns in the form's order, numbers stored as numbers in millions.
    header = cells["Kinh phí đã giải ngân"].row
    labels = [c.value for c in sheet[header + 1]]
    assert labels[2:7] == ["KCQG", "KCĐP", "KCQG", "KCĐP", "Tổng số"]
    total = next(r for r in sheet.iter_rows() if r[1].value == "Tổng cộng")
    figures = [c.value for c in total[2:8]]
    assert figures == [3700, 1800, 3000, 1400.5, 4400.5, pytest.approx(1534.567891)]
    assert total[5].number_format == "#,##0.0" and total[2].number_format == "#,##0"
    missing = next(r for r in sheet.iter_rows() if r[0].value == "3")
    assert missing[4].value == "–"
    # Printing: A4 landscape, fitted to the width, the header rows on every page.
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9": A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header + 1}"
    assert round(sheet.page_margins.left * 25.4) == 30
    assert round(sheet.page_margins.right * 25.4) == 15
    # The funding form's chart: a native bar chart of spent and planned by content.
    chart_sheet = workbook["Biểu đồ"]
    assert len(chart_sheet._charts) == 1
    assert [r[1].value for r in chart_sheet.iter_rows(min_row=4)] == [1550, 2850.5]


def test_a_results_workbook_keeps_counts_whole_and_money_rows_in_millions():
    sheet = load_workbook(io.BytesIO(made(results_form(), "xlsx").content))["Báo cáo"]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value in ("1", "1.1", "2")}
    assert [c.value for c in rows["1.1"][3:6]] == [1234, 30000, 31234]
    assert rows["1.1"][2].value == "người"
    assert rows["2"][2].value == "triệu đồng"
    assert rows["2"][3].value == 900 and rows["2"][4].value == pytest.approx(1.234567)
    assert rows["2"][4].number_format == "#,##0.0"
    assert "Biểu đồ" not in load_workbook(io.BytesIO(made(results_form(), "xlsx").content))


# --- DOCX ----------------------------------------------------------------------------------------


def test_the_word_document_has_the_decree_30_layout_and_the_forms_figures():
    file = made(funding_form(), "docx")
    assert file.filename.endswith(".docx")
    texts = docx_texts(file.content)
    for expected in (
        MOTTO,
        MOTTO_LINE,
        "UBND TỈNH ĐẮK LẮK",
        "SỞ CÔNG THƯƠNG",
        "Số: 15/BC-SCT",
        "Đắk Lắk, ngày 05 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kinh phí khuyến công năm 2026",
        "Nơi nhận:",
        "- Lưu: VT, TTKC.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        "Nguyễn Văn Toàn",
        "Đơn vị tính: triệu đồng",
        "Số địa phương đã có số liệu: 2/3. Chưa có số liệu: Phú Yên (trước 2025).",
    ):
        assert expected in texts, expected
    document = open_docx(io.BytesIO(file.content))
    # Runs: the motto line bold and underlined, the date in italics, the signer bold.
    runs = {r.text: r for p in _all_paragraphs(document) for r in p.runs}
    assert runs[MOTTO_LINE].bold and runs[MOTTO_LINE].underline
    assert runs["Đắk Lắk, ngày 05 tháng 12 năm 2026"].italic
    assert runs["Nguyễn Văn Toàn"].bold and runs["SỞ CÔNG THƯƠNG"].bold
    assert runs["(Ký, ghi rõ họ tên, đóng dấu)"].italic
    assert document.styles["Normal"].font.name == "Times New Roman"
    # The page: A4 landscape (a wide table), margins 20/20/30/15 mm.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    # The table: two header rows repeated on every page, then the form's figures.
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    for header in table.rows[:2]:
        assert header._tr.trPr.xpath("./w:tblHeader")
    assert [c.text for c in table.rows[1].cells][2:7] == ["KCQG", "KCĐP", "KCQG", "KCĐP", "Tổng số"]
    body = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[2:]}
    assert body["Tổng cộng"][2:8] == ["3.700", "1.800", "3.000", "1.400,5", "4.400,5", "1.534,6"]
    assert body["Mô hình trình diễn"][4:7] == ["2.100", "750,5", "2.850,5"]
    assert body["Máy móc thiết bị"][2:] == ["–"] * 6
    # The chart of the funding form is a picture.
    assert len(document.inline_shapes) == 1
    assert round(document.inline_shapes[0].width.mm) <= 170


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_a_narrow_form_is_portrait_and_its_kcqg_kcdp_total_cells_equal_the_form():
    form = results_form()
    document = open_docx(io.BytesIO(made(form, "docx", number=None).content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    by_code = {row.cells[0].text: row.cells for row in table.rows[2:]}
    for row in form.rows:
        cells = by_code[row.no]
        for offset, column in enumerate(form.columns):
            assert cells[3 + offset].text == cell_text(form, row, column)
    assert [c.text for c in by_code["1.1"]][3:] == ["1.234", "30.000", "31.234"]
    assert by_code["2"][2].text == "triệu đồng"
    texts = docx_texts(made(form, "docx", number=None).content)
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SCT" in texts
    assert len(document.inline_shapes) == 0  # no chart for the results form


# --- PDF -----------------------------------------------------------------------------------------


def test_the_pdf_shows_the_motto_agency_number_figures_and_signer_in_a_serif_font():
    file = made(funding_form(), "pdf")
    assert file.content.startswith(b"%PDF") and file.content_type == "application/pdf"
    text = pdf_text(file.content)
    for expected in (
        MOTTO,
        MOTTO_LINE,
        "SỞ CÔNG THƯƠNG",
        "Số: 15/BC-SCT",
        "Đắk Lắk, ngày 05 tháng 12 năm 2026",
        "Kinh phí khuyến công năm 2026",
        "Nơi nhận:",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Toàn",
        "1.400,5",
        "4.400,5",
    ):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(file.content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in reader.pages
        for font in (p["/Resources"].get("/Font") or {}).values()
    }
    assert any("Serif" in name or "Tinos" in name or "Times" in name for name in fonts), fonts
    assert reader.pages[-1]["/Resources"].get("/XObject") or reader.pages[0]["/Resources"].get(
        "/XObject"
    )  # the chart image


def test_a_narrow_pdf_is_a4_portrait():
    reader = PdfReader(io.BytesIO(made(results_form(), "pdf").content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "31.234" in pdf_text(made(results_form(), "pdf").content)


# --- LibreOffice opens the files ----------------------------------------------------------------


def test_libreoffice_opens_the_docx_and_the_xlsx(tmp_path):
    soffice = shutil.which("soffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        if os.environ.get("KC_REQUIRE_BROWSER") == "1":
            pytest.fail("soffice or pdftotext is missing: see APT_PACKAGES in .ci/run")
        pytest.skip("soffice or pdftotext is missing (libreoffice-writer-nogui, poppler-utils)")
    names = []
    for stem, fmt in (("word", "docx"), ("calc", "xlsx")):
        path = tmp_path / f"{stem}.{fmt}"
        path.write_bytes(made(funding_form(), fmt).content)
        names.append(str(path))
    out = tmp_path / "out"
    subprocess.run(  # noqa: S603 - a fixed program and our own files
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *names,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for stem in ("word", "calc"):
        converted = out / f"{stem}.pdf"
        assert converted.exists(), f"LibreOffice did not convert {stem}"
        # poppler reads LibreOffice's Vietnamese text back whole (pypdf splits its marks).
        text = subprocess.run(  # noqa: S603
            [pdftotext, str(converted), "-"], check=True, capture_output=True, text=True
        ).stdout
        for expected in (MOTTO, MOTTO_LINE, "SỞ CÔNG THƯƠNG", "Số: 15/BC-SCT", "Nguyễn Văn Toàn"):
            assert expected in text, (stem, expected)


# --- the agency printed by default ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_without_an_agency_object_prints_the_units_agency(province_a):
    form = results_form()
    text = pdf_text(form_file(form, "pdf", issued_on=DAY).content)
    assert "UBND TỈNH ĐẮK LẮK" in text and "SỞ CÔNG THƯƠNG" in text
    assert "Đắk Lắk, ngày 05 tháng 12 năm 2026" in text and "GIÁM ĐỐC" in text
