"""The activities app's access declarations (activities/access.py on core/access.py): one
rule per kind of activity, the rows of a record scoped by the record's place, staff counts
hidden from commune collaborators."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.activities import access, services
from khuyencong.activities.models import Fair, StaffCount, TrainingCourse
from khuyencong.activities.tests.conftest import DAY

pytestmark = pytest.mark.django_db


def test_records_and_their_rows_follow_the_record_place(
    record, officer_a, officer_b, national, province_a, province_b, est_a1, est_b
):
    fair = record(
        officer_a, Fair, province_a, name="Hội chợ Tây Nguyên", level="region",
        start_date=DAY, end_date=DAY,
    )  # fmt: skip
    theirs = record(officer_b, TrainingCourse, province_b)
    row = services.add_participation(actor=officer_a, fair=fair, establishment=est_a1)

    assert list(access.records_for(officer_a, Fair)) == [fair]
    assert not access.records_for(officer_a, TrainingCourse).exists()
    assert access.rule_of(TrainingCourse).fetch(national, pk=theirs.pk) == (theirs, False)
    with pytest.raises(Http404):
        access.rule_of(TrainingCourse).get(officer_a, pk=theirs.pk)
    # A row's place lies behind its record: ``get`` scopes by the rule's fields only.
    assert access.PARTICIPATIONS.get(officer_a, write=True, pk=row.pk) == row
    with pytest.raises(Http404):
        access.PARTICIPATIONS.get(officer_b, pk=row.pk)
    assert list(access.participations_for(national)) == [row]


def test_staff_counts_and_who_may_record(
    officer_a, officer_b, collaborator_a1, national, province_a
):
    count = services.record_staff_count(actor=officer_a, province=province_a, year=2025, staff=7)
    assert list(access.staff_counts_for(officer_a, write=True)) == [count]
    assert not access.staff_counts_for(officer_b).exists()
    assert not access.staff_counts_for(collaborator_a1).exists()
    assert StaffCount.objects.count() == 1
    assert access.may_record(officer_a, province_a.pk)
    assert not access.may_record(officer_b, province_a.pk)
    assert not access.may_record(national, province_a.pk)
    assert access.may_record_somewhere(officer_b) and not access.may_record_somewhere(national)
