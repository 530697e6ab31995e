"""reports/access.py: the one place that says who reads and changes what in reports."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.reports import access, services
from khuyencong.reports.tests.test_aggregates import ITEM


def test_who_may_change_an_aggregate_value(
    officer_a, manager_a, officer_b, national, auditor_a, admin, merged
):
    value = services.enter_aggregate(actor=officer_a, item=ITEM)
    assert access.may_change_aggregate(officer_a, value)
    assert access.may_change_aggregate(manager_a, value)
    assert access.may_change_aggregate(admin, value)
    for outsider in (officer_b, national, auditor_a):
        assert not access.may_change_aggregate(outsider, value)


def test_a_value_out_of_scope_is_404_like_a_missing_one(officer_a, officer_b, national, merged):
    value = services.enter_aggregate(actor=officer_a, item=ITEM)
    assert access.AGGREGATES.get(national, pk=value.pk) == value
    with pytest.raises(Http404):
        access.AGGREGATES.get(officer_b, pk=value.pk)
    with pytest.raises(Http404):
        access.AGGREGATES.get(national, write=True, pk=value.pk)
    with pytest.raises(Http404):
        access.AGGREGATES.get(officer_a, pk=value.pk + 1000)


def test_whose_forms_are_fixed_to_their_province(
    officer_a, auditor_a, collaborator_a1, national, admin
):
    assert access.bound_province(officer_a) == officer_a.province_id
    assert access.bound_province(auditor_a) == auditor_a.province_id
    assert access.bound_province(national) is None and access.bound_province(admin) is None
    assert access.reads_everywhere(national) and access.reads_everywhere(admin)
    assert not access.reads_everywhere(officer_a)
    assert not access.reads_everywhere(auditor_a)
    assert not access.reads_everywhere(collaborator_a1)
    assert access.chooses_any_province(admin) and not access.chooses_any_province(officer_a)
    assert access.communes_only(collaborator_a1) and not access.communes_only(officer_a)
