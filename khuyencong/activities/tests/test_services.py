"""The rules of activities, through the services: the share employed, the trainee list and
its count, places and projects of the province, field-naming messages, locking, history."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.http import Http404
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.activities import services
from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    FairParticipation,
    Showroom,
    TrainingCourse,
    Workshop,
    percent,
)
from khuyencong.activities.tests.conftest import DAY
from khuyencong.core.errors import StaleEditError

M = 1_000_000


# --- the share employed -------------------------------------------------------------------


def test_the_share_employed_is_computed_with_one_decimal(record, officer_a, province_a):
    course = record(officer_a, TrainingCourse, province_a, participants=30, employed_after=24)
    assert course.employed_percent == 80.0
    course = record(officer_a, TrainingCourse, province_a, participants=35, employed_after=26)
    assert course.employed_percent == 74.3  # 74.2857… rounded half up


def test_the_share_is_none_when_unknown_or_nobody_was_trained(record, officer_a, province_a):
    unknown = record(officer_a, TrainingCourse, province_a, employed_after=None)
    assert unknown.employed_percent is None
    nobody = record(officer_a, TrainingCourse, province_a, participants=0, employed_after=0)
    assert nobody.employed_percent is None


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_percent_rounds_half_up_to_one_decimal(part, whole):
    expected = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert percent(part, whole) == float(expected)
    assert percent(None, whole) is None and percent(part, 0) is None


def test_more_employed_than_trained_is_refused(record, officer_a, province_a):
    with translation.override("en"), pytest.raises(ActivityError) as error:
        record(officer_a, TrainingCourse, province_a, participants=20, employed_after=21)
    assert error.value.field == "employed_after"
    assert "20" in error.value.message
    assert not TrainingCourse.objects.exists()


def test_a_course_cannot_end_before_it_starts(record, officer_a, province_a):
    with pytest.raises(ActivityError) as error:
        record(officer_a, TrainingCourse, province_a, start_date=DAY, end_date=DAY.replace(day=9))
    assert error.value.field == "end_date"


# --- the trainee list and the count -------------------------------------------------------


def test_the_count_grows_with_the_list_and_cannot_fall_below_it(
    record, officer_a, province_a, est_a1
):
    course = record(officer_a, TrainingCourse, province_a, participants=1, employed_after=None)
    services.add_trainee(actor=officer_a, course=course, data={"name": "Nguyễn Thị Lan"})
    services.add_trainee(
        actor=officer_a,
        course=course,
        data={"name": "Trần Văn Hùng", "gender": "male", "establishment": est_a1},
    )
    course.refresh_from_db()
    assert course.participants == 2 and course.trainees.count() == 2
    with pytest.raises(ActivityError) as error:
        services.update_activity(
            actor=officer_a,
            record=course,
            data={"participants": 1},
            expected_version=course.version,
        )
    assert error.value.field == "participants"
    course.refresh_from_db()
    assert course.participants == 2
    # More participants than names is fine (a partial list).
    services.update_activity(
        actor=officer_a, record=course, data={"participants": 5}, expected_version=course.version
    )


def test_a_complete_list_with_known_outcomes_sets_the_employed_count(record, officer_a, province_a):
    course = record(officer_a, TrainingCourse, province_a, participants=0, employed_after=None)
    trainees = services.replace_trainees(
        actor=officer_a,
        course=course,
        rows=[
            {"name": "A", "employed_after": True},
            {"name": "B", "employed_after": True},
            {"name": "C", "employed_after": False},
        ],
    )
    course.refresh_from_db()
    assert len(trainees) == 3
    assert (course.participants, course.employed_after, course.employed_percent) == (3, 2, 66.7)
    services.add_trainee(actor=officer_a, course=course, data={"name": "D", "employed_after": True})
    course.refresh_from_db()
    assert (course.participants, course.employed_after) == (4, 3)


def test_a_trainee_of_another_province_establishment_is_refused(
    record, officer_a, province_a, est_b
):
    course = record(officer_a, TrainingCourse, province_a)
    with pytest.raises(ActivityError) as error:
        services.add_trainee(
            actor=officer_a, course=course, data={"name": "X", "establishment": est_b}
        )
    assert error.value.field == "establishment"
    assert est_b.name not in error.value.message
    assert not course.trainees.exists()


# --- places, projects, establishments -----------------------------------------------------


def test_a_project_of_another_province_is_refused(
    record, officer_a, province_a, project_a, project_b
):
    with pytest.raises(ActivityError) as error:
        record(officer_a, TrainingCourse, province_a, project=project_b)
    assert error.value.field == "project"
    course = record(officer_a, TrainingCourse, province_a, project=project_a)
    assert course.project == project_a
    with pytest.raises(ActivityError):
        services.update_activity(
            actor=officer_a, record=course, data={"project": project_b.pk}, expected_version=None
        )


def test_a_commune_of_another_province_is_refused(record, officer_a, province_a, commune_b1):
    with pytest.raises(ActivityError) as error:
        record(officer_a, TrainingCourse, province_a, commune=commune_b1)
    assert error.value.field == "commune"


def test_an_officer_records_only_for_their_province(
    record, officer_a, officer_b, province_a, collaborator_a1, national
):
    for user in (officer_b, collaborator_a1, national):
        with pytest.raises(ActivityError) as error:
            record(user, TrainingCourse, province_a)
        assert error.value.field == "province"
    assert not TrainingCourse.objects.exists()


def test_an_establishment_of_another_province_is_refused(
    record, officer_a, province_a, est_a1, est_b
):
    with pytest.raises(ActivityError) as error:
        record(
            officer_a,
            Showroom,
            province_a,
            name="Phòng trưng bày",
            establishment=est_b,
            opened_on=DAY,
            cost=100 * M,
        )
    assert error.value.field == "establishment"
    showroom = record(
        officer_a,
        Showroom,
        province_a,
        name="Phòng trưng bày",
        establishment=est_a1,
        opened_on=DAY,
        cost=100 * M,
        supported_amount=50 * M,
    )
    # By default the showroom lies where the establishment does.
    assert showroom.commune_id == est_a1.commune_id


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (TrainingCourse, {"title": ""}, "title"),
        (TrainingCourse, {"topic": "cooking"}, "topic"),
        (TrainingCourse, {"start_date": None}, "start_date"),
        (Fair, {"level": "international", "country": ""}, "country"),
        (Fair, {"end_date": DAY - datetime.timedelta(days=1)}, "end_date"),
        (CommunicationItem, {"cost": -5}, "cost"),
        (Workshop, {"attendees": 1, "establishments": "__two__"}, "attendees"),
    ],
)
def test_bad_input_names_the_field(
    record, officer_a, province_a, est_a1, est_a2, model, data, field
):
    base = {
        Fair: {"name": "Hội chợ", "level": "region", "start_date": DAY, "end_date": DAY},
        CommunicationItem: {"kind": "tv", "title": "Phóng sự", "date": DAY, "topic": "other"},
        Workshop: {"title": "Hội thảo", "topic": "market", "date": DAY, "attendees": 50},
        TrainingCourse: {},
    }[model]
    if data.get("establishments") == "__two__":
        data = {**data, "establishments": [est_a1, est_a2]}
    with pytest.raises(ActivityError) as error:
        record(officer_a, model, province_a, **{**base, **data})
    assert error.value.field == field
    assert error.value.message
    assert not model.objects.exists()


def test_a_granted_brand_needs_its_certificate(record, officer_a, province_a, est_a1):
    data = {
        "establishment": est_a1,
        "mark_name": "MÂY TRE EA KAR",
        "kind": "collective",
        "filed_on": DAY,
        "status": "granted",
    }
    with pytest.raises(ActivityError) as error:
        record(officer_a, BrandRegistration, province_a, **data)
    assert error.value.field == "certificate_number"
    with pytest.raises(ActivityError) as error:
        record(
            officer_a,
            BrandRegistration,
            province_a,
            **{**data, "certificate_number": "456789", "certificate_date": DAY.replace(day=1)},
        )
    assert error.value.field == "certificate_date"
    with pytest.raises(ActivityError) as error:
        record(
            officer_a,
            BrandRegistration,
            province_a,
            **{**data, "status": "filed", "certificate_number": "1"},
        )
    assert error.value.field == "status"
    brand = record(
        officer_a,
        BrandRegistration,
        province_a,
        **{**data, "certificate_number": "456789", "certificate_date": DAY.replace(month=12)},
    )
    assert brand.get_status_display()


# --- fairs --------------------------------------------------------------------------------


def test_an_establishment_takes_part_once_per_fair(record, officer_a, province_a, est_a1, est_b):
    fair = record(
        officer_a, Fair, province_a, name="Hội chợ", level="region", start_date=DAY, end_date=DAY
    )
    services.add_participation(
        actor=officer_a, fair=fair, establishment=est_a1, supported_amount=10 * M
    )
    with pytest.raises(ActivityError) as error:
        services.add_participation(actor=officer_a, fair=fair, establishment=est_a1)
    assert error.value.field == "establishment"
    with pytest.raises(ActivityError) as error:
        services.add_participation(actor=officer_a, fair=fair, establishment=est_b)
    assert error.value.field == "establishment"
    with pytest.raises(ActivityError) as error:
        services.add_participation(
            actor=officer_a, fair=fair, establishment=est_a1.pk, supported_amount=-1
        )
    assert FairParticipation.objects.count() == 1
    row = FairParticipation.objects.get()
    assert row.history.get().history_user == officer_a


def test_another_province_cannot_change_a_fair(record, officer_a, officer_b, province_a, est_a1):
    fair = record(
        officer_a, Fair, province_a, name="Hội chợ", level="region", start_date=DAY, end_date=DAY
    )
    with pytest.raises(Http404):
        services.add_participation(actor=officer_b, fair=fair, establishment=est_a1)
    with pytest.raises(Http404):
        services.update_activity(
            actor=officer_b, record=fair, data={"name": "x"}, expected_version=None
        )


# --- consulting ---------------------------------------------------------------------------


def test_receipts_stay_within_the_value_and_after_signing(record, officer_a, province_a, est_a1):
    contract = record(
        officer_a,
        ConsultingContract,
        province_a,
        title="Kiểm toán năng lượng",
        client_establishment=est_a1,
        client_name="",
        service="energy_audit",
        value=100 * M,
        signed_on=DAY,
    )
    assert contract.client_name == est_a1.name
    services.add_receipt(actor=officer_a, contract=contract, date=DAY, amount=60 * M)
    with pytest.raises(ActivityError) as error:
        services.add_receipt(actor=officer_a, contract=contract, date=DAY, amount=41 * M)
    assert error.value.field == "amount"
    with pytest.raises(ActivityError) as error:
        services.add_receipt(
            actor=officer_a, contract=contract, date=DAY.replace(day=1), amount=1 * M
        )
    assert error.value.field == "date"
    with pytest.raises(ActivityError) as error:
        services.update_activity(
            actor=officer_a, record=contract, data={"value": 50 * M}, expected_version=None
        )
    assert error.value.field == "value"
    with pytest.raises(ActivityError) as error:
        services.update_activity(
            actor=officer_a, record=contract, data={"status": "completed"}, expected_version=None
        )
    assert error.value.field == "completed_on"


# --- locking and history ------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_changes_nothing(record, officer_a, manager_a, province_a):
    course = record(officer_a, TrainingCourse, province_a)
    seen = course.version
    services.update_activity(
        actor=manager_a, record=course, data={"title": "Khóa 1"}, expected_version=seen
    )
    with pytest.raises(StaleEditError):
        services.update_activity(
            actor=officer_a, record=course, data={"title": "Khóa 2"}, expected_version=seen
        )
    course.refresh_from_db()
    assert course.title == "Khóa 1" and course.version == seen + 1
    users = list(course.history.order_by("history_id").values_list("history_user", flat=True))
    assert users == [officer_a.pk, manager_a.pk]


def test_a_workshop_keeps_its_establishments_in_history(
    record, officer_a, province_a, est_a1, est_a2
):
    from khuyencong.activities.history import history_entries

    workshop = record(
        officer_a,
        Workshop,
        province_a,
        title="Hội thảo",
        topic="market",
        date=DAY,
        attendees=40,
        establishments=[est_a1],
    )
    services.update_activity(
        actor=officer_a,
        record=workshop,
        data={"establishments": [est_a1, est_a2]},
        expected_version=workshop.version,
    )
    assert set(workshop.establishments.all()) == {est_a1, est_a2}
    changes = [c for e in history_entries(workshop) for c in e.changes]
    assert any(est_a2.name in c.new for c in changes)
