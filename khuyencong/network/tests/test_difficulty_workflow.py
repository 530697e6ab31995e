"""A difficulty's handling declared on the workflow kernel (network.workflow): the steps
offered per role and state, a refused step (409), and every step recorded as a
``DifficultyTransition`` with its history row."""

from __future__ import annotations

import pytest

from khuyencong.core.errors import WorkflowError
from khuyencong.core.workflow import allowed_steps, transition, workflow_for
from khuyencong.network import access
from khuyencong.network.models import Difficulty, DifficultyTransition
from khuyencong.network.workflow import DIFFICULTY_WORKFLOW, change_difficulty

D = Difficulty.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def difficulty(province_a, commune_a1, officer_a):
    from khuyencong.network.services import record_difficulty

    return record_difficulty(
        actor=officer_a, province=province_a, commune=commune_a1, topic="market", text="Đầu ra"
    )


def _actions(user, difficulty):
    return [step.action for step in allowed_steps(user, difficulty)]


def test_it_is_the_difficulty_workflow(difficulty):
    assert workflow_for(difficulty) is DIFFICULTY_WORKFLOW


def test_the_steps_offered_per_role_and_state(
    difficulty, officer_a, manager_a, admin, collaborator_a1, national, auditor_a
):
    for user in (officer_a, manager_a, admin):
        assert _actions(user, difficulty) == ["keep_open", "forward", "resolve"]
    for user in (collaborator_a1, national, auditor_a):
        assert _actions(user, difficulty) == []
    # What the record's page offers: change, then the open steps; nothing to those who read.
    assert access.DIFFICULTIES.actions(officer_a, difficulty) == [
        "change",
        "keep_open",
        "forward",
        "resolve",
    ]
    assert access.DIFFICULTIES.actions(national, difficulty) == []

    difficulty = change_difficulty(
        actor=officer_a, difficulty=difficulty, status=D.FORWARDED, forwarded_to="UBND xã"
    )
    assert _actions(officer_a, difficulty) == ["forward", "resolve"]
    difficulty = transition(difficulty, "resolve", manager_a, resolution="Đã kết nối")
    assert _actions(officer_a, difficulty) == []


def test_a_refused_step_is_a_409_and_changes_nothing(difficulty, officer_a, national):
    difficulty = change_difficulty(
        actor=officer_a, difficulty=difficulty, status=D.RESOLVED, resolution="Đã xong"
    )
    with pytest.raises(WorkflowError) as info:
        transition(difficulty, "forward", officer_a, forwarded_to="x")
    assert info.value.http_status == 409
    with pytest.raises(WorkflowError) as info:
        change_difficulty(actor=national, difficulty=difficulty, status=D.FORWARDED)
    assert info.value.http_status == 409
    difficulty.refresh_from_db()
    assert difficulty.status == D.RESOLVED
    assert DifficultyTransition.objects.filter(difficulty=difficulty).count() == 1


def test_every_step_is_recorded_with_its_history(difficulty, officer_a, manager_a):
    change_difficulty(actor=officer_a, difficulty=difficulty, status=D.OPEN, handler=manager_a)
    change_difficulty(
        actor=manager_a, difficulty=difficulty, status=D.FORWARDED, forwarded_to="Sở Công Thương"
    )
    transition(difficulty, "resolve", manager_a, resolution="Đã hỗ trợ")
    rows = list(
        difficulty.transitions.order_by("at", "id").values_list(
            "action", "from_status", "to_status", "actor"
        )
    )
    assert rows == [
        ("keep_open", D.OPEN, D.OPEN, officer_a.pk),
        ("forward", D.OPEN, D.FORWARDED, manager_a.pk),
        ("resolve", D.FORWARDED, D.RESOLVED, manager_a.pk),
    ]
    difficulty.refresh_from_db()
    assert (difficulty.status, difficulty.handler, difficulty.resolution) == (
        D.RESOLVED,
        manager_a,
        "Đã hỗ trợ",
    )
    history = list(difficulty.history.order_by("history_date").values_list("status", flat=True))
    assert history == [D.OPEN, D.OPEN, D.FORWARDED, D.RESOLVED]
