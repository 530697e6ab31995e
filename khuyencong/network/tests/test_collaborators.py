"""Collaborators through the services: validation naming the field, scoping, optimistic
locking, history of the communes covered, trainings and rewards, roster and coverage."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.errors import StaleEditError
from khuyencong.core.roles import Role
from khuyencong.network import access, services
from khuyencong.network.errors import NetworkError
from khuyencong.network.factories import CollaboratorFactory
from khuyencong.network.history import history_entries
from khuyencong.network.models import Collaborator
from khuyencong.places.factories import CommuneFactory


def data(province, communes=(), **extra):
    values = {
        "province": province,
        "communes": communes,
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "email": "lan@example.vn",
        "position": "Công chức Văn hóa – Xã hội",
        "appointed_on": datetime.date(2025, 3, 1),
        "appointment_decision": "125/QĐ-UBND",
        "monthly_fee": 1_490_000,
    }
    values.update(extra)
    return values


def test_an_officer_records_a_collaborator_of_their_province(officer_a, province_a, commune_a1):
    collaborator = services.create_collaborator(
        actor=officer_a, data=data(province_a, [commune_a1])
    )
    assert collaborator.province == province_a
    assert list(collaborator.communes.all()) == [commune_a1]
    assert collaborator.active_until is None and collaborator.monthly_fee == 1_490_000
    assert collaborator.history.earliest("history_date").history_user == officer_a


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": "  "}, "full_name"),
        ({"appointed_on": None}, "appointed_on"),
        ({"active_until": datetime.date(2025, 2, 28)}, "active_until"),
        ({"monthly_fee": -1}, "monthly_fee"),
        ({"email": "not-an-email"}, "email"),
        ({"communes": []}, "communes"),
        ({"communes": ["99999"]}, "communes"),
    ],
)
def test_bad_input_is_refused_naming_the_field(officer_a, province_a, commune_a1, change, field):
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=officer_a, data={**data(province_a, [commune_a1]), **change}
        )
    assert info.value.field == field
    assert not Collaborator.objects.exists()


def test_communes_must_lie_in_the_collaborators_province(
    officer_a, province_a, commune_a1, commune_b1
):
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=officer_a, data=data(province_a, [commune_a1, commune_b1])
        )
    assert info.value.field == "communes"


def test_active_until_may_equal_the_appointment(officer_a, province_a, commune_a1):
    day = datetime.date(2025, 3, 1)
    collaborator = services.create_collaborator(
        actor=officer_a, data=data(province_a, [commune_a1], active_until=day)
    )
    assert collaborator.active_until == day


@pytest.mark.parametrize("persona", ["officer_b", "national", "auditor_a", "collaborator_a1"])
def test_others_may_not_record_collaborators_of_province_a(
    request, province_a, commune_a1, persona
):
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=request.getfixturevalue(persona), data=data(province_a, [commune_a1])
        )
    assert info.value.field == "province"


def test_the_login_must_be_a_collaborator_of_the_province_and_linked_once(
    officer_a, province_a, commune_a1, commune_a2, collaborator_a1, manager_a, province_b
):
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=officer_a, data=data(province_a, [commune_a1], user=manager_a)
        )
    assert info.value.field == "user"
    outsider = UserFactory(role=Role.COLLABORATOR, province=province_b)
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=officer_a, data=data(province_a, [commune_a1], user=outsider)
        )
    assert info.value.field == "user"
    services.create_collaborator(
        actor=officer_a, data=data(province_a, [commune_a1], user=collaborator_a1)
    )
    with pytest.raises(NetworkError) as info:
        services.create_collaborator(
            actor=officer_a, data=data(province_a, [commune_a2], user=collaborator_a1)
        )
    assert info.value.field == "user"


def test_a_stale_edit_is_refused_and_changes_nothing(ctv_a2, officer_a, manager_a):
    version = ctv_a2.version
    services.update_collaborator(
        actor=officer_a,
        collaborator=ctv_a2,
        data={"position": "Công chức Kinh tế"},
        expected_version=version,
    )
    with pytest.raises(StaleEditError):
        services.update_collaborator(
            actor=manager_a,
            collaborator=ctv_a2,
            data={"position": "Bản cũ"},
            expected_version=version,
        )
    ctv_a2.refresh_from_db()
    assert ctv_a2.position == "Công chức Kinh tế" and ctv_a2.version == version + 1


def test_edits_are_scoped_and_the_province_is_fixed(ctv_a2, officer_b, officer_a, province_b):
    with pytest.raises(Http404):
        services.update_collaborator(
            actor=officer_b, collaborator=ctv_a2, data={"notes": "x"}, expected_version=None
        )
    with pytest.raises(NetworkError) as info:
        services.update_collaborator(
            actor=officer_a,
            collaborator=ctv_a2,
            data={"province": province_b},
            expected_version=None,
        )
    assert info.value.field == "province"


def test_a_change_of_communes_is_in_the_history(ctv_a2, officer_a, commune_a1, commune_a2):
    before = ctv_a2.history.count()
    services.update_collaborator(
        actor=officer_a,
        collaborator=ctv_a2,
        data={"communes": [commune_a1, commune_a2], "position": "Công chức Kinh tế"},
        expected_version=ctv_a2.version,
    )
    latest = history_entries(ctv_a2)[0]
    assert latest.user == officer_a
    changes = {change.old: change.new for change in latest.changes}
    # Names in alphabetical order: "Phường Buôn Ma Thuột", then "Xã Ea Kar".
    assert changes[commune_a2.name] == f"{commune_a2.name}, {commune_a1.name}"
    # One entry for the edit, communes and other fields together.
    assert ctv_a2.history.count() == before + 1
    assert "Công chức Kinh tế" in changes.values()


def test_who_sees_which_collaborators(
    ctv_a1, ctv_a2, ctv_b1, officer_a, officer_b, national, auditor_a, collaborator_a1
):
    def names(user, **kwargs):
        return set(access.collaborators_for(user, **kwargs).values_list("pk", flat=True))

    assert names(officer_a) == {ctv_a1.pk, ctv_a2.pk}
    assert names(officer_b) == {ctv_b1.pk}
    assert names(national) == {ctv_a1.pk, ctv_a2.pk, ctv_b1.pk}
    assert names(auditor_a) == {ctv_a1.pk, ctv_a2.pk}
    # A collaborator sees their own record only, and changes none.
    assert names(collaborator_a1) == {ctv_a1.pk}
    assert names(collaborator_a1, write=True) == set()
    assert names(national, write=True) == names(auditor_a, write=True) == set()


def test_trainings_and_rewards(ctv_a2, officer_a, officer_b):
    training = services.add_training(
        actor=officer_a,
        collaborator=ctv_a2,
        title="Tập huấn nghiệp vụ",
        date=datetime.date(2025, 6, 1),
        organiser="Trung tâm Khuyến công",
    )
    reward = services.add_reward(
        actor=officer_a,
        collaborator=ctv_a2,
        title="Giấy khen",
        date=datetime.date(2025, 12, 1),
        amount=500_000,
        decision="12/QĐ-SCT",
    )
    assert training.created_by == officer_a and reward.amount == 500_000
    with pytest.raises(NetworkError) as info:
        services.add_reward(
            actor=officer_a,
            collaborator=ctv_a2,
            title="x",
            date=datetime.date(2025, 1, 1),
            amount=-5,
        )
    assert info.value.field == "amount"
    with pytest.raises(NetworkError) as info:
        services.add_training(
            actor=officer_a,
            collaborator=ctv_a2,
            title="x",
            date=services.today() + datetime.timedelta(days=1),
        )
    assert info.value.field == "date"
    with pytest.raises(Http404):
        services.add_training(
            actor=officer_b, collaborator=ctv_a2, title="x", date=datetime.date(2025, 1, 1)
        )


def test_roster_lists_every_commune_and_those_without_an_active_collaborator(
    province_a, commune_a1, commune_a2, ctv_a1, officer_a
):
    lonely = CommuneFactory(province=province_a, name="Xã Cư Jút")
    # A collaborator whose term ended does not cover their commune any more.
    CollaboratorFactory(
        province=province_a,
        communes=[lonely],
        appointed_on=datetime.date(2024, 1, 1),
        active_until=datetime.date(2025, 1, 1),
    )
    # One appointed only in the future does not cover it yet either.
    CollaboratorFactory(
        province=province_a,
        communes=[commune_a2],
        appointed_on=services.today() + datetime.timedelta(days=30),
    )
    roster = services.roster(province_a)
    assert roster.total == 3 and roster.covered == 1
    assert {c.pk for c in roster.uncovered} == {lonely.pk, commune_a2.pk}
    by_code = {c.pk: c for c in roster.communes}
    assert by_code[commune_a1.pk].covered
    assert [c.pk for c in by_code[commune_a1.pk].active_collaborators] == [ctv_a1.pk]
    assert by_code[lonely.pk].active_collaborators == []
    assert roster.percent == pytest.approx(33.3)


def test_roster_queries_do_not_grow_with_the_province(
    province_a, django_assert_num_queries, officer_a
):
    def build(n):
        for index in range(n):
            commune = CommuneFactory(province=province_a)
            CollaboratorFactory(province=province_a, communes=[commune], full_name=f"CTV {index}")

    build(2)
    with django_assert_num_queries(4):
        services.roster(province_a)
    build(20)
    with django_assert_num_queries(4):
        roster = services.roster(province_a)
    assert roster.covered == roster.total == 22


def test_province_coverage_counts_each_province_in_one_query(
    province_a, province_b, ctv_a1, ctv_b1, commune_a2, django_assert_num_queries
):
    from khuyencong.places.models import Province

    with django_assert_num_queries(1):
        rows = {p.code: p for p in services.province_coverage(Province.objects.all())}
    assert (rows["66"].active_count, rows["66"].covered_count, rows["66"].commune_count) == (
        1,
        1,
        2,
    )
    assert (rows["79"].active_count, rows["79"].covered_count, rows["79"].commune_count) == (
        1,
        1,
        1,
    )
