"""Two-factor authentication (django-otp TOTP + recovery codes), required for administrators,
managers and national officers (docs/security.md, "Stolen password")."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from khuyencong.accounts import twofactor
from khuyencong.accounts.factories import PASSWORD
from khuyencong.accounts.models import SecurityEvent

pytestmark = pytest.mark.two_factor


def _now_code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    twofactor.new_recovery_codes(user)
    return device


@pytest.mark.parametrize("persona", ["admin", "manager_a", "national"])
def test_a_required_role_must_set_it_up_before_anything_else(persona, request):
    user = request.getfixturevalue(persona)
    client = _login(user.username)

    response = client.get("/establishments/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/setup/")
    assert client.get("/api/v1/provinces/").status_code == 403


def test_an_officer_is_not_asked(officer_a):
    client = _login("officer_a")

    assert client.get("/establishments/").status_code == 200


def test_setting_up_shows_a_server_drawn_qr_code_then_recovery_codes_once(manager_a):
    client = _login("manager_a")

    page = client.get("/account/2fa/setup/?next=/establishments/")
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=manager_a, confirmed=False)
    response = client.post(
        "/account/2fa/setup/", {"code": _now_code(device), "next": "/establishments/"}
    )

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and codes[0] in response.content.decode()
    assert client.get("/establishments/").status_code == 200
    assert TOTPDevice.objects.get(user=manager_a).confirmed
    assert SecurityEvent.objects.filter(user=manager_a, kind="2fa_on").exists()
    # Never shown again.
    assert codes[0] not in client.get("/account/security/").content.decode()


def test_a_wrong_setup_code_is_refused_with_a_message_and_nothing_turned_on(manager_a):
    client = _login("manager_a")
    client.get("/account/2fa/setup/")

    response = client.post("/account/2fa/setup/", {"code": "000000"})

    assert response.status_code == 200
    assert "Mã" in response.context["form"].errors["code"][0]
    assert not TOTPDevice.objects.filter(user=manager_a, confirmed=True).exists()
    assert client.get("/establishments/").status_code == 302


def test_after_setup_each_login_asks_for_the_code(manager_a):
    device = _enrolled(manager_a)
    client = _login("manager_a")

    assert client.get("/establishments/")["Location"].startswith("/account/2fa/verify/")
    wrong = client.post("/account/2fa/verify/", {"code": "123456", "next": "/establishments/"})
    assert wrong.status_code == 200
    assert SecurityEvent.objects.filter(user=manager_a, kind="2fa_failed").exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(
        "/account/2fa/verify/", {"code": _now_code(device), "next": "/establishments/"}
    )

    assert right.status_code == 302 and right["Location"] == "/establishments/"
    assert client.get("/establishments/").status_code == 200


def test_an_officer_who_chose_it_is_asked_too(officer_a):
    _enrolled(officer_a)
    client = _login("officer_a")

    assert client.get("/establishments/")["Location"].startswith("/account/2fa/verify/")


def test_a_recovery_code_works_once(manager_a):
    _enrolled(manager_a)
    code = StaticToken.objects.filter(device__user=manager_a).first().token
    first = _login("manager_a")

    assert first.post("/account/2fa/verify/", {"code": code})["Location"] == "/"
    second = _login("manager_a")
    assert second.post("/account/2fa/verify/", {"code": code}).status_code == 200
    assert SecurityEvent.objects.filter(user=manager_a, kind="recovery_used").count() == 1


def test_repeated_wrong_codes_are_throttled(manager_a):
    device = _enrolled(manager_a)
    client = _login("manager_a")
    for _ in range(3):
        client.post("/account/2fa/verify/", {"code": "111111"})

    response = client.post("/account/2fa/verify/", {"code": _now_code(device)})

    assert response.status_code == 200
    assert client.get("/establishments/").status_code == 302


def test_the_next_address_cannot_leave_the_site(manager_a):
    device = _enrolled(manager_a)
    client = _login("manager_a")

    response = client.post(
        "/account/2fa/verify/", {"code": _now_code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_an_officer_may_turn_it_off_but_a_manager_may_not(officer_a, manager_a):
    for user in (officer_a, manager_a):
        device = _enrolled(user)
        client = _login(user.username)
        client.post("/account/2fa/verify/", {"code": _now_code(device)})
        client.post("/account/2fa/disable/")

    assert not TOTPDevice.objects.filter(user=officer_a).exists()
    assert TOTPDevice.objects.filter(user=manager_a, confirmed=True).exists()


def test_an_administrator_resets_a_lost_phone(manager_a, admin):
    _enrolled(manager_a)
    staff = Client()
    staff.force_login(admin)
    session = staff.session
    session["otp_device_id"] = _enrolled(admin).persistent_id
    session.save()

    response = staff.post(f"/account/security/users/{manager_a.pk}/2fa/reset/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager_a).exists()
    event = SecurityEvent.objects.get(user=manager_a, kind="2fa_off")
    assert event.actor == admin


def test_only_an_administrator_may_reset(manager_a, officer_a):
    _enrolled(manager_a)
    client = _login("officer_a")

    assert client.post(f"/account/security/users/{manager_a.pk}/2fa/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=manager_a).exists()


def test_the_setting_turns_the_requirement_off(manager_a, settings):
    settings.REQUIRE_2FA = False

    assert _login("manager_a").get("/establishments/").status_code == 200


# --- the token endpoint ----------------------------------------------------------------------

TOKEN = "/api/v1/auth/token/"


def test_a_user_with_two_factor_sends_a_code_with_the_password(officer_a):
    device = _enrolled(officer_a)
    client = Client()

    without = client.post(
        TOKEN, {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    with_code = client.post(
        TOKEN,
        {"username": "officer_a", "password": PASSWORD, "otp_token": _now_code(device)},
        content_type="application/json",
    )

    assert without.status_code == 400 and "otp_token" in without.json()
    assert with_code.status_code == 200 and with_code.json()["token"]


def test_a_required_role_without_two_factor_gets_no_token(manager_a):
    response = Client().post(
        TOKEN, {"username": "manager_a", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "otp_token" in response.json()
