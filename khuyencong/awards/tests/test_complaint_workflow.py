"""A complaint's resolution on the workflow kernel (awards.workflow.ComplaintWorkflow): who
may take the step, a step refused once resolved (409), and the transition row."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyencong.api.exceptions import domain_error_status
from khuyencong.awards import services, workflow
from khuyencong.awards.factories import score_and_close
from khuyencong.awards.models import AwardComplaint, AwardComplaintTransition
from khuyencong.awards.tests.conftest import enter
from khuyencong.core.workflow import WorkflowError, allowed_steps, transition, workflow_for


@pytest.fixture
def complaint(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    score_and_close(officer_a, round_a, {entry: [65] * 7}, closing_date=datetime.date(2026, 10, 2))
    return services.record_complaint(
        actor=officer_a,
        entry=entry,
        complainant="Chủ cơ sở",
        text="Đề nghị xem lại",
        received_on=datetime.date(2026, 10, 5),
    )


def test_the_complaint_workflow_is_declared_on_the_kernel(complaint):
    assert workflow_for(complaint) is workflow.COMPLAINT_WORKFLOW
    assert list(workflow.COMPLAINT_STEPS) == ["resolve"]


def test_only_the_rounds_managers_are_offered_the_resolution(
    complaint, officer_a, manager_a, admin, officer_b, auditor_a, collaborator_a1, national
):
    for user in (officer_a, manager_a, admin):
        assert [s.action for s in allowed_steps(user, complaint)] == ["resolve"]
    for user in (officer_b, auditor_a, collaborator_a1, national):
        assert allowed_steps(user, complaint) == []
    # Out of the managers' reach, the complaint is not there at all.
    with pytest.raises(Http404):
        transition(complaint, "resolve", officer_b, note="Giữ nguyên")


def test_resolving_records_the_transition_and_a_second_time_is_a_conflict(complaint, officer_a):
    done = workflow.resolve_complaint(
        actor=officer_a,
        complaint=complaint,
        resolution="Hội đồng giữ nguyên kết quả.",
        resolved_on=datetime.date(2026, 10, 9),
    )
    assert done.status == AwardComplaint.Status.RESOLVED
    assert done.resolution == "Hội đồng giữ nguyên kết quả."
    assert done.resolved_on == datetime.date(2026, 10, 9)
    [row] = AwardComplaintTransition.objects.filter(complaint=complaint)
    assert (row.action, row.from_status, row.to_status) == ("resolve", "open", "resolved")
    assert row.actor == officer_a and row.note == "Hội đồng giữ nguyên kết quả."
    assert allowed_steps(officer_a, done) == []
    with pytest.raises(WorkflowError) as refused:
        workflow.resolve_complaint(actor=officer_a, complaint=done, resolution="Lần nữa")
    assert domain_error_status(refused.value) == 409
    assert AwardComplaintTransition.objects.count() == 1


def test_the_resolution_page_sends_a_resolved_complaint_back_with_a_message(
    client_for, complaint, officer_a
):
    workflow.resolve_complaint(actor=officer_a, complaint=complaint, resolution="Đã trả lời")
    page = client_for(officer_a).post(
        reverse("awards:complaint-resolve", args=[complaint.pk]),
        {"resolution": "Lần nữa", "resolved_on": "2026-10-09"},
        follow=True,
    )
    assert "already resolved" in page.content.decode() or "đã được giải quyết" in (
        page.content.decode()
    )
    assert AwardComplaintTransition.objects.count() == 1


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_resolution_page_is_the_kernels_confirm_page(client_for, complaint, officer_a):
    client = client_for(officer_a)
    url = reverse("awards:complaint-resolve", args=[complaint.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "core/transition_confirm.html" in [t.name for t in page.templates]
    assert 'data-testid="resolve-form"' in page.content.decode()
    # A missing answer stays on the form, on its field; nothing is recorded.
    refused = client.post(url, {"resolution": "", "resolved_on": "2026-10-09"})
    assert refused.status_code == 200 and "resolution" in refused.context["form"].errors
    early = client.post(url, {"resolution": "Giữ nguyên", "resolved_on": "2026-10-01"})
    assert "resolved_on" in early.context["form"].errors
    assert not AwardComplaintTransition.objects.exists()
    done = client.post(url, {"resolution": "Giữ nguyên", "resolved_on": "2026-10-09"})
    entry_page = reverse("awards:entry-detail", args=[complaint.entry_id]) + "#complaints"
    assert done.status_code == 302 and done.url == entry_page
    assert _messages(client.get(entry_page)) == [_("The resolution was recorded.")]
    # Once resolved, the page itself sends the manager back with the workflow's words.
    again = client.get(url)
    assert again.status_code == 302 and again.url == entry_page
    assert _messages(client.get(entry_page)) == [_("This complaint is already resolved.")]


def test_only_the_rounds_managers_reach_the_resolution_page(
    client_for, complaint, officer_b, national
):
    url = reverse("awards:complaint-resolve", args=[complaint.pk])
    for user in (officer_b, national):
        assert client_for(user).get(url).status_code == 404
    assert client_for(national).post(url, {"resolution": "x"}).status_code == 404
    assert not AwardComplaintTransition.objects.exists()
