"""Property test of the establishment import (docs/security.md, No 5xx): whatever the cells of
a file hold — text of any script, control characters, numbers Excel stores as floats, huge
numbers, dates, booleans — the import either creates rows or refuses with errors, each naming
its spreadsheet row and a column of the file. It never raises anything else (an import job
that dies with a traceback)."""

from __future__ import annotations

import datetime
import io
import string

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from khuyencong.core.importing import ImportRejected
from khuyencong.core.uploads import FileRejected
from khuyencong.registry.importing import COLUMNS, EstablishmentImporter

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
PROPERTY = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a column might plausibly hold, mixed with anything at all.
PLAUSIBLE = st.sampled_from(
    [
        "", "Cơ sở A", "Hộ kinh doanh", "HTX", "24100", "26700", "66", "Đắk Lắk", "Ea Kar",
        "a", "đ", "d) Cơ khí", "0100109106", "066085001234", "2012", "2025", "0", "-1",
        "1.250.000", "1,5", "1e400", "99999999999999999999999", "²", "١٢٣", "０１２",
        "đang hoạt động", "ngừng hoạt động", "a@b.vn", "=HYPERLINK(\"x\")", "None", "null",
    ]
)  # fmt: skip
TEXT = st.one_of(PLAUSIBLE, st.text(max_size=40))
NUMBER = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)
XLSX_CELL = st.one_of(
    st.none(),
    PLAUSIBLE,
    # openpyxl refuses control characters in a cell: a real file cannot hold them either.
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=40),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    lines = [",".join(HEADERS)] + [",".join(cell(value) for value in row) for row in rows]
    return "\r\n".join(lines).encode("utf-8", errors="surrogatepass")


def _import_and_roll_back(actor, data: bytes, filename: str) -> None:
    importer = EstablishmentImporter(actor=actor)
    with transaction.atomic():
        try:
            table = importer.read(data, filename=filename)
            result = importer.run(table)
        except FileRejected as refusal:
            assert str(refusal.message)
            return
        except ImportRejected as rejected:
            assert rejected.errors
            for error in rejected.errors:
                assert isinstance(error.row, int) and error.row >= 2, error
                # The column as the user's file names it ("Mã số thuế (C)").
                assert any(error.column.startswith(header) for header in HEADERS), error
                assert error.message
            return
        finally:
            transaction.set_rollback(True)
    assert result["created"] >= 1


@pytest.fixture
def places(commune_a1, commune_b1):
    return commune_a1, commune_b1


@PROPERTY
@given(
    st.lists(
        st.lists(XLSX_CELL, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=3
    )
)
@example(
    [
        [
            "Cơ sở A",
            "HTX",
            None,
            None,
            None,
            None,
            None,
            None,
            24100,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "a",
            2012.0,
            None,
            None,
            2024,
            1e300,
            None,
            None,
            None,
        ]
    ]
)
@example(
    [
        [
            "Cơ sở A",
            "HTX",
            None,
            None,
            None,
            None,
            None,
            None,
            "24100",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "a",
            "²",
            None,
            None,
            "2024",
            "²",
            None,
            None,
            None,
        ]
    ]
)
@example(
    [
        [
            "Cơ sở A",
            "HTX",
            None,
            None,
            None,
            None,
            None,
            None,
            "24100",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "a",
            None,
            None,
            None,
            "2024",
            None,
            "9" * 30,
            None,
            None,
        ]
    ]
)
def test_any_xlsx_cells_give_rows_or_errors_by_row_and_column(officer_a, places, rows):  # fmt: skip
    _import_and_roll_back(officer_a, _xlsx(rows), "co-so.xlsx")


@PROPERTY
@given(
    st.lists(st.lists(TEXT, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=3)
)
@example(
    [
        [
            "Cơ sở \x00A",
            "HTX",
            "",
            "",
            "",
            "",
            "",
            "",
            "24100",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "a",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
)
@example(
    [
        [
            "Cơ sở A",
            "HTX",
            "",
            "",
            "",
            "",
            "",
            "",
            "24100",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "a",
            "0000",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
)
def test_any_csv_cells_give_rows_or_errors_by_row_and_column(officer_a, places, rows):  # fmt: skip
    _import_and_roll_back(officer_a, _csv(rows), "co-so.csv")


@PROPERTY
@given(st.lists(st.sampled_from(string.printable), max_size=200).map("".join))
def test_any_bytes_as_a_csv_are_rows_errors_or_a_refused_file(officer_a, places, text):
    _import_and_roll_back(officer_a, (",".join(HEADERS) + "\n" + text).encode(), "co-so.csv")
