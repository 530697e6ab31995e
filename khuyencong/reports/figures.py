"""Figures of a unit and a period, combining records and aggregate values without double
counting (docs/reports.md, "Combining").

For each 2025 province of the unit, the records are complete from a day
(``RecordsSince``). A requested period is cut there: the days from it on are read from the
records, the days before from aggregate values that exactly tile them (``tiling``). Provinces
with the same day are read from the records together, in one set of grouped queries, so the
number of queries does not grow with the number of provinces.

- A province's aggregate share is its own values, else the sum of the pre-2025 provinces
  merged into it; an indicator with parts (``funding.disbursed``) may also be answered by the
  sum of its parts (national + local + counterpart + other) for the same place and period.
- Partial data is answered as DHIS2 reports a reporting rate: where only some of the places
  expected under the unit reported, the figure is the sum of what was reported (never None
  when anything was) with its ``completeness`` (reported, expected, missing). The places
  expected are those that existed during the period (``expected_units``): the pre-2025
  provinces merged into each 2025 province for a period that ends before 1 July 2025, the
  2025 provinces after; a pre-2025 province or a commune is one place. A place is missing
  when any piece of its share (a value that does not cover its days exactly, records that
  cannot answer) is missing; the note names the missing places and days in one line.
  Nothing reported at all: None, source ``none``.
- How pieces add up follows the indicator's counting: sums add over places and periods;
  distinct counts add over places but a distinct count cut into two periods is refused (the
  same establishment may be in both); a percentage is never added (only one piece may answer
  it); a level is read at the period's last day, from the records or the values.
- ``source`` says where the figure came from: ``records``, ``aggregates``, ``mixed`` or
  ``none``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.reports import records, tiling
from khuyencong.reports.forms.base import Completeness
from khuyencong.reports.models import PERCENT_SCALE, AggregateValue, Indicator, RecordsSince
from khuyencong.reports.periods import Period, day_before
from khuyencong.reports.units import COMMUNE, AggregatePart, ResolvedUnit, Unit

RECORDS = "records"
AGGREGATES = "aggregates"
MIXED = "mixed"
NONE = "none"
C = Indicator.Counting
# Pre-2025 provinces ceased on 1 July 2025 (DOMAIN.md, Places and regions).
LEGACY_LAST_DAY = datetime.date(2025, 6, 30)
MAX_NAMED = 4


@dataclass
class Figure:
    code: str
    value: int | float | None
    source: str
    note: str = ""
    completeness: Completeness | None = None

    @property
    def partial(self) -> bool:
        return self.completeness is not None and bool(self.completeness.missing)


def expected_units(part: AggregatePart, period: Period) -> tuple[Unit, ...]:
    """The places expected to report a 2025 province's share (or a smaller unit's) for a
    period: its pre-2025 provinces when the period ends before 1 July 2025, else itself."""
    if period.end <= LEGACY_LAST_DAY and part.alternatives:
        return part.alternatives
    return (part.own,)


def names(units: list[Unit] | tuple[Unit, ...], labels: dict[Unit, str]) -> str:
    """Places named for a one-line note: the first few and a count of the others."""
    shown = [labels.get(u, str(u)) for u in units[:MAX_NAMED]]
    text = ", ".join(shown)
    if len(units) > MAX_NAMED:
        text += _(" and %(n)s more") % {"n": len(units) - MAX_NAMED}
    return text


def missing_note(units: list[Unit], period: Period, labels: dict[Unit, str]) -> str:
    return _("No stored values of %(places)s cover %(start)s–%(end)s exactly.") % {
        "places": names(units, labels),
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
    }


def combined_completeness(found: list[Figure] | Any) -> Completeness | None:
    """The completeness of several figures read together (a form, a report): the largest
    set of places expected, and every place missing from any of them."""
    expected = 0
    missing: list[str] = []
    labels: list[str] = []
    level = "province"
    for figure in found:
        c = figure.completeness
        if c is None:
            continue
        expected = max(expected, c.expected)
        level = c.level
        for unit, label in zip(c.missing, c.missing_labels or c.missing, strict=False):
            if unit not in missing:
                missing.append(unit)
                labels.append(label)
    if not expected:
        return None
    return Completeness(
        reported=max(expected - len(missing), 0),
        expected=expected,
        missing=missing,
        missing_labels=labels,
        level=level,
    )


@dataclass
class Catalogue:
    """The indicators, by code, with their parts (one query)."""

    indicators: dict[str, Indicator]
    parts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalogue:
        indicators = {i.code: i for i in Indicator.objects.order_by("order", "code")}
        parts: dict[str, list[str]] = defaultdict(list)
        for indicator in indicators.values():
            if indicator.parent_id:
                parts[indicator.parent_id].append(indicator.code)
        return cls(indicators, dict(parts))

    def summary(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.in_summary]


# --- where records begin ----------------------------------------------------------------------


def records_since() -> tuple[datetime.date, dict[str, datetime.date]]:
    """(the nationwide day, {province: its own day}); one query. Without a nationwide row the
    records answer every period."""
    default = datetime.date.min
    own: dict[str, datetime.date] = {}
    for province_id, since in RecordsSince.objects.values_list("province_id", "since"):
        if province_id is None:
            default = since
        else:
            own[province_id] = since
    return default, own


# --- aggregate values -------------------------------------------------------------------------


class StoredValues:
    """The aggregate values of some units and indicators, loaded in one query, answering
    (indicator, unit, period) exactly or explaining why not."""

    def __init__(
        self,
        catalogue: Catalogue,
        units: set[Unit],
        codes: set[str],
        first: datetime.date,
        last: datetime.date,
        labels: dict[Unit, str],
    ) -> None:
        self.catalogue = catalogue
        self.labels = labels
        # Keyed by (indicator, unit kind, unit code): strings hash once, a Unit every time.
        self.by_key: dict[tuple[str, str, str], list[tiling.Stored]] = defaultdict(list)
        self._answers: dict[tuple[str, str, str, datetime.date, datetime.date], int | None] = {}
        # The places with any value: the others answer nothing, whatever the indicator.
        self._reported: set[tuple[str, str]] = set()
        by_kind: dict[str, set[str]] = defaultdict(set)
        for unit in units:
            by_kind[unit.kind].add(unit.code)
        if not by_kind or not codes:
            return
        where = Q()
        for kind, unit_codes in by_kind.items():
            where |= Q(unit_kind=kind, unit_code__in=sorted(unit_codes))
        wanted = set(codes)
        for code in codes:  # parts answer their whole
            wanted.update(self._all_parts(code))
        rows = AggregateValue.objects.filter(
            where, indicator__in=sorted(wanted), start__lte=last, end__gte=first
        ).values_list("indicator_id", "unit_kind", "unit_code", "start", "end", "value")
        for code, kind, unit_code, start, end, value in rows:
            self.by_key[(code, kind, unit_code)].append(tiling.Stored(start, end, value))
            self._reported.add((kind, unit_code))

    @property
    def empty(self) -> bool:
        """No value stored for any of the places, indicators and days asked."""
        return not self._reported

    def _all_parts(self, code: str) -> list[str]:
        found = []
        for part in self.catalogue.parts.get(code, []):
            found.append(part)
            found.extend(self._all_parts(part))
        return found

    def answer_unit(self, code: str, unit: Unit, period: Period) -> int | None:
        # Each (indicator, place, period) is answered once: a whole is asked for by itself
        # and again for the indicator it is a part of.
        if (unit.kind, unit.code) not in self._reported:
            return None
        memo_key = (code, unit.kind, unit.code, period.start, period.end)
        if memo_key in self._answers:
            return self._answers[memo_key]
        counting = self.catalogue.indicators[code].counting
        answer: int | None = None
        stored = self.by_key.get((code, unit.kind, unit.code))
        pieces = tiling.answer(stored, period.start, period.end, counting) if stored else None
        if pieces is not None:
            answer = sum(p.value for p in pieces)
        else:
            parts = self.catalogue.parts.get(code)
            if parts and counting == C.SUM:
                values = [self.answer_unit(part, unit, period) for part in parts]
                if all(v is not None for v in values):
                    answer = sum(v for v in values if v is not None)
        self._answers[memo_key] = answer
        return answer

    def answer_part(
        self, code: str, part: AggregatePart, period: Period
    ) -> tuple[int | None, list[Unit]]:
        """A province's (or smaller unit's) share: its own values, else the sum of what its
        predecessors reported. Returns (the value, None when nothing answered; the places
        that did not report). A percentage is never added: it is answered by one place."""
        own = self.answer_unit(code, part.own, period)
        if own is not None:
            return own, []
        if not part.alternatives:
            return None, [part.own]
        if self.catalogue.indicators[code].counting == C.RATIO and len(part.alternatives) > 1:
            return None, list(part.alternatives)
        values = [self.answer_unit(code, alt, period) for alt in part.alternatives]
        missing = [alt for alt, v in zip(part.alternatives, values, strict=True) if v is None]
        answered = [v for v in values if v is not None]
        return (sum(answered) if answered else None), missing


# --- combining ------------------------------------------------------------------------------


@dataclass
class _Piece:
    """One share of a figure: a value read from the records or the stored values for some
    days of some places, the places it stands for and those of them that did not report."""

    value: int | float | None
    from_records: bool
    covers: tuple[Unit, ...]
    missing: tuple[Unit, ...] = ()
    period: Period | None = None


@dataclass
class _Pieces:
    """What a figure is made of while it is being put together."""

    items: list[_Piece] = field(default_factory=list)
    # A province whose share is cut into a records part and an aggregates part.
    split_in_time: bool = False
    notes: list[str] = field(default_factory=list)


def _split(
    period: Period, since: datetime.date, by_year: bool
) -> tuple[Period | None, Period | None]:
    """(the aggregates part, the records part) of a period for a province whose records
    begin on ``since``; a plan-year figure is cut at the start of the year ``since`` is in."""
    if by_year and since != datetime.date.min:
        since = datetime.date(since.year, 1, 1)
    if since <= period.start:
        return None, period
    if since > period.end:
        return period, None
    return Period(period.start, day_before(since)), Period(since, period.end)


def _as_output(
    indicator: Indicator, value: int | float | Decimal | None, from_aggregates: bool
) -> Any:
    if value is None:
        return None
    if indicator.is_percent:
        number = Decimal(value) / PERCENT_SCALE if from_aggregates else Decimal(str(value))
        return float(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return int(value)


def compute(
    resolved: ResolvedUnit,
    period: Period,
    indicators: list[Indicator],
    catalogue: Catalogue,
    since: tuple[datetime.date, dict[str, datetime.date]] | None = None,
) -> dict[str, Figure]:
    """The figures of ``indicators`` for the unit and period (see the module's rules); the
    data versions of the cached records figures are read once (``core.dataversions``)."""
    with dataversions.pinned():
        return _compute(resolved, period, indicators, catalogue, since)


def _compute(
    resolved: ResolvedUnit,
    period: Period,
    indicators: list[Indicator],
    catalogue: Catalogue,
    since: tuple[datetime.date, dict[str, datetime.date]] | None,
) -> dict[str, Figure]:
    default, own_since = since if since is not None else records_since()
    by_plan_year = [i for i in indicators if i.by_plan_year]
    dated = [i for i in indicators if not i.by_plan_year]
    result: dict[str, Figure] = {}
    for group, effective in (
        (dated, period),
        (by_plan_year, period.plan_years() if by_plan_year else period),
    ):
        if group:
            result.update(_compute_group(resolved, effective, group, catalogue, default, own_since))
    return {i.code: result[i.code] for i in indicators}


def _compute_group(
    resolved: ResolvedUnit,
    period: Period,
    indicators: list[Indicator],
    catalogue: Catalogue,
    default: datetime.date,
    own_since: dict[str, datetime.date],
) -> dict[str, Figure]:
    by_year = indicators[0].by_plan_year
    level_codes = {i.code for i in indicators if i.counting == C.LEVEL}
    # Which days of the period each province answers from records and from aggregates.
    aggregate_parts: list[tuple[AggregatePart, Period]] = []
    record_groups: dict[Period, list[str]] = defaultdict(list)
    level_record_groups: dict[Period, list[str]] = defaultdict(list)
    level_aggregate_parts: list[tuple[AggregatePart, Period]] = []
    split_provinces: set[str] = set()
    parts_by_province = {part.province: part for part in resolved.parts}
    expected = {part.province: expected_units(part, period) for part in resolved.parts}
    for province in resolved.provinces:
        day = own_since.get(province, default)
        before, after = _split(period, day, by_year)
        part = parts_by_province[province]
        if before is not None:
            aggregate_parts.append((part, before))
        if after is not None:
            record_groups[after].append(province)
        if before is not None and after is not None:
            split_provinces.add(province)
        # A level is read on the last day only.
        if after is not None:
            level_record_groups[Period(period.end, period.end)].append(province)
        else:
            level_aggregate_parts.append((part, period))

    pieces: dict[str, _Pieces] = {i.code: _Pieces() for i in indicators}
    flow_codes = {i.code for i in indicators} - level_codes
    _read_records(resolved, record_groups, flow_codes, pieces, expected)
    _read_records(resolved, level_record_groups, level_codes, pieces, expected)
    if aggregate_parts or level_aggregate_parts:
        units = {
            u
            for part, _p in aggregate_parts + level_aggregate_parts
            for u in (part.own, *part.alternatives)
        }
        stored = StoredValues(
            catalogue,
            units,
            {i.code for i in indicators},
            period.start,
            period.end,
            resolved.labels,
        )
        for indicator in indicators:
            parts = level_aggregate_parts if indicator.code in level_codes else aggregate_parts
            for part, part_period in parts:
                covers = expected[part.province]
                if stored.empty:  # nothing stored: every place expected is missing
                    pieces[indicator.code].items.append(
                        _Piece(None, False, covers, covers, part_period)
                    )
                    continue
                value, tried = stored.answer_part(indicator.code, part, part_period)
                if not tried:
                    missing: tuple[Unit, ...] = ()
                elif covers == (part.own,):
                    missing = covers
                else:
                    missing = tuple(u for u in covers if u in tried)
                    if len(missing) == len(covers):
                        missing = covers  # the same tuple: see ``_completeness``
                pieces[indicator.code].items.append(
                    _Piece(value, False, covers, missing, part_period)
                )
    for code in flow_codes:
        pieces[code].split_in_time = bool(split_provinces)
    seen: dict[tuple[tuple[int, int], ...], Completeness] = {}
    seen_notes: dict[tuple[tuple[int, int], ...], list[str]] = {}
    return {i.code: _finish(i, pieces[i.code], resolved, seen, seen_notes) for i in indicators}


def _read_records(
    resolved: ResolvedUnit,
    groups: dict[Period, list[str]],
    codes: set[str],
    pieces: dict[str, _Pieces],
    expected: dict[str, tuple[Unit, ...]],
) -> None:
    if not codes:
        return
    for part, provinces in groups.items():
        everywhere = resolved.unit.kind == "nation" and len(provinces) == len(resolved.provinces)
        scope = records.Scope(
            provinces=None if everywhere else tuple(sorted(provinces)),
            communes=tuple(resolved.communes) if resolved.communes is not None else None,
            legacy_province=resolved.legacy_province,
        )
        computed = records.compute(scope, part.start, part.end, codes)
        covers = tuple(u for province in sorted(provinces) for u in expected[province])
        for code in codes:
            value = computed.values.get(code)
            pieces[code].items.append(
                _Piece(value, True, covers, covers if value is None else (), part)
            )
            if code in computed.notes:
                pieces[code].notes.append(computed.notes[code])


def _completeness(
    resolved: ResolvedUnit,
    pieces: _Pieces,
    seen: dict[tuple[tuple[int, int], ...], Completeness] | None = None,
) -> Completeness:
    """Which places were expected and which did not report. The indicators of a group mostly
    share their pieces' places (the same tuples): ``seen`` keeps what was worked out for
    those tuples, while they are alive, so a national report does it a few times, not once
    per indicator."""
    key = tuple((id(piece.covers), id(piece.missing)) for piece in pieces.items)
    if seen is not None and key in seen:
        found = seen[key]
        return replace(
            found, missing=list(found.missing), missing_labels=list(found.missing_labels)
        )
    completeness = _places_reported(resolved, pieces)
    if seen is not None:
        seen[key] = completeness
        return replace(
            completeness,
            missing=list(completeness.missing),
            missing_labels=list(completeness.missing_labels),
        )
    return completeness


def _places_reported(resolved: ResolvedUnit, pieces: _Pieces) -> Completeness:
    expected: dict[Unit, None] = {}
    missing: dict[Unit, None] = {}
    for piece in pieces.items:
        expected.update(dict.fromkeys(piece.covers))
        missing.update(dict.fromkeys(piece.missing))
    absent = [u for u in expected if u in missing]
    return Completeness(
        reported=len(expected) - len(absent),
        expected=len(expected),
        missing=[str(u) for u in absent],
        missing_labels=[resolved.label_of(u) for u in absent],
        level="commune" if resolved.unit.kind == COMMUNE else "province",
    )


def _missing_notes(
    pieces: _Pieces,
    resolved: ResolvedUnit,
    seen: dict[tuple[tuple[int, int], ...], list[str]] | None = None,
) -> list[str]:
    """The places missing from the stored values in each period, in order, each once, as
    notes; like ``_completeness``, worked out once per set of pieces (``seen``)."""
    stored = [p for p in pieces.items if not p.from_records and p.missing and p.period is not None]
    key = tuple((id(piece.missing), id(piece.period)) for piece in stored)
    if seen is not None and key in seen:
        return seen[key]
    # A dict: no list scans.
    by_period: dict[Period, dict[Unit, None]] = defaultdict(dict)
    for piece in stored:
        assert piece.period is not None
        by_period[piece.period].update(dict.fromkeys(piece.missing))
    notes = [
        missing_note(list(units), part_period, resolved.labels)
        for part_period, units in by_period.items()
    ]
    if seen is not None:
        seen[key] = notes
    return notes


def _finish(
    indicator: Indicator,
    pieces: _Pieces,
    resolved: ResolvedUnit,
    seen: dict[tuple[tuple[int, int], ...], Completeness] | None = None,
    seen_notes: dict[tuple[tuple[int, int], ...], list[str]] | None = None,
) -> Figure:
    code = indicator.code
    completeness = _completeness(resolved, pieces, seen)
    answered = [p for p in pieces.items if p.value is not None]
    has_records = any(p.from_records for p in answered)
    has_aggregates = any(not p.from_records for p in answered)
    source = MIXED if has_records and has_aggregates else RECORDS if has_records else AGGREGATES
    notes = list(pieces.notes) + _missing_notes(pieces, resolved, seen_notes)
    note = " ".join(dict.fromkeys(notes))
    if not answered:
        return Figure(code, None, NONE, note, completeness)
    if indicator.counting == C.RATIO and len(pieces.items) > 1:
        return Figure(
            code,
            None,
            NONE,
            _(
                "A percentage cannot be added up from several pieces (provinces or periods "
                "read separately)."
            ),
            completeness,
        )
    if indicator.counting == C.DISTINCT and pieces.split_in_time and has_aggregates:
        return Figure(
            code,
            None,
            NONE,
            _(
                "Cannot be answered exactly: a count of distinct establishments cannot be "
                "added over the years before and after records begin."
            ),
            completeness,
        )
    values = [p.value for p in answered]
    if indicator.is_percent:
        return Figure(
            code, _as_output(indicator, values[0], has_aggregates), source, note, completeness
        )
    return Figure(code, int(sum(v for v in values if v is not None)), source, note, completeness)
