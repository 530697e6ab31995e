"""When a report is due, and which are late or missing, at the boundary: submitted on the
due day is on time, the day after is late; not submitted after the due day is missing."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from khuyencong.network import deadlines
from khuyencong.network.factories import CollaboratorFactory, advance_report, file_report
from khuyencong.network.models import Collaborator, QuarterlyReport, ReportDeadline
from khuyencong.network.quarters import Quarter, finished_quarters, parse_period, quarter_of

S = QuarterlyReport.Status
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = Quarter(2026, 1)  # ends 31/03/2026; due 10/04/2026 with the national 10 days


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=HCM)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        (2, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (3, datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        (4, datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ],
)
def test_quarters(quarter, start, end):
    period = Quarter(2026, quarter)
    assert (period.start, period.end) == (start, end)
    assert quarter_of(start) == quarter_of(end) == period
    assert parse_period(f"2026-Q{quarter}") == period
    assert period.label == f"Q{quarter}/2026"


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-q1", "", None, 2026]
)
def test_bad_periods(text):
    assert parse_period(text) is None


def test_finished_quarters_are_the_ones_before_today():
    assert finished_quarters(datetime.date(2026, 4, 1), 4) == [
        Quarter(2025, 2),
        Quarter(2025, 3),
        Quarter(2025, 4),
        Quarter(2026, 1),
    ]
    assert finished_quarters(datetime.date(2026, 3, 31), 1) == [Quarter(2025, 4)]


def test_the_national_deadline_is_seeded_and_a_province_may_have_its_own(db, province_a):
    assert deadlines.deadline_days() == {None: 10}
    assert deadlines.due_date("66", Q1) == datetime.date(2026, 4, 10)
    ReportDeadline.objects.create(province=province_a, days=20)
    assert deadlines.due_date("66", Q1) == datetime.date(2026, 4, 20)
    assert deadlines.due_date("79", Q1) == datetime.date(2026, 4, 10)


def test_one_nationwide_deadline_and_one_per_province(db, province_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportDeadline.objects.create(province=None, days=12)
    ReportDeadline.objects.create(province=province_a, days=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportDeadline.objects.create(province=province_a, days=25)


@pytest.mark.parametrize(
    ("submitted", "today", "expected"),
    [
        (datetime.date(2026, 4, 10), datetime.date(2026, 5, 1), deadlines.ON_TIME),
        (datetime.date(2026, 4, 11), datetime.date(2026, 5, 1), deadlines.LATE),
        (None, datetime.date(2026, 4, 10), deadlines.PENDING),
        (None, datetime.date(2026, 4, 11), deadlines.MISSING),
    ],
)
def test_timeliness_at_the_boundary(submitted, today, expected):
    assert deadlines.timeliness(datetime.date(2026, 4, 10), submitted, today) == expected


@pytest.fixture
def submitted_on(ctv_a1, collaborator_a1, officer_a):
    """A report of ``ctv_a1`` for a quarter, submitted at the given local moment."""

    def make(period: Quarter, moment: datetime.datetime | None, status=S.SUBMITTED):
        report = file_report(actor=collaborator_a1, collaborator=ctv_a1, period=period)
        if moment is None:
            return report
        report = advance_report(report, status, filer=collaborator_a1, reviewer=officer_a)
        QuarterlyReport.objects.filter(pk=report.pk).update(submitted_at=moment)
        return report

    return make


def test_submitted_on_the_due_day_is_on_time_and_the_day_after_is_late(
    ctv_a1, ctv_a2, officer_a, submitted_on
):
    # 23:59 on the due day in Việt Nam (16:59 UTC): on time.
    submitted_on(Q1, at(datetime.date(2026, 4, 10), 23, 59))
    # 00:01 the day after (still 10/04 in UTC): late by one day.
    late = file_report(actor=officer_a, collaborator=ctv_a2, period=Q1)
    late = advance_report(late, S.ACCEPTED, filer=officer_a, reviewer=officer_a)
    QuarterlyReport.objects.filter(pk=late.pk).update(
        submitted_at=at(datetime.date(2026, 4, 11), 0, 1)
    )
    for collaborator in (ctv_a1, ctv_a2):
        for period in finished_quarters(datetime.date(2026, 4, 11), 4)[:-1]:
            submitted_on_time(collaborator, period, officer_a)
    entries = deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 11))
    assert [(e.collaborator.pk, e.period, e.state, e.days_late) for e in entries] == [
        (ctv_a2.pk, Q1, deadlines.LATE, 1)
    ]
    assert entries[0].report_id == late.pk and entries[0].report_status == S.ACCEPTED


def submitted_on_time(collaborator, period, officer):
    report = file_report(actor=officer, collaborator=collaborator, period=period)
    report = advance_report(report, S.SUBMITTED, filer=officer, reviewer=officer)
    QuarterlyReport.objects.filter(pk=report.pk).update(submitted_at=at(period.end, 18, 0))


def test_a_report_not_submitted_is_missing_only_after_the_due_day(ctv_a1, submitted_on, officer_a):
    for period in finished_quarters(datetime.date(2026, 4, 11), 4)[:-1]:
        submitted_on_time(ctv_a1, period, officer_a)
    draft = submitted_on(Q1, None)
    assert deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 10)) == []
    entries = deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 11))
    assert [(e.period, e.state, e.days_late, e.report_id) for e in entries] == [
        (Q1, deadlines.MISSING, 1, draft.pk)
    ]
    # No report at all is missing too, naming no report.
    draft.delete()
    entries = deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 11))
    assert [(e.state, e.report_id) for e in entries] == [(deadlines.MISSING, None)]


def test_the_provinces_own_deadline_moves_the_boundary(ctv_a1, submitted_on, officer_a, province_a):
    ReportDeadline.objects.create(province=province_a, days=20)
    for period in finished_quarters(datetime.date(2026, 4, 25), 4)[:-1]:
        submitted_on_time(ctv_a1, period, officer_a)
    submitted_on(Q1, at(datetime.date(2026, 4, 20), 8, 0))
    assert deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 25)) == []
    QuarterlyReport.objects.filter(year=2026, quarter=1).update(
        submitted_at=at(datetime.date(2026, 4, 21), 8, 0)
    )
    entries = deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 4, 25))
    assert [(e.state, e.due) for e in entries] == [(deadlines.LATE, datetime.date(2026, 4, 20))]


def test_a_returned_report_keeps_its_first_submission(ctv_a1, submitted_on, officer_a):
    from khuyencong.network.workflow import return_report, submit_report

    for period in finished_quarters(datetime.date(2026, 5, 1), 4)[:-1]:
        submitted_on_time(ctv_a1, period, officer_a)
    report = submitted_on(Q1, at(datetime.date(2026, 4, 9), 10, 0))
    report = return_report(actor=officer_a, report=report, reason="Bổ sung")
    submit_report(actor=officer_a, report=report)
    # Corrected and submitted again after the due day: still on time.
    assert deadlines.late_reports(Collaborator.objects.all(), datetime.date(2026, 5, 1)) == []


def test_only_collaborators_active_during_the_quarter_are_expected_to_report(
    province_a, commune_a1, commune_a2
):
    today = datetime.date(2026, 4, 11)
    # Ended the day before Q1 began: expected for 2025 only.
    ended = CollaboratorFactory(
        province=province_a,
        communes=[commune_a1],
        appointed_on=datetime.date(2024, 1, 1),
        active_until=datetime.date(2025, 12, 31),
    )
    # Appointed on the last day of Q1: expected for Q1 only.
    newcomer = CollaboratorFactory(
        province=province_a, communes=[commune_a2], appointed_on=datetime.date(2026, 3, 31)
    )
    entries = deadlines.late_reports(Collaborator.objects.all(), today)
    expected = {(ended.pk, p) for p in finished_quarters(today, 4)[:-1]} | {(newcomer.pk, Q1)}
    assert {(e.collaborator.pk, e.period) for e in entries} == expected
    assert all(e.state == deadlines.MISSING for e in entries)
    # Newest quarter first.
    assert entries[0].period == Q1


def test_the_late_list_is_scoped_by_the_collaborators_given(ctv_a1, ctv_b1, officer_a, officer_b):
    from khuyencong.network import access

    today = datetime.date(2026, 4, 11)
    mine = deadlines.late_reports(access.collaborators_for(officer_a), today)
    theirs = deadlines.late_reports(access.collaborators_for(officer_b), today)
    assert {e.collaborator.pk for e in mine} == {ctv_a1.pk}
    assert {e.collaborator.pk for e in theirs} == {ctv_b1.pk}


def test_the_late_list_takes_three_queries_whatever_the_number_of_collaborators(
    province_a, commune_a1, officer_a, django_assert_num_queries
):
    today = datetime.date(2026, 4, 11)

    def add(n):
        for _index in range(n):
            collaborator = CollaboratorFactory(province=province_a, communes=[commune_a1])
            file_report(actor=officer_a, collaborator=collaborator, period=Q1)

    add(2)
    with django_assert_num_queries(3):
        deadlines.late_reports(Collaborator.objects.filter(province=province_a), today)
    add(15)
    with django_assert_num_queries(3):
        entries = deadlines.late_reports(Collaborator.objects.filter(province=province_a), today)
    assert len(entries) == 17 * 4
