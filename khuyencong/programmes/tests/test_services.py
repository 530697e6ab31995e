"""Plans and their versions, adjustments, disbursements and the money view, inspections,
deadlines, optimistic locking and scoping — through the services."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from khuyencong.core.errors import StaleEditError, WorkflowError
from khuyencong.programmes import access, deadlines, inspections, money, services
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.factories import advance, days_ago, draft_project, step_params
from khuyencong.programmes.inspections import add_months
from khuyencong.programmes.models import (
    AnnualPlan,
    Inspection,
    PlanDeadline,
    PlanVersion,
    Project,
)
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry.factories import EstablishmentFactory

S = Project.Status
MILLION = 1_000_000


@pytest.fixture
def beneficiaries(commune_a1):
    return [EstablishmentFactory(commune=commune_a1) for _ in range(2)]


@pytest.fixture
def make(officer_a, manager_a, province_a, beneficiaries):
    def make(status=S.DRAFT, **overrides):
        overrides.setdefault("beneficiaries", [beneficiaries[0].pk])
        project = draft_project(actor=officer_a, province=province_a, **overrides)
        return advance(project, status, manager=manager_a)

    return make


# --- projects ------------------------------------------------------------------------------


def test_projects_go_into_the_plan_of_their_province_year_and_level(make, province_a):
    a = make()
    b = make(funding_level="local")
    assert a.plan != b.plan
    assert (a.plan.province_id, a.plan.year, a.plan.funding_level) == ("66", a.year, "national")
    assert a.code.startswith(f"66-{a.year}-QG-") and b.code.startswith(f"66-{b.year}-DP-")
    assert AnnualPlan.objects.count() == 2


def test_budget_lines_are_validated_with_the_field(officer_a, province_a):
    bad = [
        [{"source": "gift", "amount": 1}],
        [{"source": "national", "amount": -5}],
        [{"source": "national", "amount": 1.5}],
        [{"source": "national", "amount": 1}, {"source": "national", "amount": 2}],
        [{"source": "other", "amount": 10}],  # other money must name its programme
    ]
    for lines in bad:
        with pytest.raises(ProgrammeError) as info:
            draft_project(actor=officer_a, province=province_a, budget_lines=lines)
        assert info.value.field == "budget_lines"
    assert Project.objects.count() == 0


def test_other_money_names_its_programme(make):
    project = make(
        budget_lines=[
            {"source": "national", "amount": 100 * MILLION},
            {"source": "other", "amount": 50 * MILLION, "other_programme": "Nông thôn mới"},
        ]
    )
    assert project.budget_lines.get(source="other").other_programme == "Nông thôn mới"


def test_beneficiaries_must_be_in_the_projects_province(officer_a, province_a, commune_b1):
    elsewhere = EstablishmentFactory(commune=commune_b1)
    with pytest.raises(ProgrammeError) as info:
        draft_project(actor=officer_a, province=province_a, beneficiaries=[elsewhere.pk])
    assert info.value.field == "beneficiaries"


def test_officer_of_another_province_cannot_draft_here(officer_b, province_a):
    with pytest.raises(ProgrammeError) as info:
        draft_project(actor=officer_b, province=province_a)
    assert info.value.field == "province"


@pytest.mark.parametrize("user", ["national", "auditor_a", "collaborator_a1"])
def test_roles_without_project_rights_cannot_draft(request, user, province_a):
    with pytest.raises(ProgrammeError):
        draft_project(actor=request.getfixturevalue(user), province=province_a)


def test_second_of_two_concurrent_edits_is_refused(make, officer_a, manager_a):
    project = make()
    seen = project.version
    services.update_project(
        actor=officer_a, project=project, data={"title": "Tên của cán bộ A"}, expected_version=seen
    )
    with pytest.raises(StaleEditError):
        services.update_project(
            actor=manager_a, project=project, data={"title": "Tên của B"}, expected_version=seen
        )
    project.refresh_from_db()
    assert project.title == "Tên của cán bộ A"


def test_a_workflow_step_makes_an_open_edit_stale(make, officer_a, manager_a):
    project = make()
    seen = project.version
    transition_project(actor=officer_a, project=project, action="submit")
    with pytest.raises(StaleEditError):
        services.update_project(
            actor=officer_a, project=project, data={"title": "x"}, expected_version=seen
        )


def test_a_submitted_project_is_not_edited_directly(make, officer_a):
    project = make(S.SUBMITTED)
    with pytest.raises(WorkflowError):
        services.update_project(
            actor=officer_a, project=project, data={"title": "x"}, expected_version=None
        )


def test_out_of_scope_edit_is_not_found(make, officer_b):
    with pytest.raises(Http404):
        services.update_project(
            actor=officer_b, project=make(), data={"title": "x"}, expected_version=None
        )


def test_only_never_submitted_drafts_are_deleted(make, officer_a, manager_a):
    project = make()
    services.delete_project(actor=officer_a, project=project)
    assert not Project.objects.filter(pk=project.pk).exists()
    returned = make(S.RETURNED)
    with pytest.raises(WorkflowError):
        services.delete_project(actor=officer_a, project=returned)


# --- adjustments ---------------------------------------------------------------------------


def test_adjustment_records_a_revision_and_the_diff(make, manager_a):
    project = make(S.IN_PROGRESS)
    transition_project(
        actor=manager_a,
        project=project,
        action="adjust",
        note="Giá máy tăng",
        budget={"national": 220 * MILLION, "counterpart": 330 * MILLION},
        outputs={"machines.count": 3},
        decision_number="45/QĐ-SCT",
        decision_date=days_ago(0),
    )
    project.refresh_from_db()
    assert project.status == S.IN_PROGRESS
    first, second = project.revisions.order_by("number")
    assert first.budget == {"national": 200 * MILLION, "counterpart": 300 * MILLION}
    assert second.budget == {"national": 220 * MILLION, "counterpart": 330 * MILLION}
    assert (first.outputs, second.outputs) == ({"machines.count": 2}, {"machines.count": 3})
    assert second.reason == "Giá máy tăng" and second.decision_number == "45/QĐ-SCT"
    assert project.budget_lines.get(source="national").amount == 220 * MILLION


def test_adjustment_that_changes_nothing_is_refused(make, manager_a):
    project = make(S.APPROVED)
    with pytest.raises(ProgrammeError):
        transition_project(actor=manager_a, project=project, action="adjust", note="Không đổi")


def test_adjustment_cannot_cut_below_what_was_paid(make, manager_a, officer_a):
    project = make(S.IN_PROGRESS)
    services.record_disbursement(
        actor=officer_a, project=project, source="national", amount=150 * MILLION, date=days_ago(0)
    )
    with pytest.raises(ProgrammeError) as info:
        transition_project(
            actor=manager_a,
            project=project,
            action="adjust",
            note="Giảm",
            budget={"national": 100 * MILLION, "counterpart": 300 * MILLION},
        )
    assert info.value.field == "budget"


# --- plans and versions --------------------------------------------------------------------


def test_plan_register_approve_adjust_and_compare(make, manager_a, officer_a):
    keep = make(S.APPRAISED)
    cut = make(S.APPRAISED)
    make(S.DRAFT)  # not filed: not in the plan's content
    plan = keep.plan
    registered = services.register_plan(actor=manager_a, plan=plan, note="Đăng ký")
    assert registered.number == 1 and registered.kind == PlanVersion.Kind.REGISTERED
    assert [item["id"] for item in registered.content] == sorted(
        [keep.pk, cut.pk], key=lambda pk: Project.objects.get(pk=pk).code
    )
    approved = services.approve_plan(
        actor=manager_a, plan=plan, decision_number="100/QĐ-UBND", decision_date=days_ago(0)
    )
    keep.refresh_from_db()
    assert keep.status == S.APPROVED and keep.approval_decision == "100/QĐ-UBND"
    assert approved.number == 2 and approved.total == 2 * 500 * MILLION

    # An adjustment: one project gets more money, one is cancelled, one is added.
    transition_project(
        actor=manager_a,
        project=keep,
        action="adjust",
        note="Tăng",
        budget={"national": 250 * MILLION, "counterpart": 300 * MILLION},
    )
    transition_project(actor=manager_a, project=cut, action="cancel", note="Cơ sở rút")
    added = make(S.APPROVED)
    adjusted = services.adjust_plan(
        actor=manager_a, plan=plan, reason="Điều chỉnh giữa năm", decision_number="200/QĐ-UBND"
    )
    assert adjusted.number == 3
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2, 3]

    diff = services.compare_versions(approved, adjusted)
    rows = {row["id"]: row for row in diff["rows"]}
    assert rows[keep.pk]["change"] == "changed"
    assert rows[keep.pk]["difference"] == 50 * MILLION
    assert rows[keep.pk]["sources"]["national"] == {
        "old": 200 * MILLION,
        "new": 250 * MILLION,
        "change": 50 * MILLION,
    }
    assert rows[cut.pk]["change"] == "removed" and rows[cut.pk]["new_total"] == 0
    assert rows[added.pk]["change"] == "added" and rows[added.pk]["old_total"] == 0
    assert diff["difference"] == 50 * MILLION - 500 * MILLION + 500 * MILLION
    assert diff["totals"]["national"]["change"] == 50 * MILLION
    # Earlier versions are frozen: the approved version still shows the old figures.
    approved.refresh_from_db()
    assert approved.total == 1000 * MILLION


def test_adjusting_a_plan_without_changes_is_refused(make, manager_a):
    project = make(S.APPRAISED)
    services.approve_plan(
        actor=manager_a, plan=project.plan, decision_number="1/QĐ", decision_date=days_ago(0)
    )
    with pytest.raises(WorkflowError):
        services.adjust_plan(actor=manager_a, plan=project.plan, reason="Không có gì")


def test_plan_steps_need_a_manager(make, officer_a):
    project = make(S.SUBMITTED)
    with pytest.raises(WorkflowError):
        services.register_plan(actor=officer_a, plan=project.plan)


def test_plan_approval_stops_at_the_first_refusal_naming_the_project(make, manager_a):
    fine = make(S.APPRAISED)
    over = make(
        S.APPRAISED,
        budget_lines=[
            {"source": "national", "amount": 400 * MILLION},
            {"source": "counterpart", "amount": 100 * MILLION},
        ],
    )
    with pytest.raises(WorkflowError) as info:
        services.approve_plan(
            actor=manager_a, plan=fine.plan, decision_number="1/QĐ", decision_date=days_ago(0)
        )
    assert over.code in info.value.message
    fine.refresh_from_db()
    assert fine.status == S.APPRAISED  # all or nothing
    assert not PlanVersion.objects.exists()


# --- disbursements and money ---------------------------------------------------------------


def test_disbursements_add_up_and_never_exceed_the_budget(make, officer_a, manager_a):
    project = make(S.IN_PROGRESS)
    services.record_disbursement(
        actor=officer_a,
        project=project,
        source="national",
        amount=140 * MILLION,
        date=days_ago(0),
        kind="advance",
    )
    services.record_disbursement(
        actor=officer_a,
        project=project,
        source="counterpart",
        amount=300 * MILLION,
        date=days_ago(0),
    )
    with pytest.raises(ProgrammeError) as info:
        services.record_disbursement(
            actor=officer_a,
            project=project,
            source="national",
            amount=60 * MILLION + 1,
            date=days_ago(0),
        )
    assert info.value.field == "amount"
    services.record_disbursement(
        actor=officer_a, project=project, source="national", amount=60 * MILLION, date=days_ago(0)
    )
    view = money.project_money(project)
    assert view["planned_total"] == 500 * MILLION
    assert view["disbursed"]["national"] == 200 * MILLION
    assert view["disbursed_total"] == 500 * MILLION
    assert view["disbursed_percent"] == 100.0


def test_advance_is_limited_by_the_category_share(make, officer_a):
    # Category 01 (training) allows advancing 70 % of the state money.
    project = make(
        S.IN_PROGRESS,
        category="01",
        subtype="01-NGHE",
        budget_lines=[{"source": "national", "amount": 100 * MILLION}],
        outputs={"trainees.count": 30},
    )
    services.record_disbursement(
        actor=officer_a,
        project=project,
        source="national",
        amount=70 * MILLION,
        date=days_ago(0),
        kind="advance",
    )
    with pytest.raises(ProgrammeError):
        services.record_disbursement(
            actor=officer_a,
            project=project,
            source="national",
            amount=1,
            date=days_ago(0),
            kind="advance",
        )
    services.record_disbursement(
        actor=officer_a, project=project, source="national", amount=1, date=days_ago(0)
    )


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.APPRAISED, S.SUSPENDED, S.SETTLED, S.CANCELLED]
)
def test_no_money_outside_the_payable_states(make, officer_a, status):
    project = make(status)
    with pytest.raises(WorkflowError):
        services.record_disbursement(
            actor=officer_a, project=project, source="national", amount=1, date=days_ago(0)
        )


def test_disbursement_date_and_amount_are_checked(make, officer_a):
    project = make(S.APPROVED)
    future = timezone.localdate() + datetime.timedelta(days=1)
    for kwargs, field in (
        ({"amount": 0}, "amount"),
        ({"amount": "100"}, "amount"),
        ({"date": future}, "date"),
        ({"source": "gift"}, "source"),
    ):
        params = {"source": "national", "amount": 1, "date": days_ago(0), **kwargs}
        with pytest.raises(ProgrammeError) as info:
            services.record_disbursement(actor=officer_a, project=project, **params)
        assert info.value.field == field
    assert not project.disbursements.exists()


def test_money_by_plan_and_province_totals(make, officer_a, manager_a):
    a = make(S.IN_PROGRESS)
    b = make(
        S.APPROVED,
        funding_level="local",
        subtype="03-MOHINH",
        budget_lines=[
            {"source": "local", "amount": 90 * MILLION},
            {"source": "counterpart", "amount": 210 * MILLION},
        ],
    )
    services.record_disbursement(
        actor=officer_a, project=a, source="national", amount=50 * MILLION, date=days_ago(0)
    )
    by_plan = money.money_by(Project.objects.all(), "plan")
    assert by_plan[a.plan_id]["planned_total"] == 500 * MILLION
    assert by_plan[a.plan_id]["disbursed_total"] == 50 * MILLION
    assert by_plan[b.plan_id]["planned"]["local"] == 90 * MILLION
    by_province = money.money_by(Project.objects.all(), "province")
    assert by_province["66"]["planned_total"] == 800 * MILLION
    assert money.money_total(Project.objects.all())["disbursed"]["national"] == 50 * MILLION


def test_money_queries_do_not_grow_with_projects(make, django_assert_num_queries):
    for _ in range(3):
        make(S.APPROVED)
    with django_assert_num_queries(3):
        money.money_by(Project.objects.all(), "plan")


# --- inspections ---------------------------------------------------------------------------


def test_acceptance_schedules_an_inspection_per_beneficiary(make, beneficiaries):
    project = make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    rows = Inspection.objects.filter(project=project)
    assert rows.count() == 2
    assert {r.due_date for r in rows} == {add_months(project.accepted_on, 12)}


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 11, 15), 12) == datetime.date(2026, 11, 15)


def test_overdue_inspections_and_follow_ups(make, officer_a, beneficiaries):
    project = make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    first, second = Inspection.objects.filter(project=project).order_by("id")
    today = timezone.localdate()
    Inspection.objects.filter(pk=first.pk).update(due_date=today - datetime.timedelta(days=1))
    Inspection.objects.filter(pk=second.pk).update(due_date=today)
    scoped = access.inspections_for(officer_a)
    assert list(inspections.overdue(scoped)) == [first]  # due today is not yet overdue

    with pytest.raises(ProgrammeError) as info:
        inspections.record_inspection(
            actor=officer_a, inspection=first, done_on=today, finding="idle"
        )
    assert info.value.field == "follow_up"
    inspections.record_inspection(
        actor=officer_a,
        inspection=first,
        done_on=today,
        finding="idle",
        follow_up="Yêu cầu đưa máy vào sử dụng",
        follow_up_due=today,
    )
    assert not inspections.overdue(scoped).exists()
    assert (
        inspections.overdue(scoped, today=today + datetime.timedelta(days=1))
        .filter(pk=first.pk)
        .exists()
    )  # its follow-up is now overdue
    inspections.complete_follow_up(actor=officer_a, inspection=first, done_on=today)
    later = today + datetime.timedelta(days=400)
    assert list(inspections.overdue(scoped, today=later)) == [second]


def test_an_inspections_findings_become_the_establishments_figures(make, officer_a, beneficiaries):
    """Workers and revenue found are the figures of the inspection's year, source
    "inspection"; the other figures of that year stay, and the earlier values stay in the
    history (docs/impact.md)."""
    from khuyencong.registry.models import YearlyFigure
    from khuyencong.registry.services import figure_history

    project = make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    inspection = Inspection.objects.filter(project=project).order_by("id").first()
    today = timezone.localdate()
    YearlyFigure.objects.create(
        establishment=inspection.establishment, year=today.year, workers=4, capital=90_000_000
    )

    inspections.record_inspection(
        actor=officer_a,
        inspection=inspection,
        done_on=today,
        finding="in_use",
        workers=12,
        revenue=1_500_000_000,
    )

    figure = YearlyFigure.objects.get(establishment=inspection.establishment, year=today.year)
    assert (figure.workers, figure.revenue, figure.capital) == (12, 1_500_000_000, 90_000_000)
    assert figure.source == YearlyFigure.Source.INSPECTION
    assert figure.version == 2
    assert [row["source"] for row in figure_history(figure)][:1] == ["inspection"]
    inspection.refresh_from_db()
    assert (inspection.workers, inspection.revenue) == (12, 1_500_000_000)


def test_an_inspection_without_figures_records_none(make, officer_a, beneficiaries):
    from khuyencong.registry.models import YearlyFigure

    project = make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    inspection = Inspection.objects.filter(project=project).first()

    inspections.record_inspection(
        actor=officer_a, inspection=inspection, done_on=timezone.localdate(), finding="in_use"
    )

    assert not YearlyFigure.objects.filter(establishment=inspection.establishment).exists()


def test_the_inspection_page_takes_the_figures(make, officer_a, beneficiaries, client_for):
    from khuyencong.registry.models import YearlyFigure

    project = make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    inspection = Inspection.objects.filter(project=project).first()
    today = timezone.localdate()

    response = client_for(officer_a).post(
        f"/programmes/inspections/{inspection.pk}/",
        {"done_on": today.isoformat(), "finding": "in_use", "workers": "9", "revenue": "1,2 tỷ"},
    )

    assert response.status_code == 302
    figure = YearlyFigure.objects.get(establishment=inspection.establishment, year=today.year)
    assert (figure.workers, figure.revenue, figure.source) == (9, 1_200_000_000, "inspection")


def test_inspections_are_scoped(make, officer_b, beneficiaries):
    make(S.ACCEPTED, beneficiaries=[b.pk for b in beneficiaries])
    assert not access.inspections_for(officer_b).exists()


# --- deadlines -----------------------------------------------------------------------------


def test_registration_after_the_deadline_is_late_and_a_missing_one_overdue(make, manager_a):
    project = make(S.SUBMITTED)
    plan = project.plan
    year = timezone.localdate().year
    # The seeded national deadline: registered by 15/6 of the year before the plan's year.
    steps = {
        s.deadline.step: s for s in deadlines.plan_steps(AnnualPlan.objects.filter(pk=plan.pk))
    }
    register = steps[PlanDeadline.Step.REGISTER]
    assert register.due == datetime.date(year - 1, 6, 15)
    assert register.overdue(timezone.localdate()) and not register.done
    assert plan in [s.plan for s in deadlines.overdue_steps(AnnualPlan.objects.all())]

    services.register_plan(actor=manager_a, plan=plan)
    steps = {
        s.deadline.step: s for s in deadlines.plan_steps(AnnualPlan.objects.filter(pk=plan.pk))
    }
    assert steps[PlanDeadline.Step.REGISTER].late
    assert not steps[PlanDeadline.Step.REGISTER].overdue(timezone.localdate())


def test_province_deadline_wins_over_the_national_one(make, province_a):
    project = make(S.SUBMITTED)
    PlanDeadline.objects.create(
        step="register",
        funding_level="national",
        province=province_a,
        month=12,
        day=31,
        year_offset=0,
    )
    steps = {
        s.deadline.step: s
        for s in deadlines.plan_steps(AnnualPlan.objects.filter(pk=project.plan_id))
    }
    assert steps["register"].due == datetime.date(project.year, 12, 31)


def test_plan_steps_query_count_is_constant(make, django_assert_max_num_queries):
    for _ in range(4):
        make(S.SUBMITTED)
    with django_assert_max_num_queries(5):
        deadlines.plan_steps(AnnualPlan.objects.all())


def test_step_params_cover_every_step():
    assert step_params("submit", Project()) == {}


# --- programmes and scoping ---------------------------------------------------------------


def _programme(actor, **fields):
    data = {
        "code": "CTKC-2026-2030",
        "name": "Chương trình khuyến công quốc gia",
        "level": "national",
        "start_year": 2026,
        "end_year": 2030,
        "decision_number": "2646/QĐ-BCT",
        "decision_date": datetime.date(2025, 9, 23),
    }
    data.update(fields)
    return services.create_programme(actor=actor, data=data, targets={"machines.count": 10})


def test_programme_rights_and_visibility(
    admin, manager_a, officer_a, officer_b, collaborator_a1, province_a
):
    with pytest.raises(WorkflowError):
        _programme(manager_a)
    national = _programme(admin)
    with pytest.raises(WorkflowError):
        _programme(officer_a, code="DL", level="provincial", province=province_a)
    provincial = _programme(manager_a, code="DL", level="provincial", province=province_a)
    assert set(access.programmes_for(officer_a)) == {national, provincial}
    assert set(access.programmes_for(officer_b)) == {national}
    assert set(access.programmes_for(collaborator_a1)) == {national}
    with pytest.raises(ProgrammeError) as info:
        _programme(admin, code="X", end_year=2020)
    assert info.value.field == "end_year"


def test_programme_progress_counts_planned_and_achieved_outputs(admin, make, officer_a, officer_b):
    programme = _programme(admin, start_year=timezone.localdate().year, end_year=2030)
    make(S.APPROVED)  # 2 machines planned
    make(S.ACCEPTED)  # 2 planned, 2 achieved
    make(S.DRAFT)  # not counted
    make(S.APPROVED, funding_level="local")  # another programme's money
    (row,) = services.programme_progress(programme, user=officer_a)
    assert (row["target"], row["planned"], row["achieved"], row["percent"]) == (10, 4, 2, 20.0)
    (row,) = services.programme_progress(programme, user=officer_b)
    assert (row["planned"], row["achieved"]) == (0, 0)


def test_plans_are_scoped(make, officer_b, collaborator_a1, national, officer_a):
    project = make()
    assert list(access.plans_for(officer_a)) == [project.plan]
    assert list(access.plans_for(national)) == [project.plan]
    assert not access.plans_for(officer_b).exists()
    assert not access.plans_for(collaborator_a1).exists()


def test_the_optimiser_weighs_a_kind_of_support_only_when_asked(make):
    """Weights multiply priority by kind of support (sub-type first, then content)."""
    from khuyencong.programmes import priorities
    from khuyencong.programmes.models import PriorityCriterion

    PriorityCriterion.objects.exclude(code="pilot").update(active=False)
    PriorityCriterion.objects.filter(code="pilot").update(points=10)
    machinery = make(
        S.SUBMITTED, kind="pilot", budget_lines=[{"source": "national", "amount": 60 * MILLION}]
    )
    training = make(
        S.SUBMITTED, kind="pilot", category="01", subtype="01-NGHE",
        budget_lines=[{"source": "national", "amount": 50 * MILLION}],
    )  # fmt: skip
    budget = {"national": 70 * MILLION, "local": 0}

    assert priorities.optimise([machinery, training], budget).selected == [training.pk]
    weighed = priorities.optimise([machinery, training], budget, weights={"03": 1.5})
    assert weighed.selected == [machinery.pk]
    assert weighed.total_priority == 10 and weighed.weighted_priority == 15
    by_subtype = priorities.optimise(
        [machinery, training], budget, weights={"03": 1.5, "01-NGHE": 2.0}
    )
    assert by_subtype.selected == [training.pk]
