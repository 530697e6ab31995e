"""Account services: creating a user, changing their role and places, deactivating them;
each recorded in the security log, with the same rules in the API and the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from khuyencong.accounts import services
from khuyencong.accounts.factories import PASSWORD
from khuyencong.accounts.models import SecurityEvent, User
from khuyencong.accounts.tokens import issue_token
from khuyencong.core.roles import Role

Kind = SecurityEvent.Kind
STRONG = "mot-mat-khau-dai-va-kho-doan"


def _events(user, kind):
    return list(SecurityEvent.objects.filter(user=user, kind=kind))


def test_creating_a_collaborator_saves_their_places_and_logs_who_did_it(
    admin, province_a, commune_a1
):
    user = services.create_user(
        actor=admin,
        user=User(username="ctv_moi", role=Role.COLLABORATOR, province=province_a),
        password=STRONG,
        communes=[commune_a1],
    )

    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert list(user.communes.values_list("code", flat=True)) == ["24100"]
    [event] = _events(user, Kind.USER_CREATED)
    assert (event.actor, event.detail) == (admin, "collaborator, 66: 24100")


@pytest.mark.parametrize(
    ("role", "province", "communes", "field"),
    [
        (Role.PROVINCIAL_OFFICER, None, [], "province"),
        (Role.COLLABORATOR, "a", [], "communes"),
        (Role.COLLABORATOR, "a", ["b1"], "communes"),
        (Role.NATIONAL_OFFICER, None, ["a1"], "communes"),
    ],
)
def test_the_rules_of_places_refuse_and_save_nothing(
    request, admin, role, province, communes, field
):
    places = {
        "a": "province_a",
        "a1": "commune_a1",
        "b1": "commune_b1",
    }
    province = request.getfixturevalue(places[province]) if province else None
    communes = [request.getfixturevalue(places[c]) for c in communes]

    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=admin,
            user=User(username="moi", role=role, province=province),
            password=STRONG,
            communes=communes,
        )

    assert field in info.value.message_dict
    assert not User.objects.filter(username="moi").exists()
    assert not SecurityEvent.objects.filter(kind=Kind.USER_CREATED).exists()


def test_the_password_rules_apply_to_a_new_user(admin):
    with pytest.raises(ValidationError) as info:
        services.create_user(actor=admin, user=User(username="moi"), password="123")

    assert "password" in info.value.message_dict


def test_a_collaborator_made_officer_loses_their_communes_and_the_change_is_logged(
    admin, collaborator_a1, province_a
):
    services.change_role(
        actor=admin, user=collaborator_a1, role=Role.PROVINCIAL_OFFICER, province=province_a
    )

    collaborator_a1.refresh_from_db()
    assert collaborator_a1.role == Role.PROVINCIAL_OFFICER
    assert not collaborator_a1.communes.exists()
    [event] = _events(collaborator_a1, Kind.ROLE_CHANGED)
    assert event.actor == admin
    assert event.detail == "collaborator, 66: 24100 → provincial_officer, 66"


def test_changing_nothing_logs_nothing(admin, officer_a, province_a):
    services.change_role(
        actor=admin, user=officer_a, role=Role.PROVINCIAL_OFFICER, province=province_a
    )

    assert not _events(officer_a, Kind.ROLE_CHANGED)


def test_deactivating_stops_logins_and_tokens_and_is_logged(admin, officer_a):
    issue_token(officer_a)

    services.deactivate_user(actor=admin, user=officer_a)

    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert not AuthToken.objects.filter(user=officer_a).exists()
    login = Client().post("/login/", {"username": "officer_a", "password": PASSWORD})
    assert "_auth_user_id" not in login.client.session
    [event] = _events(officer_a, Kind.DEACTIVATED)
    assert event.actor == admin
    services.reactivate_user(actor=admin, user=officer_a)
    assert User.objects.get(pk=officer_a.pk).is_active
    assert len(_events(officer_a, Kind.REACTIVATED)) == 1


def test_the_api_goes_through_the_services(admin, officer_a, province_a):
    client = APIClient()
    client.force_authenticate(admin)

    created = client.post(
        "/api/v1/users/",
        {"username": "can_bo_moi", "password": STRONG, "role": "provincial_officer",
         "province": "66"},
        format="json",
    )  # fmt: skip
    patched = client.patch(f"/api/v1/users/{officer_a.pk}/", {"is_active": False}, format="json")

    assert created.status_code == 201, created.json()
    assert patched.status_code == 200
    new = User.objects.get(username="can_bo_moi")
    assert [e.actor for e in _events(new, Kind.USER_CREATED)] == [admin]
    assert [e.actor for e in _events(officer_a, Kind.DEACTIVATED)] == [admin]


def _admin_form_data(client, change):
    """The admin's change form of a user as the browser would post it back unchanged."""
    form = client.get(change).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name == "password":
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = form[name].field.widget.format_value(value) or ""
    for name in ("last_login", "date_joined"):
        data.pop(name, None)
        value = form.initial.get(name)
        if value is not None:
            data[f"{name}_0"] = value.strftime("%d/%m/%Y")
            data[f"{name}_1"] = value.strftime("%H:%M:%S")
    return data


