"""Consolidation of the provinces' submitted reports (issue 7, "Consolidation").

A region or the nation for a period lists each province with its latest version, or "not
submitted", and adds the latest snapshots' figures by the indicator's counting
(``Indicator.counting``): ``sum``, ``distinct`` (each establishment lies in one province)
and ``level`` (the state at the period's end) add over provinces; a ``ratio`` (a
percentage) is never added: it is recomputed from its parts when both are in the snapshots
(``RATIO_PARTS``), else left None with a note. A total is None, with a note naming the
provinces, when a submitted report lacks that figure. Three queries for the submissions and
the catalogue, whatever the number of provinces.

``consolidate_forms`` adds the **accepted** reports of a region or the nation into its
official forms, as they were frozen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.reports import summary
from khuyencong.reports.forms import FORMS
from khuyencong.reports.forms.base import Completeness, FormRow, OfficialForm
from khuyencong.reports.models import Indicator, ReportSubmission
from khuyencong.reports.periods import Period
from khuyencong.reports.submissions import (
    LATE,
    due_date,
    kind_of,
    named,
    rounded,
    rows_by_code,
    timeliness,
)
from khuyencong.reports.units import (
    PROVINCE,
    ResolvedUnit,
    Unit,
)

# A percentage recomputed from its parts when both are figures of the snapshots:
# ratio code → (numerator code, denominator code). The catalogue does not (yet) hold the
# numbers of employed trainees or of needs met, so today these shares stay None with a note.
RATIO_PARTS: dict[str, tuple[str, str]] = {
    "trainees.employed_percent": ("trainees.employed", "trainees.count"),
    "needs.met_percent": ("needs.met", "needs.count"),
}


# --- consolidation ----------------------------------------------------------------------------


@dataclass
class ProvinceStatus:
    code: str
    name: str
    status: str
    submission: ReportSubmission | None = None
    first_submitted_at: datetime.datetime | None = None


def latest_submissions(provinces: list[str], period: Period) -> QuerySet[ReportSubmission]:
    """The latest version of each province's submission for exactly this period, with the
    time of its first version: one query."""
    same = ReportSubmission.objects.filter(
        province=OuterRef("province"), start=OuterRef("start"), end=OuterRef("end")
    )
    return (
        ReportSubmission.objects.filter(province__in=provinces, start=period.start, end=period.end)
        .exclude(Exists(same.filter(version__gt=OuterRef("version"))))
        .annotate(first_submitted_at=Subquery(same.filter(version=1).values("submitted_at")[:1]))
        .select_related("submitted_by")
        .order_by("province_id")
    )


def consolidate(
    resolved: ResolvedUnit, period: Period, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The consolidation of a region or the nation for a period (the API's shape):
    ``provinces`` (each with its status and latest version), ``not_submitted``, ``late``
    and ``indicators`` (the totals of the latest snapshots)."""
    today = today or timezone.localdate()
    kind = kind_of(period)
    due = due_date(period, kind)
    latest = {s.province_id: s for s in latest_submissions(resolved.provinces, period)}
    statuses = []
    for code in resolved.provinces:
        submission = latest.get(code)
        first = getattr(submission, "first_submitted_at", None) if submission else None
        statuses.append(
            ProvinceStatus(
                code=code,
                name=resolved.label_of(Unit(PROVINCE, code)),
                status=timeliness(first, due, today),
                submission=submission,
                first_submitted_at=first,
            )
        )
    # A returned report waits for the province's next version: it is not added.
    submitted = [
        s
        for s in statuses
        if s.submission is not None and s.submission.status != ReportSubmission.Status.RETURNED
    ]
    start, end = period.iso
    return {
        "unit": str(resolved.unit),
        "unit_label": resolved.label,
        "start": start,
        "end": end,
        "period_label": period.label,
        "kind": kind,
        "due": due,
        "provinces": [_status_row(s) for s in statuses],
        "submitted": len([s for s in statuses if s.submission is not None]),
        "accepted": len(
            [
                s
                for s in statuses
                if s.submission is not None
                and s.submission.status == ReportSubmission.Status.ACCEPTED
            ]
        ),
        "not_submitted": [
            {"province": s.code, "name": s.name, "status": s.status}
            for s in statuses
            if s.submission is None
        ],
        "late": [
            {"province": s.code, "name": s.name, "first_submitted_at": s.first_submitted_at}
            for s in statuses
            if s.status == LATE
        ],
        "indicators": totals(
            [(s.name, s.submission.snapshot) for s in submitted if s.submission is not None],
            {i.code: i for i in Indicator.objects.all()},
        ),
    }


