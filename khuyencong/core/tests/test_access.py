"""The access kernel (core/access.py): visible, get/fetch (404 for another province) and
actions, on a real scoped model with a workflow (projects) and one without (establishments)."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.core.access import CHANGE, DELETE, Rule
from khuyencong.programmes.factories import draft_project
from khuyencong.programmes.models import Project
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment

pytestmark = pytest.mark.django_db


def _users(django_user_model, province, other):
    from khuyencong.core.roles import Role

    officer = django_user_model.objects.create_user(
        "officer", password="x", role=Role.PROVINCIAL_OFFICER, province=province
    )
    national = django_user_model.objects.create_user(
        "national", password="x", role=Role.NATIONAL_OFFICER
    )
    return officer, national


def test_visible_get_fetch_and_actions_follow_the_place(django_user_model):
    mine = EstablishmentFactory()
    theirs = EstablishmentFactory()
    assert mine.province_id != theirs.province_id
    officer, national = _users(django_user_model, mine.province, theirs.province)
    rule = Rule(Establishment)

    assert list(rule.visible(officer)) == [mine]
    assert set(rule.visible(national)) == {mine, theirs}
    assert not rule.visible(national, write=True).exists()

    with pytest.raises(Http404):
        rule.get(officer, pk=theirs.pk)
    with pytest.raises(Http404):
        rule.get(officer, pk="not-a-number")
    obj, may_change = rule.fetch(officer, pk=mine.pk)
    assert obj == mine and may_change
    obj, may_change = rule.fetch(national, pk=theirs.pk)
    assert obj == theirs and not may_change

    assert rule.actions(officer, mine) == [CHANGE, DELETE]
    assert rule.actions(national, theirs) == []
    assert Rule(Establishment, deletable=False).actions(officer, mine) == [CHANGE]


def test_actions_add_the_workflow_steps_open_now(django_user_model):
    place = EstablishmentFactory()
    officer, _ = _users(django_user_model, place.province, None)
    project = draft_project(actor=officer, province=place.province)
    actions = Rule(Project).actions(officer, project)
    assert actions[:2] == [CHANGE, DELETE]
    from khuyencong.core.workflow import allowed_steps

    assert actions[2:] == [s.action for s in allowed_steps(officer, project)]
