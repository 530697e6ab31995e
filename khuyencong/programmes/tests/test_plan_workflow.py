"""The annual plan's steps on the workflow kernel (programmes.workflow.PLAN_WORKFLOW):
who is offered which step, what is refused (WorkflowError, API 409), the transition row."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.errors import WorkflowError
from khuyencong.core.roles import Role
from khuyencong.core.workflow import transition
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.factories import advance, draft_project
from khuyencong.programmes.models import AnnualPlan, PlanTransition, PlanVersion, Project
from khuyencong.programmes.workflow import PLAN_WORKFLOW
from khuyencong.registry.factories import EstablishmentFactory

S = Project.Status
P = AnnualPlan.Status


@pytest.fixture
def plan(officer_a, manager_a, province_a, commune_a1):
    beneficiary = EstablishmentFactory(commune=commune_a1)
    project = draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk])
    return advance(project, S.APPRAISED, manager=manager_a).plan


@pytest.fixture
def manager_b(province_b):
    return UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def actions(user, plan):
    return [step.action for step in PLAN_WORKFLOW.allowed_steps(user, plan)]


def test_a_manager_is_offered_the_steps_open_from_the_plans_state(plan, manager_a, admin):
    assert actions(manager_a, plan) == ["register", "approve"]
    assert actions(admin, plan) == ["register", "approve"]
    transition(plan, "register", manager_a)
    plan.refresh_from_db()
    assert actions(manager_a, plan) == ["approve"]
    transition(
        plan,
        "approve",
        manager_a,
        decision_number="1/QĐ",
        decision_date=timezone.localdate(),
    )
    plan.refresh_from_db()
    assert plan.status == P.APPROVED
    assert actions(manager_a, plan) == ["adjust"]


def test_other_roles_are_offered_no_plan_step(plan, officer_a, auditor_a, national):
    for user in (officer_a, auditor_a, national):
        assert actions(user, plan) == []


def test_a_step_is_written_as_a_transition_row_with_its_version(plan, manager_a):
    transition(plan, "register", manager_a, note="  Đăng ký  ")
    row = PlanTransition.objects.get(plan=plan)
    assert (row.action, row.from_status, row.to_status) == ("register", P.DRAFT, P.REGISTERED)
    assert row.actor == manager_a and row.note == "Đăng ký"
    version = PlanVersion.objects.get(plan=plan)
    assert version.kind == PlanVersion.Kind.REGISTERED and version.reason == "Đăng ký"


def test_refused_steps(plan, manager_a, officer_a, manager_b):
    with pytest.raises(WorkflowError):
        transition(plan, "register", officer_a)
    with pytest.raises(Http404):
        transition(plan, "register", manager_b)
    with pytest.raises(WorkflowError):
        transition(plan, "adjust", manager_a, note="Sớm quá")
    transition(plan, "register", manager_a)
    with pytest.raises(WorkflowError):
        transition(plan, "register", manager_a)
    with pytest.raises(ProgrammeError) as info:
        transition(plan, "approve", manager_a, decision_date=timezone.localdate())
    assert info.value.field == "decision_number"
    assert list(PlanTransition.objects.values_list("action", flat=True)) == ["register"]


def test_an_adjustment_needs_its_reason(plan, manager_a):
    transition(plan, "approve", manager_a, decision_number="1", decision_date=timezone.localdate())
    with pytest.raises(ProgrammeError) as info:
        transition(plan, "adjust", manager_a)
    assert info.value.field == "reason"


def test_the_api_answers_409_for_a_refused_plan_step(plan, officer_a, manager_a):
    url = f"/api/v1/plans/{plan.pk}/register/"
    assert api_for(officer_a).post(url, {}, format="json").status_code == 409
    assert api_for(manager_a).post(url, {}, format="json").status_code == 200
    assert api_for(manager_a).post(url, {}, format="json").status_code == 409
    adjust = f"/api/v1/plans/{plan.pk}/adjust/"
    assert api_for(manager_a).post(adjust, {"reason": "x"}, format="json").status_code == 409
    assert PlanTransition.objects.filter(plan=plan).count() == 1


def test_the_confirm_page_is_the_kernels(client_for, plan, manager_a):
    client = client_for(manager_a)
    url = reverse("programmes:plan-step", args=[plan.pk, "register"])
    page = client.get(url)
    assert page.status_code == 200
    assert "core/transition_confirm.html" in [t.name for t in page.templates]
    assert client.post(url, {"reason": "Đăng ký"}).status_code == 302
    # Not open any more: back to the plan with a message.
    assert client.get(url).status_code == 302
    assert PlanTransition.objects.get(plan=plan).note == "Đăng ký"
