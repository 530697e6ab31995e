"""The exporter base: XLSX with typed cells and a readable layout, CSV without formulas."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl

from khuyencong.core.exporting import (
    MONEY_FORMAT,
    XLSX_CONTENT_TYPE,
    ExportColumn,
    Exporter,
    neutralise,
    workbook_bytes,
)


class Sample(Exporter):
    name = "mau"
    sheet_title = "Mẫu"
    columns = (
        ExportColumn("Tên"),
        ExportColumn("Kinh phí (đồng)", number_format=MONEY_FORMAT),
        ExportColumn("Ngày"),
        ExportColumn("Ghi chú", width=40),
    )

    def rows(self):
        yield ("Cơ sở Thành Đạt", 75_430_000_000, datetime.date(2025, 7, 1), "=SUM(A1:A9)")
        yield ("+84 912 345 678", -1500, None, "@cmd")
        yield ("-giảm", 0, datetime.datetime(2025, 7, 1, 1, 30, tzinfo=datetime.UTC), "\tx")


def test_xlsx_has_a_bold_frozen_header_and_typed_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(Sample().render("xlsx"))).active
    assert sheet.title == "Mẫu"
    assert [c.value for c in sheet[1]] == ["Tên", "Kinh phí (đồng)", "Ngày", "Ghi chú"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    money = sheet["B2"]
    assert money.value == 75_430_000_000
    assert money.number_format == MONEY_FORMAT
    assert sheet["B3"].value == -1500  # a negative number stays a number
    assert sheet["C2"].value.date() == datetime.date(2025, 7, 1)
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    moment = sheet["C4"].value  # 01:30 UTC is 08:30 in Vietnam
    assert (moment.date(), moment.hour, moment.minute) == (datetime.date(2025, 7, 1), 8, 30)
    assert sheet["C3"].value is None
    assert sheet.column_dimensions["D"].width == 40
    assert 8 <= sheet.column_dimensions["A"].width <= 60


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    sheet = openpyxl.load_workbook(io.BytesIO(Sample().render("xlsx"))).active
    assert sheet["D2"].value == "=SUM(A1:A9)"
    assert sheet["D2"].data_type == "s"


def test_csv_neutralises_formulas_but_not_numbers():
    text = Sample().render("csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Tên", "Kinh phí (đồng)", "Ngày", "Ghi chú"]
    assert rows[1] == ["Cơ sở Thành Đạt", "75430000000", "01/07/2025", "'=SUM(A1:A9)"]
    assert rows[2] == ["'+84 912 345 678", "-1500", "", "'@cmd"]
    assert rows[3][0] == "'-giảm"
    assert rows[3][2] == "01/07/2025 08:30"
    assert rows[3][3] == "'\tx"


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Hộ kinh doanh") == "Hộ kinh doanh"
    assert neutralise("=1+1") == "'=1+1"


def test_the_file_name_carries_the_date():
    assert Sample().filename("xlsx", today=datetime.date(2025, 7, 1)) == "mau-2025-07-01.xlsx"


def test_a_response_is_a_download():
    response = Sample().response("xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="mau-')
    csv_response = Sample().response("csv")
    assert csv_response["Content-Type"].startswith("text/csv")


def test_xlsx_formula_text_is_marked_as_text_for_excel_and_numbers_stay_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(Sample().render("xlsx"))).active
    for ref in ("D2", "A3", "D3", "A4", "D4"):  # = + @ - tab
        assert sheet[ref].data_type == "s", ref
        assert sheet[ref].quotePrefix, ref  # Excel's own "typed with an apostrophe" flag
    assert sheet["A3"].value == "+84 912 345 678"  # the exact text, no apostrophe inside
    assert not sheet["A2"].quotePrefix
    assert sheet["B3"].data_type == "n"


def test_every_openpyxl_writer_saves_formula_text_inert():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(['=HYPERLINK("http://evil.example","Bấm vào")', -15, "-15", 3.5, "Thường"])
    reread = openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    link, number, text, decimal, plain = reread[1]
    assert (link.data_type, link.quotePrefix) == ("s", True)
    assert link.value == '=HYPERLINK("http://evil.example","Bấm vào")'
    assert (number.value, number.data_type) == (-15, "n")
    assert (text.value, text.data_type, text.quotePrefix) == ("-15", "s", True)
    assert (decimal.value, decimal.data_type) == (3.5, "n")
    assert not plain.quotePrefix
