"""The report state machine: every action from every state, for every role, allowed and
refused; the rows it records."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.core.errors import StaleEditError, WorkflowError
from khuyencong.network.errors import NetworkError
from khuyencong.network.factories import (
    PATH,
    advance_report,
    file_report,
    last_finished_quarter,
)
from khuyencong.network.models import QuarterlyReport, ReportTransition
from khuyencong.network.workflow import (
    STEPS,
    accept_report,
    allowed_steps,
    return_report,
    submit_report,
    transition_report,
)

S = QuarterlyReport.Status
TARGET = {"submit": S.SUBMITTED, "accept": S.ACCEPTED, "return": S.RETURNED}
# Who may take each step (besides an administrator): the collaborator files their own
# report, the province's officers and managers file and review.
ROLES = {
    "collaborator_a1": {"submit"},
    "officer_a": {"submit", "accept", "return"},
    "manager_a": {"submit", "accept", "return"},
    "admin": {"submit", "accept", "return"},
}


@pytest.fixture
def report_in(ctv_a1, collaborator_a1, officer_a):
    periods = [last_finished_quarter()]

    def make(status: str) -> QuarterlyReport:
        # Each report of a test is for an earlier quarter (one report per quarter).
        report = file_report(actor=collaborator_a1, collaborator=ctv_a1, period=periods[-1])
        periods.append(periods[-1].previous())
        return advance_report(report, status, filer=collaborator_a1, reviewer=officer_a)

    return make


def test_path_covers_every_state():
    assert set(PATH) == set(S.values)


@pytest.mark.parametrize("persona", list(ROLES))
@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", list(STEPS))
def test_every_action_from_every_state_by_every_role(request, report_in, persona, state, action):
    actor = request.getfixturevalue(persona)
    report = report_in(state)
    before = ReportTransition.objects.filter(report=report).count()
    allowed = state in STEPS[action].sources and action in ROLES[persona]
    if allowed:
        moved = transition_report(actor=actor, report=report, action=action, note="Ghi chú")
        assert moved.status == TARGET[action]
        row = ReportTransition.objects.filter(report=report).latest("id")
        assert (row.action, row.from_status, row.to_status) == (action, state, TARGET[action])
        assert row.actor == actor and row.note == "Ghi chú"
    else:
        with pytest.raises(WorkflowError) as info:
            transition_report(actor=actor, report=report, action=action, note="Ghi chú")
        assert info.value.http_status == 409
        report.refresh_from_db()
        assert report.status == state
        assert ReportTransition.objects.filter(report=report).count() == before
    offered = {step.action for step in allowed_steps(actor, report_in(state))}
    assert (action in offered) == allowed


@pytest.mark.parametrize("persona", ["national", "auditor_a", "officer_b"])
def test_read_only_roles_and_other_provinces_cannot_move_a_report(request, report_in, persona):
    actor = request.getfixturevalue(persona)
    for state, action in ((S.DRAFT, "submit"), (S.SUBMITTED, "accept"), (S.SUBMITTED, "return")):
        report = report_in(state)
        with pytest.raises(Http404):
            transition_report(actor=actor, report=report, action=action, note="x")
        report.refresh_from_db()
        assert report.status == state


def test_a_colleague_collaborator_cannot_submit_someone_elses_report(
    ctv_a2, officer_a, collaborator_a1
):
    # collaborator_a1 has no right over ctv_a2's report, even in the same province.
    report = file_report(actor=officer_a, collaborator=ctv_a2)
    with pytest.raises(Http404):
        submit_report(actor=collaborator_a1, report=report)


def test_the_collaborator_may_not_review_their_own_report(report_in, collaborator_a1):
    report = report_in(S.SUBMITTED)
    with pytest.raises(WorkflowError):
        accept_report(actor=collaborator_a1, report=report)
    with pytest.raises(WorkflowError):
        return_report(actor=collaborator_a1, report=report, reason="Sai số liệu")
    assert allowed_steps(collaborator_a1, report) == []


def test_return_needs_a_reason_and_records_it(report_in, manager_a, collaborator_a1):
    report = report_in(S.SUBMITTED)
    with pytest.raises(NetworkError) as info:
        return_report(actor=manager_a, report=report, reason="   ")
    assert info.value.field == "reason"
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    report = return_report(actor=manager_a, report=report, reason="Thiếu số liệu ngành đ")
    assert report.return_reason == "Thiếu số liệu ngành đ"
    assert report.reviewed_by == manager_a and report.reviewed_at is not None
    # Submitted again after correction: the reason is cleared, the first submission kept.
    first = report.submitted_at
    report = submit_report(actor=collaborator_a1, report=report)
    assert report.status == S.SUBMITTED and report.return_reason == ""
    assert report.submitted_at == first
    assert list(report.transitions.values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
    ]


def test_accept_records_the_reviewer(report_in, officer_a):
    report = accept_report(actor=officer_a, report=report_in(S.SUBMITTED))
    assert report.reviewed_by == officer_a and report.status == S.ACCEPTED


def test_unknown_action_is_bad_input(report_in, officer_a):
    with pytest.raises(NetworkError) as info:
        transition_report(actor=officer_a, report=report_in(S.DRAFT), action="approve")
    assert info.value.field == "action"


def test_a_stale_version_is_refused(report_in, officer_a):
    report = report_in(S.DRAFT)
    with pytest.raises(StaleEditError):
        submit_report(actor=officer_a, report=report, expected_version=report.version - 1)
    report.refresh_from_db()
    assert report.status == S.DRAFT


def test_every_step_is_kept_in_the_history(report_in, officer_a):
    report = report_in(S.ACCEPTED)
    statuses = list(report.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [S.DRAFT, S.SUBMITTED, S.ACCEPTED]
    assert report.history.latest("history_date").history_user == officer_a
