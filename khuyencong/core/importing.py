"""A small import framework: read a spreadsheet, check every row, then save all or nothing.

DESIGN.md (Bad input, Long work): an import validates the whole file first and reports
every problem by row and column, as the user sees them in Excel (the header is row 1); only
a file without a single error is saved, in one transaction.

The pieces:

- ``Column``: one documented column of a file format (key, Vietnamese header, required,
  help text, example). Headers are matched ignoring case, diacritics and punctuation, so
  "Ma so thue", "MÃ SỐ THUẾ" and "Mã số thuế" are the same column.
- ``read_table``: reads an XLSX (first sheet) or a CSV file (UTF-8 with or without BOM,
  UTF-16 as Excel's "Unicode text", Windows-1258 as Vietnamese Excel's plain "CSV") into
  ``SourceRow``s keyed by column key. A problem with the whole file (empty, unknown type,
  corrupt, missing columns, too many rows) raises ``FileRejected``.
- ``Importer``: subclass it, declare ``columns`` and implement ``clean_row`` (one row →
  something to save, reporting ``RowError``s), ``check_rows`` (duplicates within the file and
  against the database) and ``save``. ``Importer.run`` raises ``ImportRejected`` with every
  error, or saves inside ``transaction.atomic`` and returns the result.
"""

from __future__ import annotations

import csv
import datetime
import gc
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import CharField, Field, Model, TextField
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number

