"""The period summary of a unit (API.md, Reports): every indicator of the catalogue with its
value, the plan of its year, the same period one year earlier and where it came from.

- ``plan`` is the annual plan figure of the year containing the period, for the indicators
  that have a plan counterpart (``Indicator.plan``: ``funding.disbursed[.source]`` against
  ``funding.planned[.source]``); None for the others and for a period over several years.
- ``previous`` is the same period one year earlier; for the plan figures, which count whole
  plan years, that is the previous year's plan.
- ``percent_of_plan`` and ``change_percent`` are rounded to one decimal, None when either
  side is missing or the divisor is zero. The change of a percentage indicator is left None
  (its change is in points, which the narrative states).
- ``completeness`` (``reported``, ``expected``, ``missing``, ``missing_labels``): how many of
  the places expected during the period reported the figure; the value is the sum of what
  was reported (``figures``).
- ``comparable`` is False, with ``comparable_note`` saying why, when the period and the
  same period a year earlier rest on different sources (records, aggregate values, both)
  or different coverage (not the same places reported): ``change_percent`` is still given,
  and the narrative says why it is read with care. ``previous_source`` is where the figure
  of the same period a year earlier came from.

About fifty queries whatever the unit: two periods of grouped queries (``figures``).
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.core.formats import percent
from khuyencong.reports import figures, narrative
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit


def change(value: int | float | None, previous: int | float | None) -> float | None:
    if value is None or previous in (None, 0):
        return None
    assert previous is not None
    return percent(Decimal(str(value)) - Decimal(str(previous)), previous)


def source_words(source: str) -> str:
    return {
        figures.RECORDS: _("records"),
        figures.AGGREGATES: _("aggregate values"),
        figures.MIXED: _("records and aggregate values"),
    }.get(source, _("not available"))


def comparability(current: figures.Figure, earlier: figures.Figure) -> tuple[bool, str]:
    """(whether the change from ``earlier`` to ``current`` compares like with like, why
    not): both must rest on the same source and on the same places reported."""
    if current.value is None or earlier.value is None:
        return True, ""
    if current.source != earlier.source:
        return False, _(
            "Not comparable: this period rests on %(now)s, the same period a year earlier "
            "on %(then)s."
        ) % {"now": source_words(current.source), "then": source_words(earlier.source)}
    now, then = current.completeness, earlier.completeness
    if (
        now is not None
        and then is not None
        and (now.partial or then.partial)
        and (set(now.missing) != set(then.missing) or now.expected != then.expected)
    ):
        return False, _(
            "Not comparable: %(now)s of %(now_expected)s places reported this period, "
            "%(then)s of %(then_expected)s the same period a year earlier."
        ) % {
            "now": now.reported,
            "now_expected": now.expected,
            "then": then.reported,
            "then_expected": then.expected,
        }
    return True, ""


def build(resolved: ResolvedUnit, period: Period) -> dict[str, Any]:
    """The summary in API.md's shape, plus ``note`` (why a value is missing) and ``label``;
    the data versions of the cached figures are read once for every period it computes."""
    with dataversions.pinned():
        return _build(resolved, period)


def _build(resolved: ResolvedUnit, period: Period) -> dict[str, Any]:
    catalogue = figures.Catalogue.load()
    indicators = catalogue.summary()
    since = figures.records_since()
    current = figures.compute(resolved, period, indicators, catalogue, since)
    earlier = figures.compute(
        resolved, period.same_period_last_year(), indicators, catalogue, since
    )
    plan_year = period.year_of_plan()
    rows = []
    for indicator in indicators:
        figure = current[indicator.code]
        plan = None
        if indicator.plan_id and plan_year is not None:
            plan_figure = current.get(indicator.plan_id)
            if plan_figure is None:  # a plan indicator left out of the summary
                plan_figure = figures.compute(
                    resolved,
                    Period.year(plan_year),
                    [catalogue.indicators[indicator.plan_id]],
                    catalogue,
                    since,
                )[indicator.plan_id]
            plan = plan_figure.value
        previous = earlier[indicator.code].value
        comparable, comparable_note = comparability(figure, earlier[indicator.code])
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.label,
                "unit": indicator.unit,
                "value": figure.value,
                "plan": plan,
                "percent_of_plan": percent(figure.value, plan),
                "previous": previous,
                "change_percent": None if indicator.is_percent else change(figure.value, previous),
                "source": figure.source,
                "note": figure.note,
                "completeness": asdict(figure.completeness) if figure.completeness else None,
                "comparable": comparable,
                "comparable_note": comparable_note,
                "previous_source": earlier[indicator.code].source,
            }
        )
    start, end = period.iso
    return {
        "unit": str(resolved.unit),
        "unit_label": resolved.label,
        "start": start,
        "end": end,
        "period_label": period.label,
        "indicators": rows,
        "narrative": narrative.paragraph(
            resolved, period, rows, {i.code: i.name for i in indicators}
        ),
    }
