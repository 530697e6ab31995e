"""Drafting quarterly reports: who files for whom, the quarter, totals against the counts by
sector, difficulties kept or replaced, edits refused once submitted or stale."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from khuyencong.core.errors import StaleEditError, WorkflowError
from khuyencong.network import services
from khuyencong.network.errors import NetworkError
from khuyencong.network.factories import (
    CollaboratorFactory,
    advance_report,
    file_report,
    last_finished_quarter,
    report_data,
)
from khuyencong.network.models import Difficulty, QuarterlyReport
from khuyencong.network.quarters import quarter_of
from khuyencong.network.workflow import change_difficulty

S = QuarterlyReport.Status


def test_a_collaborator_files_their_own_report(ctv_a1, collaborator_a1, commune_a1):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    assert report.status == S.DRAFT and report.province_id == ctv_a1.province_id
    assert report.created_by == collaborator_a1
    lines = {
        line.sector_id: (line.active, line.new, line.ceased) for line in report.sector_lines.all()
    }
    assert lines == {"a": (9, 2, 1), "dd": (3, 0, 0)}
    difficulty = report.difficulties.get()
    # The collaborator covers one commune: the difficulty is placed there.
    assert difficulty.commune == commune_a1 and difficulty.province_id == "66"


def test_a_collaborator_may_not_file_for_a_colleague(ctv_a2, collaborator_a1):
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a2)
    assert info.value.field == "collaborator"


@pytest.mark.parametrize("persona", ["officer_a", "manager_a", "admin"])
def test_provincial_staff_file_for_any_collaborator_of_the_province(request, ctv_a2, persona):
    assert file_report(actor=request.getfixturevalue(persona), collaborator=ctv_a2).pk


@pytest.mark.parametrize("persona", ["officer_b", "national", "auditor_a"])
def test_others_may_not_file(request, ctv_a2, persona):
    with pytest.raises(NetworkError) as info:
        file_report(actor=request.getfixturevalue(persona), collaborator=ctv_a2)
    assert info.value.field == "collaborator"
    assert not QuarterlyReport.objects.exists()


def test_totals_must_equal_the_sums_of_the_sector_lines(ctv_a1, collaborator_a1):
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a1, establishments_active=13)
    assert info.value.field == "establishments_active"
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a1, establishments_ceased=0)
    assert info.value.field == "establishments_ceased"
    assert not QuarterlyReport.objects.exists()


def test_a_missing_total_is_the_sum_of_the_lines_or_required(ctv_a1, collaborator_a1):
    data = report_data()
    del data["establishments_active"]
    period = last_finished_quarter()
    report = services.create_report(
        actor=collaborator_a1,
        collaborator=ctv_a1,
        year=period.year,
        quarter=period.quarter,
        data=data,
    )
    assert report.establishments_active == 12
    data = report_data(sector_lines=[])
    del data["establishments_new"]
    with pytest.raises(NetworkError) as info:
        services.create_report(
            actor=collaborator_a1,
            collaborator=ctv_a1,
            year=period.year - 1,
            quarter=period.quarter,
            data=data,
        )
    assert info.value.field == "establishments_new"


def test_totals_alone_are_enough(ctv_a1, collaborator_a1):
    report = file_report(
        actor=collaborator_a1, collaborator=ctv_a1, sector_lines=[], establishments_active=40
    )
    assert report.establishments_active == 40 and not report.sector_lines.exists()


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ([{"sector": "zz", "active": 1}], "unknown sector"),
        ([{"sector": "a", "active": 1}, {"sector": "a", "active": 2}], "twice"),
        ([{"sector": "a", "active": -1}], "negative"),
        ([{"sector": "a", "active": "3"}], "not a number"),
        ("a", "not a list"),
    ],
)
def test_bad_sector_lines_are_refused(ctv_a1, collaborator_a1, lines, why):
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a1, sector_lines=lines)
    assert info.value.field == "sector_lines", why


@pytest.mark.parametrize(
    "difficulties",
    [
        [{"topic": "weather", "text": "Mưa"}],
        [{"topic": "capital", "text": "  "}],
        [{"topic": "capital", "text": "Thiếu vốn", "commune": "26700"}],
        "capital",
    ],
)
def test_bad_difficulties_are_refused(ctv_a1, collaborator_a1, commune_b1, difficulties):
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a1, difficulties=difficulties)
    assert info.value.field == "difficulties"


def test_one_report_per_collaborator_and_quarter(ctv_a1, collaborator_a1, officer_a):
    file_report(actor=collaborator_a1, collaborator=ctv_a1)
    with pytest.raises(NetworkError) as info:
        file_report(actor=officer_a, collaborator=ctv_a1)
    assert info.value.field == "period"


def test_the_current_quarter_may_be_filed_but_not_a_future_one(ctv_a1, collaborator_a1):
    current = quarter_of(services.today())
    assert file_report(actor=collaborator_a1, collaborator=ctv_a1, period=current).pk
    with pytest.raises(NetworkError) as info:
        file_report(actor=collaborator_a1, collaborator=ctv_a1, period=current.next())
    assert info.value.field == "period"


def test_only_quarters_the_collaborator_was_active_in(officer_a, province_a, commune_a2):
    period = last_finished_quarter()
    late_starter = CollaboratorFactory(
        province=province_a,
        communes=[commune_a2],
        appointed_on=period.end + datetime.timedelta(days=1),
    )
    with pytest.raises(NetworkError) as info:
        file_report(actor=officer_a, collaborator=late_starter, period=period)
    assert info.value.field == "period"
    gone = CollaboratorFactory(
        province=province_a,
        communes=[commune_a2],
        appointed_on=datetime.date(2024, 1, 1),
        active_until=period.start - datetime.timedelta(days=1),
    )
    with pytest.raises(NetworkError):
        file_report(actor=officer_a, collaborator=gone, period=period)
    # Active on the quarter's first day is enough.
    gone.active_until = period.start
    gone.save()
    assert file_report(actor=officer_a, collaborator=gone, period=period).pk


@pytest.mark.parametrize("period", [(1999, 1), (2026, 0), (2026, 5), ("2026", 1)])
def test_a_bad_quarter_is_refused(ctv_a1, collaborator_a1, period):
    with pytest.raises(NetworkError) as info:
        services.create_report(
            actor=collaborator_a1,
            collaborator=ctv_a1,
            year=period[0],
            quarter=period[1],
            data=report_data(),
        )
    assert info.value.field == "period"


def test_edits_while_draft_or_returned_only(ctv_a1, collaborator_a1, officer_a):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    report = services.update_report(
        actor=collaborator_a1,
        report=report,
        data={"proposals": "Hỗ trợ máy sấy"},
        expected_version=report.version,
    )
    assert report.proposals == "Hỗ trợ máy sấy"
    report = advance_report(report, S.SUBMITTED, filer=collaborator_a1, reviewer=officer_a)
    with pytest.raises(WorkflowError):
        services.update_report(
            actor=collaborator_a1, report=report, data={"proposals": "x"}, expected_version=None
        )
    from khuyencong.network.workflow import return_report

    report = return_report(actor=officer_a, report=report, reason="Sai số liệu")
    report = services.update_report(
        actor=collaborator_a1,
        report=report,
        data={
            "sector_lines": [{"sector": "a", "active": 10, "new": 1, "ceased": 0}],
        },
        expected_version=report.version,
    )
    # New lines without totals: the totals become their sums.
    assert (report.establishments_active, report.establishments_new) == (10, 1)


def test_a_stale_edit_is_refused(ctv_a1, collaborator_a1, officer_a):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    version = report.version
    services.update_report(
        actor=officer_a, report=report, data={"proposals": "A"}, expected_version=version
    )
    with pytest.raises(StaleEditError):
        services.update_report(
            actor=collaborator_a1, report=report, data={"proposals": "B"}, expected_version=version
        )
    report.refresh_from_db()
    assert report.proposals == "A"


def test_edits_are_scoped(ctv_a1, collaborator_a1, officer_b, national):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    for user in (officer_b, national):
        with pytest.raises(Http404):
            services.update_report(actor=user, report=report, data={}, expected_version=None)


def test_difficulties_replace_the_open_ones_and_keep_those_being_handled(
    ctv_a1, collaborator_a1, officer_a
):
    report = file_report(
        actor=collaborator_a1,
        collaborator=ctv_a1,
        difficulties=[
            {"topic": "capital", "text": "Thiếu vốn"},
            {"topic": "market", "text": "Khó bán hàng"},
        ],
    )
    report = advance_report(report, S.SUBMITTED, filer=collaborator_a1, reviewer=officer_a)
    capital = report.difficulties.get(topic="capital")
    change_difficulty(
        actor=officer_a, difficulty=capital, status="forwarded", forwarded_to="Ngân hàng CSXH"
    )
    from khuyencong.network.workflow import return_report

    report = return_report(actor=officer_a, report=report, reason="Bổ sung")
    market = report.difficulties.get(topic="market")
    report = services.update_report(
        actor=collaborator_a1,
        report=report,
        data={
            "difficulties": [
                {"topic": "capital", "text": "Thiếu vốn"},  # the one being handled: not new
                {"topic": "market", "text": "Khó bán hàng"},  # unchanged: kept as it is
                {"topic": "labour", "text": "Thiếu thợ"},
            ]
        },
        expected_version=report.version,
    )
    rows = {d.topic: d for d in report.difficulties.all()}
    assert set(rows) == {"capital", "market", "labour"}
    assert rows["capital"].pk == capital.pk and rows["capital"].status == "forwarded"
    assert rows["market"].pk == market.pk
    report = services.update_report(
        actor=collaborator_a1, report=report, data={"difficulties": []}, expected_version=None
    )
    # Open ones go; the forwarded one stays.
    assert list(report.difficulties.values_list("topic", flat=True)) == ["capital"]
    assert Difficulty.history.filter(id=market.pk, history_type="-").exists()