from khuyencong.core import dataversions
from khuyencong.core.text import normalise_name
from khuyencong.core.uploads import (
    MAX_COLUMNS,
    MAX_SPREADSHEET_BYTES,
    FileRejected,
    check_spreadsheet,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Beyond this a file is refused before any row is checked: a larger list is a data migration
# for an administrator, not an upload.
DEFAULT_MAX_ROWS = 20_000
# Upload limit of import forms (bytes). 20,000 rows of an establishment file are ~3 MB.
MAX_UPLOAD_BYTES = MAX_SPREADSHEET_BYTES
# Errors kept in a job's result: enough to correct a file, small enough for the job page.
MAX_REPORTED_ERRORS = 1_000
ACCEPTED_EXTENSIONS = (".xlsx", ".csv")

_PARENS = re.compile(r"\([^)]*\)")
# Rows looked at for the header when a title sits above it.
_HEADER_SEARCH_ROWS = 10
# Blank rows tolerated between the data rows (Excel keeps formatted empty rows).
_BLANK_ROWS_ALLOWED = 5_000


@dataclass(frozen=True)
class Column:
    """One column of an import format, as documented in the template's notes sheet.

    ``header`` is the documented Vietnamese header: the file format is Vietnamese whatever
    the interface language, so a file travels between offices unchanged. ``help`` and
    ``accepted`` are shown to people and are translatable.
    """

    key: str
    header: str
    required: bool = False
    help: StrOrPromise = ""
    accepted: StrOrPromise = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    width: int = 18
    # Codes (tax codes, phone numbers, commune codes) stay text in the template, so Excel
    # keeps their leading zeros.
    text: bool = True

    def names(self) -> set[str]:
        """Every spelling of the header that selects this column, reduced by ``header_key``."""
        spellings = {self.header, self.key, _PARENS.sub(" ", self.header), *self.aliases}
        return {header_key(name) for name in spellings} - {""}


def header_key(text: Any) -> str:
    """A header reduced for matching: no case, diacritics, punctuation or required mark."""
    return normalise_name(cell_text(text).replace("*", " "))


@dataclass(frozen=True)
class RowError:
    """A problem in one cell. ``row`` is the spreadsheet row (header = 1), ``None`` for the
    file as a whole; ``column`` is the column's header as written in the file."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class SourceRow:
    """One data row: ``values`` are cell texts by column key ("" when empty); ``raw`` the
    cell values as read (numbers stay numbers, to tell a code Excel turned into a number)."""

    number: int
    values: dict[str, str]
    raw: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    def is_number(self, key: str) -> bool:
        value = self.raw.get(key)
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass
class Table:
    """The rows of a file and where each known column was found."""

    # A list (``read_table``) or, for ``stream_table``, a generator read once: ``close()``.
    rows: Iterable[SourceRow]
    headers: dict[str, str]  # column key -> header as written in the file
    letters: dict[str, str]  # column key -> spreadsheet column letter ("C")
    ignored: list[str]  # headers of the file that match no column (their cells are unused)
    filename: str = ""
    positions: dict[str, int] = field(default_factory=dict)  # column key -> index in the file
    estimated_rows: int = 0  # stream_table: rows expected, for progress (0: unknown)

    def close(self) -> None:
        """Stop reading a streamed file and release it (nothing to do for a list)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()

    def has(self, key: str) -> bool:
        return key in self.headers

    def column_label(self, key: str, columns: Sequence[Column] = ()) -> str:
        """'Mã số thuế (C)': the header the user wrote and the column letter they see."""
        header = self.headers.get(key)
        if header is None:  # a column the file does not have: its documented header
            return next((c.header for c in columns if c.key == key), key)
        letter = self.letters.get(key)
        return f"{header} ({letter})" if letter else header


class ImportRejected(Exception):
    """Some rows are wrong: nothing was saved. ``errors`` are sorted by row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors

    @property
    def message(self) -> str:
        count = len(self.errors)
        return ngettext(
            "The file has %(count)s error; nothing was imported. Correct it and upload the file again.",
            "The file has %(count)s errors; nothing was imported. Correct them and upload the file again.",
            count,
        ) % {"count": count}

    def errors_as_dicts(self) -> list[dict[str, Any]]:
        return [error.as_dict() for error in self.errors[:MAX_REPORTED_ERRORS]]


class ErrorCollector:
    """Collects row errors, naming columns as the user's file does."""

    def __init__(self, table: Table, columns: Sequence[Column]) -> None:
        self.table = table
        self.columns = columns
        # Errors of a row read left to right, as the user's file is laid out.
        spec = {c.key: len(table.positions) + i for i, c in enumerate(columns)}
        self._order = {**spec, **table.positions}
        self._errors: list[tuple[int, int, RowError]] = []

    def add(self, row: SourceRow | int | None, column: str, message: str) -> None:
        number = row.number if isinstance(row, SourceRow) else row
        label = self.table.column_label(column, self.columns)
        order = self._order.get(column, len(self._order))
        self._errors.append((number or 0, order, RowError(number, label, str(message))))

    def __len__(self) -> int:
        return len(self._errors)

    def sorted(self) -> list[RowError]:
        return [error for _n, _o, error in sorted(self._errors, key=lambda e: (e[0], e[1]))]


# Reading files -----------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell's value as the text the user typed (numbers without a trailing .0)."""
    if type(value) is str:  # most cells: ASCII text is already NFC and has no \xa0
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFC", value).replace("\xa0", " ").strip()
    if type(value) is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ")
    return text.strip()


def read_table(
    file: Any,
    *,
    columns: Sequence[Column],
    filename: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    header_transform: Callable[[str], str] | None = None,
    field: str | None = None,
) -> Table:
    """Read an XLSX or CSV file (a file object or bytes) into a ``Table``.

    Raises ``FileRejected`` with a message for the user when the file cannot be imported at
    all; rows with wrong values are the importer's business. The file first passes the upload
    guard (``core.uploads.check_spreadsheet``: size, real type, ZIP directory); ``field`` is
    the form field's label its refusals name. ``header_transform`` rewrites each header
    before it is matched (e.g. drops KoboToolbox's "group/" prefixes).
    """
    name = filename or getattr(file, "name", "") or ""
    if isinstance(file, bytes) and not file.strip():
        raise FileRejected(_("The file is empty."))
    kind, data = check_spreadsheet(file, filename=name, field=field)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    records = _xlsx_records(data) if kind == "xlsx" else _csv_records(data)
    try:
        return _table(
            records,
            columns=columns,
            filename=PurePath(name).name,
            max_rows=max_rows,
            header_transform=header_transform,
        )
    finally:
        records.close()  # an XLSX reader closes its workbook


def stream_table(
    file: Any,
    *,
    columns: Sequence[Column],
    filename: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    header_transform: Callable[[str], str] | None = None,
    field: str | None = None,
    limit: int = MAX_SPREADSHEET_BYTES,
) -> Table:
    """Like ``read_table``, but ``rows`` is an iterator read while it is consumed, so a file
    of 100,000 rows never sits in memory as rows. Close it (``table.rows.close()``) when done
    early; ``estimated_rows`` is the sheet's own count (for progress), 0 when unknown."""
    name = filename or getattr(file, "name", "") or ""
    if isinstance(file, bytes) and not file.strip():
        raise FileRejected(_("The file is empty."))
    kind, data = check_spreadsheet(file, filename=name, field=field, limit=limit)
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    records = _xlsx_records(data) if kind == "xlsx" else _csv_records(data)
    try:
        table, rest, header_number = _table_header(
            records,
            columns=columns,
            filename=PurePath(name).name,
            header_transform=header_transform,
        )
    except BaseException:
        records.close()
        raise
    table.rows = _closing(
        _table_rows(rest, table.positions, header_number=header_number, max_rows=max_rows),
        records,
    )
    table.estimated_rows = _estimate_rows(kind, data, header_number)
    return table


def _closing(
    rows: Iterator[SourceRow], records: Generator[Any, None, None]
) -> Generator[SourceRow, None, None]:
    try:
        yield from rows
    finally:
        records.close()  # an XLSX reader closes its workbook


def _estimate_rows(kind: str, data: bytes, header_number: int) -> int:
    """Rows after the header: the sheet's <dimension> for XLSX, the line count for CSV."""
    if kind == "csv":
        return max(0, data.count(b"\n") - header_number)
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            if not sheets:
                return 0
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(4096).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError):
        return 0
    match = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return max(0, int(match.group(1)) - header_number) if match else 0


