"""/account/security/: the user's own log and API tokens; administrators see everyone's."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from khuyencong.accounts.factories import PASSWORD
from khuyencong.accounts.models import SecurityEvent

PAGE = "/account/security/"


def _api_get(secret: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/provinces/")


def test_a_login_and_a_wrong_password_appear_on_the_owners_page(officer_a, officer_b):
    Client().post("/login/", {"username": "officer_a", "password": "sai-mat-khau-1"})
    client = Client()
    client.post("/login/", {"username": "officer_a", "password": PASSWORD})

    body = client.get(PAGE).content.decode()

    assert "Đăng nhập sai mật khẩu" in body
    assert "Đăng nhập thành công" in body
    other = Client()
    other.force_login(officer_b)
    assert "Đăng nhập sai mật khẩu" not in other.get(PAGE).content.decode()


def test_the_page_needs_a_login(db):
    response = Client().get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_token_created_on_the_page_is_shown_once_and_works(officer_a, client_for):
    client = client_for(officer_a)

    response = client.post("/account/security/tokens/")

    secret = response.context["new_token"]
    assert secret in response.content.decode()
    assert _api_get(secret).status_code == 200
    assert secret not in client.get(PAGE).content.decode()
    assert SecurityEvent.objects.filter(
        user=officer_a, kind=SecurityEvent.Kind.TOKEN_CREATED
    ).exists()


def test_the_owner_revokes_a_token_and_it_stops_working(officer_a, client_for):
    token, secret = AuthToken.objects.create(user=officer_a)
    client = client_for(officer_a)
    assert token.token_key[:8] in client.get(PAGE).content.decode()

    response = client.post(f"/account/security/tokens/{token.digest}/revoke/")

    assert response.status_code == 302
    assert _api_get(secret).status_code == 401
    assert SecurityEvent.objects.filter(
        user=officer_a, kind=SecurityEvent.Kind.TOKEN_REVOKED
    ).exists()


def test_someone_elses_token_answers_404_and_keeps_working(officer_a, officer_b, client_for):
    token, secret = AuthToken.objects.create(user=officer_b)

    response = client_for(officer_a).post(f"/account/security/tokens/{token.digest}/revoke/")

    assert response.status_code == 404
    assert _api_get(secret).status_code == 200


def test_an_administrator_lists_and_revokes_a_users_tokens(officer_a, admin, client_for):
    token, secret = AuthToken.objects.create(user=officer_a)
    client = client_for(admin)

    page = client.get(f"/account/security/users/{officer_a.pk}/")
    assert token.token_key[:8] in page.content.decode()
    client.post(f"/account/security/tokens/{token.digest}/revoke/")

    assert _api_get(secret).status_code == 401
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert event.user == officer_a and event.actor == admin


def test_only_administrators_see_another_users_page(officer_a, manager_a, client_for):
    assert client_for(manager_a).get(f"/account/security/users/{officer_a.pk}/").status_code == 404


def test_an_expired_token_is_refused(officer_a):
    token, secret = AuthToken.objects.create(user=officer_a)
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    assert _api_get(secret).status_code == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_a_new_password_through_the_api_revokes_the_users_tokens(officer_a, admin):
    _token, secret = AuthToken.objects.create(user=officer_a)
    client = APIClient()
    client.force_authenticate(admin)

    response = client.patch(
        f"/api/v1/users/{officer_a.pk}/", {"password": "mot-mat-khau-moi-2026"}, format="json"
    )

    assert response.status_code == 200
    assert _api_get(secret).status_code == 401


def test_the_page_costs_the_same_number_of_queries_whatever_the_events(
    officer_a, client_for, django_assert_max_num_queries
):
    client = client_for(officer_a)
    for _ in range(20):
        SecurityEvent.objects.create(user=officer_a, username="officer_a", kind="login")
        AuthToken.objects.create(user=officer_a)

    with django_assert_max_num_queries(8):
        client.get(PAGE)


def test_the_forms_need_the_csrf_token(officer_a):
    anonymous = Client(enforce_csrf_checks=True)
    assert (
        anonymous.post("/login/", {"username": "officer_a", "password": PASSWORD}).status_code
        == 403
    )
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(officer_a)

    assert signed_in.post("/account/security/tokens/").status_code == 403
    assert not AuthToken.objects.filter(user=officer_a).exists()
