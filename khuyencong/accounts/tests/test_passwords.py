"""Password reset by e-mail, the password rules, sessions that end (docs/security.md)."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from knox.models import AuthToken

from khuyencong.accounts.factories import PASSWORD
from khuyencong.accounts.middleware import IdleTimeoutMiddleware
from khuyencong.accounts.models import SecurityEvent, User


@pytest.fixture
def officer(officer_a):
    officer_a.email = "lan@sct.daklak.gov.vn"
    officer_a.first_name, officer_a.last_name = "Thị Lan", "Nguyễn"
    officer_a.save()
    return officer_a


def _link(message) -> str:
    return re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)


def test_a_reset_mail_in_vietnamese_leads_to_a_new_password(officer):
    AuthToken.objects.create(user=officer)
    client = Client()

    sent = client.post("/password/reset/", {"email": "LAN@sct.daklak.gov.vn"})

    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@sct.daklak.gov.vn"]
    assert "mật khẩu" in message.subject
    assert "officer_a" in message.body
    form = client.get(_link(message), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "cay-ca-phe-buon-ma-thuot", "new_password2": "cay-ca-phe-buon-ma-thuot"},
    )
    assert done.status_code == 302
    assert (
        Client()
        .post("/login/", {"username": "officer_a", "password": "cay-ca-phe-buon-ma-thuot"})
        .status_code
        == 302
    )
    assert not AuthToken.objects.filter(user=officer).exists()
    kinds = set(SecurityEvent.objects.filter(user=officer).values_list("kind", flat=True))
    assert {"password_reset_requested", "password_reset"} <= kinds


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db):
    response = Client().post("/password/reset/", {"email": "khong-co@example.vn"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


def test_a_reset_link_works_once(officer):
    client = Client()
    client.post("/password/reset/", {"email": officer.email})
    link = _link(mail.outbox[0])
    form = client.get(link, follow=True)
    url = form.redirect_chain[-1][0]
    client.post(
        url, {"new_password1": "mot-mat-khau-moi-2026", "new_password2": "mot-mat-khau-moi-2026"}
    )

    again = Client().get(link, follow=True)

    assert again.status_code == 200
    assert not again.context["validlink"]


def test_a_weak_new_password_is_refused_with_a_vietnamese_message(officer):
    client = Client()
    client.post("/password/reset/", {"email": officer.email})
    form = client.get(_link(mail.outbox[0]), follow=True)

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "10" in errors
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_reset_requests_are_limited_per_address(officer, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.77")
    for _ in range(2):
        assert client.post("/password/reset/", {"email": officer.email}).status_code == 302

    response = client.post("/password/reset/", {"email": officer.email})

    assert response.status_code == 429
    assert response["Retry-After"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("ngan-qua", "at least 10"),
        ("1234567890123", "entirely numeric"),
        ("qwertyuiop", "too common"),
        ("officer_a_2026", "too similar"),
    ],
)
def test_the_password_rules(officer_a, password, why):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer_a)


def test_a_good_password_passes(officer_a):
    validate_password("cay-ca-phe-buon-ma-thuot", user=officer_a)


def test_the_api_refuses_a_short_password_naming_the_field(admin, province_a):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin)
    response = client.post(
        "/api/v1/users/",
        {"username": "moi", "password": "ngan-qua", "role": "provincial_officer", "province": "66"},
        format="json",
    )

    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="moi").exists()


def test_changing_the_password_is_logged(officer_a, client_for):
    response = client_for(officer_a).post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2026",
            "new_password2": "mot-mat-khau-moi-2026",
        },
    )

    assert response.status_code == 302
    assert SecurityEvent.objects.filter(user=officer_a, kind="password_changed").exists()


# --- sessions ----------------------------------------------------------------------------------


def test_an_idle_session_ends(officer_a, settings):
    client = Client()
    client.post("/login/", {"username": "officer_a", "password": PASSWORD})
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()

    response = client.get("/establishments/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/establishments/").status_code == 302


def test_an_active_session_goes_on(officer_a):
    client = Client()
    client.post("/login/", {"username": "officer_a", "password": PASSWORD})

    assert client.get("/establishments/").status_code == 200


def test_an_administrators_session_ends_with_the_browser(admin, officer_a):
    staff = Client()
    staff.post("/login/", {"username": "admin", "password": PASSWORD})
    officer = Client()
    officer.post("/login/", {"username": "officer_a", "password": PASSWORD})

    assert staff.session.get_expire_at_browser_close()
    assert not officer.session.get_expire_at_browser_close()


def test_sessions_have_a_bounded_age(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600
