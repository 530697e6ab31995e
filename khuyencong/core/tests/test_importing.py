"""The import framework: reading files, whole-file errors, row errors, all or nothing."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest
from django.utils import translation

from khuyencong.core.importing import (
    Column,
    FileRejected,
    Importer,
    ImportRejected,
    RowError,
    cell_text,
    file_kind,
    read_table,
)
from khuyencong.registry.models import Sector

COLUMNS = (
    Column("code", "Mã", required=True),
    Column("name", "Tên lĩnh vực", required=True, aliases=("Tên",)),
    Column("order", "Thứ tự", text=False),
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    if encoding != "cp1258":
        return text.encode(encoding)
    # Windows-1258 has letters with circumflex, breve and horn, and the tones as combining
    # marks: "ệ" is "ê" followed by a combining dot below.
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:
            letter = unicodedata.normalize("NFC", base + mark)
            if len(letter) == 1 and letter.encode("cp1258", errors="ignore"):
                base = letter
                marks.remove(mark)
                break
        out += (base + "".join(marks)).encode("cp1258")
    return out


def test_headers_match_ignoring_case_diacritics_and_marks():
    data = xlsx([["MÃ *", "ten linh vuc", "thu tu", "Ghi chú"], ["x1", "Một", 3, "bỏ qua"]])
    table = read_table(data, columns=COLUMNS, filename="a.xlsx")
    assert table.headers == {"code": "MÃ *", "name": "ten linh vuc", "order": "thu tu"}
    assert table.ignored == ["Ghi chú"]
    row = table.rows[0]
    assert (row.number, row["code"], row["name"], row["order"]) == (2, "x1", "Một", "3")
    assert row.is_number("order")
    assert table.column_label("name") == "ten linh vuc (B)"


def test_row_numbers_are_the_ones_excel_shows():
    data = xlsx([["Mã", "Tên"], ["a", "A"], [None, None], ["b", "B"]])
    table = read_table(data, columns=COLUMNS, filename="a.xlsx")
    assert [r.number for r in table.rows] == [2, 4]


def test_a_title_above_the_headers_is_skipped():
    data = xlsx([["DANH SÁCH LĨNH VỰC"], [None], ["Mã", "Tên"], ["a", "A"]])
    table = read_table(data, columns=COLUMNS, filename="a.xlsx")
    assert [(r.number, r["code"]) for r in table.rows] == [(4, "a")]


def test_numbers_read_as_the_text_typed():
    assert cell_text(12.0) == "12"
    assert cell_text(1.5) == "1.5"
    assert cell_text(None) == ""
    assert cell_text("  Xã\xa0Ea Kar ") == "Xã Ea Kar"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Mã,Tên\nđ,Thủ công mỹ nghệ\n", "utf-8"),
        ("\ufeffMã,Tên\nđ,Thủ công mỹ nghệ\n", "utf-8"),
        ("Mã;Tên\r\nđ;Thủ công mỹ nghệ\r\n", "utf-8"),
        ("Mã\tTên\nđ\tThủ công mỹ nghệ\n", "utf-16"),
        ("Mã,Tên\nđ,Thủ công mỹ nghệ\n", "cp1258"),
    ],
)
def test_csv_in_the_encodings_excel_writes(content, encoding):
    table = read_table(csv_bytes(content, encoding), columns=COLUMNS, filename="a.csv")
    assert table.rows[0].values == {"code": "đ", "name": "Thủ công mỹ nghệ"}


def test_an_unreadable_csv_says_how_to_save_it():
    with pytest.raises(FileRejected, match="CSV UTF-8"):
        read_table(b"M\x81,T\x8d\n1,2\n", columns=COLUMNS, filename="a.csv")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "The file is empty"),
        (b"\n\n ,\n", "a.csv", "The file is empty"),
        (b"Ma,Ten\n", "a.csv", "no rows to import"),
        (b"Ten\nx\n", "a.csv", "The required column “Mã” is missing"),
        (b"Foo\nx\n", "a.csv", "The required columns “Mã”, “Tên lĩnh vực” are missing"),
        ("Ma,Ten,Tên\n1,2,3\n".encode(), "a.csv", "are the same column"),
        (b"%PDF-1.4", "a.pdf", "upload an Excel file (.xlsx) or a CSV file"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 20, "a.xls", "save it as"),
        (b"PK\x03\x04garbage", "a.xlsx", "is damaged: it cannot be opened"),
        (b"not a zip at all", "a.xlsx", "its content is a text file"),
    ],
)
def test_whole_file_problems_are_named(data, name, message):
    with pytest.raises(FileRejected) as rejected:
        read_table(data, columns=COLUMNS, filename=name)
    assert message in rejected.value.message


def test_a_file_beyond_the_row_limit_is_refused():
    data = "Mã,Tên\n" + "".join(f"c{i},n{i}\n" for i in range(6))
    assert len(read_table(data.encode(), columns=COLUMNS, filename="a.csv", max_rows=6).rows) == 6
    with pytest.raises(FileRejected, match="more than 5 rows"):
        read_table(data.encode(), columns=COLUMNS, filename="a.csv", max_rows=5)


def test_an_xlsx_without_extension_is_recognised():
    assert file_kind("upload", xlsx([["Mã"]])) == "xlsx"


class SectorImporter(Importer):
    """A toy importer creating sectors, to test the framework against the database."""

    columns = COLUMNS

    def clean_row(self, row, errors):
        if len(row["code"]) > 8:
            errors.add(row, "code", "too long")
        if not row["name"]:
            errors.add(row, "name", "missing")
        if row["order"] and not row["order"].isdigit():
            errors.add(row, "order", "not a number")
            return None
        return Sector(code=row["code"], name=row["name"], ordering=int(row["order"] or 0))

    def check_rows(self, cleaned, errors):
        seen = {}
        for row, sector in cleaned:
            if seen.setdefault(sector.code, row.number) != row.number:
                errors.add(row, "code", f"same as row {seen[sector.code]}")

    def save(self, cleaned):
        Sector.objects.bulk_create([sector for _row, sector in cleaned])
        return {"created": len(cleaned)}


def test_an_import_saves_every_row_when_all_are_good(db):
    data = xlsx([["Mã", "Tên", "Thứ tự"], ["x1", "Một", 8], ["x2", "Hai", 9]])
    importer = SectorImporter()
    result = importer.run(importer.read(data, filename="s.xlsx"))
    assert result == {"created": 2}
    assert Sector.objects.filter(code__in=["x1", "x2"]).count() == 2


def test_one_bad_row_saves_nothing_and_every_error_is_listed(db):
    data = xlsx(
        [
            ["Tên", "Mã", "Thứ tự"],
            ["Một", "x1", 1],
            ["", "far-too-long-code", "z"],
            ["Ba", "x1", 3],
        ]
    )
    importer = SectorImporter()
    with pytest.raises(ImportRejected) as rejected:
        importer.run(importer.read(data, filename="s.xlsx"))
    assert rejected.value.errors == [
        RowError(3, "Tên (A)", "missing"),
        RowError(3, "Mã (B)", "too long"),
        RowError(3, "Thứ tự (C)", "not a number"),
        RowError(4, "Mã (B)", "same as row 2"),
    ]
    assert "4 errors; nothing was imported" in rejected.value.message
    assert rejected.value.errors_as_dicts()[0] == {
        "row": 3,
        "column": "Tên (A)",
        "message": "missing",
    }
    assert not Sector.objects.filter(code="x1").exists()


def test_a_save_that_fails_half_way_leaves_nothing(db):
    class Breaking(SectorImporter):
        def save(self, cleaned):
            super().save(cleaned)
            raise RuntimeError("disk full")

    data = xlsx([["Mã", "Tên"], ["x1", "Một"]])
    importer = Breaking()
    with pytest.raises(RuntimeError):
        importer.run(importer.read(data, filename="s.xlsx"))
    assert not Sector.objects.filter(code="x1").exists()


# The sheet reader ----------------------------------------------------------------------------


def _workbook_bytes(write_only: bool) -> bytes:
    import datetime

    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Dữ liệu") if write_only else workbook.active
    rich = CellRichText(["Cơ sở ", TextBlock(InlineFont(b=True), "Thành Đạt"), " số 1"])
    rows = [
        ["Mã", "Tên", "Thứ tự", "Ngày", "Đúng", "Số thực", None, "Xa"],
        ["0123", "Một", 3, datetime.date(2024, 5, 1), True, 1.5, None, "x"],
        [
            "  b ",
            rich,
            1e20,
            datetime.datetime(2024, 5, 1, 8, 30),  # noqa: DTZ001 - Excel has no time zones
            False,
            -2.25,
        ],
        [None, None, None],
        ["c", "=1+1", 0, None, None, 7.0, "", "Cuối"],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _without_references(data: bytes) -> bytes:
    """The same workbook with rows and cells that do not say where they are (r="…"), as
    some tools write them: openpyxl counts them."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb' r="[A-Z]*[0-9]+"', b"", content)
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_workbook_bytes(write_only=False), id="shared-strings"),
        pytest.param(_workbook_bytes(write_only=True), id="inline-strings"),
        pytest.param(_without_references(_workbook_bytes(write_only=False)), id="no-references"),
    ],
)
def test_the_sheet_reader_reads_every_cell_as_openpyxl_does(data):
    from khuyencong.core.importing import _xlsx_records

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    expected = []
    for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            expected.append((number, values))
    records = [(n, v) for n, v in _xlsx_records(data) if v]
    assert records == expected
    assert records[2][1][1] == "Cơ sở Thành Đạt số 1"  # the runs of a rich text, joined


def test_a_large_import_collects_garbage_less_often_and_restores_the_collector(db):
    import gc

    seen = []

    class Batched(SectorImporter):
        def clean_row(self, row, errors):
            seen.append(gc.get_threshold()[0])
            return super().clean_row(row, errors)

        def save_batch(self, cleaned):
            raise RuntimeError("disk full")

    before = gc.get_threshold()
    importer = Batched()
    with pytest.raises(RuntimeError):
        importer.run_batches(importer.read(xlsx([["Mã", "Tên"], ["x1", "Một"]]), filename="s.xlsx"))
    assert seen and min(seen) >= 50_000
    assert gc.get_threshold() == before
