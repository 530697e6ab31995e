"""Rounds: their data (council, pass mark, criteria groups), who organises which level,
the workflow's allowed and refused steps, scoping between provinces."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import translation

from khuyencong.awards import access, services, workflow
from khuyencong.awards.errors import AwardError
from khuyencong.awards.factories import JUDGES, points_for
from khuyencong.awards.models import AwardEntry, AwardRound, AwardRoundTransition
from khuyencong.awards.tests.conftest import enter, round_data
from khuyencong.core.errors import StaleEditError, WorkflowError

S = AwardRound.Status


def test_a_round_gets_the_standard_criteria_and_pass_mark(round_a, officer_a):
    assert round_a.pass_mark == Decimal("70")
    assert [(c["code"], c["max_points"]) for c in round_a.criteria] == [
        ("market", 40),
        ("economic", 40),
        ("culture", 10),
        ("other", 10),
    ]
    assert round_a.status == S.OPEN and round_a.complaint_days == 15
    assert round_a.history.first().history_user == officer_a


@pytest.mark.parametrize(
    ("level", "good", "bad"),
    [
        ("district", [5, 7], [3, 4, 6, 9]),
        ("province", [7, 9], [5, 8, 11]),
        ("region", [9, 11], [7, 10, 13]),
        ("national", [11, 13], [9, 12, 15]),
    ],
)
def test_council_size_is_odd_and_within_the_level_range(level, good, bad):
    for size in good:
        assert services.check_council_size(level, size) == size
    for size in bad:
        with pytest.raises(AwardError) as caught:
            services.check_council_size(level, size)
        assert caught.value.field == "council_size"


def test_an_even_council_is_refused_with_a_clear_message(officer_a, province_a):
    with pytest.raises(AwardError) as caught:
        services.create_round(actor=officer_a, data=round_data(province=province_a, council_size=8))
    assert caught.value.field == "council_size" and "8" in caught.value.message
    assert not AwardRound.objects.exists()


@pytest.mark.parametrize(
    ("criteria", "ok"),
    [
        ([{"code": "market", "max_points": 50}, {"code": "economic", "max_points": 50}], True),
        (
            [
                {"code": "market", "max_points": 40},
                {"code": "economic", "max_points": 40},
                {"code": "origin", "name": "Nguồn gốc nguyên liệu", "max_points": 20},
            ],
            True,
        ),
        ([{"code": "market", "max_points": 40}, {"code": "economic", "max_points": 40}], False),
        ([{"code": "market", "max_points": 50}, {"code": "market", "max_points": 50}], False),
        ([{"code": "origin", "max_points": 50}, {"code": "market", "max_points": 50}], False),
        ([{"code": "Market!", "max_points": 100}], False),
        ([{"code": "market", "max_points": 100.5}], False),
        ([], False),
    ],
)
def test_criteria_groups_are_data_out_of_100(officer_a, province_a, criteria, ok):
    data = round_data(province=province_a, criteria=criteria)
    if ok:
        round = services.create_round(actor=officer_a, data=data)
        assert [c["code"] for c in round.criteria] == [c["code"] for c in criteria]
    else:
        with pytest.raises(AwardError) as caught:
            services.create_round(actor=officer_a, data=data)
        assert caught.value.field == "criteria"


def test_criteria_pass_mark_and_council_change_until_scoring_starts(
    officer_a, round_a, est_a, coffee
):
    new = [{"code": "market", "max_points": 50}, {"code": "economic", "max_points": 50}]
    round_a = services.update_round(
        actor=officer_a,
        round=round_a,
        data={"criteria": new, "pass_mark": "75.5", "council_size": 9},
        expected_version=round_a.version,
    )
    assert round_a.pass_mark == Decimal("75.50") and len(round_a.criteria) == 2
    enter(officer_a, round_a, est_a, coffee)
    round_a = workflow.start_scoring(actor=officer_a, round=round_a)
    for name, value in [
        ("criteria", [{"code": "market", "max_points": 100}]),
        ("pass_mark", 60),
        ("council_size", 7),
    ]:
        with pytest.raises(AwardError) as caught:
            services.update_round(
                actor=officer_a, round=round_a, data={name: value}, expected_version=None
            )
        assert caught.value.field == name
    # Other fields still change, and sending the same value is not a change.
    round_a = services.update_round(
        actor=officer_a,
        round=round_a,
        data={"decision": "130/QĐ-SCT", "pass_mark": "75.50"},
        expected_version=round_a.version,
    )
    assert round_a.decision == "130/QĐ-SCT"


def test_a_stale_edit_is_refused(officer_a, manager_a, round_a):
    version = round_a.version
    services.update_round(
        actor=officer_a, round=round_a, data={"title": "Mới"}, expected_version=version
    )
    with pytest.raises(StaleEditError):
        services.update_round(
            actor=manager_a, round=round_a, data={"title": "Cũ"}, expected_version=version
        )


def test_district_rounds_are_for_years_before_2025(officer_a, province_a):
    with pytest.raises(AwardError) as caught:
        services.create_round(
            actor=officer_a,
            data=round_data(level="district", province=province_a, year=2025, council_size=5),
        )
    assert caught.value.field == "year"
    round = services.create_round(
        actor=officer_a,
        data=round_data(level="district", province=province_a, year=2023, council_size=5),
    )
    assert round.level == "district"


def test_one_round_per_level_place_and_year(officer_a, round_a, province_a):
    with pytest.raises(AwardError) as caught:
        services.create_round(actor=officer_a, data=round_data(province=province_a))
    assert caught.value.field == "year"


def test_only_administrators_organise_region_and_national_rounds(
    officer_a, admin, national, region
):
    for actor in (officer_a, national):
        with pytest.raises(AwardError):
            services.create_round(
                actor=actor, data=round_data(level="region", region=region, council_size=9)
            )
    round = services.create_round(
        actor=admin, data=round_data(level="region", region=region, council_size=9)
    )
    assert round.province_id is None and round.region_id == region.pk
    national_round = services.create_round(
        actor=admin, data=round_data(level="national", council_size=11)
    )
    assert national_round.province_id is None and national_round.region_id is None


def test_an_officer_may_not_organise_for_another_province(officer_b, province_a):
    with pytest.raises(AwardError) as caught:
        services.create_round(actor=officer_b, data=round_data(province=province_a))
    assert caught.value.field == "province"


@pytest.mark.parametrize("persona", ["national", "auditor_a", "collaborator_a1"])
def test_read_only_roles_organise_nothing(request, persona, province_a):
    with pytest.raises(AwardError):
        services.create_round(
            actor=request.getfixturevalue(persona), data=round_data(province=province_a)
        )


# --- workflow -----------------------------------------------------------------------------


def test_the_workflow_allows_its_steps_and_records_them(officer_a, round_a, est_a, coffee):
    with pytest.raises(WorkflowError):  # nothing to score yet
        workflow.start_scoring(actor=officer_a, round=round_a)
    entry = enter(officer_a, round_a, est_a, coffee)
    with pytest.raises(WorkflowError):  # not scoring yet
        workflow.close_round(actor=officer_a, round=round_a)
    round_a = workflow.start_scoring(actor=officer_a, round=round_a, note="Hội đồng họp")
    round_a = workflow.reopen_round(actor=officer_a, round=round_a)
    round_a = workflow.start_scoring(actor=officer_a, round=round_a)
    services.record_score_sheet(
        actor=officer_a, entry=entry, judge=JUDGES[0], points=points_for(72)
    )
    with pytest.raises(WorkflowError):  # sheets recorded: no way back
        workflow.reopen_round(actor=officer_a, round=round_a)
    for judge in JUDGES[1:7]:
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge=judge, points=points_for(72)
        )
    round_a = workflow.close_round(
        actor=officer_a, round=round_a, closing_date=datetime.date(2026, 11, 2)
    )
    assert round_a.status == S.CLOSED and round_a.closing_date == datetime.date(2026, 11, 2)
    for action in ("start_scoring", "reopen", "close"):
        with pytest.raises(WorkflowError):
            workflow.transition_round(actor=officer_a, round=round_a, action=action)
    steps = list(
        AwardRoundTransition.objects.filter(round=round_a).values_list(
            "action", "from_status", "to_status", "actor"
        )
    )
    assert steps == [
        ("start_scoring", "open", "scoring", officer_a.pk),
        ("reopen", "scoring", "open", officer_a.pk),
        ("start_scoring", "open", "scoring", officer_a.pk),
        ("close", "scoring", "closed", officer_a.pk),
    ]
    with pytest.raises(WorkflowError):
        services.update_round(
            actor=officer_a, round=round_a, data={"title": "x"}, expected_version=None
        )


def test_an_unknown_step_and_a_future_closing_date_are_refused(officer_a, round_a, est_a, coffee):
    enter(officer_a, round_a, est_a, coffee)
    with pytest.raises(AwardError) as caught:
        workflow.transition_round(actor=officer_a, round=round_a, action="publish")
    assert caught.value.field == "action"
    round_a = workflow.start_scoring(actor=officer_a, round=round_a)
    with pytest.raises(AwardError) as caught:
        workflow.close_round(
            actor=officer_a,
            round=round_a,
            closing_date=services.today() + datetime.timedelta(days=1),
        )
    assert caught.value.field == "closing_date"
    assert AwardRound.objects.get(pk=round_a.pk).status == S.SCORING


def test_the_steps_offered_depend_on_state_and_role(officer_a, officer_b, national, round_a):
    assert [s.action for s in workflow.allowed_steps(officer_a, round_a)] == ["start_scoring"]
    assert workflow.allowed_steps(officer_b, round_a) == []
    assert workflow.allowed_steps(national, round_a) == []


# --- scoping ------------------------------------------------------------------------------


def test_province_b_neither_sees_nor_changes_a_round_of_a(
    officer_b, round_a, officer_a, est_a, coffee
):
    assert not access.rounds_for(officer_b).filter(pk=round_a.pk).exists()
    with pytest.raises(Http404):
        access.get_round(officer_b, round_a.pk)
    with pytest.raises(Http404):
        services.update_round(
            actor=officer_b, round=round_a, data={"title": "x"}, expected_version=None
        )
    with pytest.raises(Http404):
        workflow.start_scoring(actor=officer_b, round=round_a)
    entry = enter(officer_a, round_a, est_a, coffee)
    assert not access.entries_for(officer_b).filter(pk=entry.pk).exists()
    with pytest.raises(WorkflowError):
        services.create_entry(
            actor=officer_b, round=round_a, data={"establishment": est_a, "group": "food"}
        )


def test_region_and_national_rounds_are_read_by_all_staff_managed_by_administrators(
    admin, officer_a, officer_b, national, auditor_a, collaborator_a1, region, round_a
):
    region_round = services.create_round(
        actor=admin, data=round_data(level="region", region=region, council_size=9)
    )
    for user in (officer_a, officer_b, national, auditor_a, collaborator_a1):
        assert access.rounds_for(user).filter(pk=region_round.pk).exists()
        assert not access.rounds_for(user, write=True).filter(pk=region_round.pk).exists()
        assert not access.may_manage(user, region_round)
    assert access.may_manage(admin, region_round)
    assert access.may_enter(officer_a, region_round)
    assert not access.may_enter(national, region_round)
    # National staff read every province's rounds; province B none of A's.
    assert set(access.rounds_for(national)) == {region_round, round_a}
    assert set(access.rounds_for(officer_b)) == {region_round}
    assert not access.may_manage(national, round_a) and not access.may_manage(auditor_a, round_a)


def test_a_round_cannot_close_while_a_product_lacks_a_judges_sheet(
    officer_a, round_a, est_a, est_a2, coffee, brocade
):
    scored = enter(officer_a, round_a, est_a, coffee)
    short = enter(officer_a, round_a, est_a2, brocade)
    round_a = workflow.start_scoring(actor=officer_a, round=round_a)
    for judge in JUDGES[:7]:
        services.record_score_sheet(
            actor=officer_a, entry=scored, judge=judge, points=points_for(80)
        )
    for judge in JUDGES[:5]:
        services.record_score_sheet(
            actor=officer_a, entry=short, judge=judge, points=points_for(80)
        )
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        workflow.close_round(actor=officer_a, round=round_a)
    message = str(refused.value)
    assert short.product_name in message and "5/7" in message
    assert scored.product_name not in message
    assert AwardRound.objects.get(pk=round_a.pk).status == S.SCORING
    assert not AwardEntry.objects.filter(round=round_a, certified=True).exists()
    assert list(services.entries_missing_sheets(round_a)) == [short]
    for judge in JUDGES[5:7]:
        services.record_score_sheet(
            actor=officer_a, entry=short, judge=judge, points=points_for(80)
        )
    assert workflow.close_round(actor=officer_a, round=round_a).status == S.CLOSED
