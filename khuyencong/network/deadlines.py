"""When a quarterly report is due, and which reports are late or missing — "collaborators
report on paper" (DOMAIN.md), made visible.

A report for quarter Q of year Y is due on the last day of the quarter plus the days of the
``ReportDeadline`` in force for the province (its own row, else the nationwide one). It is
*late* when it was first submitted after that day, *missing* when it has not been submitted
and that day has passed. Submitting on the due day itself is on time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from khuyencong.network.models import Collaborator, QuarterlyReport, ReportDeadline
from khuyencong.network.quarters import Quarter, finished_quarters
from khuyencong.places.models import Province

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
        report.due = due_date(report.province_id, report.period, deadlines)  # type: ignore[attr-defined]  # for the page
        report.timeliness = timeliness(report.due, submitted_on(report), today)  # type: ignore[attr-defined]  # for the page
    return reports


@dataclass
class LateEntry:
    collaborator: Collaborator | LateCollaborator
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


class LateList:
    """The late and missing reports of some collaborators, newest quarter first, then by
    province and name, computed by the database: a ``UNION`` of one query per quarter, each
    joining the collaborators active in it to their report of that quarter (if any) and
    keeping the rows whose first submission came after the due day, or that have none while
    the due day has passed. Counting and slicing run in SQL, so a page of the national list
    reads only its own rows (``Paginator`` takes it as it is)."""

    def __init__(
        self,
        province_scope: QuerySet[Collaborator],
        today: datetime.date,
        quarters: int,
    ) -> None:
        self.today = today
        self.periods = finished_quarters(today, quarters)
        deadlines = deadline_days()
        parts = [self._part(province_scope, period, deadlines) for period in self.periods]
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        self.query = union.order_by("-year", "-quarter", "province_id", "full_name", "id")
        self._count: int | None = None

    def _part(
        self, scope: QuerySet[Collaborator], period: Quarter, deadlines: dict[str | None, int]
    ) -> QuerySet[Any, dict[str, Any]]:
        # The due day (and the first moment that is late) per province: a province's own
        # deadline, else the nationwide one.
        by_days: dict[int, list[str]] = {}
        for province_id, days in deadlines.items():
            if province_id is not None:
                by_days.setdefault(days, []).append(province_id)
        default = days_for(None, deadlines)

        def cutoff(days: int) -> datetime.datetime:
            day = period.due(days) + datetime.timedelta(days=1)
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        due = Case(
            *(
                When(province_id__in=codes, then=Value(period.due(d)))
                for d, codes in by_days.items()
            ),
            default=Value(period.due(default)),
            output_field=DateField(),
        )
        late_from = Case(
            *(When(province_id__in=codes, then=Value(cutoff(d))) for d, codes in by_days.items()),
            default=Value(cutoff(default)),
            output_field=DateTimeField(),
        )
        return (
            scope.filter(Collaborator.active_between(period.start, period.end))
            .annotate(
                report=FilteredRelation(
                    "reports",
                    condition=Q(reports__year=period.year, reports__quarter=period.quarter),
                ),
                year=Value(period.year, output_field=IntegerField()),
                quarter=Value(period.quarter, output_field=IntegerField()),
                due=due,
                late_from=late_from,
                report_id=F("report__id"),
                report_status=F("report__status"),
                submitted_at=F("report__submitted_at"),
            )
            .filter(
                Q(submitted_at__isnull=True, due__lt=self.today)
                | Q(submitted_at__gte=F("late_from"))
            )
            .order_by()
            .values(
                "id",
                "full_name",
                "province_id",
                "year",
                "quarter",
                "due",
                "report_id",
                "report_status",
                "submitted_at",
            )
        )

    def count(self) -> int:
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[LateEntry]:
        return self._entries(self.query[index])

    def __iter__(self) -> Iterator[LateEntry]:
        return iter(self._entries(self.query))

    def _entries(self, rows: Any) -> list[LateEntry]:
        rows = list(rows)
        names = dict(
            Province.objects.filter(pk__in={r["province_id"] for r in rows}).values_list(
                "pk", "short_name"
            )
        )
        entries = []
        for row in rows:
            submitted = submitted_on(row)
            entries.append(
                LateEntry(
                    collaborator=LateCollaborator(
                        row["id"],
                        row["full_name"],
                        row["province_id"],
                        LateProvince(row["province_id"], names.get(row["province_id"], "")),
                    ),
                    period=Quarter(row["year"], row["quarter"]),
                    due=_as_date(row["due"]),
                    state=LATE if submitted is not None else MISSING,
                    report_id=row["report_id"],
                    report_status=row["report_status"],
                    submitted=submitted,
                    today=self.today,
                )
            )
        return entries


@dataclass(frozen=True)
class LateProvince:
    pk: str
    short_name: str


@dataclass(frozen=True)
class LateCollaborator:
    pk: int
    full_name: str
    province_id: str
    province: LateProvince


def _as_date(value: Any) -> datetime.date:
    # SQLite hands a CASE of dates back as text.
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def late_reports(
    province_scope: QuerySet[Collaborator],
    today: datetime.date | None = None,
    quarters: int = LOOKBACK,
) -> list[LateEntry]:
    """Every late or missing report of the collaborators of ``province_scope`` (the
    caller's scoped collaborators, optionally narrowed to a province) active during each of
    the last ``quarters`` finished quarters (see ``LateList``, which pages use to read one
    page at a time)."""
    return list(LateList(province_scope, today or timezone.localdate(), quarters))
