"""Demo history on the days things happened, not the minute the demo ran.

Every service writes its history rows (and ``created_at``, and workflow transition rows) at
"now"; a demo loaded in a minute would show four years of work all done today. After the
apps' demos have run, ``spread_history`` moves each row written since ``since`` to a moment
that fits its record: the record's own earliest business date (a decision, a course's start,
a response's collection day…), else the first of its year, else that of the record it belongs
to; later changes and workflow steps follow at a working-day pace, never after now.
Rows an app already dated (network reports, award closings) are left as they are.
"""

from __future__ import annotations

import datetime
import itertools
import random
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.utils import timezone

# Places, users and reference data are not records of the programme's work.
SKIP_APPS = {"places", "accounts", "core"}
NOT_OWNERS = {"places", "accounts"}
# Steps of a workflow dated by the record's own field when it has one.
STEP_DAYS = {"approve": "approved_on", "accept": "accepted_on", "settle": "settled_on"}


# Dates that end something: a record is written before them, not on them.
END_FIELDS = {
    "closing_date", "closes_on", "issued_on", "valid_until", "accepted_on", "settled_on",
    "completed_on", "end_date", "ends_on", "due_date", "done_on", "follow_up_due",
    "follow_up_done_on", "active_until", "resolved_on",
}  # fmt: skip


def _business_dates(
    obj: Any, today: datetime.date
) -> tuple[list[datetime.date], list[datetime.date]]:
    """(dates that begin the record, dates that end it), those not after today."""
    begins: list[datetime.date] = []
    ends: list[datetime.date] = []
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            value = getattr(obj, f.attname)
            if value is not None and value <= today:
                (ends if f.name in END_FIELDS else begins).append(value)
    return begins, ends


def _dated(model: Any) -> bool:
    """Whether the model's records carry a day of their own (a date, or a year)."""
    return any(
        (isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField))
        or f.name == "year"
        for f in model._meta.concrete_fields
    )


def _has_steps(model: Any) -> bool:
    return any(
        rel.related_model.__name__.endswith("Transition")
        for rel in model._meta.related_objects
        if rel.one_to_many
    )


class _Anchors:
    """The day each demo record began, cached by (model, pk)."""

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng, self.today = rng, today
        self.cache: dict[tuple[str, Any], datetime.date] = {}

    def day(self, obj: Any, depth: int = 0) -> datetime.date:
        key = (obj._meta.label, obj.pk)
        if key in self.cache:
            return self.cache[key]
        day = None
        begins, ends = _business_dates(obj, self.today)
        if _has_steps(type(obj)) and (begins or ends):
            # A record with workflow steps is drafted weeks before its first dated step.
            day = min(begins + ends) - datetime.timedelta(days=self.rng.randint(20, 60))
        elif begins:
            day = min(begins)
        elif ends:
            day = min(ends) - datetime.timedelta(days=self.rng.randint(14, 60))
        elif getattr(obj, "year", None) and isinstance(obj.year, int):
            first = datetime.date(obj.year, 1, 1)
            if first <= self.today:
                day = min(first + datetime.timedelta(days=self.rng.randint(20, 300)), self.today)
        if day is None and depth < 2:
            for f in obj._meta.concrete_fields:
                # A model class here: our foreign keys never name "self" as a string.
                related: Any = f.related_model
                if (
                    isinstance(f, models.ForeignKey)
                    and related._meta.app_label not in NOT_OWNERS
                    and related._meta.app_label
                    in {
                        "registry",
                        "network",
                        "programmes",
                        "activities",
                        "awards",
                        "surveys",
                        "reports",
                    }
                ):
                    if not _dated(related):
                        continue  # reference data (a sector, a category): no day of its own
                    parent = getattr(obj, f.name)
                    if parent is not None:
                        day = self.day(parent, depth + 1)
                        break
        if day is None:
            day = self.today - datetime.timedelta(days=self.rng.randint(30, 700))
        self.cache[key] = day
        return day


def _moment(rng: random.Random, day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """A moment of office hours on ``day`` (7:30–16:30), never later than now."""
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    )
    return min(moment, now - datetime.timedelta(minutes=rng.randint(5, 240)))


def _later(
    rng: random.Random, moment: datetime.datetime, now: datetime.datetime
) -> datetime.datetime:
    """A later working moment: a few days on, in office hours, never after now."""
    day = timezone.localtime(moment).date() + datetime.timedelta(days=rng.randint(1, 21))
    return max(_moment(rng, day, now), moment + datetime.timedelta(minutes=1))


