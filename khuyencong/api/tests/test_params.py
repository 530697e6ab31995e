"""No 5xx for what a client can send: years out of range, OPTIONS on a file export."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/trainings/?year=10000",
        "/api/v1/workshops/?year=0",
        "/api/v1/needs/?year=1999",
        "/api/v1/aggregates/?year=2101",
    ],
)
def test_a_year_out_of_range_is_400_naming_year(api_for, admin, url):
    response = api_for(admin).get(url)
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_year_in_range_is_answered(api_for, admin):
    assert api_for(admin).get("/api/v1/trainings/?year=2026").status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_options_on_a_report_export_is_not_a_500(api_for, admin, fmt):
    client = api_for(admin)
    client.raise_request_exception = False
    response = client.options(
        f"/api/v1/reports/summary/?unit=nation&start=2026-01-01&end=2026-03-31&format={fmt}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/v1/aggregates/0.5/", "/api/v1/nothing/", "/api/x"])
def test_a_path_no_route_matches_is_a_json_404_under_the_api(api_for, officer_a, path):
    response = api_for(officer_a).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_pages_keep_their_html_404(client_for, officer_a):
    response = client_for(officer_a).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_token_sent_to_the_public_application_endpoint_is_not_a_500(api_for, officer_a):
    """The public POST reads tokens with the project's scheme (knox), not DRF's authtoken,
    whose table is not installed: that was a 500 for any token."""
    client = api_for(officer_a)
    assert client.post("/api/v1/applications/", {}, format="json").status_code == 400
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.post("/api/v1/applications/", {}, format="json").status_code == 401


def test_a_validation_error_of_a_list_body_matches_the_schema(api_for, officer_a):
    """A list body is answered with a list of errors, which the schema allows."""
    schema = api_for(officer_a).get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["ValidationError"]
    assert {option["type"] for option in error["oneOf"]} == {"object", "array"}
    response = api_for(officer_a).post("/api/v1/aggregates/", [{"indicator": "0"}], format="json")
    assert response.status_code == 400
    assert isinstance(response.json(), list)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/consulting-contracts/?project=-1.3570388933455095e%2B246", "project"),
        ("/api/v1/trainings/?project=99999999999999999999999", "project"),
        ("/api/v1/trainings/?project=1.5", "project"),
        ("/api/v1/survey-responses/?campaign=1e400", "campaign"),
        ("/api/v1/yearly-figures/?establishment=-5", "establishment"),
        ("/api/v1/yearly-figures/?year=10000", "year"),
    ],
)
def test_an_id_filter_out_of_range_is_400_naming_it(api_for, national, url, name):
    """Schemathesis sent ``?project=-1.3e246``: SQLite could not hold the number (a 500)."""
    response = api_for(national).get(url)
    assert response.status_code == 400, response.content
    assert name in response.json()
