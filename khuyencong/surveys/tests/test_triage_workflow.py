"""An online application's triage on the workflow kernel (surveys.workflow): the steps open
to each role, a step refused once the application is decided (409 in the API), and the
transition rows."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.core.workflow import WorkflowError, allowed_steps, workflow_for
from khuyencong.surveys import services, workflow
from khuyencong.surveys.models import Application, ApplicationTransition
from khuyencong.surveys.tests.test_services import application_data


@pytest.fixture
def application(commune_a1):
    return services.submit_application(data=application_data(commune_a1), channel="web")


def test_the_triage_is_declared_on_the_kernel(application):
    assert workflow_for(application) is workflow.WORKFLOW
    assert workflow.DECISIONS == ("review", "accept", "reject")


def test_the_steps_offered_to_each_role(application, officer_a, manager_a, admin, collaborator_a1):
    for user in (officer_a, manager_a, admin):
        assert [s.action for s in allowed_steps(user, application)] == [
            "review",
            "accept",
            "reject",
        ]
    # Commune collaborators see the application but the centre triages it.
    assert allowed_steps(collaborator_a1, application) == []
    with pytest.raises(WorkflowError):
        workflow.triage_application(
            actor=collaborator_a1, application=application, decision="review"
        )


def test_each_step_is_recorded_and_a_decided_application_takes_no_more(application, officer_a):
    workflow.triage_application(actor=officer_a, application=application, decision="review")
    accepted = workflow.triage_application(
        actor=officer_a, application=application, decision="accept", note="Đã tiếp nhận"
    )
    assert accepted.status == Application.Status.ACCEPTED
    assert accepted.triaged_by == officer_a and accepted.decision_note == "Đã tiếp nhận"
    rows = list(
        ApplicationTransition.objects.filter(application=application)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "actor", "note")
    )
    assert rows == [
        ("review", "received", "in_review", officer_a.pk, ""),
        ("accept", "in_review", "accepted", officer_a.pk, "Đã tiếp nhận"),
    ]
    assert allowed_steps(officer_a, accepted) == []


def test_the_api_answers_409_for_a_step_not_open_and_records_nothing(application, officer_a):
    client = APIClient()
    client.force_authenticate(officer_a)
    url = f"/api/v1/applications/{application.pk}/triage/"
    rejected = client.post(url, {"decision": "reject", "note": "Ngoài đối tượng"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    again = client.post(url, {"decision": "accept"}, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    assert ApplicationTransition.objects.filter(application=application).count() == 1
    missing_reason = client.post(
        f"/api/v1/applications/{services.submit_application(data=application_data(application.commune), channel='web').pk}/triage/",
        {"decision": "reject"},
        format="json",
    )
    assert missing_reason.status_code == 400 and "note" in missing_reason.json()
