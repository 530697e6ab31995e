from __future__ import annotations

import pytest

from khuyencong.core.errors import WorkflowError
from khuyencong.programmes.factories import advance, step_params
from khuyencong.programmes.models import Project
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry.models import Establishment
from khuyencong.surveys import services, workflow
from khuyencong.surveys.models import Application, Need, SurveyResponse
from khuyencong.surveys.tests.conftest import MILLION, response_data

S = Project.Status


# --- responses: exactly once, establishments matched or registered --------------------------


def test_a_response_is_stored_once_per_key(respond):
    first, created = respond(client_key="phone-1")
    again, created_again = respond(client_key="phone-1")
    assert created and not created_again
    assert again.pk == first.pk
    assert SurveyResponse.objects.count() == 1
    assert Need.objects.count() == 1


def test_a_new_establishment_is_registered_and_then_recognised(respond, commune_a1):
    response, _ = respond()
    assert response.establishment_created
    assert response.establishment.commune == commune_a1
    # The same name with other accents and case in the same commune is the same one.
    second, _ = respond(
        establishment_details={"name": "co so che bien CA PHE ea kar", "kind": "household"}
    )
    assert second.establishment == response.establishment
    assert not second.establishment_created
    assert Establishment.objects.count() == 1


def test_an_establishment_is_matched_by_tax_code(respond, establishment_a1):
    establishment_a1.tax_code = "0100109106"
    establishment_a1.save()
    response, _ = respond(establishment_details={"name": "Tên khác hẳn", "tax_code": "0100109106"})
    assert response.establishment == establishment_a1


def test_a_tax_code_of_another_province_is_refused(respond, commune_b1):
    from khuyencong.registry.factories import EstablishmentFactory

    EstablishmentFactory(commune=commune_b1, tax_code="0100109106")
    with pytest.raises(services.SurveyError) as error:
        respond(establishment_details={"name": "Cơ sở A", "tax_code": "0100109106"})
    assert error.value.field == "tax_code"
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"needs": []}, "needs"),
        ({"needs": [{"category": "99", "description": "x", "estimated_cost": 1}]}, "needs"),
        ({"needs": [{"category": "03", "description": "x", "estimated_cost": 0}]}, "needs"),
        (
            {
                "needs": [
                    {
                        "category": "03",
                        "description": "x",
                        "estimated_cost": 10,
                        "counterpart_capacity": 11,
                    }
                ]
            },
            "needs",
        ),
        ({"answers": {"unknown": 1}}, "answers"),
        ({"answers": {"workers": "many"}}, "answers"),
        ({"client_key": "has spaces"}, "client_key"),
        (
            {"establishment_details": {"name": "<b>Cơ sở</b>", "kind": "household"}},
            "establishment_name",
        ),
        ({"establishment_details": {"name": "Cơ sở mới", "sector": "a"}}, "establishment_kind"),
    ],
)
def test_bad_responses_are_refused_naming_the_field(respond, change, field):
    with pytest.raises(services.SurveyError) as error:
        respond(**change)
    assert error.value.field == field
    assert SurveyResponse.objects.count() == 0
    assert Establishment.objects.count() == 0


def test_a_collaborator_surveys_only_their_communes(respond, collaborator_a1, commune_a2):
    response, _ = respond(actor=collaborator_a1)
    assert response.collected_by == collaborator_a1
    with pytest.raises(services.SurveyError) as error:
        respond(actor=collaborator_a1, commune=commune_a2)
    assert error.value.field == "commune"


def test_another_province_cannot_use_the_campaign(respond, officer_b, commune_b1):
    with pytest.raises(services.SurveyError):
        respond(actor=officer_b, commune=commune_b1)


def test_a_key_of_another_province_is_not_revealed(respond, officer_b, campaign):
    respond(client_key="shared")
    with pytest.raises(services.SurveyError) as error:
        services.submit_response(actor=officer_b, campaign=campaign, data={"client_key": "shared"})
    assert error.value.field == "client_key"


# --- needs: summary, projects, met share -------------------------------------------------------