def spread_history(rng: random.Random, since: datetime.datetime) -> int:
    """Move the rows written at or after ``since`` to believable past moments; answers how
    many rows were moved."""
    now = timezone.now()
    today = timezone.localdate()
    anchors = _Anchors(rng, today)
    moved = 0
    for model in apps.get_models():
        app = model._meta.app_label
        if app in SKIP_APPS or not model.__module__.startswith("khuyencong."):
            continue
        if model.__name__.startswith("Historical"):
            continue
        moved += _spread_model(model, rng, since, now, anchors)
    return moved


def _spread_model(
    model: Any,
    rng: random.Random,
    since: datetime.datetime,
    now: datetime.datetime,
    anchors: _Anchors,
) -> int:
    fields = {f.name: f for f in model._meta.concrete_fields}
    moved = 0
    history = getattr(model, "history", None)
    starts: dict[Any, datetime.datetime] = {}
    created = fields.get("created_at")
    recent = model.objects.all()
    if created is not None:
        recent = recent.filter(created_at__gte=since)
    objects = list(recent.order_by("pk")) if created is not None or history else []
    for obj in objects:
        starts[obj.pk] = _moment(rng, anchors.day(obj), now)
    if created is not None and objects:
        for obj in objects:
            obj.created_at = starts[obj.pk]
        model.objects.bulk_update(objects, ["created_at"], batch_size=500)
        moved += len(objects)
    if history is not None:
        rows = list(
            history.model.objects.filter(history_date__gte=since).order_by("id", "history_id")
        )
        previous: dict[Any, datetime.datetime] = {}
        for row in rows:
            if row.id not in starts:
                obj = model.objects.filter(pk=row.id).first()
                starts[row.id] = _moment(rng, anchors.day(obj or row), now)
            if row.id in previous:
                row.history_date = _later(rng, previous[row.id], now)
            else:
                row.history_date = starts[row.id]
            previous[row.id] = row.history_date
        history.model.objects.bulk_update(rows, ["history_date"], batch_size=500)
        moved += len(rows)
    # Workflow steps: "at" of a transition row, after the record began, in order.
    if "at" in fields and model.__name__.endswith("Transition"):
        owner = next(
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.name not in ("actor",)
        )
        rows = list(model.objects.filter(at__gte=since).select_related(owner.name).order_by("pk"))
        by_parent: dict[Any, list[Any]] = {}
        for row in rows:
            by_parent.setdefault(getattr(row, owner.attname), []).append(row)
        for steps in by_parent.values():
            _date_steps(steps, getattr(steps[0], owner.name), rng, now, anchors)
        model.objects.bulk_update(rows, ["at"], batch_size=500)
        moved += len(rows)
    return moved


def _date_steps(
    steps: list[Any],
    parent: Any,
    rng: random.Random,
    now: datetime.datetime,
    anchors: _Anchors,
) -> None:
    """Date one record's workflow steps in order: a step with a day of its own on the record
    (approved on, accepted on…) on that day, the others spread between, office hours."""
    fixed: list[datetime.date | None] = []
    for step in steps:
        own = getattr(parent, STEP_DAYS.get(getattr(step, "action", ""), ""), None)
        fixed.append(own if own is not None and own <= anchors.today else None)
    start = anchors.day(parent)
    index = 0
    previous_day = start
    while index < len(steps):
        # The next step with a day of its own, and the free steps before it.
        upcoming = next((i for i in range(index, len(steps)) if fixed[i] is not None), None)
        if upcoming is None:
            moment = _moment(rng, previous_day, now)
            for step in steps[index:]:
                moment = _later(rng, moment, now)
                step.at = moment
            break
        target = cast(datetime.date, fixed[upcoming])  # found as one that is not None
        free = upcoming - index
        gap = max((target - previous_day).days, 0)
        for offset, step in enumerate(steps[index:upcoming], start=1):
            day = previous_day + datetime.timedelta(days=gap * offset // (free + 1))
            step.at = _moment(rng, day, now)
        steps[upcoming].at = _moment(rng, target, now)
        previous_day = target
        index = upcoming + 1
    _in_order(steps, rng)


def _in_order(steps: list[Any], rng: random.Random) -> None:
    """Two steps of one day keep the order they were taken in."""
    for before, after in itertools.pairwise(steps):
        if after.at <= before.at:
            after.at = before.at + datetime.timedelta(minutes=rng.randint(5, 90))
