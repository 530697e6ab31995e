"""programmes/access.py: the rules of who sees what, and the two rights beyond places
(managing a plan, recording a programme) decided once."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.programmes import access
from khuyencong.programmes.factories import draft_project
from khuyencong.programmes.models import Programme
from khuyencong.registry.factories import EstablishmentFactory

NATIONAL, PROVINCIAL = Programme.Level.NATIONAL, Programme.Level.PROVINCIAL


@pytest.fixture
def plan(officer_a, province_a, commune_a1):
    beneficiary = EstablishmentFactory(commune=commune_a1)
    return draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk]).plan


def test_programme_rights_are_one_answer(admin, manager_a, officer_a, province_a, province_b):
    assert access.programme_refusal(admin, NATIONAL, None) is None
    assert access.programme_refusal(admin, PROVINCIAL, province_b.pk) is None
    assert access.programme_refusal(manager_a, PROVINCIAL, province_a.pk) is None
    assert access.programme_refusal(manager_a, NATIONAL, None)
    assert access.programme_refusal(manager_a, PROVINCIAL, province_b.pk)
    assert access.programme_refusal(manager_a, PROVINCIAL, None)
    assert access.programme_refusal(officer_a, PROVINCIAL, province_a.pk)
    assert access.may_record_programmes(admin) and access.may_record_programmes(manager_a)
    assert not access.may_record_programmes(officer_a)


def test_managing_a_plan(plan, admin, manager_a, officer_a, auditor_a, province_b):
    manager_b = UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)
    assert access.may_manage_plan(manager_a, plan) and access.may_manage_plan(admin, plan)
    for user in (officer_a, auditor_a, manager_b):
        assert not access.may_manage_plan(user, plan)


def test_plans_are_not_a_collaborators(plan, collaborator_a1, officer_a):
    assert not access.plans_for(collaborator_a1).exists()
    with pytest.raises(Http404):
        access.PLANS.get(collaborator_a1, pk=plan.pk)
    assert access.PLANS.get(officer_a, pk=plan.pk) == plan
