"""The national and regional report page (issue 13, item 6): the headline figures of the
summary, a table of the unit's provinces — plan, money spent, % of plan, completeness of
their figures, and whether their periodic report was submitted on time or late — and the
trend, on two screens at most.

Each province's plan and money spent are combined from the records and the aggregate values
of the days before its records start exactly as ``figures.compute`` does for the whole unit
(the same cut at ``RecordsSince``, the same exact tiling, the pre-2025 provinces expected
for a period that ends before 1 July 2025), but grouped by province: one grouped query over
the records per records start (usually one), one over the stored values, one over the
submissions — a fixed number of queries whatever the number of provinces.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from khuyencong.core.formats import percent
from khuyencong.places.models import Province
from khuyencong.programmes.models import BudgetLine, Disbursement
from khuyencong.programmes.services import PLANNED_STATES
from khuyencong.reports import consolidation, figures, submissions
from khuyencong.reports.forms.base import Completeness
from khuyencong.reports.periods import Period
from khuyencong.reports.units import NATION, PROVINCE, REGION, ResolvedUnit, Unit

DISBURSED = "funding.disbursed"
PLANNED = "funding.planned"
# The figures shown first, beside the money spent.
HEADLINE = ("funding.planned", "establishments.supported", "trainees.count")


def is_overview(resolved: ResolvedUnit) -> bool:
    """Whether the unit's report page is the overview (a region or the nation)."""
    return resolved.unit.kind in (NATION, REGION)


@dataclass
class ProvinceLine:
    """One province of the table."""

    code: str
    name: str
    plan: int | float | None
    spent: int | float | None
    percent_of_plan: float | None
    completeness: Completeness
    # on_time, late, missing, pending (submissions.timeliness); None: no periodic report
    # is due for such a period (a month, a range of years…).
    report: str | None
    report_status: str = ""  # submitted, returned, accepted
    submission_id: int | None = None

    @property
    def complete(self) -> bool:
        return not self.completeness.missing


# --- records by province --------------------------------------------------------------------


def _disbursed(groups: dict[Period, list[str]]) -> dict[str, int]:
    """Advances and payments dated in each group's days, by province: one grouped query."""
    where = Q()
    for days, provinces in groups.items():
        where |= Q(province__in=sorted(provinces), date__gte=days.start, date__lte=days.end)
    rows = Disbursement.objects.filter(where).values_list("province").annotate(t=Sum("amount"))
    return {code: int(total or 0) for code, total in rows.order_by()}


def _planned(groups: dict[Period, list[str]]) -> dict[str, int]:
    """Budget lines of the projects approved (and later) of each group's plan years, by
    province: one grouped query."""
    where = Q()
    for years, provinces in groups.items():
        where |= Q(
            project__province__in=sorted(provinces),
            project__year__gte=years.start.year,
            project__year__lte=years.end.year,
        )
    rows = (
        BudgetLine.objects.filter(where, project__status__in=PLANNED_STATES)
        .values_list("project__province")
        .annotate(t=Sum("amount"))
    )
    return {code: int(total or 0) for code, total in rows.order_by()}


READERS: dict[str, Callable[[dict[Period, list[str]]], dict[str, int]]] = {
    DISBURSED: _disbursed,
    PLANNED: _planned,
}


def read_records(code: str, groups: dict[Period, list[str]]) -> dict[str, int]:
    """``READERS[code](groups)``, from the cache of report figures while no record of those
    provinces has changed (reports/cache.py)."""
    from khuyencong.reports import cache

    provinces = sorted({p for members in groups.values() for p in members})
    args = (code, sorted((days.iso, sorted(members)) for days, members in groups.items()))
    return cache.remember(f"by-province:{code}", provinces, args, lambda: READERS[code](groups))


