"""The awards form (kết quả bình chọn sản phẩm công nghiệp nông thôn tiêu biểu): products
registered (entries of the rounds closing in the period) and certified (certificates issued
in the period), by level of the round and product group, with a line per level and the
total. Pre-2025 district rounds are shown for periods that begin before 1 July 2025.

The rows read the award records (``awards.indicators.entries_by_level_and_group``); they have
no aggregate values, so days before a province's records start leave them empty with a note.
"""

from __future__ import annotations

import datetime

from khuyencong.reports import figures
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.forms.common import compute_transient, form_notes, new_form, transient
from khuyencong.reports.forms.records import AWARDS
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

CODE = "awards"
TITLE = "KẾT QUẢ BÌNH CHỌN SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU"
COLUMNS = [
    FormColumn("registered", "Số sản phẩm đăng ký", "count"),
    FormColumn("certified", "Số sản phẩm được công nhận", "count"),
]
LEVELS = (
    ("district", "Cấp huyện (trước năm 2025)"),
    ("province", "Cấp tỉnh"),
    ("region", "Cấp khu vực"),
    ("national", "Cấp quốc gia"),
)
GROUPS = (
    ("handicraft", "Thủ công mỹ nghệ"),
    ("food", "Chế biến nông, lâm, thủy sản và thực phẩm"),
    ("mechanical", "Máy móc, thiết bị, dụng cụ, phụ tùng cơ khí"),
    ("other", "Sản phẩm khác"),
)
DISTRICTS_ENDED = datetime.date(2025, 7, 1)
ROMAN = ("I", "II", "III", "IV")


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def build(resolved: ResolvedUnit, period: Period) -> OfficialForm:
    levels = [lv for lv in LEVELS if lv[0] != "district" or period.start < DISTRICTS_ENDED]
    made = [
        transient(f"{AWARDS}{key}.{level}.{group}", f"{level} {group} {key}", "count")
        for level, _l in levels
        for group, _g in GROUPS
        for key in ("registered", "certified")
    ]
    found = compute_transient(resolved, period, made)
    rows: list[FormRow] = []
    notes: list[tuple[str, str]] = []
    totals: dict[str, list[int | None]] = {"registered": [], "certified": []}
    for index, (level, level_label) in enumerate(levels):
        group_rows = []
        sums: dict[str, list[int | None]] = {"registered": [], "certified": []}
        for number, (group, group_label) in enumerate(GROUPS, start=1):
            values: dict[str, int | float | str | None] = {}
            for key in ("registered", "certified"):
                figure = found[f"{AWARDS}{key}.{level}.{group}"]
                value = figure.value if figure.value is None else int(figure.value)
                values[key] = value
                sums[key].append(value)
                if figure.note:
                    notes.append((ROMAN[index], figure.note))
            group_rows.append(
                FormRow(str(number), f"{level}.{group}", group_label, "sản phẩm", values, 2)
            )
        level_values = {key: _sum(sums[key]) for key in sums}
        for key in totals:
            totals[key].append(level_values[key])
        rows.append(FormRow(ROMAN[index], level, level_label, "sản phẩm", dict(level_values), 1))
        rows.extend(group_rows)
    rows.append(
        FormRow("", "total", "Tổng cộng", "sản phẩm", {k: _sum(v) for k, v in totals.items()}, 0)
    )
    form = new_form(CODE, TITLE, resolved, period, list(COLUMNS), rows)
    form.notes = form_notes(notes, rows=sum(1 for r in rows if r.no))
    form.completeness = figures.combined_completeness(found.values())
    return form
