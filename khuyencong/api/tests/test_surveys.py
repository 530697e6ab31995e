from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from khuyencong.surveys import services
from khuyencong.surveys.models import Application, Need, SurveyResponse

MILLION = 1_000_000


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def campaign(manager_a, province_a):
    today = timezone.localdate()
    return services.create_campaign(
        actor=manager_a,
        data={
            "province": province_a,
            "year": today.year,
            "title": "Khảo sát",
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=10),
        },
    )


def response_body(campaign, where, key="api-1", **overrides):
    body = {
        "campaign": campaign.pk,
        "commune": where.pk,
        "client_key": key,
        "establishment_details": {"name": "Cơ sở rèn Phúc Sen", "kind": "household", "sector": "a"},
        "needs": [{"category": "03", "description": "Búa máy", "estimated_cost": 90 * MILLION}],
    }
    body.update(overrides)
    return body


def test_survey_responses_are_created_once(campaign, officer_a, commune_a1):
    client = api(officer_a)
    first = client.post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1), format="json"
    )
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["province"] == commune_a1.province_id and body["establishment_created"] is True
    assert body["needs"][0]["estimated_cost"] == 90 * MILLION
    again = client.post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1), format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert SurveyResponse.objects.count() == 1
    listing = client.get("/api/v1/survey-responses/", {"campaign": campaign.pk})
    assert listing.json()["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"needs": [{"category": "03", "description": "x", "estimated_cost": 0}]}, "needs"),
        ({"needs": [{"category": "03", "description": "x", "estimated_cost": 1.5}]}, "needs"),
        ({"commune": "00000"}, "commune"),
        ({"client_key": ""}, "client_key"),
        ({"answers": ["x"]}, "answers"),
        (
            {"establishment_details": {"name": "<b>x</b>", "kind": "household"}},
            "establishment_name",
        ),
    ],
)
def test_bad_survey_responses_answer_400_naming_the_field(
    campaign, officer_a, commune_a1, change, field
):
    reply = api(officer_a).post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1, **change), format="json"
    )
    assert reply.status_code == 400 and field in reply.json()
    assert not SurveyResponse.objects.exists()


def test_survey_responses_are_scoped(campaign, officer_a, officer_b, commune_a1):
    api(officer_a).post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1), format="json"
    )
    response = SurveyResponse.objects.get()
    other = api(officer_b)
    assert other.get(f"/api/v1/survey-responses/{response.pk}/").status_code == 404
    assert other.get("/api/v1/survey-responses/").json()["count"] == 0
    assert other.get("/api/v1/needs/").json()["count"] == 0
    refused = other.post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1, key="b"), format="json"
    )
    assert refused.status_code == 400 and "campaign" in refused.json()


def test_needs_summary_and_to_project(campaign, officer_a, manager_a, commune_a1):
    api(officer_a).post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1), format="json"
    )
    client = api(manager_a)
    summary = client.get("/api/v1/needs/summary/", {"by": "commune"}).json()
    assert summary["rows"][0]["key"] == commune_a1.pk and summary["share"]["needs"] == 1
    assert client.get("/api/v1/needs/summary/", {"by": "x"}).status_code == 400
    need = Need.objects.get()
    made = client.post(
        "/api/v1/needs/to-project/",
        {"needs": [need.pk], "year": 2027, "funding_level": "local"},
        format="json",
    )
    assert made.status_code == 201
    assert client.get(f"/api/v1/needs/{need.pk}/").json()["project"] == made.json()["project"]
    twice = client.post(
        "/api/v1/needs/to-project/",
        {"needs": [need.pk], "year": 2027, "funding_level": "local"},
        format="json",
    )
    assert twice.status_code == 409


def application_body(where, **overrides):
    body = {
        "establishment_name": "HTX dệt Mã Châu",
        "kind": "cooperative",
        "commune": where.pk,
        "sector": "a",
        "representative": "Lê Văn Cường",
        "phone": "0905123456",
        "category": "03",
        "description": "Máy dệt khổ rộng",
        "estimated_cost": 500 * MILLION,
    }
    body.update(overrides)
    return body


def test_public_application_without_a_token(commune_a1, officer_a, officer_b):
    reply = api().post("/api/v1/applications/", application_body(commune_a1), format="json")
    assert reply.status_code == 201, reply.json()
    code = reply.json()["tracking_code"]
    assert reply.json()["status"] == "received" and code in reply.json()["status_url"]
    tracked = api().get(f"/api/v1/applications/track/{code}/")
    assert tracked.status_code == 200 and tracked.json()["status"] == "received"
    assert api().get("/api/v1/applications/track/KC-AAAA-AAAA/").status_code == 404
    # Listing and triage are for the province's staff.
    assert api().get("/api/v1/applications/").status_code in (401, 403)
    assert api(officer_b).get("/api/v1/applications/").json()["count"] == 0
    application = Application.objects.get()
    triaged = api(officer_a).post(
        f"/api/v1/applications/{application.pk}/triage/", {"decision": "accept"}, format="json"
    )
    assert triaged.status_code == 200 and triaged.json()["status"] == "accepted"
    again = api(officer_a).post(
        f"/api/v1/applications/{application.pk}/triage/",
        {"decision": "reject", "note": "x"},
        format="json",
    )
    assert again.status_code == 409
    assert (
        api(officer_b)
        .post(
            f"/api/v1/applications/{application.pk}/triage/", {"decision": "review"}, format="json"
        )
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"establishment_name": "<script>x</script>"}, "establishment_name"),
        ({"phone": "x"}, "phone"),
        ({"estimated_cost": -1}, "estimated_cost"),
        ({"estimated_cost": "nhiều"}, "estimated_cost"),
        ({"category": "99"}, "category"),
        ({"kind": "bank"}, "kind"),
        ({"email": "a@"}, "email"),
        ({"description": "y" * 4001}, "description"),
    ],
)
def test_bad_public_applications_answer_400(commune_a1, change, field):
    reply = api().post(
        "/api/v1/applications/", application_body(commune_a1, **change), format="json"
    )
    assert reply.status_code == 400 and field in reply.json(), reply.json()
    assert not Application.objects.exists()


def test_public_applications_are_rate_limited(commune_a1, settings):
    settings.APPLICATIONS_PER_HOUR = 1
    assert (
        api().post("/api/v1/applications/", application_body(commune_a1), format="json").status_code
        == 201
    )
    limited = api().post("/api/v1/applications/", application_body(commune_a1), format="json")
    assert limited.status_code == 429
    assert Application.objects.count() == 1
