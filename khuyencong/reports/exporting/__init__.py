"""The period summary as a file in the shape of an official report (XLSX, DOCX, PDF).

Every format shows the same thing, taken from ``summary.build``: the title ("BÁO CÁO KẾT QUẢ
CÔNG TÁC KHUYẾN CÔNG"), the place and the period as documents name them, the Vietnamese
paragraph, then the table of indicators — STT, Chỉ tiêu, Đơn vị, Thực hiện, Kế hoạch năm,
% kế hoạch, Cùng kỳ năm trước, % thay đổi, Nguồn số liệu — and the notes of the figures that
could not be answered exactly.

A report file is a Vietnamese document whatever the interface language (like the period
labels and the paragraph): the summary is built under Vietnamese and the words of the file
are Vietnamese. Money is written in whole đồng ("42.700.000.000"), counts with thousands
dots, percentages with one decimal comma ("81,3%"); the spreadsheet keeps real numbers.

``build_file(resolved, period, fmt)`` gives a ``ReportFile`` (bytes, name, content type);
``file_response`` a download. National and regional files from the pages are produced by
the job ``reports.summary_file`` (``exporting.jobs``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from khuyencong.core.exporting import XLSX_CONTENT_TYPE
from khuyencong.core.formats import format_number
from khuyencong.reports import summary
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}
FORMATS = tuple(CONTENT_TYPES)

TITLE = "BÁO CÁO KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
HEADERS = (
    "STT",
    "Chỉ tiêu",
    "Đơn vị",
    "Thực hiện",
    "Kế hoạch năm",
    "% kế hoạch",
    "Cùng kỳ năm trước",
    "% thay đổi",
    "Nguồn số liệu",
)
SOURCE_WORDS = {
    "records": "Hồ sơ trên hệ thống",
    "aggregates": "Số liệu tổng hợp",
    "mixed": "Hồ sơ và số liệu tổng hợp",
    "none": "Chưa đủ số liệu",
}
# The unit of each count as a Vietnamese table writes it ("Đơn vị tính").
COUNT_WORDS = {
    "projects.": "đề án",
    "establishments.": "cơ sở",
    "fairs.participations": "lượt cơ sở",
    "fairs.establishments": "cơ sở",
    "showrooms.": "phòng trưng bày",
    "brands.": "nhãn hiệu",
    "consulting.contracts": "hợp đồng",
    "workshops.count": "hội nghị",
    "workshops.attendees": "lượt người",
    "awards.": "sản phẩm",
    "communications.": "tin, bài",
    "needs.count": "nhu cầu",
    "collaborator_reports.": "báo cáo",
    "collaborators.": "người",
    "trainees.": "người",
}
UNIT_WORDS = {"VND": "đồng", "percent": "%", "people": "người", "count": "số lượng"}
EXPLANATION = (
    "Kế hoạch năm: kế hoạch của năm chứa kỳ báo cáo. Cùng kỳ năm trước: cùng kỳ một năm "
    "trước; với kinh phí theo kế hoạch là kế hoạch của năm trước. Số tiền tính bằng đồng."
)
NO_VALUE = "–"
# A change that does not compare like with like (``comparable`` false) is marked in the
# table and explained under it.
NOT_COMPARABLE_MARK = "(*)"
NOT_COMPARABLE_WORDS = "không so sánh được"
KIND_SLUGS = {
    "nation": "ca-nuoc",
    "region": "khu-vuc",
    "province": "tinh",
    "legacy-province": "tinh-cu",
    "commune": "xa",
}

Progress = Callable[[], None]


def unit_word(row: dict[str, Any]) -> str:
    if row["unit"] == "count":
        for prefix, word in COUNT_WORDS.items():
            if row["code"].startswith(prefix):
                return word
    return UNIT_WORDS.get(row["unit"], row["unit"])


def number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """Vietnamese digits: 42700000000 → "42.700.000.000"; 81.3 → "81,3"; None → "–"."""
    if value is None:
        return NO_VALUE
    with translation.override("vi"):
        return format_number(value, decimals=decimals)


def percent(value: float | None, *, signed: bool = False) -> str:
    """81.3 → "81,3%"; with ``signed`` 20.0 → "+20%"."""
    if value is None:
        return NO_VALUE
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{number(value, 1)}%"


def amount(value: int | float | None, unit: str) -> str:
    """A value of the table as text: a percentage with its sign, else a whole number."""
    if value is None:
        return NO_VALUE
    if unit == "percent":
        return percent(value)
    return number(value)


@dataclass(frozen=True)
class Row:
    """One line of the table: the summary row, its number ("1", "1.2") and depth."""

    number: str
    depth: int
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def unit(self) -> str:
        return unit_word(self.data)

    @property
    def source(self) -> str:
        return SOURCE_WORDS.get(self.data["source"], self.data["source"])

    @property
    def not_comparable(self) -> bool:
        """A change is given but rests on different sources or coverage."""
        return not_comparable(self.data)

    def change_text(self) -> str:
        text = percent(self.data["change_percent"], signed=True)
        return f"{text} {NOT_COMPARABLE_MARK}" if self.not_comparable else text

    def texts(self) -> list[str]:
        """The nine cells as the document prints them."""
        d = self.data
        return [
            self.number,
            self.name,
            self.unit,
            amount(d["value"], d["unit"]),
            amount(d["plan"], d["unit"]),
            percent(d["percent_of_plan"]),
            amount(d["previous"], d["unit"]),
            self.change_text(),
            self.source,
        ]


def table_rows(report: dict[str, Any]) -> list[Row]:
    """Numbered rows: an indicator whose code extends the previous top-level code
    (``funding.planned.national`` after ``funding.planned``) is its part, numbered "1.1"."""
    rows: list[Row] = []
    top = 0
    sub = 0
    parent = None
    for data in report["indicators"]:
        code = data["code"]
        if parent is not None and code.startswith(parent + "."):
            sub += 1
            rows.append(Row(f"{top}.{sub}", 1, data))
            continue
        top += 1
        sub = 0
        parent = code
        rows.append(Row(str(top), 0, data))
    return rows


def not_comparable(row: dict[str, Any]) -> bool:
    return row.get("comparable") is False and row.get("change_percent") is not None


def comparable_note(row: dict[str, Any]) -> str:
    """ "(*) Không so sánh được: kỳ này dựa trên …" for a change marked in the table."""
    if not not_comparable(row):
        return ""
    reason = row.get("comparable_note") or f"{NOT_COMPARABLE_WORDS.capitalize()}."
    return f"{NOT_COMPARABLE_MARK} {reason}"


def notes(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(indicator name, note) of the figures that carry a note (why a value is missing) and
    of the changes that are not comparable (why, after the table's mark)."""
    found = []
    for row in report["indicators"]:
        text = " ".join(t for t in (row.get("note") or "", comparable_note(row)) if t)
        if text:
            found.append((row["name"], text))
    return found


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def period_line(report: dict[str, Any]) -> str:
    """ "Kỳ báo cáo: 9 tháng đầu năm 2026 (từ 01/01/2026 đến 30/09/2026)"."""
    start = datetime.date.fromisoformat(report["start"])
    end = datetime.date.fromisoformat(report["end"])
    return f"Kỳ báo cáo: {report['period_label']} (từ {start:%d/%m/%Y} đến {end:%d/%m/%Y})"


