"""Report periods: any span of whole days, with constructors for those reports use (a month,
a quarter, the first N months of a year, a year, a range of years) and their Vietnamese
labels as documents write them ("Quý I/2026", "9 tháng đầu năm 2026", "giai đoạn
2012–2023"). Pure date arithmetic, no database.

Labels are Vietnamese whatever the interface language: they name the period in the
report's own words (like the network's ``Q1/2026``).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError

MIN_YEAR = 1990
MAX_YEAR = 2100
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(DomainError):
    """A period that cannot be read (API: 400 naming ``start`` or ``end``)."""


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, order=True)
class Period:
    """From ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The end of the period is before its start."), field="end")

    # --- constructors ------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(datetime.date(year, month, 1), _last_day(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in ROMAN:
            raise PeriodError(_("A quarter is 1, 2, 3 or 4."), field="quarter")
        return cls(datetime.date(year, 3 * quarter - 2, 1), _last_day(year, 3 * quarter))

    @classmethod
    def first_months(cls, year: int, months: int) -> Period:
        if not 1 <= months <= 12:
            raise PeriodError(_("The number of months is from 1 to 12."), field="months")
        return cls(datetime.date(year, 1, 1), _last_day(year, months))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def years(cls, first: int, last: int) -> Period:
        if last < first:
            raise PeriodError(_("The last year is before the first."), field="end")
        return cls(datetime.date(first, 1, 1), datetime.date(last, 12, 31))

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        """From the API's ``start`` and ``end`` (ISO dates); errors name the parameter."""
        return cls(_parse_day(start, "start"), _parse_day(end, "end"))

    # --- what kind of period -----------------------------------------------------------

    @property
    def is_whole_years(self) -> bool:
        return (self.start.month, self.start.day) == (1, 1) and (self.end.month, self.end.day) == (
            12,
            31,
        )

    @property
    def is_year(self) -> bool:
        return self.is_whole_years and self.start.year == self.end.year

    def _whole_months(self) -> tuple[int, int] | None:
        """(first month, last month) within one year when the period is whole months."""
        if self.start.year != self.end.year or self.start.day != 1:
            return None
        if self.end != _last_day(self.end.year, self.end.month):
            return None
        return self.start.month, self.end.month

    @property
    def label(self) -> str:
        months = self._whole_months()
        year = self.start.year
        if self.is_whole_years:
            if self.start.year == self.end.year:
                return f"năm {year}"
            return f"giai đoạn {self.start.year}–{self.end.year}"
        if months is not None:
            first, last = months
            if first == last:
                return f"tháng {first}/{year}"
            if last == first + 2 and first % 3 == 1:
                return f"Quý {ROMAN[(first + 2) // 3]}/{year}"
            if first == 1:
                return f"{last} tháng đầu năm {year}"
            if (first, last) == (7, 12):
                return f"6 tháng cuối năm {year}"
            return f"từ tháng {first} đến tháng {last}/{year}"
        return f"từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    def __str__(self) -> str:
        return self.label

    # --- related periods ---------------------------------------------------------------

    def same_period_last_year(self) -> Period:
        """The same days one year earlier (a month-end stays a month-end: 29/02 → 28/02)."""
        end = _shift_year(self.end, -1)
        if self.end == _last_day(self.end.year, self.end.month):
            end = _last_day(end.year, end.month)
        return Period(_shift_year(self.start, -1), end)

    def year_of_plan(self) -> int | None:
        """The year whose annual plan the period is compared with: the year containing it;
        None for a period over several years (it has no annual plan)."""
        return self.start.year if self.start.year == self.end.year else None

    def plan_years(self) -> Period:
        """The whole years the period touches (for figures counted by plan year)."""
        return Period.years(self.start.year, self.end.year)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def iso(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()


def _parse_day(value: str | None, field: str) -> datetime.date:
    if value in (None, ""):
        raise PeriodError(_("Give a date (YYYY-MM-DD)."), field=field)
    try:
        day = datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise PeriodError(_("Enter a valid date (YYYY-MM-DD)."), field=field) from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PeriodError(
            _("Enter a date from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=field,
        )
    return day


def day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)