def _status_row(status: ProvinceStatus) -> dict[str, Any]:
    submission = status.submission
    return {
        "province": status.code,
        "name": status.name,
        "status": status.status,
        "submission": None
        if submission is None
        else {
            "id": submission.pk,
            "version": submission.version,
            "review": submission.status,
            "submitted_at": submission.submitted_at,
            "submitted_by": submission.submitted_by_name,
            "first_submitted_at": status.first_submitted_at,
        },
    }


def _sum(values: list[int | float | None]) -> int | float | None:
    if not values or any(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    return rounded(total)


def totals(
    snapshots: list[tuple[str, dict[str, Any]]], catalogue: dict[str, Indicator]
) -> list[dict[str, Any]]:
    """Add the figures of ``snapshots`` (``(province name, snapshot)``) by indicator, in
    catalogue order: value, plan, previous, and the percentages recomputed from the totals.
    Never a loop over records: the snapshots are a few dozen small dictionaries."""
    tables = [(name, rows_by_code(snapshot)) for name, snapshot in snapshots]
    codes: list[str] = []
    for _name, rows in tables:
        codes.extend(code for code in rows if code not in codes)
    order = {code: (i.order, code) for code, i in catalogue.items()}
    codes.sort(key=lambda code: order.get(code, (10_000, code)))
    sums: dict[str, dict[str, Any]] = {}
    ratios: list[dict[str, Any]] = []
    result = []
    for code in codes:
        indicator = catalogue.get(code)
        example = next(rows[code] for _name, rows in tables if code in rows)
        lacking = [name for name, rows in tables if (rows.get(code) or {}).get("value") is None]
        row: dict[str, Any] = {
            "code": code,
            "name": indicator.label if indicator else example.get("name", code),
            "unit": example.get("unit", ""),
            "value": None,
            "plan": None,
            "percent_of_plan": None,
            "previous": None,
            "change_percent": None,
            "provinces": len(tables) - len(lacking),
            "note": "",
        }
        if indicator is None:
            row["note"] = _("Not in the indicator catalogue any more: not added.")
        elif indicator.counting == Indicator.Counting.RATIO:
            ratios.append(row)  # once its parts are added, wherever they come in the order
        else:
            values = [(rows.get(code) or {}).get("value") for _name, rows in tables]
            row["value"] = _sum(values)
            row["plan"] = _sum([(rows.get(code) or {}).get("plan") for _n, rows in tables])
            row["previous"] = _sum([(rows.get(code) or {}).get("previous") for _n, rows in tables])
            row["percent_of_plan"] = summary.percent(row["value"], row["plan"])
            row["change_percent"] = summary.change(row["value"], row["previous"])
            if lacking:
                row["note"] = _("No figure in the report of: %(names)s.") % {
                    "names": ", ".join(lacking)
                }
        sums[code] = row
        result.append(row)
    for row in ratios:
        row.update(_ratio(row["code"], sums))
    return result


def _ratio(code: str, sums: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A percentage over provinces: from the totals of its parts, else None with a note."""
    parts = RATIO_PARTS.get(code)
    numerator = sums.get(parts[0]) if parts else None
    denominator = sums.get(parts[1]) if parts else None
    if numerator is None or denominator is None:
        return {
            "note": _(
                "A percentage is not added over provinces, and its parts are not in the "
                "reports: not computed."
            )
        }
    value = summary.percent(numerator["value"], denominator["value"])
    previous = summary.percent(numerator["previous"], denominator["previous"])
    note = "" if value is not None else _("Its parts are not available: not computed.")
    return {"value": value, "previous": previous, "note": note}


# --- the national forms -----------------------------------------------------------------------


def _add(values: list[Any]) -> Any:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    return rounded(sum(numbers))


def consolidate_forms(
    resolved: ResolvedUnit, period: Period, codes: list[str] | None = None
) -> list[OfficialForm]:
    """The official forms of a region or the nation for a period, added up from the
    provinces' **accepted** reports as they were frozen (never recomputed): rows by code in
    the forms' order, money and counts added column by column (a percentage is never
    added), the project lists put one after the other. ``completeness`` says how many of
    the unit's provinces are in (accepted), and names the others. Two queries."""
    codes = codes or list(FORMS)
    latest = [
        s
        for s in latest_submissions(resolved.provinces, period)
        if s.status == ReportSubmission.Status.ACCEPTED
    ]
    accepted = {s.province_id for s in latest}
    missing = [code for code in resolved.provinces if code not in accepted]
    completeness = Completeness(
        reported=len(accepted),
        expected=len(resolved.provinces),
        missing=[f"{PROVINCE}:{code}" for code in missing],
        missing_labels=[resolved.label_of(Unit(PROVINCE, code)) for code in missing],
    )
    result = []
    for code in codes:
        filed = [
            named(OfficialForm.from_json(s.snapshot["forms"][code]))
            for s in latest
            if code in (s.snapshot.get("forms") or {})
        ]
        result.append(_consolidated(code, resolved, period, filed, completeness))
    return result


def _consolidated(
    code: str,
    resolved: ResolvedUnit,
    period: Period,
    filed: list[OfficialForm],
    completeness: Completeness,
) -> OfficialForm:
    first = filed[0] if filed else None
    columns = list(first.columns) if first else []
    rows: list[FormRow] = []
    notes = [
        "Tổng hợp từ báo cáo đã được tiếp nhận của "
        f"{completeness.reported}/{completeness.expected} tỉnh, thành phố."
    ]
    if completeness.missing:
        notes.append(
            "Chưa có báo cáo được tiếp nhận của: " + ", ".join(completeness.missing_labels) + "."
        )
    if code == "projects":
        number = 0
        for form in filed:
            for row in form.rows:
                if row.no:
                    number += 1
                rows.append(
                    FormRow(
                        str(number) if row.no else "",
                        row.code,
                        row.label,
                        row.unit_label,
                        dict(row.values),
                        row.level,
                        row.note,
                        row.kind,
                    )
                )
    else:
        order: list[str] = []
        by_code: dict[str, list[FormRow]] = {}
        for form in filed:
            for row in form.rows:
                if row.code not in by_code:
                    order.append(row.code)
                    by_code[row.code] = []
                by_code[row.code].append(row)
        for row_code in order:
            same = by_code[row_code]
            model = same[0]
            values: dict[str, Any] = {}
            for column in columns:
                cells = [r.values.get(column.key) for r in same]
                if column.kind == "text":
                    values[column.key] = next((c for c in cells if c not in (None, "")), None)
                elif column.kind == "percent":
                    values[column.key] = None
                else:
                    values[column.key] = _add(cells)
            rows.append(
                FormRow(
                    model.no,
                    model.code,
                    model.label,
                    model.unit_label,
                    values,
                    model.level,
                    "",
                    model.kind,
                )
            )
    return OfficialForm(
        code=code,
        title=first.title if first else FORMS[code].upper(),
        unit=str(resolved.unit),
        unit_label=resolved.label,
        start=period.start,
        end=period.end,
        period_label=period.label,
        columns=columns,
        rows=rows,
        money_unit=first.money_unit if first else "triệu đồng",
        completeness=completeness,
        notes=notes,
    )
