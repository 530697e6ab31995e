"""Malformed bodies are 400 on every endpoint that takes one, never 500."""

import pytest

from khuyencong.accounts.models import User
from khuyencong.places.models import Region
from khuyencong.registry.models import Establishment

ENDPOINTS = ["/api/v1/auth/token/", "/api/v1/users/", "/api/v1/regions/", "/api/v1/establishments/"]
DEEP_LIST = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"name": ' * 50_000 + "1" + "}" * 50_000


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    "payload",
    [DEEP_LIST, DEEP_OBJECT, '{"name": ', '{"name": NaN}', "\ufeff{}", "[1, 2]", "null", "7"],
)
def test_malformed_json_is_400_everywhere(api_for, admin, url, payload):
    users_before = User.objects.count()

    response = api_for(admin).post(url, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()
    assert User.objects.count() == users_before
    assert not Region.objects.exists()
    assert not Establishment.objects.exists()


def test_a_json_error_says_where_in_the_request_language(api_for, admin):
    response = api_for(admin, language="en").post(
        "/api/v1/regions/", '{"code": "NAM",', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is not valid JSON: ")
    assert "line 1" in response.json()["detail"]


def test_too_deep_json_is_explained(api_for, admin):
    response = api_for(admin, language="en").post(
        "/api/v1/establishments/", DEEP_LIST, content_type="application/json"
    )

    assert response.json() == {"detail": "The JSON body is nested too deeply."}
