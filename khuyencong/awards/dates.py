"""Working days and certificate dates.

Deadlines of the award regulations are counted in working days: Saturdays and Sundays are
skipped. Public holidays are not known to the system (they change every year by decision);
an officer who needs to extend a window by a holiday changes the round's window length.
"""

from __future__ import annotations

import datetime

SATURDAY = 5


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    A window of 15 working days opened on Friday 2 January 2026 ends on Friday 23 January.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def certificate_valid_until(issued_on: datetime.date) -> datetime.date:
    """31 December of the third year counting the year of issue: issued in 2026, valid
    until 31/12/2028."""
    return datetime.date(issued_on.year + 2, 12, 31)