def test_the_admin_goes_through_the_services(client_for, admin, collaborator_a1, province_a):
    client = client_for(admin)

    added = client.post(
        "/admin/accounts/user/add/",
        {"username": "qua_admin", "usable_password": "true", "password1": STRONG,
         "password2": STRONG},
    )  # fmt: skip
    new = User.objects.get(username="qua_admin")
    assert added.status_code == 302
    assert [e.actor for e in _events(new, Kind.USER_CREATED)] == [admin]

    change = f"/admin/accounts/user/{collaborator_a1.pk}/change/"
    data = _admin_form_data(client, change)
    data.update(role=Role.PROVINCIAL_OFFICER, first_name="Mới")
    data.pop("is_active", None)

    changed = client.post(change, data)

    assert changed.status_code == 302, changed.context["adminform"].form.errors
    collaborator_a1.refresh_from_db()
    assert (collaborator_a1.role, collaborator_a1.first_name) == (Role.PROVINCIAL_OFFICER, "Mới")
    assert not collaborator_a1.is_active
    assert not collaborator_a1.communes.exists()
    assert [e.actor for e in _events(collaborator_a1, Kind.ROLE_CHANGED)] == [admin]
    assert [e.actor for e in _events(collaborator_a1, Kind.DEACTIVATED)] == [admin]


def test_an_admin_edit_of_the_profile_alone_is_saved_by_the_service_and_logs_nothing(
    client_for, admin, officer_a, monkeypatch
):
    calls = []
    update_user = services.update_user

    def spy(**kwargs):
        calls.append(kwargs["data"])
        return update_user(**kwargs)

    monkeypatch.setattr(services, "update_user", spy)
    client = client_for(admin)
    change = f"/admin/accounts/user/{officer_a.pk}/change/"
    data = _admin_form_data(client, change)
    data.update(last_name="Trần Mới", email="moi@example.vn")

    changed = client.post(change, data)

    assert changed.status_code == 302, changed.context["adminform"].form.errors
    officer_a.refresh_from_db()
    assert (officer_a.last_name, officer_a.email) == ("Trần Mới", "moi@example.vn")
    assert officer_a.is_active and officer_a.role == Role.PROVINCIAL_OFFICER
    assert calls == [{}]
    assert not SecurityEvent.objects.filter(
        user=officer_a, kind__in=[Kind.ROLE_CHANGED, Kind.DEACTIVATED, Kind.REACTIVATED]
    ).exists()


def test_giving_and_taking_admin_rights_is_logged_with_who_did_it(admin, officer_a):
    services.change_admin_rights(actor=admin, user=officer_a, is_staff=True)
    services.change_admin_rights(actor=admin, user=officer_a, is_staff=True)  # no change
    services.update_user(
        actor=admin, user=officer_a, data={"is_staff": False, "is_superuser": True}
    )

    officer_a.refresh_from_db()
    assert (officer_a.is_staff, officer_a.is_superuser) == (False, True)
    events = sorted(_events(officer_a, Kind.ADMIN_RIGHTS_CHANGED), key=lambda e: e.pk)
    assert [(e.actor, e.detail) for e in events] == [
        (admin, "- → staff"),
        (admin, "staff → superuser"),
    ]


def test_admin_rights_changed_in_the_admin_are_in_the_security_log(client_for, admin, officer_a):
    client = client_for(admin)
    change = f"/admin/accounts/user/{officer_a.pk}/change/"
    data = _admin_form_data(client, change)
    data.update(is_staff="on", is_superuser="on")

    changed = client.post(change, data)

    assert changed.status_code == 302, changed.context["adminform"].form.errors
    officer_a.refresh_from_db()
    assert officer_a.is_staff and officer_a.is_superuser
    [event] = _events(officer_a, Kind.ADMIN_RIGHTS_CHANGED)
    assert (event.actor, event.detail) == (admin, "- → staff, superuser")

    data = _admin_form_data(client, change)
    data.pop("is_superuser")
    data.pop("is_active")
    assert client.post(change, data).status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.is_staff and not officer_a.is_superuser and not officer_a.is_active
    events = sorted(_events(officer_a, Kind.ADMIN_RIGHTS_CHANGED), key=lambda e: e.pk)
    assert [e.detail for e in events] == ["- → staff, superuser", "staff, superuser → staff"]
    assert [e.actor for e in _events(officer_a, Kind.DEACTIVATED)] == [admin]
