"""The network app's access declarations (network/access.py on core/access.py): place
scoping for staff, a commune collaborator's own records only, and ``get`` answering 404
the same way through every rule."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.network import access
from khuyencong.network.factories import advance_report, file_report
from khuyencong.network.models import Difficulty

pytestmark = pytest.mark.django_db


def test_a_collaborator_sees_their_own_record_and_changes_none(
    ctv_a1, ctv_a2, ctv_b1, collaborator_a1, officer_a
):
    assert list(access.collaborators_for(collaborator_a1)) == [ctv_a1]
    assert not access.collaborators_for(collaborator_a1, write=True).exists()
    assert set(access.collaborators_for(officer_a)) == {ctv_a1, ctv_a2}
    # ``get`` scopes once, by the rule: a collaborator has no ``commune`` column to scope on.
    assert access.COLLABORATORS.get(collaborator_a1, pk=ctv_a1.pk) == ctv_a1
    with pytest.raises(Http404):
        access.COLLABORATORS.get(collaborator_a1, pk=ctv_a2.pk)
    with pytest.raises(Http404):
        access.COLLABORATORS.get(officer_a, pk=ctv_b1.pk)
    with pytest.raises(Http404):
        access.COLLABORATORS.get(officer_a, pk="x")
    assert access.COLLABORATORS.fetch(officer_a, pk=ctv_a2.pk) == (ctv_a2, True)


def test_reports_and_difficulties_follow_the_collaborator_and_the_province(
    ctv_a1, ctv_a2, ctv_b1, collaborator_a1, officer_a, officer_b
):
    mine = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    colleague = file_report(actor=officer_a, collaborator=ctv_a2)
    assert list(access.reports_for(collaborator_a1)) == [mine]
    assert list(access.reports_for(collaborator_a1, write=True)) == [mine]
    assert access.REPORTS.may_change(collaborator_a1, mine)
    assert set(access.reports_for(officer_a)) == {mine, colleague}
    assert not access.reports_for(officer_b).exists()
    with pytest.raises(Http404):
        access.REPORTS.get(collaborator_a1, pk=colleague.pk)

    difficulty = Difficulty.objects.get(report=mine)
    # A draft's difficulties stay the collaborator's until the report is submitted.
    assert not access.difficulties_for(officer_a).filter(pk=difficulty.pk).exists()
    advance_report(mine, "submitted", filer=collaborator_a1, reviewer=officer_a)
    assert access.DIFFICULTIES.get(officer_a, pk=difficulty.pk) == difficulty
    assert list(access.difficulties_for(collaborator_a1)) == [difficulty]
    assert not access.difficulties_for(collaborator_a1, write=True).exists()
    assert access.DIFFICULTIES.actions(officer_b, difficulty) == []


def test_who_may_file_for_whom(ctv_a1, ctv_a2, ctv_b1, collaborator_a1, officer_a, national):
    assert access.may_file_for(collaborator_a1, ctv_a1)
    assert not access.may_file_for(collaborator_a1, ctv_a2)
    assert access.may_file_for(officer_a, ctv_a2)
    assert not access.may_file_for(officer_a, ctv_b1)
    assert not access.may_file_for(national, ctv_a1)


def test_the_collaborators_one_may_file_for(
    ctv_a1, ctv_a2, ctv_b1, collaborator_a1, officer_a, national
):
    assert list(access.fileable(collaborator_a1)) == [ctv_a1]
    assert set(access.fileable(officer_a)) == {ctv_a1, ctv_a2}
    assert not access.fileable(national).exists()
