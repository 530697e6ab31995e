"""Periods and their Vietnamese labels."""

import datetime as dt

import pytest

from khuyencong.reports.periods import Period, PeriodError

D = dt.date


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period.quarter(2026, 1), "Quý I/2026"),
        (Period.quarter(2026, 4), "Quý IV/2026"),
        (Period.first_months(2026, 9), "9 tháng đầu năm 2026"),
        (Period.first_months(2026, 6), "6 tháng đầu năm 2026"),
        (Period.year(2026), "năm 2026"),
        (Period.years(2012, 2023), "giai đoạn 2012–2023"),
        (Period.month(2026, 2), "tháng 2/2026"),
        (Period(D(2026, 7, 1), D(2026, 12, 31)), "6 tháng cuối năm 2026"),
        (Period(D(2026, 1, 5), D(2026, 2, 10)), "từ 05/01/2026 đến 10/02/2026"),
    ],
)
def test_labels(period, label):
    assert period.label == label


def test_constructors():
    assert Period.quarter(2026, 2) == Period(D(2026, 4, 1), D(2026, 6, 30))
    assert Period.first_months(2024, 2).end == D(2024, 2, 29)
    assert Period.years(2012, 2023) == Period(D(2012, 1, 1), D(2023, 12, 31))
    with pytest.raises(PeriodError):
        Period.quarter(2026, 5)
    with pytest.raises(PeriodError):
        Period.first_months(2026, 13)
    with pytest.raises(PeriodError):
        Period(D(2026, 2, 1), D(2026, 1, 1))


def test_same_period_last_year_keeps_month_ends():
    assert Period.first_months(2026, 9).same_period_last_year() == Period.first_months(2025, 9)
    assert Period.month(2025, 2).same_period_last_year() == Period.month(2024, 2)
    assert Period.month(2024, 2).same_period_last_year() == Period.month(2023, 2)
    assert Period.years(2012, 2023).same_period_last_year() == Period.years(2011, 2022)


def test_year_of_plan():
    assert Period.first_months(2026, 9).year_of_plan() == 2026
    assert Period.years(2025, 2026).year_of_plan() is None
    assert Period.first_months(2026, 9).plan_years() == Period.year(2026)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (None, "2026-01-01", "start"),
        ("2026-13-01", "2026-12-31", "start"),
        ("2026-01-01", "x", "end"),
        ("2026-02-01", "2026-01-01", "end"),
        ("1800-01-01", "2026-01-01", "start"),
    ],
)
def test_parse_names_the_parameter(start, end, field):
    with pytest.raises(PeriodError) as error:
        Period.parse(start, end)
    assert error.value.field == field


def test_parse():
    assert Period.parse("2026-01-01", "2026-09-30") == Period.first_months(2026, 9)
