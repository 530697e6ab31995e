"""Follow-up inspections on the workflow kernel (programmes.workflow.INSPECTION_WORKFLOW):
the stage read from the dates, the steps offered per role, refusals, the transition rows."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from khuyencong.core.errors import WorkflowError
from khuyencong.core.workflow import transition
from khuyencong.programmes.factories import advance, draft_project
from khuyencong.programmes.models import Inspection, InspectionTransition, Project
from khuyencong.programmes.workflow import INSPECTION_WORKFLOW
from khuyencong.registry.factories import EstablishmentFactory

S = Project.Status
STAGE = Inspection.Stage


@pytest.fixture
def inspection(officer_a, manager_a, province_a, commune_a1):
    beneficiary = EstablishmentFactory(commune=commune_a1)
    project = draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk])
    advance(project, S.ACCEPTED, manager=manager_a)
    return Inspection.objects.get(project=project)


def actions(user, inspection):
    return [step.action for step in INSPECTION_WORKFLOW.allowed_steps(user, inspection)]


def test_the_steps_follow_the_stage(inspection, officer_a, manager_a):
    today = timezone.localdate()
    assert inspection.stage == STAGE.DUE
    assert actions(officer_a, inspection) == actions(manager_a, inspection) == ["record"]
    transition(
        inspection,
        "record",
        officer_a,
        done_on=today,
        finding="idle",
        follow_up="Thu hồi thiết bị",
        follow_up_due=today,
    )
    inspection.refresh_from_db()
    assert inspection.stage == STAGE.FOLLOW_UP
    assert actions(officer_a, inspection) == ["record", "follow_up_done"]
    transition(inspection, "follow_up_done", officer_a, done_on=today)
    inspection.refresh_from_db()
    assert inspection.stage == STAGE.DONE and inspection.follow_up_done_on == today
    rows = list(InspectionTransition.objects.filter(inspection=inspection).order_by("id"))
    assert [(r.action, r.from_status, r.to_status) for r in rows] == [
        ("record", STAGE.DUE, STAGE.FOLLOW_UP),
        ("follow_up_done", STAGE.FOLLOW_UP, STAGE.DONE),
    ]
    assert rows[0].actor == officer_a


def test_a_collaborator_is_offered_no_recording(inspection, collaborator_a1):
    assert actions(collaborator_a1, inspection) == []
    with pytest.raises(WorkflowError):
        transition(
            inspection, "record", collaborator_a1, done_on=timezone.localdate(), finding="in_use"
        )


def test_refused_steps_write_no_row(inspection, officer_a, officer_b):
    today = timezone.localdate()
    with pytest.raises(Http404):
        transition(inspection, "record", officer_b, done_on=today, finding="in_use")
    with pytest.raises(WorkflowError):
        transition(inspection, "follow_up_done", officer_a, done_on=today)
    transition(inspection, "record", officer_a, done_on=today, finding="in_use")
    with pytest.raises(WorkflowError):
        transition(inspection, "follow_up_done", officer_a, done_on=today)
    assert InspectionTransition.objects.filter(inspection=inspection).count() == 1
