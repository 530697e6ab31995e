"""The funding form (kinh phí khuyến công): for every activity content and sub-type of the
catalogue (``programmes.ActivityCategory`` / ``ActivitySubtype``: ``01``, ``01-NGHE``…) the
money spent in the period by source — national (KCQG), local (KCĐP), their total, the
counterpart money beside — and the plan of the year(s): budget lines of approved projects.

A project's money counts in its content's row and, when it names one, its sub-type's row.
The total row is the catalogue's ``funding.disbursed.*`` and ``funding.planned.*``, so it is
answered by aggregate values for the days before a province's records start; the content
rows have no aggregate values and are then left empty with a note (``forms.common``).
"""

from __future__ import annotations

from khuyencong.programmes.models import ActivityCategory, ActivitySubtype
from khuyencong.reports import figures
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm, Value
from khuyencong.reports.forms.common import compute_transient, form_notes, new_form, transient
from khuyencong.reports.forms.records import FUNDING
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

CODE = "funding"
TITLE = "KINH PHÍ KHUYẾN CÔNG"

# The order of the columns is the form's (data): renderers iterate it.
COLUMNS = [
    FormColumn("planned_national", "KCQG", "money", "Kế hoạch"),
    FormColumn("planned_local", "KCĐP", "money", "Kế hoạch"),
    FormColumn("national", "KCQG", "money", "Kinh phí đã giải ngân"),
    FormColumn("local", "KCĐP", "money", "Kinh phí đã giải ngân"),
    FormColumn("total", "Tổng số", "money", "Kinh phí đã giải ngân"),
    FormColumn("counterpart", "Vốn đối ứng của cơ sở", "money", ""),
]
# column → (spent or planned, source)
SOURCES = {
    "national": ("spent", "national"),
    "local": ("spent", "local"),
    "counterpart": ("spent", "counterpart"),
    "planned_national": ("planned", "national"),
    "planned_local": ("planned", "local"),
}
# The total row: the catalogue's own indicators (aggregate values answer them too).
TOTAL_CODES = {
    "national": "funding.disbursed.national",
    "local": "funding.disbursed.local",
    "counterpart": "funding.disbursed.counterpart",
    "planned_national": "funding.planned.national",
    "planned_local": "funding.planned.local",
}


def _code(row: str, column: str) -> str:
    kind, source = SOURCES[column]
    return f"{FUNDING}{kind}.{row}.{source}"


def catalogue_rows() -> list[tuple[str, str, str, int]]:
    """(no, code, label, level) of every content and sub-type in use, in order (2 queries)."""
    rows = []
    subtypes: dict[str, list[ActivitySubtype]] = {}
    for subtype in ActivitySubtype.objects.filter(active=True).order_by("ordering", "code"):
        subtypes.setdefault(subtype.category_id, []).append(subtype)
    categories = ActivityCategory.objects.filter(active=True).order_by("ordering", "code")
    for number, category in enumerate(categories, start=1):
        rows.append((str(number), category.code, category.name, 1))
        for sub, subtype in enumerate(subtypes.get(category.code, []), start=1):
            rows.append((f"{number}.{sub}", subtype.code, subtype.name, 2))
    return rows


def _with_total(values: dict[str, int | None]) -> dict[str, Value]:
    national, local = values.get("national"), values.get("local")
    values["total"] = None if national is None or local is None else national + local
    return {column.key: values.get(column.key) for column in COLUMNS}


def build(resolved: ResolvedUnit, period: Period) -> OfficialForm:
    catalogue = figures.Catalogue.load()
    defined = catalogue_rows()
    made = [
        transient(
            _code(code, column),
            f"{label} – {column}",
            "VND",
            by_plan_year=SOURCES[column][0] == "planned",
        )
        for _no, code, label, _level in defined
        for column in SOURCES
    ]
    totals = [catalogue.indicators[code] for code in TOTAL_CODES.values()]
    found = compute_transient(resolved, period, [*made, *totals], catalogue)
    rows = []
    notes: list[tuple[str, str]] = []
    for no, code, label, level in defined:
        values: dict[str, int | None] = {}
        for column in SOURCES:
            figure = found[_code(code, column)]
            values[column] = figure.value  # type: ignore[assignment]  # money figures are whole đồng
            if figure.note:
                notes.append((no, figure.note))
        rows.append(FormRow(no, code, label, "", _with_total(values), level=level))
    total_values: dict[str, int | None] = {}
    for column, code in TOTAL_CODES.items():
        figure = found[code]
        total_values[column] = figure.value  # type: ignore[assignment]  # money figures are whole đồng
        if figure.note:
            notes.append(("", figure.note))
    rows.append(FormRow("", "total", "Tổng cộng", "", _with_total(total_values), level=0))
    form = new_form(CODE, TITLE, resolved, period, list(COLUMNS), rows)
    form.notes = form_notes(notes, rows=sum(1 for r in rows if r.no))
    form.completeness = figures.combined_completeness(found.values())
    return form
