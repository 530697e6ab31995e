"""Support caps at their boundaries, the rule in force on the approval date, the most
specific rule, priority projects, ineligible beneficiaries and managers' overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.programmes.caps import cap_in_force, check_project
from khuyencong.programmes.errors import RulesRefused
from khuyencong.programmes.factories import advance, draft_project, step_params
from khuyencong.programmes.models import Project, ProjectTransition, SupportCap
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry.factories import EstablishmentFactory

S = Project.Status
MILLION = 1_000_000


@pytest.fixture
def beneficiary(commune_a1):
    return EstablishmentFactory(commune=commune_a1)


@pytest.fixture
def appraised(officer_a, manager_a, province_a, beneficiary):
    def make(national: int, counterpart: int, **overrides) -> Project:
        project = draft_project(
            actor=officer_a,
            province=province_a,
            beneficiaries=[beneficiary.pk],
            budget_lines=[
                {"source": "national", "amount": national},
                {"source": "counterpart", "amount": counterpart},
            ],
            **overrides,
        )
        return advance(project, S.APPRAISED, manager=manager_a)

    return make


def approve(project, manager, **extra):
    return transition_project(
        actor=manager, project=project, action="approve", **step_params("approve", project), **extra
    )


# Machinery (03-MAYMOC): at most 50 % of the cost and 300 million per beneficiary.


def test_exactly_half_the_cost_passes(appraised, manager_a):
    project = approve(appraised(250 * MILLION, 250 * MILLION), manager_a)
    assert project.status == S.APPROVED


def test_one_dong_over_half_the_cost_is_refused_with_the_figures(appraised, manager_a):
    project = appraised(250 * MILLION + 1, 250 * MILLION - 1)
    with pytest.raises(RulesRefused) as info:
        approve(project, manager_a)
    assert info.value.http_status == 409
    assert len(info.value.refusals) == 1
    assert "50" in info.value.refusals[0] and "28/2018" in info.value.refusals[0]
    project.refresh_from_db()
    assert project.status == S.APPRAISED


def test_exactly_the_amount_cap_passes_and_one_dong_more_fails(appraised, manager_a):
    assert approve(appraised(300 * MILLION, 400 * MILLION), manager_a).status == S.APPROVED
    with pytest.raises(RulesRefused) as info:
        approve(appraised(300 * MILLION + 1, 400 * MILLION), manager_a)
    assert "300.000.000" in info.value.refusals[0]


def test_amount_cap_per_beneficiary_grows_with_beneficiaries(
    officer_a, manager_a, province_a, commune_a1
):
    two = [EstablishmentFactory(commune=commune_a1).pk for _ in range(2)]
    project = draft_project(
        actor=officer_a,
        province=province_a,
        beneficiaries=two,
        budget_lines=[
            {"source": "national", "amount": 600 * MILLION},
            {"source": "counterpart", "amount": 600 * MILLION},
        ],
    )
    project = advance(project, S.APPROVED, manager=manager_a)
    assert project.status == S.APPROVED


def test_priority_project_gets_the_multiplier(appraised, manager_a):
    # 03-MAYMOC is seeded with 1.5 for priority projects: 75 % and 450 million.
    project = appraised(450 * MILLION, 150 * MILLION, is_priority=True)
    assert approve(project, manager_a).status == S.APPROVED
    with pytest.raises(RulesRefused):
        approve(appraised(450 * MILLION, 150 * MILLION), manager_a)


def test_manager_override_is_recorded(appraised, manager_a):
    project = appraised(400 * MILLION, 100 * MILLION)
    with pytest.raises(RulesRefused) as info:
        approve(project, manager_a)
    refusals = info.value.refusals
    project = approve(project, manager_a, override_reason="Dự án ưu tiên theo Nghị quyết tỉnh")
    assert project.status == S.APPROVED
    row = ProjectTransition.objects.get(project=project, action="approve")
    assert row.override_reason == "Dự án ưu tiên theo Nghị quyết tỉnh"
    assert row.overridden == refusals


def test_blank_override_reason_does_not_override(appraised, manager_a):
    with pytest.raises(RulesRefused):
        approve(appraised(400 * MILLION, 100 * MILLION), manager_a, override_reason="   ")


def test_ineligible_beneficiary_is_refused_with_the_reason(
    officer_a, manager_a, province_a, commune_a2
):
    ward = EstablishmentFactory(commune=commune_a2, name="Cơ sở trong phường")
    project = draft_project(actor=officer_a, province=province_a, beneficiaries=[ward.pk])
    project = advance(project, S.APPRAISED, manager=manager_a)
    with pytest.raises(RulesRefused) as info:
        approve(project, manager_a)
    assert "Cơ sở trong phường" in info.value.refusals[0]


def _cap(**fields):
    defaults = {
        "category_id": "03",
        "funding_level": "national",
        "valid_from": datetime.date(2020, 1, 1),
        "max_share": Decimal(50),
        "legal_basis": "test",
    }
    defaults.update(fields)
    return SupportCap.objects.create(**defaults)


def test_the_rule_in_force_on_the_approval_date_applies(appraised, manager_a):
    SupportCap.objects.all().delete()
    _cap(valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2023, 12, 31))
    _cap(valid_from=datetime.date(2024, 1, 1), max_share=Decimal(30))
    project = appraised(200 * MILLION, 300 * MILLION)  # 40 %
    assert check_project(project, on=datetime.date(2023, 12, 31)).passed
    assert not check_project(project, on=datetime.date(2024, 1, 1)).passed
    approved = approve_on(project, manager_a, datetime.date(2023, 6, 1))
    assert approved.approved_on == datetime.date(2023, 6, 1)


def approve_on(project, manager, day):
    return transition_project(
        actor=manager, project=project, action="approve", decision_number="1/QĐ", decision_date=day
    )


def test_most_specific_rule_wins(province_a):
    SupportCap.objects.all().delete()
    on = datetime.date(2025, 1, 1)
    category = _cap(max_share=Decimal(50))
    subtype = _cap(subtype_id="03-MAYMOC", max_share=Decimal(40))
    provincial = _cap(subtype_id="03-MAYMOC", province=province_a, max_share=Decimal(20))
    found = cap_in_force(
        category_id="03", subtype_id="03-MAYMOC", funding_level="national", province_id="66", on=on
    )
    assert found == provincial
    found = cap_in_force(
        category_id="03", subtype_id="03-MAYMOC", funding_level="national", province_id="79", on=on
    )
    assert found == subtype
    found = cap_in_force(
        category_id="03", subtype_id="03-MOHINH", funding_level="national", province_id="79", on=on
    )
    assert found == category
    assert (
        cap_in_force(
            category_id="03", subtype_id=None, funding_level="local", province_id="79", on=on
        )
        is None
    )


def test_adjustment_is_checked_against_the_caps(appraised, manager_a):
    project = approve(appraised(200 * MILLION, 300 * MILLION), manager_a)
    with pytest.raises(RulesRefused):
        transition_project(
            actor=manager_a,
            project=project,
            action="adjust",
            note="Tăng kinh phí",
            budget={"national": 300 * MILLION, "counterpart": 200 * MILLION},
        )
    project.refresh_from_db()
    assert project.revisions.count() == 1
    assert project.budget_lines.get(source="national").amount == 200 * MILLION
