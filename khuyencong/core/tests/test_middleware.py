import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/establishments/?q=a%00b", "/api/v1/regions/N%00/", "/establishments/?q=%00"],
)
def test_nul_characters_are_refused_with_400(client_for, officer_a, path):
    assert client_for(officer_a).get(path).status_code == 400


def test_a_json_body_with_nul_is_refused(client_for, officer_a, commune_a1):
    response = client_for(officer_a).post(
        "/api/v1/establishments/",
        '{"name": "A\\u0000B", "kind": "household", "commune": "24100", "sector": "a"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_ordinary_requests_pass(client_for, officer_a):
    assert client_for(officer_a).get("/api/v1/establishments/?q=tau").status_code == 200


def test_the_nul_refusal_speaks_the_requests_language(client_for, officer_a):
    english = client_for(officer_a).get("/api/v1/establishments/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client_for(officer_a).get("/api/v1/establishments/?q=%00")
    assert "NUL character" in english.json()["detail"]
    assert "ký tự NUL" in vietnamese.json()["detail"]


def test_pages_carry_the_security_headers(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_is_not_sent_over_plain_http(client, db):
    assert "Strict-Transport-Security" not in client.get(reverse("login"))
