"""The workflow kernel (core.workflow), through the workflows the apps declare on it: one
dispatch, one order of refusals, one error type, the transition and history rows written
together or not at all, and the error taxonomy mapped once to HTTP."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.api.exceptions import exception_handler
from khuyencong.awards.models import AwardRound
from khuyencong.core.errors import ForbiddenError, StaleEditError, WorkflowError
from khuyencong.core.workflow import allowed_steps, transition, workflow_for
from khuyencong.network.errors import NetworkError
from khuyencong.network.factories import CollaboratorFactory, file_report
from khuyencong.network.models import QuarterlyReport, ReportTransition
from khuyencong.programmes.models import Project
from khuyencong.reports.models import ReportSubmission

S = QuarterlyReport.Status


@pytest.fixture
def report(province_a, commune_a1, collaborator_a1):
    collaborator = CollaboratorFactory(
        province=province_a, communes=[commune_a1], user=collaborator_a1
    )
    return file_report(actor=collaborator_a1, collaborator=collaborator)


def test_every_app_declares_its_workflow_once_at_start_up():
    for model in (Project, QuarterlyReport, AwardRound, ReportSubmission):
        assert workflow_for(model).model is model
    with pytest.raises(LookupError):
        workflow_for(ReportTransition)


def test_a_step_writes_the_record_its_transition_row_and_its_history_row(report, officer_a):
    moved = transition(report, "submit", officer_a, note="  Đủ số liệu  ")

    assert moved.status == S.SUBMITTED
    assert moved.version == report.version + 1
    row = ReportTransition.objects.get(report=report)
    assert (row.action, row.from_status, row.to_status, row.actor, row.note) == (
        "submit",
        S.DRAFT,
        S.SUBMITTED,
        officer_a,
        "Đủ số liệu",
    )
    last = QuarterlyReport.history.filter(id=report.pk).latest("history_date")
    assert (last.status, last.history_user) == (S.SUBMITTED, officer_a)


def test_the_ui_offers_exactly_what_transition_accepts(report, collaborator_a1, officer_a):
    assert [s.action for s in allowed_steps(collaborator_a1, report)] == ["submit"]
    moved = transition(report, "submit", collaborator_a1)
    # A collaborator never reviews their own report; the province does.
    assert allowed_steps(collaborator_a1, moved) == []
    assert [s.action for s in allowed_steps(officer_a, moved)] == ["accept", "return"]
    with pytest.raises(WorkflowError):
        transition(moved, "accept", collaborator_a1)


def test_refusals_come_in_one_order_and_change_nothing(report, officer_a, officer_b):
    with pytest.raises(NetworkError) as unknown:
        transition(report, "approve", officer_a)
    assert unknown.value.field == "action"
    with pytest.raises(Http404):  # another province's report, whatever the step
        transition(report, "accept", officer_b)
    with pytest.raises(StaleEditError):
        transition(report, "accept", officer_a, expected_version=report.version - 1)
    with pytest.raises(WorkflowError) as state:  # a draft is not reviewed
        transition(report, "return", officer_a)
    assert state.value.http_status == 409
    submitted = transition(report, "submit", officer_a)
    with pytest.raises(NetworkError) as note:
        transition(submitted, "return", officer_a, note="   ")
    assert note.value.field == "reason"
    with pytest.raises(NetworkError) as data:
        transition(submitted, "accept", officer_a, minutes="Biên bản")
    assert data.value.field == "minutes"

    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert list(ReportTransition.objects.values_list("action", flat=True)) == ["submit"]


def test_the_error_taxonomy_is_mapped_once_to_http():
    forbidden = exception_handler(ForbiddenError("Không được phép."), {})
    conflict = exception_handler(WorkflowError("Không phải lúc này."), {})
    invalid = exception_handler(NetworkError("Sai.", field="reason"), {})

    assert (forbidden.status_code, forbidden.data) == (403, {"detail": "Không được phép."})
    assert (conflict.status_code, conflict.data) == (409, {"detail": "Không phải lúc này."})
    assert (invalid.status_code, invalid.data) == (400, {"reason": ["Sai."]})
    assert isinstance(ForbiddenError("x"), PermissionError)
