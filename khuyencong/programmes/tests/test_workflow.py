"""The project state machine: every action from every state, roles, recorded rows."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.core.errors import WorkflowError
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.factories import PATH, advance, draft_project, step_params
from khuyencong.programmes.models import Project, ProjectTransition
from khuyencong.programmes.workflow import STEPS, allowed_steps, transition_project

S = Project.Status
ALL_STATES = list(S.values)


@pytest.fixture
def project_in(officer_a, manager_a, province_a, commune_a1):
    from khuyencong.registry.factories import EstablishmentFactory

    beneficiary = EstablishmentFactory(commune=commune_a1)

    def make(status: str) -> Project:
        project = draft_project(
            actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk]
        )
        return advance(project, status, manager=manager_a)

    return make


EXPECTED_TARGET = {
    "submit": S.SUBMITTED,
    "appraise": S.APPRAISED,
    "approve": S.APPROVED,
    "start": S.IN_PROGRESS,
    "accept": S.ACCEPTED,
    "settle": S.SETTLED,
    "return": S.RETURNED,
    "suspend": S.SUSPENDED,
    "cancel": S.CANCELLED,
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(STEPS))
def test_every_action_from_every_state(project_in, manager_a, state, action):
    project = project_in(state)
    allowed = state in STEPS[action].sources
    params = step_params(action, project)
    count = ProjectTransition.objects.filter(project=project).count()
    if allowed:
        moved = transition_project(
            actor=manager_a, project=project, action=action, note="Lý do", **params
        )
        if action == "adjust":
            assert moved.status == state
        elif action == "resume":
            assert moved.status == S.APPROVED  # suspended from approved in PATH
        else:
            assert moved.status == EXPECTED_TARGET[action]
        row = ProjectTransition.objects.filter(project=project).latest("id")
        assert (row.action, row.from_status, row.to_status) == (action, state, moved.status)
        assert row.actor == manager_a and row.note == "Lý do"
    else:
        with pytest.raises(WorkflowError) as info:
            transition_project(
                actor=manager_a, project=project, action=action, note="Lý do", **params
            )
        assert info.value.http_status == 409
        project.refresh_from_db()
        assert project.status == state
        assert ProjectTransition.objects.filter(project=project).count() == count


def test_path_covers_every_state():
    assert set(PATH) == set(S.values)


@pytest.mark.parametrize(
    "action", [a for a, s in STEPS.items() if "provincial_officer" not in s.roles]
)
def test_officer_may_not_take_manager_steps(project_in, officer_a, action):
    step = STEPS[action]
    start = next(state for state in PATH if state in step.sources)
    project = project_in(start)
    with pytest.raises(WorkflowError, match=r"(role|Vai trò)"):
        transition_project(
            actor=officer_a,
            project=project,
            action=action,
            note="x",
            **step_params(action, project),
        )


@pytest.mark.parametrize("action", ["submit", "start"])
def test_officer_takes_officer_steps(project_in, officer_a, action):
    start = S.DRAFT if action == "submit" else S.APPROVED
    project = project_in(start)
    assert transition_project(actor=officer_a, project=project, action=action).status != start


def test_read_only_roles_and_other_provinces_see_nothing_to_move(
    project_in, national, auditor_a, officer_b, collaborator_a1
):
    project = project_in(S.DRAFT)
    for user in (national, auditor_a, officer_b, collaborator_a1):
        with pytest.raises(Http404):
            transition_project(actor=user, project=project, action="submit")
    for user in (national, auditor_a, collaborator_a1):
        assert allowed_steps(user, project) == []


@pytest.mark.parametrize("action", ["return", "suspend", "cancel", "adjust"])
def test_a_reason_is_required(project_in, manager_a, action):
    start = S.SUBMITTED if action == "return" else S.APPROVED
    project = project_in(start)
    with pytest.raises(ProgrammeError) as info:
        transition_project(
            actor=manager_a,
            project=project,
            action=action,
            note="  ",
            **step_params(action, project),
        )
    assert info.value.field == "note"


def test_resume_returns_to_the_state_it_was_suspended_in(project_in, manager_a):
    project = project_in(S.IN_PROGRESS)
    project = transition_project(
        actor=manager_a, project=project, action="suspend", note="Thiếu vốn"
    )
    project = transition_project(actor=manager_a, project=project, action="resume")
    assert project.status == S.IN_PROGRESS


def test_returned_project_can_be_submitted_again(project_in, officer_a):
    project = project_in(S.RETURNED)
    assert (
        transition_project(actor=officer_a, project=project, action="submit").status == S.SUBMITTED
    )


def test_unknown_action_and_parameters_are_refused(project_in, manager_a):
    project = project_in(S.DRAFT)
    with pytest.raises(ProgrammeError) as info:
        transition_project(actor=manager_a, project=project, action="fly")
    assert info.value.field == "action"
    with pytest.raises(ProgrammeError) as info:
        transition_project(actor=manager_a, project=project, action="submit", budget={})
    assert info.value.field == "budget"


def test_stale_version_is_refused(project_in, manager_a):
    from khuyencong.core.errors import StaleEditError

    project = project_in(S.SUBMITTED)
    with pytest.raises(StaleEditError):
        transition_project(
            actor=manager_a,
            project=project,
            action="appraise",
            expected_version=project.version - 1,
        )


def test_accept_needs_date_minutes_and_every_actual_output(project_in, manager_a):
    project = project_in(S.IN_PROGRESS)
    params = step_params("accept", project)
    for missing, field in (("accepted_on", "accepted_on"), ("minutes", "minutes")):
        with pytest.raises(ProgrammeError) as info:
            transition_project(
                actor=manager_a,
                project=project,
                action="accept",
                **{**params, missing: ""},
            )
        assert info.value.field == field
    with pytest.raises(ProgrammeError) as info:
        transition_project(
            actor=manager_a, project=project, action="accept", **{**params, "actual_outputs": {}}
        )
    assert info.value.field == "actual_outputs"
    project = transition_project(actor=manager_a, project=project, action="accept", **params)
    assert project.outputs.get().actual == 2


def test_settle_needs_every_source_and_no_more_state_money_than_budgeted(project_in, manager_a):
    project = project_in(S.ACCEPTED)
    with pytest.raises(ProgrammeError) as info:
        transition_project(
            actor=manager_a, project=project, action="settle", spending={"national": 1}
        )
    assert info.value.field == "spending"
    with pytest.raises(ProgrammeError):
        transition_project(
            actor=manager_a,
            project=project,
            action="settle",
            spending={"national": 200_000_001, "counterpart": 300_000_000},
        )
    project = transition_project(
        actor=manager_a,
        project=project,
        action="settle",
        spending={"national": 190_000_000, "counterpart": 310_000_000},
    )
    assert dict(project.settlement.values_list("source", "amount")) == {
        "national": 190_000_000,
        "counterpart": 310_000_000,
    }
