"""The official report forms as administrative documents (Decree 30/2020/NĐ-CP, Appendix I):
XLSX, DOCX and PDF of one built ``OfficialForm``.

Every file has, in this order: top left the superior body and the issuing agency (bold,
a short line under it) and the number and symbol ("Số: 15/BC-SCT", the number left blank
for the clerk when none is given); top right the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM", "Độc lập - Tự do - Hạnh phúc" underlined) and the place and date in italics
("Đắk Lắk, ngày 05 tháng 12 năm 2026"); the title ("BÁO CÁO", the form's name and period,
the place it covers); the money unit; the table with the form's columns in the form's
order (KCQG, KCĐP, total…), figures with Vietnamese separators; the completeness and the
notes; "Nơi nhận:" bottom left and the signature block bottom right. A funding form also
has a chart of the money spent beside the plan, by activity content.

The renderers only read the form object (DESIGN.md) and the agency (``reports.agency``),
never the builders: ``Document`` gathers what every format prints, so the three files
cannot disagree.

``form_file(form, fmt, number=…, issued_on=…)`` → ``FormFile(content, content_type,
filename)`` (a tuple: ``content, content_type, filename = form_file(…)``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError
from khuyencong.core.formats import format_number
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.models import IssuingAgency
from khuyencong.reports.periods import MAX_YEAR, MIN_YEAR
from khuyencong.reports.units import place_names

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}
FORMATS = tuple(CONTENT_TYPES)

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_KIND = "BÁO CÁO"
SIGNATURE_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"
RECIPIENTS = "Nơi nhận:"
MONEY_DIVISORS = {"triệu đồng": 1_000_000, "tỷ đồng": 1_000_000_000, "đồng": 1}
NO_VALUE = "–"
MAX_NUMBER = 10**7  # a document number is a few digits (the clerk's register)
# Columns at most for a portrait page; wider tables are printed on landscape pages.
PORTRAIT_COLUMNS = 4
_WRITTEN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
SLUGS = {
    "results": "ket-qua-cong-tac-khuyen-cong",
    "funding": "kinh-phi-khuyen-cong",
    "awards": "binh-chon-san-pham-cnnt-tieu-bieu",
    "projects": "danh-muc-de-an-khuyen-cong",
}
KIND_SLUGS = {
    "nation": "ca-nuoc",
    "region": "khu-vuc",
    "province": "tinh",
    "legacy-province": "tinh-cu",
    "commune": "xa",
}


class DocumentError(DomainError):
    """A file that cannot be made as asked (API: 400 naming the parameter)."""


class FormFile(NamedTuple):
    content: bytes
    content_type: str
    filename: str

    def response(self) -> HttpResponse:
        """The file as a download."""
        answer = HttpResponse(self.content, content_type=self.content_type)
        answer["Content-Disposition"] = content_disposition_header(True, self.filename) or ""
        return answer


# --- figures as the document prints them ------------------------------------------------------


def row_kind(row: FormRow, column: FormColumn) -> str:
    """What a cell holds: the row's kind where the row says so (a money row among counts)."""
    if column.kind == "text":
        return "text"
    return row.kind or column.kind


def money_divisor(form: OfficialForm) -> int:
    return MONEY_DIVISORS.get(form.money_unit, 1)


def cell_number(
    form: OfficialForm, row: FormRow, column: FormColumn
) -> int | float | Decimal | None:
    """The figure of a cell as the document states it (money in the form's unit, unrounded),
    or None for an empty or a text cell."""
    value = row.values.get(column.key)
    if value is None or value == "" or isinstance(value, str):
        return None
    kind = row_kind(row, column)
    if kind == "money":
        divisor = money_divisor(form)
        return value if divisor == 1 else Decimal(value) / divisor
    return value


