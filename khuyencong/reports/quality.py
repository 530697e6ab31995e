"""Data quality: figures that do not add up, gaps, outliers and late reports, for a unit
(API.md, ``GET /api/v1/data-quality/``; docs/reports.md, "Data quality").

Kinds of issue:

- ``inconsistent_total``: a value entered as a declared total differs from the sum of its
  parts for the same place and period: its part indicators (``funding.disbursed`` against its
  four sources), the pre-2025 provinces merged into a 2025 province, or the communes of a
  province — whenever the total and at least one part were entered; parts not entered count
  as zero and are named in ``missing_parts`` (indicator codes or units), as DHIS2's
  validation rules do by default. The issue carries ``declared``, ``sum_of_parts`` and
  ``difference`` (declared − sum).
- ``unused_value``: a value for days the records answer (from the province's records
  start): reports never read it (new ones are refused when entered). Carries
  ``records_from``.
- ``missing_value``: a series of yearly values of one indicator and place has a gap (a year
  between its first and last year without a value).
- ``outlier``: a yearly value more than three times the median of the same indicator's
  yearly values for that place (at least four years; median above zero). Carries ``value``
  and ``median``.
- ``late_submission``: collaborators' quarterly reports of the last four finished quarters
  that were submitted late or are missing, per province and quarter (``network.deadlines``).
  Carries ``late`` and ``missing``.

The aggregate values of a unit are few (a handful per province, indicator and year), so they
are read in one query and checked in memory; the late reports are counted by the database.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_number
from khuyencong.network.deadlines import LOOKBACK
from khuyencong.network.quarters import finished_quarters
from khuyencong.places.models import Commune, LegacyProvince, Province
from khuyencong.reports import records
from khuyencong.reports.access import aggregates_for
from khuyencong.reports.figures import Catalogue, records_since
from khuyencong.reports.models import PERCENT_SCALE, Indicator, UnitKind
from khuyencong.reports.periods import Period
from khuyencong.reports.services import records_start
from khuyencong.reports.units import COMMUNE, LEGACY_PROVINCE, NATION, ResolvedUnit

INCONSISTENT_TOTAL = "inconsistent_total"
MISSING_VALUE = "missing_value"
OUTLIER = "outlier"
LATE_SUBMISSION = "late_submission"
UNUSED_VALUE = "unused_value"
KINDS = (INCONSISTENT_TOTAL, UNUSED_VALUE, MISSING_VALUE, OUTLIER, LATE_SUBMISSION)
OUTLIER_FACTOR = 3
OUTLIER_MIN_YEARS = 4
C = Indicator.Counting


@dataclass(frozen=True)
class Row:
    indicator: str
    kind: str
    code: str
    province: str
    start: datetime.date
    end: datetime.date
    value: int
    declared: bool

    @property
    def unit(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def is_year(self) -> bool:
        return Period(self.start, self.end).is_year


def _values(user: Any, resolved: ResolvedUnit) -> list[Row]:
    queryset = aggregates_for(user)
    kind = resolved.unit.kind
    if kind == LEGACY_PROVINCE:
        queryset = queryset.filter(unit_kind=UnitKind.LEGACY_PROVINCE, unit_code=resolved.unit.code)
    elif kind == COMMUNE:
        queryset = queryset.filter(unit_kind=UnitKind.COMMUNE, unit_code=resolved.unit.code)
    elif kind != NATION:
        queryset = queryset.filter(province__in=resolved.provinces)
    rows = queryset.values_list(
        "indicator_id",
        "unit_kind",
        "unit_code",
        "province_id",
        "start",
        "end",
        "value",
        "is_declared_total",
    ).order_by()
    return [Row(*row) for row in rows]


def _amount(indicator: Indicator, value: int) -> str:
    if indicator.is_percent:
        return f"{format_number(value / PERCENT_SCALE, decimals=1)}%"
    return format_number(value)


def _issue(kind: str, row: Row | None, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "indicator": row.indicator if row else extra.pop("indicator", ""),
        "unit": row.unit if row else extra.pop("unit", ""),
        "start": (row.start if row else extra.pop("start")).isoformat(),
        "end": (row.end if row else extra.pop("end")).isoformat(),
        "message": message,
        **extra,
    }


def _not_entered(names: list[str]) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:6])
    if len(names) > 6:
        shown += _(" and %(n)s others") % {"n": len(names) - 6}
    return " " + _("Not entered, counted as zero: %(parts)s.") % {"parts": shown}


def _inconsistent_totals(
    rows: list[Row], catalogue: Catalogue, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Each declared total against its parts wherever the total and at least one part were
    entered for the same place and period; parts not entered count as zero and are named in
    ``missing_parts`` (as DHIS2's validation rules do by default)."""
    exact = {(r.indicator, r.kind, r.code, r.start, r.end): r for r in rows}
    communes_of: dict[tuple[str, str, datetime.date, datetime.date], list[Row]] = defaultdict(list)
    for r in rows:
        if r.kind == UnitKind.COMMUNE:
            communes_of[(r.indicator, r.province, r.start, r.end)].append(r)
    declared = [r for r in rows if r.declared]
    declared_provinces = {r.code for r in declared if r.kind == UnitKind.PROVINCE}
    predecessors: dict[str, list[str]] = defaultdict(list)
    all_communes: dict[str, list[str]] = defaultdict(list)
    if declared_provinces:
        for code, successor in (
            LegacyProvince.objects.filter(successor__in=declared_provinces)
            .order_by("code")
            .values_list("code", "successor_id")
        ):
            predecessors[successor].append(code)
        with_communes = {
            r.code
            for r in declared
            if r.kind == UnitKind.PROVINCE and (r.indicator, r.code, r.start, r.end) in communes_of
        }
        if with_communes:
            for code, province in (
                Commune.objects.filter(province__in=with_communes)
                .order_by("code")
                .values_list("code", "province_id")
            ):
                all_communes[province].append(code)
    issues = []
    for total in declared:
        indicator = catalogue.indicators[total.indicator]
        if indicator.counting == C.RATIO:
            continue
        # (kind of parts, sum of what was entered, what they are, the parts not entered)
        comparisons: list[tuple[str, int, str, list[str], list[str]]] = []
        parts = catalogue.parts.get(total.indicator, [])
        found = [exact.get((p, total.kind, total.code, total.start, total.end)) for p in parts]
        if parts and indicator.counting == C.SUM and any(found):
            missing = [p for p, r in zip(parts, found, strict=True) if r is None]
            comparisons.append(
                (
                    "indicators",
                    sum(r.value for r in found if r),
                    _("the sum of its parts (%(parts)s)") % {"parts": ", ".join(parts)},
                    missing,
                    [catalogue.indicators[p].label for p in missing],
                )
            )
        if total.kind == UnitKind.PROVINCE:
            olds = predecessors.get(total.code, [])
            old_rows = [
                exact.get((total.indicator, UnitKind.LEGACY_PROVINCE, o, total.start, total.end))
                for o in olds
            ]
            if olds and any(old_rows):
                missing = [o for o, r in zip(olds, old_rows, strict=True) if r is None]
                comparisons.append(
                    (
                        "places",
                        sum(r.value for r in old_rows if r),
                        _("the sum of the pre-2025 provinces (%(places)s)")
                        % {
                            "places": ", ".join(labels.get(f"legacy-province:{o}", o) for o in olds)
                        },
                        [f"legacy-province:{o}" for o in missing],
                        [labels.get(f"legacy-province:{o}", o) for o in missing],
                    )
                )
            commune_rows = communes_of.get((total.indicator, total.code, total.start, total.end))
            if commune_rows:
                entered = {r.code for r in commune_rows}
                missing = [c for c in all_communes.get(total.code, []) if c not in entered]
                comparisons.append(
                    (
                        "places",
                        sum(r.value for r in commune_rows),
                        _("the sum of %(n)s communes") % {"n": len(commune_rows)},
                        [f"commune:{c}" for c in missing],
                        [f"{len(missing)} xã"] if missing else [],
                    )
                )
        for parts_kind, sum_of_parts, what, missing, missing_names in comparisons:
            if sum_of_parts == total.value:
                continue
            difference = total.value - sum_of_parts
            message = _(
                "The declared total %(declared)s of %(indicator)s for %(place)s, "
                "%(period)s differs from %(what)s, %(sum)s, by %(difference)s."
            ) % {
                "declared": _amount(indicator, total.value),
                "indicator": indicator.label,
                "place": labels.get(total.unit, total.unit),
                "period": Period(total.start, total.end).label,
                "what": what,
                "sum": _amount(indicator, sum_of_parts),
                "difference": _amount(indicator, abs(difference)),
            }
            issues.append(
                _issue(
                    INCONSISTENT_TOTAL,
                    total,
                    message + _not_entered(missing_names),
                    declared=total.value,
                    sum_of_parts=sum_of_parts,
                    difference=difference,
                    parts=parts_kind,
                    missing_parts=missing,
                )
            )
    return issues