def test_needs_summary_and_met_share(respond, manager_a, commune_a1, commune_a2):
    respond()
    respond(
        commune=commune_a2,
        establishment_details={"name": "Cơ sở mây tre", "kind": "household", "sector": "b"},
        needs=[
            {"category": "03", "description": "Máy chẻ nan", "estimated_cost": 100 * MILLION},
            {"category": "05", "description": "Hội chợ", "estimated_cost": 50 * MILLION},
        ],
    )
    needs = Need.objects.all()
    by_commune = {row["key"]: row for row in services.needs_summary(needs, "commune")}
    assert by_commune[commune_a1.pk]["cost"] == 300 * MILLION
    assert by_commune[commune_a2.pk]["needs"] == 2
    by_category = {row["key"]: row for row in services.needs_summary(needs, "category")}
    assert by_category["03"]["needs"] == 2 and by_category["03"]["establishments"] == 2
    by_sector = {row["key"]: row for row in services.needs_summary(needs, "sector")}
    assert set(by_sector) == {"a", "b"}
    share = services.met_share(needs)
    assert share["needs"] == 3 and share["met"] == 0 and share["met_percent"] == 0.0


def test_needs_become_one_prefilled_draft_project(respond, manager_a, commune_a1):
    first, _ = respond()
    second, _ = respond(
        establishment_details={"name": "Cơ sở cơ khí Hòa Bình", "kind": "household", "sector": "a"},
        needs=[
            {
                "category": "03",
                "description": "Máy hàn",
                "estimated_cost": 100 * MILLION,
                "counterpart_capacity": 60 * MILLION,
            }
        ],
    )
    ids = list(Need.objects.values_list("pk", flat=True))
    project = services.needs_to_project(
        actor=manager_a, need_ids=ids, year=2027, funding_level="local"
    )
    assert project.status == S.DRAFT and project.year == 2027
    assert project.category_id == "03" and project.commune == commune_a1
    assert set(project.beneficiaries.values_list("pk", flat=True)) == {
        first.establishment_id,
        second.establishment_id,
    }
    lines = dict(project.budget_lines.values_list("source", "amount"))
    # State money = cost − counterpart of each need; the counterpart is the establishments'.
    assert lines == {"local": (180 + 40) * MILLION, "counterpart": (120 + 60) * MILLION}
    assert set(Need.objects.values_list("project", flat=True)) == {project.pk}
    with pytest.raises(WorkflowError):
        services.needs_to_project(actor=manager_a, need_ids=ids, year=2027, funding_level="local")


def test_the_met_share_follows_the_projects(respond, manager_a):
    respond()
    respond(
        establishment_details={"name": "Cơ sở B", "kind": "household", "sector": "a"},
        needs=[{"category": "05", "description": "Hội chợ", "estimated_cost": 100 * MILLION}],
    )
    machine = Need.objects.get(category="03")
    project = services.needs_to_project(
        actor=manager_a, need_ids=[machine.pk], year=2026, funding_level="national"
    )
    share = services.met_share(Need.objects.all())
    assert share["drafted"] == 1 and share["planned"] == 0 and share["met"] == 0
    advance(project, S.APPROVED, manager=manager_a)
    share = services.met_share(Need.objects.all())
    assert share["planned"] == 1 and share["planned_percent"] == 50.0 and share["met"] == 0
    for action in ("start", "accept"):
        project = transition_project(
            actor=manager_a, project=project, action=action, **step_params(action, project)
        )
    share = services.met_share(Need.objects.all())
    assert share["met"] == 1 and share["met_percent"] == 50.0
    # The period reports' lean count agrees with the full share.
    assert services.met_count(Need.objects.all()) == {"needs": 2, "met": 1, "met_percent": 50.0}
    assert share["met_cost"] == 300 * MILLION
    assert share["met_cost_percent"] == 75.0


def test_needs_to_project_refusals(respond, manager_a, officer_a, manager_a_other=None):
    respond()
    respond(
        establishment_details={"name": "Cơ sở B", "kind": "household", "sector": "a"},
        needs=[{"category": "05", "description": "Hội chợ", "estimated_cost": 100 * MILLION}],
    )
    ids = list(Need.objects.values_list("pk", flat=True))
    with pytest.raises(WorkflowError):
        services.needs_to_project(
            actor=officer_a, need_ids=ids[:1], year=2026, funding_level="local"
        )
    with pytest.raises(services.SurveyError) as error:
        services.needs_to_project(actor=manager_a, need_ids=ids, year=2026, funding_level="local")
    assert error.value.field == "needs"  # two categories
    with pytest.raises(services.SurveyError):
        services.needs_to_project(actor=manager_a, need_ids=[], year=2026, funding_level="local")
    assert not Project.objects.exists()


