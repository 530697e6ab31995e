import pytest

from khuyencong.accounts.models import User

URL = "/api/v1/users/"
GOOD_PASSWORD = "Mot-mat-khau-kha-dai-2026"


def new_user(**extra):
    return {"username": "new_officer", "password": GOOD_PASSWORD, **extra}


def test_an_admin_creates_a_provincial_officer_who_can_get_a_token(api_for, admin, province_a):
    response = api_for(admin).post(
        URL,
        new_user(role="provincial_officer", province="66", first_name="Thị", last_name="Lan"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "provincial_officer"
    assert body["province"] == "66"
    assert body["communes"] == []
    assert "password" not in body
    token = api_for().post(
        "/api/v1/auth/token/",
        {"username": "new_officer", "password": GOOD_PASSWORD},
        format="json",
    )
    assert token.status_code == 200
    assert token.json()["token"]


def test_an_admin_creates_a_collaborator_with_communes(api_for, admin, commune_a1, commune_a2):
    response = api_for(admin).post(
        URL,
        new_user(role="collaborator", province="66", communes=["24100", "24200"]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    user = User.objects.get(username="new_officer")
    assert sorted(user.communes.values_list("code", flat=True)) == ["24100", "24200"]


def test_a_collaborator_commune_must_lie_in_their_province(api_for, admin, commune_a1, commune_b1):
    response = api_for(admin).post(
        URL,
        new_user(role="collaborator", province="66", communes=["24100", "26700"]),
        format="json",
    )

    assert response.status_code == 400
    assert "communes" in response.json()
    assert not User.objects.filter(username="new_officer").exists()


def test_a_collaborator_needs_a_commune(api_for, admin, province_a):
    response = api_for(admin).post(URL, new_user(role="collaborator", province="66"), format="json")

    assert response.status_code == 400
    assert "communes" in response.json()


@pytest.mark.parametrize("role", ["provincial_officer", "provincial_manager", "collaborator"])
def test_provincial_roles_need_a_province(api_for, admin, role):
    response = api_for(admin).post(URL, new_user(role=role), format="json")

    assert response.status_code == 400
    assert "province" in response.json()


def test_a_national_officer_needs_no_province(api_for, admin):
    response = api_for(admin).post(URL, new_user(role="national_officer"), format="json")

    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "123"}, "password"),
        ({"password": None}, "password"),
        ({"role": "king"}, "role"),
        ({"province": "99"}, "province"),
        ({"province": ["66"]}, "province"),
        ({"communes": "24100"}, "communes"),
        ({"username": "bad name!"}, "username"),
        ({"username": "officer_a"}, "username"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_it_refuses_bad_input_with_400_naming_the_field(api_for, admin, officer_a, change, field):
    response = api_for(admin).post(
        URL, {**new_user(role="provincial_officer", province="66"), **change}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()


def test_a_new_user_needs_a_password(api_for, admin, province_a):
    body = new_user(role="provincial_officer", province="66")
    del body["password"]

    response = api_for(admin).post(URL, body, format="json")

    assert response.status_code == 400
    assert "password" in response.json()


def test_password_messages_follow_the_request_language(api_for, admin, province_a):
    body = new_user(role="provincial_officer", province="66", password="123")

    english = api_for(admin, language="en").post(URL, body, format="json").json()["password"]
    vietnamese = api_for(admin, language="vi").post(URL, body, format="json").json()["password"]
    default = api_for(admin).post(URL, body, format="json").json()["password"]

    assert any("short" in message for message in english)
    assert english != vietnamese
    assert default == vietnamese


def test_an_admin_lists_reads_and_patches_users(
    api_for, admin, officer_a, collaborator_a1, commune_a2
):
    client = api_for(admin)

    listing = client.get(URL)
    detail = client.get(f"{URL}{collaborator_a1.pk}/")
    patched = client.patch(
        f"{URL}{collaborator_a1.pk}/", {"communes": ["24100", "24200"]}, format="json"
    )

    assert listing.status_code == 200
    assert {"admin", "officer_a", "collaborator_a1"} <= {
        u["username"] for u in listing.json()["results"]
    }
    assert detail.json()["communes"] == ["24100"]
    assert patched.status_code == 200, patched.json()
    assert sorted(patched.json()["communes"]) == ["24100", "24200"]


def test_leaving_the_collaborator_role_drops_the_communes(api_for, admin, collaborator_a1):
    response = api_for(admin).patch(
        f"{URL}{collaborator_a1.pk}/", {"role": "provincial_officer"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["communes"] == []


def test_a_new_password_revokes_the_token(api_for, admin, officer_a):
    officer_client = api_for(officer_a)
    assert officer_client.get("/api/v1/provinces/").status_code == 200

    response = api_for(admin).patch(
        f"{URL}{officer_a.pk}/", {"password": GOOD_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert officer_client.get("/api/v1/provinces/").status_code == 401


def test_an_administrator_by_role_manages_users(api_for, province_a):
    from khuyencong.accounts.factories import UserFactory

    role_admin = UserFactory(username="role_admin", role="admin")

    assert api_for(role_admin).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["officer_a", "manager_a", "national", "collaborator_a1"])
def test_non_administrators_get_403(api_for, request, persona, commune_a1):
    user = request.getfixturevalue(persona)
    client = api_for(user)

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{user.pk}/").status_code == 403
    assert client.post(URL, new_user(role="provincial_officer"), format="json").status_code == 403
    assert client.patch(f"{URL}{user.pk}/", {"role": "admin"}, format="json").status_code == 403
    user.refresh_from_db()
    assert user.role != "admin"


def test_unknown_user_ids_are_404(api_for, admin):
    client = api_for(admin)

    assert client.get(f"{URL}999999/").status_code == 404
    assert client.get(f"{URL}abc/").status_code == 404
    assert client.get(f"{URL}99999999999999999999999999/").status_code == 404


def test_an_administrator_by_role_cannot_change_a_superuser(api_for, admin, province_a):
    from khuyencong.accounts.factories import UserFactory

    role_admin = UserFactory(username="role_admin", role="admin")
    client = api_for(role_admin)

    assert client.get(f"{URL}{admin.pk}/").status_code == 200
    response = client.patch(f"{URL}{admin.pk}/", {"password": GOOD_PASSWORD}, format="json")

    assert response.status_code == 404
    admin.refresh_from_db()
    assert not admin.check_password(GOOD_PASSWORD)


def test_users_are_filtered_by_role_and_province(api_for, admin, officer_a, officer_b, national):
    response = api_for(admin).get(URL, {"role": "provincial_officer", "province": "66"})

    assert [u["username"] for u in response.json()["results"]] == ["officer_a"]


def test_user_list_queries_do_not_grow(api_for, admin, commune_a1, django_assert_max_num_queries):
    from khuyencong.accounts.factories import UserFactory

    client = api_for(admin)
    UserFactory(username="ctv_0", role="collaborator", province=commune_a1.province,
                communes=[commune_a1])  # fmt: skip
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for n in range(1, 15):
        UserFactory(username=f"ctv_{n}", role="collaborator", province=commune_a1.province,
                    communes=[commune_a1])  # fmt: skip

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)

    assert response.json()["count"] == 16
