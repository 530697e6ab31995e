"""When a quarterly report is due, and which reports are late or missing — "collaborators
report on paper" (DOMAIN.md), made visible.

A report for quarter Q of year Y is due on the last day of the quarter plus the days of the
``ReportDeadline`` in force for the province (its own row, else the nationwide one). It is
*late* when it was first submitted after that day, *missing* when it has not been submitted
and that day has passed. Submitting on the due day itself is on time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from khuyencong.network.models import Collaborator, QuarterlyReport, ReportDeadline
from khuyencong.network.quarters import Quarter, finished_quarters

# Used only when an administrator has removed the nationwide row (data migration 0002).
DEFAULT_DAYS = 10
# How many finished quarters the late list looks back on.
LOOKBACK = 4

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"  # not submitted, not due yet


def deadline_days() -> dict[str | None, int]:
    """``{province code or None: days}`` for every deadline row: one query."""
    return dict(ReportDeadline.objects.values_list("province_id", "days"))


def days_for(province_id: str | None, deadlines: dict[str | None, int]) -> int:
    if province_id in deadlines:
        return deadlines[province_id]
    return deadlines.get(None, DEFAULT_DAYS)


def due_date(
    province_id: str, period: Quarter, deadlines: dict[str | None, int] | None = None
) -> datetime.date:
    if deadlines is None:
        deadlines = deadline_days()
    return period.due(days_for(province_id, deadlines))


def submitted_on(report: Any) -> datetime.date | None:
    at = report.submitted_at if not isinstance(report, dict) else report["submitted_at"]
    return timezone.localdate(at) if at is not None else None


def timeliness(due: datetime.date, submitted: datetime.date | None, today: datetime.date) -> str:
    if submitted is not None:
        return LATE if submitted > due else ON_TIME
    return MISSING if today > due else PENDING


def mark_timeliness(
    reports: list[QuarterlyReport], today: datetime.date | None = None
) -> list[QuarterlyReport]:
    """Set ``due`` and ``timeliness`` on each report of a page: one query for the deadlines."""
    today = today or timezone.localdate()
    deadlines = deadline_days()
    for report in reports:
        report.due = due_date(report.province_id, report.period, deadlines)  # type: ignore[attr-defined]
        report.timeliness = timeliness(report.due, submitted_on(report), today)  # type: ignore[attr-defined]
    return reports


@dataclass
class LateEntry:
    collaborator: Collaborator
    period: Quarter
    due: datetime.date
    state: str  # LATE or MISSING
    report_id: int | None
    report_status: str | None
    submitted: datetime.date | None
    today: datetime.date

    @property
    def days_late(self) -> int:
        return ((self.submitted or self.today) - self.due).days

    @property
    def missing(self) -> bool:
        return self.state == MISSING


def late_reports(
    province_scope: QuerySet[Collaborator],
    today: datetime.date | None = None,
    quarters: int = LOOKBACK,
) -> list[LateEntry]:
    """For each collaborator of ``province_scope`` (the caller's scoped collaborators,
    optionally narrowed to a province) active during each of the last ``quarters``
    finished quarters, the report if it is missing or was submitted late. Three queries,
    whatever the number of collaborators: the collaborators, their reports of those
    quarters, the deadlines."""
    today = today or timezone.localdate()
    periods = finished_quarters(today, quarters)
    active = province_scope.filter(Collaborator.active_between(periods[0].start, periods[-1].end))
    collaborators = list(
        active.select_related("province").order_by("province_id", "full_name", "id")
    )
    in_periods = reduce(or_, (Q(year=p.year, quarter=p.quarter) for p in periods))
    reports = {
        (row["collaborator_id"], row["year"], row["quarter"]): row
        for row in QuarterlyReport.objects.filter(in_periods, collaborator__in=active.values("pk"))
        .order_by()
        .values("id", "collaborator_id", "year", "quarter", "status", "submitted_at")
    }
    deadlines = deadline_days()
    entries = []
    for period in reversed(periods):
        for collaborator in collaborators:
            if not (
                collaborator.appointed_on <= period.end
                and (collaborator.active_until is None or collaborator.active_until >= period.start)
            ):
                continue
            due = period.due(days_for(collaborator.province_id, deadlines))
            row = reports.get((collaborator.pk, period.year, period.quarter))
            submitted = submitted_on(row) if row else None
            state = timeliness(due, submitted, today)
            if state in (LATE, MISSING):
                entries.append(
                    LateEntry(
                        collaborator=collaborator,
                        period=period,
                        due=due,
                        state=state,
                        report_id=row["id"] if row else None,
                        report_status=row["status"] if row else None,
                        submitted=submitted,
                        today=today,
                    )
                )
    return entries
