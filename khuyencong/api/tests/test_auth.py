from khuyencong.accounts.factories import PASSWORD

URL = "/api/v1/auth/token/"


def test_it_gives_a_token_for_good_credentials(api_for, officer_a):
    response = api_for().post(URL, {"username": "officer_a", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    client = api_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/provinces/").status_code == 200


def test_each_call_gives_a_new_token_and_both_work(api_for, officer_a):
    body = {"username": "officer_a", "password": PASSWORD}
    first = api_for().post(URL, body, format="json").json()["token"]
    second = api_for().post(URL, body, format="json").json()["token"]

    assert first != second
    for token in (first, second):
        client = api_for()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/provinces/").status_code == 200


def test_the_token_is_stored_only_as_a_digest_with_an_expiry(api_for, officer_a):
    from knox.models import AuthToken

    response = api_for().post(URL, {"username": "officer_a", "password": PASSWORD}, format="json")

    token = response.json()["token"]
    stored = AuthToken.objects.get(user=officer_a)
    assert token not in (stored.digest, stored.token_key)
    assert stored.expiry is not None
    assert response.json()["expiry"]


def test_it_refuses_wrong_credentials_with_400(api_for, officer_a):
    response = api_for().post(URL, {"username": "officer_a", "password": "nope"}, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_refuses_missing_fields_with_400(api_for, db):
    response = api_for().post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_it_refuses_malformed_json_with_400(api_for, db):
    response = api_for().post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400


def test_it_refuses_an_inactive_user(api_for, officer_a):
    officer_a.is_active = False
    officer_a.save()

    response = api_for().post(URL, {"username": "officer_a", "password": PASSWORD}, format="json")

    assert response.status_code == 400


def test_calls_without_a_token_are_refused(api_for, db):
    assert api_for().get("/api/v1/establishments/").status_code == 401


def test_a_bad_token_is_refused(api_for, db):
    client = api_for()
    client.credentials(HTTP_AUTHORIZATION="Token 0000")

    assert client.get("/api/v1/provinces/").status_code == 401


def test_session_authentication_works_too(client_for, officer_a):
    assert client_for(officer_a).get("/api/v1/provinces/").status_code == 200
