"""Password guessing: django-axes locks a username from one address out of the login page and
the token endpoint (docs/security.md, "Password guessing")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from khuyencong.accounts.factories import PASSWORD
from khuyencong.accounts.models import SecurityEvent

LOGIN = "/login/"
TOKEN = "/api/v1/auth/token/"


def _guess(client: Client, times: int, username: str = "officer_a"):
    response = None
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "doan-bua-123"})
    return response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_answer_429_with_retry_after_and_a_vietnamese_page(officer_a):
    client = Client()

    response = _guess(client, 30)

    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    minutes = settings.AXES_COOLOFF_TIME.total_seconds()
    assert 0 < retry_after <= minutes
    body = response.content.decode()
    assert "Đăng nhập tạm thời bị khóa" in body
    assert "quản trị viên" in body


def test_the_lockout_starts_at_the_limit_not_before(officer_a):
    client = Client()

    before = _guess(client, settings.AXES_FAILURE_LIMIT - 1)
    at_limit = _guess(client, 1)

    assert before.status_code == 200  # the form again, with its error
    assert at_limit.status_code == 429


def test_the_right_password_is_refused_while_locked(officer_a):
    client = Client()
    _guess(client, 30)

    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD})

    assert response.status_code == 429
    assert not _logged_in(client)


def test_an_administrator_lifts_the_lockout_then_the_right_password_works(officer_a, admin):
    client = Client()
    _guess(client, 30)
    attempt = AccessAttempt.objects.get(username="officer_a")
    staff = Client()
    staff.force_login(admin)

    page = staff.get("/account/security/")
    assert "officer_a" in page.content.decode()
    lifted = staff.post(f"/account/security/lockouts/{attempt.pk}/lift/")

    assert lifted.status_code == 302
    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT_LIFTED)
    assert event.user == officer_a and event.actor == admin


def test_the_lockout_expires_after_the_cool_off(officer_a):
    client = Client()
    _guess(client, 30)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in(client)


def test_the_lockout_is_per_address_so_an_attacker_cannot_lock_the_owner_out(officer_a):
    _guess(Client(REMOTE_ADDR="203.0.113.9"), 30)
    owner = Client(REMOTE_ADDR="198.51.100.7")

    response = owner.post(LOGIN, {"username": "officer_a", "password": PASSWORD})

    assert response.status_code == 302


def test_a_successful_login_resets_the_count(officer_a):
    client = Client()
    _guess(client, settings.AXES_FAILURE_LIMIT - 1)
    client.post(LOGIN, {"username": "officer_a", "password": PASSWORD})
    client.logout()

    response = _guess(client, settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200


def test_a_non_administrator_cannot_lift_a_lockout(officer_a, manager_a, client_for):
    _guess(Client(), 30)
    attempt = AccessAttempt.objects.get(username="officer_a")

    response = client_for(manager_a).post(f"/account/security/lockouts/{attempt.pk}/lift/")

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- the token endpoint ----------------------------------------------------------------------


def test_thirty_wrong_passwords_on_the_token_endpoint_answer_429(officer_a):
    client = Client()
    for _ in range(30):
        response = client.post(
            TOKEN, {"username": "officer_a", "password": "x"}, content_type="application/json"
        )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "quản trị viên" in response.json()["detail"]
    right = client.post(
        TOKEN, {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    assert right.status_code == 429
    assert "token" not in right.json()


def test_the_login_page_and_the_token_endpoint_share_one_count(officer_a):
    client = Client()
    _guess(client, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        TOKEN, {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 429


# --- the log ---------------------------------------------------------------------------------


def test_failures_and_one_lockout_are_logged_for_the_account(officer_a):
    _guess(Client(), 30)

    kinds = list(SecurityEvent.objects.filter(user=officer_a).values_list("kind", flat=True))

    # The wrong password that reaches the limit is logged as the lockout itself; the refused
    # attempts after it add nothing.
    assert kinds.count(SecurityEvent.Kind.LOCKED_OUT) == 1
    assert kinds.count(SecurityEvent.Kind.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT - 1


@pytest.mark.parametrize("limit", [3])
def test_the_limit_comes_from_the_settings(officer_a, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit

    assert _guess(Client(), limit - 1).status_code == 200
    assert _guess(Client(), 1).status_code == 429


def test_a_login_from_a_request_without_an_address_is_logged_with_none(officer_a):
    """The test client's force_login and some proxies send no REMOTE_ADDR: axes' address
    column is an inet on PostgreSQL, which refuses a placeholder such as 'unknown'."""
    from axes.models import AccessLog
    from django.test import RequestFactory

    from khuyencong.accounts.security import client_ip

    assert client_ip(RequestFactory(REMOTE_ADDR="").get("/")) is None
    assert client_ip(RequestFactory(REMOTE_ADDR="10.0.0.7").get("/")) == "10.0.0.7"
    client = Client(REMOTE_ADDR="")
    client.force_login(officer_a)
    assert AccessLog.objects.filter(username=officer_a.username, ip_address=None).exists()