def by_province(
    resolved: ResolvedUnit,
    period: Period,
    code: str,
    catalogue: figures.Catalogue,
    since: tuple[datetime.date, dict[str, datetime.date]],
) -> dict[str, figures.Figure]:
    """{province: its figure of ``code`` (``funding.disbursed`` or ``funding.planned``) for
    the period}, with the province's own completeness; the figures add up to
    ``figures.compute`` of the unit."""
    indicator = catalogue.indicators[code]
    if indicator.by_plan_year:
        period = period.plan_years()
    default, own_since = since
    parts = {part.province: part for part in resolved.parts}
    groups: dict[Period, list[str]] = defaultdict(list)
    before: list[tuple[str, Period]] = []
    for province in resolved.provinces:
        earlier, later = figures._split(
            period, own_since.get(province, default), indicator.by_plan_year
        )
        if later is not None:
            groups[later].append(province)
        if earlier is not None:
            before.append((province, earlier))
    from_records = read_records(code, groups) if groups else {}
    with_records = {p for provinces in groups.values() for p in provinces}
    stored_values: dict[str, tuple[int | None, tuple[Any, ...]]] = {}
    if before:
        stored = figures.StoredValues(
            catalogue,
            {
                u
                for province, _p in before
                for u in (parts[province].own, *parts[province].alternatives)
            },
            {code},
            period.start,
            period.end,
            resolved.labels,
        )
        for province, days in before:
            value, tried = stored.answer_part(code, parts[province], days)
            covers = figures.expected_units(parts[province], period)
            if not tried:
                missing: tuple[Any, ...] = ()
            elif covers == (parts[province].own,):
                missing = covers
            else:
                missing = tuple(u for u in covers if u in tried)
            stored_values[province] = (value, missing)
    result = {}
    for province in resolved.provinces:
        covers = figures.expected_units(parts[province], period)
        value_from_records = from_records.get(province, 0) if province in with_records else None
        stored_value, missing = stored_values.get(province, (None, ()))
        answered = [v for v in (value_from_records, stored_value) if v is not None]
        if province in with_records and stored_value is not None:
            source = figures.MIXED
        elif province in with_records:
            source = figures.RECORDS
        elif stored_value is not None:
            source = figures.AGGREGATES
        else:
            source = figures.NONE
        result[province] = figures.Figure(
            code,
            sum(answered) if answered else None,
            source,
            "",
            Completeness(
                reported=len(covers) - len(missing),
                expected=len(covers),
                missing=[str(u) for u in missing],
                missing_labels=[resolved.label_of(u) for u in missing],
            ),
        )
    return result


# --- the table --------------------------------------------------------------------------------


def province_lines(
    resolved: ResolvedUnit,
    period: Period,
    *,
    catalogue: figures.Catalogue | None = None,
    since: tuple[datetime.date, dict[str, datetime.date]] | None = None,
    today: datetime.date | None = None,
) -> list[ProvinceLine]:
    """The provinces of a region or the nation, in the order of their codes (as official
    tables list them): plan of the year containing
    the period (None for a period over several years), money spent, % of plan, completeness
    of the money spent, and the timeliness of their periodic report for the period."""
    catalogue = catalogue or figures.Catalogue.load()
    since = since if since is not None else figures.records_since()
    spent = by_province(resolved, period, DISBURSED, catalogue, since)
    plan_year = period.year_of_plan()
    plans = (
        by_province(resolved, Period.year(plan_year), PLANNED, catalogue, since)
        if plan_year is not None
        else {}
    )
    kind = submissions.kind_of(period)
    latest = {}
    due = None
    if kind is not None:
        due = submissions.due_date(period, kind)
        latest = {
            s.province_id: s for s in consolidation.latest_submissions(resolved.provinces, period)
        }
    names = dict(
        Province.objects.filter(code__in=resolved.provinces).values_list("code", "short_name")
    )
    today = today or timezone.localdate()
    lines = []
    for code in resolved.provinces:
        plan = plans[code].value if code in plans else None
        figure = spent[code]
        submission = latest.get(code)
        report = None
        if due is not None:
            first = getattr(submission, "first_submitted_at", None) if submission else None
            report = submissions.timeliness(first, due, today)
        lines.append(
            ProvinceLine(
                code=code,
                name=names.get(code) or resolved.label_of(Unit(PROVINCE, code)),
                plan=plan,
                spent=figure.value,
                percent_of_plan=percent(figure.value, plan),
                completeness=figure.completeness or Completeness(0, 0, []),
                report=report,
                report_status=submission.status if submission else "",
                submission_id=submission.pk if submission else None,
            )
        )
    return lines


def due_of(period: Period) -> datetime.date | None:
    """The day the provinces' periodic report of the period is due; None when no periodic
    report is made for such a period."""
    kind = submissions.kind_of(period)
    return submissions.due_date(period, kind) if kind is not None else None


def counts(lines: list[ProvinceLine]) -> dict[str, int]:
    """How many provinces: ``total``, ``complete`` (their money spent fully reported),
    ``submitted``, ``on_time``, ``late``, ``missing`` (overdue), ``pending``."""
    found: dict[str, int] = {
        "total": len(lines),
        "complete": sum(1 for line in lines if line.complete),
        "submitted": sum(
            1 for line in lines if line.report in (submissions.ON_TIME, submissions.LATE)
        ),
    }
    for state in (submissions.ON_TIME, submissions.LATE, submissions.MISSING, submissions.PENDING):
        found[state] = sum(1 for line in lines if line.report == state)
    return found