def file_kind(name: str, data: bytes) -> str:
    """'xlsx' or 'csv'; ``FileRejected`` for anything else, with what to do about it."""
    return check_spreadsheet(data, filename=name)[0]


def _corrupt() -> FileRejected:
    return FileRejected(
        _(
            "The Excel file cannot be read: it is damaged or not really an .xlsx file. "
            "Open it in Excel, save it again as .xlsx and upload the new file."
        )
    )


def _too_many_columns() -> FileRejected:
    return FileRejected(
        _(
            "A row of the file has cells beyond column %(max)s. Delete the columns that are "
            "not part of the list and upload the file again."
        )
        % {"max": MAX_COLUMNS}
    )


class _SizelessSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not measure itself when opened: the import reads rows,
    never ``max_row``, and a sheet without a ``<dimension>`` (openpyxl's own write-only
    files: our templates and exports) would be parsed once more just to be measured."""

    def _get_size(self) -> None:
        pass


class _SheetsReader(ExcelReader):
    """openpyxl's read-only ``load_workbook`` with ``_SizelessSheet``s."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _SizelessSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


_TEXT_TAG = INLINE_STRING.replace("}is", "}t")
_RUN_TAG = INLINE_STRING.replace("}is", "}r")


class _CellParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, with each ``<row>`` turned straight into its list of
    values, and the common cells (shared or inline text, plain numbers) read directly: its
    generic path (a dict per cell, a ``Text`` object per inline string, a style lookup per
    number) was a fifth of a large import. Dates, booleans, errors and anything unusual
    still go through openpyxl's ``parse_cell``."""

    row_counter: int  # openpyxl's counters of the row and cell it is at
    col_counter: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._columns: dict[str, int] = {}  # "AB" -> 28

    def parse_row(self, row: Any) -> tuple[int, list[Any]]:
        """(row number, its values by column from A, ``None`` where a cell is empty); a
        cell beyond ``MAX_COLUMNS`` refuses the file. Rows are numbered as openpyxl does."""
        number = row.get("r")
        if number is None:
            self.row_counter += 1
        else:
            try:
                self.row_counter = int(number)
            except ValueError:  # openpyxl accepts "2.0"
                return super().parse_row(row)[0], self._values(row)
        return self.row_counter, self._values(row)

    def _values(self, row: Any) -> list[Any]:
        self.col_counter = 0
        values: list[Any] = []
        for element in row:
            column, value = self._cell(element)
            if value is None:
                continue
            if column > MAX_COLUMNS:
                raise _too_many_columns()
            if column > len(values):
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        return values

    def _cell(self, element: Any) -> tuple[int, Any]:
        data_type = element.get("t", "n")
        coordinate = element.get("r")
        if coordinate is None or data_type not in ("s", "inlineStr", "n"):
            cell = super().parse_cell(element)
            return cell["column"], cell["value"]
        if data_type == "n":
            style = element.get("s")
            if style and int(style) in self.date_formats:
                cell = super().parse_cell(element)
                return cell["column"], cell["value"]
        letters = coordinate.rstrip("0123456789")
        column = self._columns.get(letters) if len(letters) < len(coordinate) else None
        if column is None:
            column = coordinate_to_tuple(coordinate)[1]  # raises on a malformed reference
            self._columns[letters] = column
        self.col_counter = column
        value: Any
        if data_type == "inlineStr":
            inline = element.find(INLINE_STRING)
            if inline is None:
                return column, None
            # Text.content: the plain text and the text of each formatted run (children
            # walked here: ``iterfind`` goes through ElementPath's Python code every time).
            plain = inline.find(_TEXT_TAG)
            if plain is not None and len(inline) == 1:
                return column, plain.text or ""
            parts = [plain.text or ""] if plain is not None else []
            for run in inline:
                if run.tag == _RUN_TAG:
                    text = run.find(_TEXT_TAG)
                    if text is not None and text.text is not None:
                        parts.append(text.text)
            return column, "".join(parts)
        text = element.findtext(VALUE_TAG, None) or None
        if text is None:
            value = None
        elif data_type == "s":
            value = self.shared_strings[int(text)]
        else:
            value = _cast_number(text)
        return column, value


