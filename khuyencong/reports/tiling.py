"""Which stored aggregate values answer a period exactly (pure functions, no database).

A requested period is answered by stored values of one indicator and one place that *tile*
it: they lie inside it, do not overlap, leave no gap, and together cover it from its first
day to its last. Values of nested or overlapping periods (a 9-month and a full-year figure
of the same year; a single year inside 2012–2023) can never be in the same tiling, so they
are never added. Among several tilings the one with the fewest values wins (the single
exact value first); ties go to the tiling whose earlier pieces are longer, so the answer is
deterministic. No tiling: no answer (the caller says "cannot be answered exactly").

How an indicator may be combined over time (``Indicator.Counting``):

- ``sum``: any tiling;
- ``distinct`` and ``ratio``: only one value for exactly the period (distinct counts and
  percentages of sub-periods do not add up);
- ``level``: the state at the end of the period, i.e. a value ending on the period's last day
  (the one with the same start first, else the most recent start).
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Stored:
    start: datetime.date
    end: datetime.date
    value: int


def exact_tiling(
    values: Iterable[Stored], start: datetime.date, end: datetime.date
) -> list[Stored] | None:
    """The fewest stored values exactly tiling ``start``–``end``, in date order; None when
    none do."""
    by_start: dict[datetime.date, list[Stored]] = {}
    for value in values:
        if value.start >= start and value.end <= end and value.end >= value.start:
            by_start.setdefault(value.start, []).append(value)
    for pieces in by_start.values():
        pieces.sort(key=lambda v: v.end, reverse=True)  # longer first
    goal = end + ONE_DAY
    # Breadth first over "the next day to cover": the first time the goal is reached uses
    # the fewest values.
    came_from: dict[datetime.date, Stored | None] = {start: None}
    queue = deque([start])
    while queue:
        day = queue.popleft()
        if day == goal:
            break
        for piece in by_start.get(day, ()):
            following = piece.end + ONE_DAY
            if following not in came_from:
                came_from[following] = piece
                queue.append(following)
    if goal not in came_from:
        return None
    tiling: list[Stored] = []
    day = goal
    while day != start:
        came = came_from[day]
        assert came is not None
        tiling.append(came)
        day = came.start
    tiling.reverse()
    return tiling


def single_exact(
    values: Iterable[Stored], start: datetime.date, end: datetime.date
) -> Stored | None:
    return next((v for v in values if v.start == start and v.end == end), None)


def level_at_end(
    values: Iterable[Stored], start: datetime.date, end: datetime.date
) -> Stored | None:
    ending = [v for v in values if v.end == end]
    if not ending:
        return None
    exact = [v for v in ending if v.start == start]
    return exact[0] if exact else max(ending, key=lambda v: v.start)


def answer(
    values: Iterable[Stored], start: datetime.date, end: datetime.date, counting: str
) -> list[Stored] | None:
    """The stored values answering the period for an indicator counted as ``counting``
    (their sum is the answer); None when the period cannot be answered exactly."""
    values = list(values)
    if counting == "sum":
        return exact_tiling(values, start, end)
    if counting == "level":
        found = level_at_end(values, start, end)
    else:
        found = single_exact(values, start, end)
    return [found] if found is not None else None