def cell_text(form: OfficialForm, row: FormRow, column: FormColumn) -> str:
    """A figure as the table prints it: money in the form's unit with Vietnamese digits
    (one decimal in millions when not whole), counts whole, percentages with one decimal,
    text as is, "–" when unknown."""
    value = row.values.get(column.key)
    if value is None or value == "":
        return NO_VALUE if column.kind != "text" else ""
    kind = row_kind(row, column)
    if kind == "text" or isinstance(value, str):
        return str(value)
    with translation.override("vi"):
        if kind == "money":
            amount = (Decimal(value) / money_divisor(form)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            decimals = 0 if amount == amount.to_integral_value() else 1
            return format_number(amount, decimals=decimals)
        if kind == "percent":
            return f"{format_number(value, decimals=1)}%"
        return format_number(value)


def unit_text(form: OfficialForm, row: FormRow) -> str:
    """The row's "Đơn vị tính"."""
    return form.money_unit if row.kind == "money" else row.unit_label


def date_line(place: str, day: datetime.date) -> str:
    """ "Đắk Lắk, ngày 05 tháng 12 năm 2026": a day below 10 and the months 1 and 2 take a
    leading zero (Decree 30/2020/NĐ-CP, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(symbol: str, number: int | None) -> str:
    """ "Số: 15/BC-SCT"; without a number, room for the clerk: "Số:        /BC-SCT"."""
    shown = str(number) if number is not None else "\u00a0" * 8
    return f"Số: {shown}/{symbol}"


def sentence(title: str) -> str:
    """ "KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG" → "Kết quả công tác khuyến công"."""
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderCell:
    label: str
    columns: int = 1  # columns spanned
    rows: int = 1  # header rows spanned


@dataclass(frozen=True)
class Bar:
    label: str
    spent: int | None
    planned: int | None


@dataclass
class Document:
    """What every format prints, read from the form and the agency."""

    form: OfficialForm
    superior: str
    agency: str
    number: str  # "Số: 15/BC-SCT"
    date: str  # "Đắk Lắk, ngày 05 tháng 12 năm 2026"
    title: str  # "Kết quả công tác khuyến công năm 2026"
    coverage: str  # "Tỉnh Đắk Lắk, từ 01/01/2026 đến 31/12/2026"
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    with_units: bool  # whether the table has a "Đơn vị tính" column
    landscape: bool
    money_line: str  # "Đơn vị tính: triệu đồng" ("" without money columns)
    completeness: str = ""
    chart_title: str = ""
    bars: list[Bar] = field(default_factory=list)

    @property
    def columns(self) -> list[FormColumn]:
        return self.form.columns

    @property
    def rows(self) -> list[FormRow]:
        return self.form.rows

    @property
    def notes(self) -> list[str]:
        return list(self.form.notes)

    @property
    def grouped(self) -> bool:
        return any(column.group for column in self.form.columns)

    def header_rows(self) -> list[list[HeaderCell]]:
        """One header row, or two when columns are grouped ("Kinh phí đã giải ngân" over
        KCQG, KCĐP, total): the first row holds each group once and every ungrouped heading
        spanning both rows, the second the grouped columns' own headings."""
        fixed = ["STT", "Nội dung"] + (["Đơn vị tính"] if self.with_units else [])
        if not self.grouped:
            return [[HeaderCell(label) for label in fixed + [c.label for c in self.columns]]]
        first = [HeaderCell(label, rows=2) for label in fixed]
        second: list[HeaderCell] = []
        index = 0
        columns = self.columns
        while index < len(columns):
            column = columns[index]
            if not column.group:
                first.append(HeaderCell(column.label, rows=2))
                index += 1
                continue
            span = 1
            while index + span < len(columns) and columns[index + span].group == column.group:
                span += 1
            first.append(HeaderCell(column.group, columns=span))
            second.extend(HeaderCell(c.label) for c in columns[index : index + span])
            index += span
        return [first, second]

    def body(self) -> list[list[str]]:
        """The table's rows as text, the fixed columns first."""
        lines = []
        for row in self.rows:
            fixed = [row.no, row.label] + ([unit_text(self.form, row)] if self.with_units else [])
            lines.append(fixed + [cell_text(self.form, row, c) for c in self.columns])
        return lines

    @property
    def fixed_columns(self) -> int:
        return 3 if self.with_units else 2

    @property
    def signer_lines(self) -> list[str]:
        """The signature block's title lines, in capitals ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")."""
        return [line.upper() for line in (self.signer_authority, self.signer_title) if line]

    @property
    def document_title(self) -> str:
        return f"{DOCUMENT_KIND} {self.title} – {self.coverage}"


def completeness_line(form: OfficialForm) -> str:
    found = form.completeness
    if found is None or found.expected == 0:
        return ""
    line = f"Số địa phương đã có số liệu: {found.reported}/{found.expected}."
    if found.missing:
        # Places by their names, never their codes ("Phú Yên (trước 2025)").
        names = found.missing_labels
        if len(names) != len(found.missing):
            names = place_names(found.missing)
        line += f" Chưa có số liệu: {', '.join(names)}."
    return line


def funding_bars(form: OfficialForm) -> list[Bar]:
    """Money spent (KCQG + KCĐP) beside the plan, per activity content (the rows of level
    1); a content with neither is left out."""
    if form.code != "funding":
        return []

    def both(row: FormRow, first: str, second: str) -> int | None:
        a, b = row.values.get(first), row.values.get(second)
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return None
        return int(a + b)

    bars = []
    for row in form.rows:
        if row.level != 1:
            continue
        spent = both(row, "national", "local")
        planned = both(row, "planned_national", "planned_local")
        if spent or planned:
            bars.append(Bar(f"{row.no}. {row.label}", spent, planned))
    return bars


def document(
    form: OfficialForm,
    agency: IssuingAgency,
    *,
    number: int | None = None,
    issued_on: datetime.date | None = None,
) -> Document:
    day = issued_on or timezone.localdate()
    with_units = any(row.unit_label or row.kind == "money" for row in form.rows)
    money = any(column.kind == "money" for column in form.columns)
    bars = funding_bars(form)
    return Document(
        form=form,
        superior=agency.superior.upper(),
        agency=agency.name.upper(),
        number=number_line(agency.symbol, number),
        date=date_line(agency.place, day),
        title=f"{sentence(form.title)} {form.period_label}",
        coverage=(
            f"{capitalised(form.unit_label)}, từ {form.start:%d/%m/%Y} đến {form.end:%d/%m/%Y}"
        ),
        signer_authority=agency.signer_authority,
        signer_title=agency.signer_title,
        signer_name=agency.signer_name,
        recipients=agency.recipient_lines,
        with_units=with_units,
        landscape=len(form.columns) > PORTRAIT_COLUMNS,
        money_line=f"Đơn vị tính: {form.money_unit}" if money else "",
        completeness=completeness_line(form),
        chart_title=(
            f"Kinh phí khuyến công đã giải ngân và kế hoạch theo nội dung, {form.period_label}"
            if bars
            else ""
        ),
        bars=bars,
    )


def filename(form: OfficialForm, fmt: str, number: int | None = None) -> str:
    """``ket-qua-cong-tac-khuyen-cong-tinh-66-2026-01-01-2026-12-31.docx`` (the number
    first when given: ``15-ket-qua-…``)."""
    kind, _sep, code = form.unit.partition(":")
    place = KIND_SLUGS.get(kind, kind)
    if code:
        place = f"{place}-{code.lower()}"
    stem = f"{SLUGS.get(form.code, form.code)}-{place}-{form.start}-{form.end}"
    return f"{number}-{stem}.{fmt}" if number is not None else f"{stem}.{fmt}"


def check_number(number: int | None) -> None:
    if number is not None and not 1 <= number < MAX_NUMBER:
        raise DocumentError(
            _("Enter the document number as a whole number from 1 to %(max)s.")
            % {"max": MAX_NUMBER - 1},
            field="number",
        )


def _issued_on(text: str) -> datetime.date:
    """ "05/12/2026" (as people write it) or "2026-12-05" (ISO, the API's)."""
    written = _WRITTEN_DATE.fullmatch(text)
    try:
        if written:
            day, month, year = (int(part) for part in written.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise DocumentError(
            _("Enter the date of the document as dd/mm/yyyy or yyyy-mm-dd."), field="issued_on"
        ) from exc


def file_options(
    params: Mapping[str, Any], *, number_key: str = "number"
) -> tuple[int | None, datetime.date | None]:
    """The document number (``number_key``: the page's ``number`` is the period's) and
    ``issued_on`` date of query parameters (both optional), or ``DocumentError`` naming the
    one at fault."""
    number_text = str(params.get(number_key) or "").strip()
    number = None
    if number_text:
        number = int(number_text) if number_text.isdigit() else 0
        try:
            check_number(number)
        except DocumentError as error:
            error.field = number_key
            raise
    date_text = str(params.get("issued_on") or "").strip()
    issued_on = _issued_on(date_text) if date_text else None
    if issued_on is not None and not MIN_YEAR <= issued_on.year <= MAX_YEAR:
        raise DocumentError(
            _("Enter a year from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field="issued_on",
        )
    return number, issued_on


def form_file(
    form: OfficialForm,
    fmt: str,
    *,
    number: int | None = None,
    issued_on: datetime.date | None = None,
    agency: IssuingAgency | None = None,
) -> FormFile:
    """The form as an administrative document in ``fmt`` (xlsx, docx or pdf), issued by
    ``agency`` (by default the agency of the form's unit, ``reports.agency``) with the
    document ``number`` (blank when None) on ``issued_on`` (today when None)."""
    if fmt not in CONTENT_TYPES:
        raise DocumentError(_("Choose xlsx, docx or pdf."), field="format")
    check_number(number)
    if issued_on is not None and issued_on < form.start:
        raise DocumentError(
            _("A report cannot be dated before its period begins (%(start)s).")
            % {"start": f"{form.start:%d/%m/%Y}"},
            field="issued_on",
        )
    if agency is None:
        from khuyencong.reports.agency import agency_for_unit

        agency = agency_for_unit(form.unit)
    made = document(form, agency, number=number, issued_on=issued_on)
    if fmt == "xlsx":
        from khuyencong.reports.documents.xlsx import render_xlsx

        content = render_xlsx(made)
    elif fmt == "docx":
        from khuyencong.reports.documents.docx import render_docx

        content = render_docx(made)
    else:
        from khuyencong.reports.documents.pdf import render_pdf

        content = render_pdf(made)
    return FormFile(content, CONTENT_TYPES[fmt], filename(form, fmt, number))