def test_another_province_cannot_plan_the_needs(respond, province_b):
    from khuyencong.accounts.factories import UserFactory
    from khuyencong.core.roles import Role

    respond()
    manager_b = UserFactory(role=Role.PROVINCIAL_MANAGER, province=province_b)
    with pytest.raises(services.SurveyError):
        services.needs_to_project(
            actor=manager_b,
            need_ids=list(Need.objects.values_list("pk", flat=True)),
            year=2026,
            funding_level="local",
        )


# --- applications ----------------------------------------------------------------------------


def application_data(where, **overrides):
    data = {
        "establishment_name": "Hợp tác xã gốm Bát Tràng",
        "kind": "cooperative",
        "commune": where.pk,
        "sector": "a",
        "representative": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "category": "03",
        "description": "Lò nung gas tiết kiệm năng lượng",
        "estimated_cost": 400 * MILLION,
        "counterpart_capacity": 200 * MILLION,
    }
    data.update(overrides)
    return data


def test_an_application_gets_a_tracking_code(commune_a1):
    application = services.submit_application(data=application_data(commune_a1), channel="web")
    assert application.tracking_code.startswith("KC-") and len(application.tracking_code) == 12
    assert application.province_id == commune_a1.province_id
    # The code is found however it is typed.
    lower = application.tracking_code.lower().replace("-", " ")
    assert services.find_application(lower) == application
    assert services.find_application("KC-0000-0000") is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"establishment_name": ""}, "establishment_name"),
        ({"establishment_name": "<script>alert(1)</script>"}, "establishment_name"),
        ({"description": "Xem <a href='x'>đây</a>"}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"phone": "abc"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"tax_code": "0100109107"}, "tax_code"),
        ({"commune": "00000"}, "commune"),
        ({"kind": "company"}, "kind"),
        ({"sector": "zz"}, "sector"),
        ({"category": "99"}, "category"),
        ({"estimated_cost": 0}, "estimated_cost"),
        ({"estimated_cost": "1,5"}, "estimated_cost"),
        ({"estimated_cost": "1.5"}, "estimated_cost"),
        ({"counterpart_capacity": 500 * MILLION}, "counterpart_capacity"),
    ],
)
def test_bad_applications_are_refused_naming_the_field(commune_a1, change, field):
    with pytest.raises(services.SurveyError) as error:
        services.submit_application(data=application_data(commune_a1, **change), channel="api")
    assert error.value.field == field
    assert not Application.objects.exists()


def test_triage_accepts_into_the_registry_and_a_need(commune_a1, officer_a):
    application = services.submit_application(data=application_data(commune_a1), channel="web")
    workflow.triage_application(actor=officer_a, application=application, decision="review")
    accepted = workflow.triage_application(
        actor=officer_a, application=application, decision="accept", note="Đã tiếp nhận"
    )
    assert accepted.status == Application.Status.ACCEPTED
    establishment = accepted.establishment
    assert establishment.name == "Hợp tác xã gốm Bát Tràng" and establishment.kind == "cooperative"
    need = accepted.need
    assert need.estimated_cost == 400 * MILLION and need.establishment == establishment
    with pytest.raises(WorkflowError):
        workflow.triage_application(actor=officer_a, application=application, decision="reject")


def test_triage_links_an_existing_establishment(commune_a1, officer_a, establishment_a1):
    application = services.submit_application(
        data=application_data(commune_a1, establishment_name=establishment_a1.name), channel="web"
    )
    accepted = workflow.triage_application(
        actor=officer_a, application=application, decision="accept"
    )
    assert accepted.establishment == establishment_a1
    assert Establishment.objects.count() == 1


def test_triage_rejects_with_a_reason_and_stays_in_scope(
    commune_a1, officer_a, officer_b, collaborator_a1
):
    application = services.submit_application(data=application_data(commune_a1), channel="web")
    with pytest.raises(services.SurveyError) as error:
        workflow.triage_application(actor=officer_a, application=application, decision="reject")
    assert error.value.field == "note"
    with pytest.raises(services.SurveyError):
        workflow.triage_application(
            actor=officer_b, application=application, decision="reject", note="x"
        )
    with pytest.raises(WorkflowError):
        workflow.triage_application(
            actor=collaborator_a1, application=application, decision="reject", note="x"
        )
    rejected = workflow.triage_application(
        actor=officer_a, application=application, decision="reject", note="Ngoài đối tượng"
    )
    assert rejected.status == Application.Status.REJECTED
    assert not Need.objects.exists()


def test_response_data_helper_builds_a_valid_response(campaign, commune_a1, officer_a):
    response, created = services.submit_response(
        actor=officer_a, campaign=campaign, data=response_data(commune_a1)
    )
    assert created and response.answers == {"workers": 12}
