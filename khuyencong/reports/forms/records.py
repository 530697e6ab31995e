"""The official forms' figures read from the records, for a scope and a period, in a fixed
number of grouped queries whatever the scope (``reports.records.compute`` hands over every
code starting with ``results.`` or ``form.``).

- ``results.<row>.national`` / ``.local`` / ``results.<row>``: the results form. Activities
  count under their project's programme, else their own (``activities.indicators``);
  project outputs are the actual values recorded at acceptance of the projects accepted in
  the period, under the project's programme; typical products certified under the
  programme of the round's level (``awards.indicators.PROGRAMME_OF_LEVEL``); the staff row
  is the staff count of the year the period ends in.
- ``form.funding.spent.<row>.<source>``: disbursements dated in the period of the projects
  of an activity content (``01``) or sub-type (``01-NGHE``); ``form.funding.planned.…``:
  budget lines of the approved (and later) projects of the plan years.
- ``form.awards.registered|certified.<level>.<group>``: award entries (``awards.indicators``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from khuyencong.programmes.models import BudgetLine, Disbursement, ProjectOutput
from khuyencong.programmes.services import PLANNED_STATES

RESULTS = "results."
FUNDING = "form.funding."
AWARDS = "form.awards."
LEVELS = ("national", "local")

# Results rows answered by the actual outputs of accepted projects: row → output indicator
# of programmes (migrations programmes 0002 and 0004).
OUTPUT_ROWS = {
    "establishments.founded": "establishments.founded",
    "models.demonstration": "models.count",
    "models.demonstration.investment": "models.investment",
    "machinery.establishments": "machinery.establishments",
    "machinery.investment": "machinery.investment",
    "cleaner_production.models": "cleaner_production.models",
    "associations.supported": "associations.supported",
    "clusters.plans": "clusters.plans",
    "clusters.infrastructure": "clusters.infrastructure",
}


def handles(code: str) -> bool:
    return code.startswith((RESULTS, FUNDING, AWARDS))


def compute(
    scope: Any, start: datetime.date, end: datetime.date, codes: set[str], out: Any
) -> None:
    """Put the requested form codes into ``out`` (a ``records.Computed``)."""
    if any(c.startswith(RESULTS) for c in codes):
        _results(scope, start, end, codes, out)
    if any(c.startswith(FUNDING) for c in codes):
        _funding(scope, start, end, codes, out)
    if any(c.startswith(AWARDS) for c in codes):
        _awards(scope, start, end, out)


def _split(out: Any, row: str, national: int, local: int) -> None:
    out.values[f"{RESULTS}{row}.national"] = national
    out.values[f"{RESULTS}{row}.local"] = local
    out.values[f"{RESULTS}{row}"] = national + local


def _results(
    scope: Any, start: datetime.date, end: datetime.date, codes: set[str], out: Any
) -> None:
    from khuyencong.activities.indicators import programme_values, staff_count
    from khuyencong.awards.indicators import PROGRAMME_OF_LEVEL, entries_by_level_and_group
    from khuyencong.awards.models import Level

    places = {"provinces": scope.provinces, "communes": scope.communes}
    staff_code = f"{RESULTS}staff.count"
    if staff_code in codes:
        if scope.communes is not None:
            out.unavailable([staff_code], _("Khuyến công staff are counted per province only."))
        else:
            out.values[staff_code] = staff_count(year=end.year, provinces=scope.provinces)
            if out.values[staff_code] is None:
                out.notes[staff_code] = _("No staff count recorded for %(year)s.") % {
                    "year": end.year
                }
    if not any(c.startswith(RESULTS) and c != staff_code for c in codes):
        return
    for row, split in programme_values(start=start, end=end, **places).items():
        _split(out, row, split["national"], split["local"])
    outputs = (
        ProjectOutput.objects.filter(
            project__accepted_on__gte=start,
            project__accepted_on__lte=end,
            indicator__in=list(OUTPUT_ROWS.values()),
            actual__isnull=False,
        )
        .filter(scope.where("project__province", "project__commune"))
        .values_list("indicator", "project__funding_level")
        .annotate(total=Sum("actual"))
        .order_by()
    )
    by_output: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    for indicator, level, total in outputs:
        by_output[indicator][level] += int(total or 0)
    for row, indicator in OUTPUT_ROWS.items():
        _split(out, row, by_output[indicator]["national"], by_output[indicator]["local"])
    certified = dict.fromkeys(LEVELS, 0)
    for (level, _group), counts in entries_by_level_and_group(
        start=start, end=end, **places
    ).items():
        certified[PROGRAMME_OF_LEVEL[Level(level)]] += counts["certified"]
    _split(out, "awards.products", certified["national"], certified["local"])


def _rows(category: str, subtype: str | None) -> tuple[str, ...]:
    """The funding rows a project's money counts in: its content and its sub-type."""
    return (category, subtype) if subtype else (category,)


def _funding(
    scope: Any, start: datetime.date, end: datetime.date, codes: set[str], out: Any
) -> None:
    totals: dict[str, int] = defaultdict(int)
    if any(c.startswith(f"{FUNDING}spent.") for c in codes):
        spent = (
            Disbursement.objects.filter(date__gte=start, date__lte=end)
            .filter(scope.where("province", "project__commune"))
            .values_list("project__category", "project__subtype", "source")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for category, subtype, source, total in spent:
            for row in _rows(category, subtype):
                totals[f"{FUNDING}spent.{row}.{source}"] += int(total or 0)
    if any(c.startswith(f"{FUNDING}planned.") for c in codes):
        planned = (
            BudgetLine.objects.filter(
                project__status__in=PLANNED_STATES,
                project__year__gte=start.year,
                project__year__lte=end.year,
            )
            .filter(scope.where("project__province", "project__commune"))
            .values_list("project__category", "project__subtype", "source")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for category, subtype, source, total in planned:
            for row in _rows(category, subtype):
                totals[f"{FUNDING}planned.{row}.{source}"] += int(total or 0)
    for code in codes:
        if code.startswith(FUNDING):
            out.values[code] = totals.get(code, 0)


def _awards(scope: Any, start: datetime.date, end: datetime.date, out: Any) -> None:
    from khuyencong.awards.indicators import entries_by_level_and_group

    found = entries_by_level_and_group(
        start=start, end=end, provinces=scope.provinces, communes=scope.communes
    )
    from khuyencong.awards.models import Level, ProductGroup

    for level in Level.values:
        for group in ProductGroup.values:
            counts = found.get((level, group), {"registered": 0, "certified": 0})
            for key in ("registered", "certified"):
                out.values[f"{AWARDS}{key}.{level}.{group}"] = counts[key]