def _xlsx_records(data: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    try:
        with warnings.catch_warnings():
            # Files from other tools trigger harmless "no default style"-type warnings.
            warnings.simplefilter("ignore")
            reader = _SheetsReader(io.BytesIO(data), read_only=True, data_only=True)
            reader.read()
            workbook = reader.wb
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "cannot read"
        raise _corrupt() from exc

    def rows() -> Generator[tuple[int, list[Any]], None, None]:
        try:
            # openpyxl's own row iterator pads every row to its widest cell: one cell at
            # column XFD would make each row sixteen thousand values. Its streaming parser
            # gives the cells that are really there; rows are built and limited in
            # ``_CellParser.parse_row``.
            sheet = workbook.worksheets[0]
            with sheet._get_source() as source, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parser = _CellParser(
                    source,
                    sheet._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                yield from parser.parse()
        except FileRejected:
            raise
        except Exception as exc:  # a damaged sheet fails while it is read
            raise _corrupt() from exc
        finally:
            workbook.close()

    return rows()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        # Vietnamese Excel's plain "CSV" is Windows-1258; UTF-8 is tried first because
        # almost every byte sequence also decodes as 1258.
        encodings = ("utf-8-sig", "cp1258")
    for encoding in encodings:
        try:
            return unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise FileRejected(
        _(
            "The text of this CSV file cannot be read. Save it from Excel as "
            "“CSV UTF-8 (Comma delimited)” and upload it again."
        )
    )


def _csv_records(data: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    text = _decode(data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    # Excel writes ";" where the decimal separator is "," (a Vietnamese Windows), tabs for
    # "Unicode text"; pick the separator the header line uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        # Excel's row number is the record's position, even when a cell spans lines.
        for number, values in enumerate(reader, start=1):
            if len(values) > MAX_COLUMNS:
                if any(v.strip() for v in values[MAX_COLUMNS:]):
                    raise _too_many_columns()
                del values[MAX_COLUMNS:]
            yield number, values
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV file is malformed near row %(row)s: %(problem)s")
            % {"row": reader.line_num, "problem": exc}
        ) from exc


def _is_blank(values: Iterable[Any]) -> bool:
    return all(cell_text(v) == "" for v in values)


def _find_header(
    records: Iterator[tuple[int, list[Any]]],
    by_name: dict[str, Column],
    key_of: Callable[[Any], str] = header_key,
) -> tuple[int, list[Any], Iterator[tuple[int, list[Any]]]]:
    """The header row and the rows after it.

    Official lists often open with a title ("DANH SÁCH CƠ SỞ …") above the headers: the
    header is the first of the first few non-blank rows naming two known columns, else the
    first non-blank row (whose missing columns are then reported).
    """
    seen: list[tuple[int, list[Any]]] = []
    for number, values in records:
        if _is_blank(values):
            continue
        seen.append((number, values))
        known = {by_name[k].key for k in map(key_of, values) if k in by_name}
        if len(known) >= min(2, len({c.key for c in by_name.values()})):
            return number, values, records
        if len(seen) == _HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise FileRejected(_("The file is empty."))
    number, values = seen[0]
    return number, values, chain(seen[1:], records)


def _table_header(
    records: Iterator[tuple[int, list[Any]]],
    *,
    columns: Sequence[Column],
    filename: str,
    header_transform: Callable[[str], str] | None = None,
) -> tuple[Table, Iterator[tuple[int, list[Any]]], int]:
    """The header of a file: a ``Table`` without rows, the records after it, its row."""

    def key_of(value: Any) -> str:
        text = cell_text(value)
        return header_key(header_transform(text) if header_transform else text)

    by_name: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            by_name.setdefault(name, column)

    header_number, header, records = _find_header(records, by_name, key_of)

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    letters: dict[str, str] = {}
    ignored: list[str] = []
    for index, value in enumerate(header):
        text = cell_text(value)
        if not text:
            continue
        found = by_name.get(key_of(text))
        if found is None:
            ignored.append(text)
            continue
        if found.key in positions:
            raise FileRejected(
                _("The columns “%(first)s” and “%(second)s” are the same column: keep one.")
                % {"first": headers[found.key], "second": text}
            )
        positions[found.key] = index
        headers[found.key] = text
        letters[found.key] = get_column_letter(index + 1)

    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileRejected(
            ngettext(
                "The required column %(columns)s is missing. The first row must hold the "
                "column headers, as in the template.",
                "The required columns %(columns)s are missing. The first row must hold the "
                "column headers, as in the template.",
                len(missing),
            )
            % {"columns": ", ".join(f"“{h}”" for h in missing)}
        )

    return Table([], headers, letters, ignored, filename, positions), records, header_number


def _table_rows(
    records: Iterator[tuple[int, list[Any]]],
    positions: dict[str, int],
    *,
    header_number: int,
    max_rows: int,
) -> Iterator[SourceRow]:
    """The data rows after the header, one at a time; ``FileRejected`` past ``max_rows``
    (or a long run of blank rows) and when there is no row at all."""
    count = 0
    columns = list(positions.items())
    width = max(positions.values(), default=-1) + 1  # a row shorter than this is padded
    # Blank rows cost reading too: a sheet of a million empty rows is refused like a long one.
    last_row = header_number + max_rows + _BLANK_ROWS_ALLOWED
    for number, values in records:
        blank = _is_blank(values)
        if blank and number <= last_row:
            continue
        if count >= max_rows or number > last_row:
            raise FileRejected(
                _(
                    "The file has more than %(max)s rows. Split it into several files of at "
                    "most %(max)s rows each."
                )
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        if len(values) < width:
            values = [*values, *[None] * (width - len(values))]
        raw = {key: values[i] for key, i in columns}
        count += 1
        yield SourceRow(number, {key: cell_text(v) for key, v in raw.items()}, raw)
    if not count:
        raise FileRejected(
            _("The file has column headers but no rows to import (row %(row)s is the header).")
            % {"row": header_number}
        )


def _table(
    records: Iterator[tuple[int, list[Any]]],
    *,
    columns: Sequence[Column],
    filename: str,
    max_rows: int,
    header_transform: Callable[[str], str] | None = None,
) -> Table:
    table, rest, header_number = _table_header(
        records, columns=columns, filename=filename, header_transform=header_transform
    )
    table.rows = list(
        _table_rows(rest, table.positions, header_number=header_number, max_rows=max_rows)
    )
    return table


# Checking fields ---------------------------------------------------------------------------


class FieldChecker:
    """``Model.clean_fields`` for many new records of one model, with the same messages.

    ``full_clean`` was a third of a large import's time: every field of every row went
    through ``to_python``, ``validate`` and each validator. Here a text field whose only
    validators are the length and NUL checks Django adds is checked directly (the length,
    no NUL, one of the choices); any other field, and any value that does not pass the
    direct check, goes through the field's own ``clean``, so the errors are Django's. A
    whole number a field's ``clean`` once accepted unchanged is accepted again without it
    (years repeat; the checks of a number depend on nothing else).
    Like ``full_clean(exclude=…, validate_unique=False, validate_constraints=False)``:
    uniqueness is the importer's business (one query per batch).

    A record is its column values (attnames), as ``core.bulk.insert_with_history`` takes
    them: no model instance is built per row, and a field's ``clean`` gets none (Django's
    checks of the fields checked here use none).
    """

    def __init__(self, model: type[Model], *, exclude: Iterable[str] = ()) -> None:
        skip = set(exclude)
        # Per field: the field, its attname, whether a text is checked directly, its
        # maximum length and choices for that check, and what counts as empty when blank.
        self._fields: list[
            tuple[Field[Any, Any], str, bool, int | None, frozenset[Any] | None, tuple[Any, ...]]
        ] = []
        for model_field in model._meta.fields:
            if model_field.name in skip or model_field.generated:
                continue
            direct = isinstance(model_field, CharField | TextField) and all(
                isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
                for v in model_field.validators
            )
            choices = (
                frozenset(value for value, _label in model_field.flatchoices)
                if model_field.choices
                else None
            )
            empty = tuple(model_field.empty_values) if model_field.blank else ()
            self._fields.append(
                (model_field, model_field.attname, direct, model_field.max_length, choices, empty)
            )
        self._valid_numbers: set[tuple[str, int]] = set()

    def errors(self, values: dict[str, Any]) -> dict[str, list[str]]:
        """Field name -> messages (empty when every field is valid) for a new record given
        as column values; a field missing from ``values`` has its default. The cleaned
        values are set in ``values``."""
        found: dict[str, list[str]] = {}
        for model_field, attname, direct, max_length, choices, empty in self._fields:
            value = values[attname] if attname in values else model_field.get_default()
            if empty and value in empty:
                continue
            if direct:
                if (
                    isinstance(value, str)
                    and value
                    and (max_length is None or len(value) <= max_length)
                    and "\x00" not in value
                    and (choices is None or value in choices)
                ):
                    continue
            elif type(value) is int and (attname, value) in self._valid_numbers:
                continue
            try:
                cleaned = model_field.clean(value, None)
            except ValidationError as invalid:
                found[model_field.name] = [str(m) for e in invalid.error_list for m in e.messages]
                continue
            values[attname] = cleaned
            if type(value) is int and type(cleaned) is int and cleaned == value:
                self._valid_numbers.add((attname, value))
        return found


# Importing ---------------------------------------------------------------------------------


class Progress(Protocol):
    """What an import reports the rows it has read to (``core.jobs.JobProgress``)."""

    def advance(self, count: int = 1) -> None: ...


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Python's garbage collector run less often while a large file is imported: every
    batch keeps thousands of small dicts alive, and the collector walked them again after
    every 700 new objects (a fifth of the import's CPU). Cycles are still collected."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


class Importer:
    """Base of a file import. Subclasses declare ``columns`` and implement the three steps.

    ``run`` checks every row (``clean_row``), then the rows together (``check_rows``:
    duplicates within the file and against the database), and only when no error was found
    calls ``save`` inside one transaction: all rows or none.
    """

    columns: Sequence[Column] = ()
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = MAX_SPREADSHEET_BYTES  # the file size ``stream`` accepts

    def read(self, file: Any, *, filename: str | None = None, field: str | None = None) -> Table:
        table = read_table(
            file,
            columns=self.columns,
            filename=filename,
            max_rows=self.max_rows,
            header_transform=self.transform_header,
            field=field,
        )
        self.check_headers(table)
        return table

    def stream(self, file: Any, *, filename: str | None = None, field: str | None = None) -> Table:
        """``read`` for large files: the rows are read while ``run_batches`` consumes them."""
        table = stream_table(
            file,
            limit=self.max_bytes,
            columns=self.columns,
            filename=filename,
            max_rows=self.max_rows,
            header_transform=self.transform_header,
            field=field,
        )
        try:
            self.check_headers(table)
        except BaseException:
            table.close()
            raise
        return table

    def transform_header(self, header: str) -> str:
        """A file's header as matched against the columns (unchanged by default)."""
        return header

    def check_headers(self, table: Table) -> None:
        """Raise ``FileRejected`` when columns needed together are missing."""

    def clean_row(self, row: SourceRow, errors: ErrorCollector) -> Any:
        """Turn a row into what ``save`` needs; report problems with ``errors.add``."""
        raise NotImplementedError

    def check_rows(self, cleaned: list[tuple[SourceRow, Any]], errors: ErrorCollector) -> None:
        """Checks across rows (duplicates in the file and in the database)."""

    def save(self, cleaned: list[tuple[SourceRow, Any]]) -> dict[str, Any]:
        """Write every row (called inside ``transaction.atomic``); return the job result."""
        raise NotImplementedError

    # Large files: a batch at a time -------------------------------------------------------

    batch_size = 2_000

    def check_batch(
        self, cleaned: list[tuple[SourceRow, Any]], errors: ErrorCollector
    ) -> list[tuple[SourceRow, Any]]:
        """Checks across rows for one batch (against the batches before it too); returns the
        rows to save."""
        self.check_rows(cleaned, errors)
        return cleaned

    def save_batch(self, cleaned: list[tuple[SourceRow, Any]]) -> None:
        """Write one batch (inside the import's single transaction)."""
        raise NotImplementedError

    def finish(self) -> dict[str, Any]:
        """The job result once every batch is written."""
        raise NotImplementedError

    def run_batches(self, table: Table, *, progress: Progress | None = None) -> dict[str, Any]:
        """``run`` for large files: rows are read, checked and written ``batch_size`` at a
        time inside ONE transaction, so memory stays flat and the import is still all or
        nothing. After the first error nothing more is written, but every row is still
        checked, so the user gets every error (by row and column) at once."""
        errors = ErrorCollector(table, self.columns)
        rows = iter(table.rows)
        try:
            # The data versions raised once, at the end (dataversions.deferred).
            with transaction.atomic(), dataversions.deferred(), _rare_collections():
                while batch := list(islice(rows, self.batch_size)):
                    cleaned: list[tuple[SourceRow, Any]] = []
                    for row in batch:
                        before = len(errors)
                        item = self.clean_row(row, errors)
                        if len(errors) == before and item is not None:
                            cleaned.append((row, item))
                    keep = self.check_batch(cleaned, errors)
                    if not len(errors):
                        self.save_batch(keep)
                    if progress is not None:
                        progress.advance(len(batch))
                if len(errors):
                    raise ImportRejected(errors.sorted())
                return self.finish()
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    def run(self, table: Table, *, progress: Progress | None = None) -> dict[str, Any]:
        errors = ErrorCollector(table, self.columns)
        cleaned: list[tuple[SourceRow, Any]] = []
        for row in table.rows:
            before = len(errors)
            item = self.clean_row(row, errors)
            if len(errors) == before and item is not None:
                cleaned.append((row, item))
            if progress is not None:
                progress.advance()
        self.check_rows(cleaned, errors)
        if len(errors):
            raise ImportRejected(errors.sorted())
        with transaction.atomic(), dataversions.deferred():
            return self.save(cleaned)