def heading(report: dict[str, Any]) -> str:
    """The second title line: the place and the period, "Tỉnh Đắk Lắk – 9 tháng đầu năm 2026"."""
    return f"{capitalised(report['unit_label'])} – {report['period_label']}"


def made_on() -> str:
    return f"Lập ngày {timezone.localdate():%d/%m/%Y} từ hệ thống quản lý khuyến công."


def build_report(resolved: ResolvedUnit, period: Period) -> dict[str, Any]:
    """The summary with Vietnamese names and notes, whatever the interface language."""
    with translation.override("vi"):
        return summary.build(resolved, period)


def filename(report: dict[str, Any], fmt: str) -> str:
    """``bao-cao-khuyen-cong-tinh-66-2026-01-01-2026-09-30.xlsx``."""
    kind, _sep, code = report["unit"].partition(":")
    place = KIND_SLUGS.get(kind, kind)
    if code:
        place = f"{place}-{code.lower()}"
    return f"bao-cao-khuyen-cong-{place}-{report['start']}-{report['end']}.{fmt}"


def render(report: dict[str, Any], fmt: str, progress: Progress | None = None) -> bytes:
    """The file's bytes; ``progress`` is called once per table row written."""
    with translation.override("vi"):
        if fmt == "xlsx":
            from khuyencong.reports.exporting.xlsx import render_xlsx

            return render_xlsx(report, progress)
        if fmt == "docx":
            from khuyencong.reports.exporting.docx import render_docx

            return render_docx(report, progress)
        if fmt == "pdf":
            from khuyencong.reports.exporting.pdf import render_pdf

            return render_pdf(report, progress)
    raise ValueError(f"Unknown report file format {fmt!r}")


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    content_type: str


def report_file(report: dict[str, Any], fmt: str, progress: Progress | None = None) -> ReportFile:
    return ReportFile(render(report, fmt, progress), filename(report, fmt), CONTENT_TYPES[fmt])


def build_file(resolved: ResolvedUnit, period: Period, fmt: str) -> ReportFile:
    """Build the summary of ``resolved`` over ``period`` and render it as ``fmt``."""
    return report_file(build_report(resolved, period), fmt)


def file_response(file: ReportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename) or ""
    return response
