"""Every rule about aggregate values (STYLE.md 2): what a valid value is, and entering a batch
all or nothing. The staff pages, the XLSX import and the API call these.

Who enters what (``reports.access``: ``may_enter``, ``Writer``): a province's officers and manager enter values for
their province, the pre-2025 provinces merged into it and its communes; a collaborator for
their own communes; an administrator for every place; national officers and auditors read.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.places.models import Commune, LegacyProvince, Province
from khuyencong.reports.access import Writer, aggregates_for, may_enter
from khuyencong.reports.models import (
    PERCENT_SCALE,
    AggregateValue,
    Indicator,
    RecordsSince,
    UnitKind,
)
from khuyencong.reports.periods import MAX_YEAR, MIN_YEAR
from khuyencong.reports.units import Unit, UnitError

# Pre-2025 provinces ceased on 1 July 2025 (DOMAIN.md, Places and regions).
LEGACY_LAST_DAY = datetime.date(2025, 6, 30)
MAX_VALUE = 10**17  # đồng: far above any khuyến công figure, far below BigInteger's limit
FIELDS = ("indicator", "unit", "start", "end", "value", "is_declared_total", "source_note")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


class ReportsError(DomainError):
    """Invalid input for an aggregate value (API: 400 on ``field``)."""


class BatchRejected(DomainError):
    """Some items of a batch are invalid: nothing was saved. ``errors`` has one dict per
    item, in order (``{}`` for a valid one), each ``{field: [messages]}``."""

    def __init__(self, errors: list[dict[str, list[str]]]) -> None:
        bad = sum(1 for e in errors if e)
        super().__init__(
            _("%(bad)s of %(total)s values are invalid; nothing was saved.")
            % {"bad": bad, "total": len(errors)}
        )
        self.errors = errors


@dataclass
class Place:
    kind: str
    code: str
    province_id: str
    legacy_province_id: str | None = None
    commune_id: str | None = None


@dataclass
class Cleaned:
    indicator: Indicator
    place: Place
    start: datetime.date
    end: datetime.date
    value: int
    is_declared_total: bool
    source_note: str

    @property
    def key(self) -> tuple[str, str, str, datetime.date, datetime.date]:
        return (self.indicator.code, self.place.kind, self.place.code, self.start, self.end)


@dataclass
class Lookup:
    """What a batch refers to, loaded in a few queries whatever its size."""

    indicators: dict[str, Indicator]
    provinces: set[str] = field(default_factory=set)
    legacy: dict[str, str] = field(default_factory=dict)  # code -> successor
    communes: dict[str, str] = field(default_factory=dict)  # code -> province

    @classmethod
    def for_items(cls, items: Iterable[dict[str, Any]]) -> Lookup:
        wanted: dict[str, set[str]] = {k: set() for k in UnitKind.values}
        for item in items:
            kind, _sep, code = str(item.get("unit") or "").strip().partition(":")
            if kind in wanted:
                wanted[kind].add(code)
        lookup = cls({i.code: i for i in Indicator.objects.all()})
        if wanted[UnitKind.PROVINCE]:
            lookup.provinces = set(
                Province.objects.filter(pk__in=wanted[UnitKind.PROVINCE]).values_list(
                    "pk", flat=True
                )
            )
        if wanted[UnitKind.LEGACY_PROVINCE]:
            lookup.legacy = dict(
                LegacyProvince.objects.filter(pk__in=wanted[UnitKind.LEGACY_PROVINCE]).values_list(
                    "pk", "successor_id"
                )
            )
        if wanted[UnitKind.COMMUNE]:
            lookup.communes = dict(
                Commune.objects.filter(pk__in=wanted[UnitKind.COMMUNE]).values_list(
                    "pk", "province_id"
                )
            )
        return lookup


def parse_place(text: Any, lookup: Lookup) -> Place:
    try:
        unit = Unit.parse(str(text or ""))
    except UnitError as error:
        raise ReportsError(error.message, field="unit") from error
    if unit.kind not in UnitKind.values:
        raise ReportsError(
            _(
                "Enter values for a province, a pre-2025 province or a commune: a region "
                "and the nation are the sums of their provinces."
            ),
            field="unit",
        )
    missing = ReportsError(_("No such place: %(unit)s.") % {"unit": str(unit)}, field="unit")
    if unit.kind == UnitKind.PROVINCE:
        if unit.code not in lookup.provinces:
            raise missing
        return Place(unit.kind, unit.code, unit.code)
    if unit.kind == UnitKind.LEGACY_PROVINCE:
        if unit.code not in lookup.legacy:
            raise missing
        return Place(unit.kind, unit.code, lookup.legacy[unit.code], legacy_province_id=unit.code)
    if unit.code not in lookup.communes:
        raise missing
    return Place(unit.kind, unit.code, lookup.communes[unit.code], commune_id=unit.code)


def parse_date(value: Any, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ReportsError(_("This field is required."), field=name)
        try:
            if "/" in text:
                day = datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007
            else:
                day = datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise ReportsError(
                _("Enter a valid date (YYYY-MM-DD or dd/mm/yyyy)."), field=name
            ) from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ReportsError(
            _("Enter a date from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=name,
        )
    return day


def parse_value(value: Any, indicator: Indicator | None) -> int:
    """The stored integer: đồng or a count as given, a percentage in tenths (81.3 → 813)."""
    if isinstance(value, bool) or value is None or str(value).strip() == "":
        raise ReportsError(_("Enter a number."), field="value")
    text = str(value).strip().replace("\xa0", "").replace(" ", "")
    if indicator is None or not indicator.is_percent:
        if _THOUSANDS.match(text):  # 75.430.000.000 as written in Vietnamese documents
            text = re.sub(r"[.,\s]", "", text)
    elif "," in text and "." not in text:  # 81,3 (Vietnamese decimal comma)
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ReportsError(_("Enter a number."), field="value") from exc
    if not number.is_finite() or number < 0:
        raise ReportsError(_("Enter a number that is not negative."), field="value")
    if indicator is not None and indicator.is_percent:
        if number > 100:
            raise ReportsError(_("A percentage is at most 100."), field="value")
        scaled = number * PERCENT_SCALE
        if scaled != scaled.to_integral_value():
            raise ReportsError(
                _("Give a percentage with at most one decimal (e.g. 81.3)."), field="value"
            )
        return int(scaled)
    if number != number.to_integral_value():
        raise ReportsError(
            _("Enter a whole number (đồng, or a count)."),
            field="value",
        )
    if number > MAX_VALUE:
        raise ReportsError(_("This number is too large."), field="value")
    return int(number)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "x", "có", "co")


def clean_item(
    item: dict[str, Any], lookup: Lookup, writer: Writer
) -> tuple[Cleaned | None, dict[str, list[str]]]:
    """One value checked field by field: (the cleaned value, or None; the errors by field)."""
    errors: dict[str, list[str]] = {}

    def attempt(name: str, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except ReportsError as error:
            errors.setdefault(error.field or name, []).append(str(error.message))
            return None

    code = str(item.get("indicator") or "").strip()
    indicator = lookup.indicators.get(code)
    if indicator is None:
        errors["indicator"] = [
            _("Unknown indicator “%(code)s”.") % {"code": code}
            if code
            else _("This field is required.")
        ]
    place = attempt("unit", parse_place, item.get("unit"), lookup)
    if place is not None and not writer.may(place):
        errors.setdefault("unit", []).append(_("You may not enter values for this place."))
    start = attempt("start", parse_date, item.get("start"), "start")
    end = attempt("end", parse_date, item.get("end"), "end")
    value = attempt("value", parse_value, item.get("value"), indicator)
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end of the period is before its start."))
    if start and start > timezone.localdate():
        errors.setdefault("start", []).append(_("The period has not begun yet."))
    if (
        place is not None
        and place.kind == UnitKind.LEGACY_PROVINCE
        and end
        and end > LEGACY_LAST_DAY
    ):
        errors.setdefault("end", []).append(
            _("Pre-2025 provinces ended on 30/06/2025: enter later figures for the 2025 province.")
        )
    note = str(item.get("source_note") or "").strip()
    if len(note) > 300:
        errors["source_note"] = [_("At most 300 characters.")]
    if (
        errors
        or indicator is None
        or place is None
        or start is None
        or end is None
        or value is None
    ):
        return None, errors
    return (
        Cleaned(indicator, place, start, end, value, _flag(item.get("is_declared_total")), note),
        errors,
    )


def _existing(cleaned: list[Cleaned]) -> dict[tuple[Any, ...], AggregateValue]:
    if not cleaned:
        return {}
    where = Q()
    by_kind: dict[str, set[str]] = {}
    for item in cleaned:
        by_kind.setdefault(item.place.kind, set()).add(item.place.code)
    for kind, codes in by_kind.items():
        where |= Q(unit_kind=kind, unit_code__in=sorted(codes))
    found = AggregateValue.objects.filter(
        where, indicator__in={c.indicator.code for c in cleaned}
    ).only("pk", "indicator_id", "unit_kind", "unit_code", "start", "end", "version")
    return {(v.indicator_id, v.unit_kind, v.unit_code, v.start, v.end): v for v in found}


def records_start(indicator: Indicator, day: datetime.date) -> datetime.date:
    """The first day the records answer for an indicator, when a province's records are
    complete from ``day``: a plan-year figure is answered by records for the whole year
    ``day`` falls in (``figures`` cuts it there too)."""
    if indicator.by_plan_year and day != datetime.date.min:
        return datetime.date(day.year, 1, 1)
    return day


def _answered_by_records(cleaned: list[Cleaned | None], errors: list[dict[str, list[str]]]) -> None:
    """Refuse a value for days the records answer (after the province's records start): it
    would never be used (two queries for the whole batch)."""
    items = [(i, c) for i, c in enumerate(cleaned) if c is not None]
    if not items:
        return
    default = datetime.date.min
    own: dict[str, datetime.date] = {}
    for province_id, since in RecordsSince.objects.values_list("province_id", "since"):
        if province_id is None:
            default = since
        else:
            own[province_id] = since
    late = []
    for index, item in items:
        first = records_start(item.indicator, own.get(item.place.province_id, default))
        if first != datetime.date.min and item.end >= first:
            late.append((index, item, first))
    if not late:
        return
    names = dict(
        Province.objects.filter(
            pk__in={item.place.province_id for _i, item, _f in late}
        ).values_list("pk", "name")
    )
    for index, item, first in late:
        errors[index].setdefault("end", []).append(
            _(
                "The records of %(province)s answer the days from %(day)s: a value for them "
                "would never be used. End the period on %(last)s at the latest and enter what "
                "happened from %(day)s on as records (projects, disbursements, activities), or "
                "ask an administrator to move the province's records start (Administration › "
                "Records starts)."
            )
            % {
                "province": names.get(item.place.province_id, item.place.province_id),
                "day": first.strftime("%d/%m/%Y"),
                "last": (first - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            }
        )


def validate(
    actor: Any, items: list[dict[str, Any]], *, replace: bool = False
) -> tuple[list[Cleaned | None], list[dict[str, list[str]]], dict[tuple[Any, ...], AggregateValue]]:
    lookup = Lookup.for_items(items)
    writer = Writer(actor)
    results = [clean_item(item, lookup, writer) for item in items]
    cleaned = [c for c, _e in results]
    errors = [e for _c, e in results]
    _answered_by_records(cleaned, errors)
    existing = _existing([c for c in cleaned if c is not None])
    seen: dict[tuple[Any, ...], int] = {}
    for index, item in enumerate(cleaned):
        if item is None:
            continue
        if item.key in seen:
            errors[index].setdefault("start", []).append(
                _("The same indicator, place and period is given twice (also item %(n)s).")
                % {"n": seen[item.key] + 1}
            )
        seen.setdefault(item.key, index)
        if item.key in existing and not replace:
            errors[index].setdefault("start", []).append(
                _(
                    "A value for this indicator, place and period is already entered: change "
                    "that one instead."
                )
            )
    return cleaned, errors, existing


@transaction.atomic
def enter_aggregates(
    *, actor: Any, items: list[dict[str, Any]], replace: bool = False
) -> tuple[list[AggregateValue], dict[str, int]]:
    """Enter a batch of values all or nothing: ``BatchRejected`` with every item's errors,
    or every value saved (replacing those already entered when ``replace``).

    Returns the values in the order given and ``{"created": n, "updated": n}``.
    """
    if not may_enter(actor):
        raise ReportsError(_("Your role may not enter aggregate values."), field="unit")
    if not items:
        raise ReportsError(_("Give at least one value."), field="detail")
    cleaned, errors, existing = validate(actor, items, replace=replace)
    if any(errors):
        raise BatchRejected(errors)
    saved: list[AggregateValue] = []
    counts = {"created": 0, "updated": 0}
    locked = {
        v.pk: v
        for v in AggregateValue.objects.select_for_update().filter(
            pk__in=[existing[c.key].pk for c in cleaned if c is not None and c.key in existing]
        )
    }
    for item in cleaned:
        assert item is not None
        current = existing.get(item.key)
        value = locked[current.pk] if current is not None else AggregateValue()
        value.indicator = item.indicator
        value.unit_kind = item.place.kind
        value.unit_code = item.place.code
        value.province_id = item.place.province_id
        value.legacy_province_id = item.place.legacy_province_id
        value.commune_id = item.place.commune_id
        value.start, value.end = item.start, item.end
        value.value = item.value
        value.is_declared_total = item.is_declared_total
        value.source_note = item.source_note
        if current is None:
            value.entered_by = actor
            counts["created"] += 1
        else:
            value.version += 1
            counts["updated"] += 1
        set_history_actor(value, actor)
        value.save()
        saved.append(value)
    return saved, counts


def enter_aggregate(*, actor: Any, item: dict[str, Any]) -> AggregateValue:
    """One value; ``ReportsError`` naming the first invalid field."""
    try:
        saved, _counts = enter_aggregates(actor=actor, items=[item])
    except BatchRejected as rejected:
        field_name, messages = next(iter(rejected.errors[0].items()))
        raise ReportsError(messages[0], field=field_name) from rejected
    return saved[0]


@transaction.atomic
def update_aggregate(
    *,
    actor: Any,
    aggregate: AggregateValue,
    data: dict[str, Any],
    expected_version: int | None,
) -> AggregateValue:
    """Change the value, the declared-total flag or the source of a value the user may
    write (its indicator, place and period are its identity: enter another value for
    another one). A stale edit is refused."""
    current = lock_current(
        aggregates_for(actor, write=True).select_related("indicator"),
        aggregate.pk,
        expected_version,
    )
    if "value" in data:
        current.value = parse_value(data["value"], current.indicator)
    if "is_declared_total" in data:
        current.is_declared_total = _flag(data["is_declared_total"])
    if "source_note" in data:
        note = str(data["source_note"] or "").strip()
        if len(note) > 300:
            raise ReportsError(_("At most 300 characters."), field="source_note")
        current.source_note = note
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    return current


@transaction.atomic
def delete_aggregate(
    *, actor: Any, aggregate: AggregateValue, expected_version: int | None
) -> None:
    """Remove a value entered by mistake; its history keeps who removed it."""
    current = lock_current(aggregates_for(actor, write=True), aggregate.pk, expected_version)
    set_history_actor(current, actor)
    current.delete()