def _unused(rows: list[Row], catalogue: Catalogue, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Values for days the records answer (entered before the rule, or before the records
    start was moved earlier): reports never read them."""
    default, own = records_since()
    issues = []
    for row in rows:
        indicator = catalogue.indicators[row.indicator]
        first = records_start(indicator, own.get(row.province, default))
        if first == datetime.date.min or row.end < first:
            continue
        issues.append(
            _issue(
                UNUSED_VALUE,
                row,
                _(
                    "%(indicator)s of %(place)s, %(period)s: the records answer the days from "
                    "%(day)s, so this value is never used in reports. Shorten its period or "
                    "remove it."
                )
                % {
                    "indicator": indicator.label,
                    "place": labels.get(row.unit, row.unit),
                    "period": Period(row.start, row.end).label,
                    "day": first.strftime("%d/%m/%Y"),
                },
                records_from=first.isoformat(),
            )
        )
    return issues


def _series(rows: list[Row]) -> dict[tuple[str, str], dict[int, Row]]:
    series: dict[tuple[str, str], dict[int, Row]] = defaultdict(dict)
    for r in rows:
        if r.is_year:
            series[(r.indicator, r.unit)][r.start.year] = r
    return series


def _gaps_and_outliers(
    rows: list[Row], catalogue: Catalogue, labels: dict[str, str]
) -> list[dict[str, Any]]:
    issues = []
    for (code, unit), years in sorted(_series(rows).items()):
        indicator = catalogue.indicators[code]
        first, last = min(years), max(years)
        for year in range(first, last + 1):
            if year not in years:
                period = Period.year(year)
                issues.append(
                    _issue(
                        MISSING_VALUE,
                        None,
                        _(
                            "%(indicator)s of %(place)s has yearly values from %(first)s to "
                            "%(last)s but none for %(year)s."
                        )
                        % {
                            "indicator": indicator.label,
                            "place": labels.get(unit, unit),
                            "first": first,
                            "last": last,
                            "year": year,
                        },
                        indicator=code,
                        unit=unit,
                        start=period.start,
                        end=period.end,
                    )
                )
        if len(years) < OUTLIER_MIN_YEARS:
            continue
        median = statistics.median(r.value for r in years.values())
        if median <= 0:
            continue
        for _year, row in sorted(years.items()):
            if row.value > OUTLIER_FACTOR * median:
                issues.append(
                    _issue(
                        OUTLIER,
                        row,
                        _(
                            "%(indicator)s of %(place)s in %(year)s is %(value)s, more than "
                            "%(factor)s times the median of its yearly values (%(median)s)."
                        )
                        % {
                            "indicator": indicator.label,
                            "place": labels.get(unit, unit),
                            "year": row.start.year,
                            "value": _amount(indicator, row.value),
                            "factor": OUTLIER_FACTOR,
                            "median": _amount(indicator, int(median)),
                        },
                        value=row.value,
                        median=float(median),
                    )
                )
    return issues


def _late(resolved: ResolvedUnit, today: datetime.date) -> list[dict[str, Any]]:
    scope = records.Scope(
        provinces=None if resolved.unit.kind == NATION else tuple(resolved.provinces),
        communes=tuple(resolved.communes) if resolved.communes is not None else None,
    )
    periods = finished_quarters(today, LOOKBACK)
    late = records.QuarterLateList(records._collaborators(scope), today, periods)
    counts = late.counts_by_province()
    names = dict(
        Province.objects.filter(pk__in={c["province_id"] for c in counts}).values_list("pk", "name")
    )
    issues = []
    for row in counts:
        quarter = Period.quarter(row["year"], row["quarter"])
        issues.append(
            _issue(
                LATE_SUBMISSION,
                None,
                _(
                    "%(place)s, %(quarter)s: %(late)s collaborator reports submitted late, "
                    "%(missing)s missing."
                )
                % {
                    "place": names.get(row["province_id"], row["province_id"]),
                    "quarter": quarter.label,
                    "late": row["late"],
                    "missing": row["missing"],
                },
                indicator="collaborator_reports.late",
                unit=f"province:{row['province_id']}",
                start=quarter.start,
                end=quarter.end,
                late=row["late"],
                missing=row["missing"],
            )
        )
    return issues


def _labels(rows: list[Row], resolved: ResolvedUnit) -> dict[str, str]:
    labels = {str(unit): label for unit, label in resolved.labels.items()}
    provinces = {r.code for r in rows if r.kind == UnitKind.PROVINCE}
    olds = {r.code for r in rows if r.kind == UnitKind.LEGACY_PROVINCE}
    communes = {r.code for r in rows if r.kind == UnitKind.COMMUNE}
    for code, name in Province.objects.filter(pk__in=provinces).values_list("pk", "name"):
        labels.setdefault(f"province:{code}", name)
    for code, name in LegacyProvince.objects.filter(pk__in=olds).values_list("pk", "name"):
        labels.setdefault(f"legacy-province:{code}", f"{name} (trước 2025)")
    for code, name in Commune.objects.filter(pk__in=communes).values_list("pk", "name"):
        labels.setdefault(f"commune:{code}", name)
    return labels


def issues(
    user: Any, resolved: ResolvedUnit, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Every issue of the unit the user may see, by kind, place, indicator and period."""
    today = today or timezone.localdate()
    catalogue = Catalogue.load()
    rows = _values(user, resolved)
    labels = _labels(rows, resolved)
    found = [
        *_inconsistent_totals(rows, catalogue, labels),
        *_unused(rows, catalogue, labels),
        *_gaps_and_outliers(rows, catalogue, labels),
        *_late(resolved, today),
    ]
    order = {kind: index for index, kind in enumerate(KINDS)}
    found.sort(key=lambda i: (order[i["kind"]], i["unit"], i["indicator"], i["start"], i["end"]))
    return found
