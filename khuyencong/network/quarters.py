"""Quarters, the period of a collaborator's report: ``2026-Q1`` in the API, ``Q1/2026`` on
screen. Pure date arithmetic, no database."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

PERIOD_RE = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")
MIN_YEAR = 2000
MAX_YEAR = 2100


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        if self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def period(self) -> str:
        """The API's spelling: ``2026-Q1``."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """The way Vietnamese documents write it: ``Q1/2026`` (quý 1 năm 2026)."""
        return f"Q{self.quarter}/{self.year}"

    def __str__(self) -> str:
        return self.label

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def due(self, days: int) -> datetime.date:
        """The last day a report may be submitted on time: ``days`` after the quarter ends."""
        return self.end + datetime.timedelta(days=days)


def quarter_of(day: datetime.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(value: object) -> Quarter | None:
    """``"2026-Q1"`` → ``Quarter(2026, 1)``; anything else → ``None``."""
    if not isinstance(value, str):
        return None
    match = PERIOD_RE.match(value.strip())
    if match is None:
        return None
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return Quarter(year, int(match["quarter"]))


def finished_quarters(today: datetime.date, count: int) -> list[Quarter]:
    """The last ``count`` quarters that have ended before ``today``, oldest first."""
    current = quarter_of(today).previous()
    quarters = []
    for _index in range(count):
        quarters.append(current)
        current = current.previous()
    return list(reversed(quarters))
