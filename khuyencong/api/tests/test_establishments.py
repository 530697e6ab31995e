import pytest

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory
from khuyencong.registry import services
from khuyencong.registry.models import Establishment, Sector
from khuyencong.registry.validators import tax_check_digit

URL = "/api/v1/establishments/"


def valid_tax_code(first_nine: str = "010123456") -> str:
    return f"{first_nine}{tax_check_digit(first_nine)}"


def register(actor, commune, name, **extra):
    data = {
        "name": name,
        "kind": Establishment.Kind.HOUSEHOLD,
        "commune": commune,
        "sector": Sector.objects.get(code="a"),
        **extra,
    }
    return services.create_establishment(actor=actor, data=data)


@pytest.fixture
def tofu_a1(admin, commune_a1):
    return register(admin, commune_a1, "Cơ sở Tàu hủ ky Đắk Hòa", tax_code=valid_tax_code())


@pytest.fixture
def weaving_a2(admin, commune_a2):
    return register(admin, commune_a2, "Hợp tác xã Dệt thổ cẩm", kind="cooperative")


@pytest.fixture
def rice_b1(admin, commune_b1):
    return register(admin, commune_b1, "Cơ sở Bánh tráng Củ Chi")


def names(response):
    return sorted(e["name"] for e in response.json()["results"])


def snapshot():
    return list(Establishment.objects.order_by("pk").values())


# Create


def test_an_officer_registers_an_establishment(api_for, officer_a, commune_a1):
    response = api_for(officer_a).post(
        URL,
        {
            "name": "Cơ sở Mộc Ea Kar",
            "kind": "enterprise",
            "commune": "24100",
            "sector": "a",
            "address": "Thôn 3",
            "tax_code": "010 123 456" + str(tax_check_digit("010123456")),
            "founded_year": 2015,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["province"] == "66"
    assert body["commune"] == "24100"
    assert body["tax_code"] == valid_tax_code()
    assert body["version"] == 1
    assert body["status"] == "active"
    establishment = Establishment.objects.get(pk=body["id"])
    assert establishment.created_by == officer_a
    assert establishment.history.first().history_user == officer_a


def test_a_province_sent_on_create_is_ignored(api_for, officer_a, commune_a1, province_b):
    response = api_for(officer_a).post(
        URL,
        {"name": "X", "kind": "household", "commune": "24100", "sector": "a", "province": "79"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["province"] == "66"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_code": "0101234567"[:9] + "0"}, "tax_code"),
        ({"tax_code": "12345"}, "tax_code"),
        ({"kind": "giant"}, "kind"),
        ({"commune": "00000"}, "commune"),
        ({"commune": "x" * 1000}, "commune"),
        ({"commune": ["24100"]}, "commune"),
        ({"commune": None}, "commune"),
        ({"sector": "zz"}, "sector"),
        ({"founded_year": "năm ngoái"}, "founded_year"),
        ({"founded_year": 10**30}, "founded_year"),
        ({"founded_year": 1200}, "founded_year"),
        ({"name": ""}, "name"),
        ({"name": {"vi": "X"}}, "name"),
        ({"email": "no"}, "email"),
        ({"vsic_code": "ABC"}, "vsic_code"),
        ({"legacy_commune": "99999"}, "legacy_commune"),
        ({"craft_village": 10**30}, "craft_village"),
        ({"craft_village": "abc"}, "craft_village"),
        ({"status": "dead"}, "status"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_for, officer_a, commune_a1, change, field):
    body = {"name": "Cơ sở X", "kind": "household", "commune": "24100", "sector": "a", **change}

    response = api_for(officer_a).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Establishment.objects.exists()


def test_a_wrong_check_digit_names_tax_code(api_for, officer_a, commune_a1):
    wrong = "010123456" + str((tax_check_digit("010123456") + 1) % 10)

    response = api_for(officer_a, language="en").post(
        URL,
        {"name": "X", "kind": "household", "commune": "24100", "sector": "a", "tax_code": wrong},
        format="json",
    )

    assert response.status_code == 400
    assert "check digit" in response.json()["tax_code"][0]


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        ('{"name": "X", ', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("null", "application/json"),
        ("name=X", "text/plain"),
    ],
)
def test_malformed_bodies_are_refused_without_500(api_for, officer_a, payload, content_type):
    response = api_for(officer_a).post(URL, payload, content_type=content_type)

    assert response.status_code in (400, 415)
    assert not Establishment.objects.exists()


def test_a_missing_body_names_the_required_fields(api_for, officer_a):
    response = api_for(officer_a).post(URL, {}, format="json")

    assert response.status_code == 400
    assert {"name", "kind", "commune", "sector"} <= set(response.json())


# Read


def test_an_officer_lists_their_province_by_name(api_for, officer_a, tofu_a1, weaving_a2, rice_b1):
    response = api_for(officer_a).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert names(response) == ["Cơ sở Tàu hủ ky Đắk Hòa", "Hợp tác xã Dệt thổ cẩm"]
    first = response.json()["results"][0]
    assert first.keys() >= {
        "id", "name", "kind", "commune", "province", "address", "tax_code", "sector",
        "status", "version", "created_at", "updated_at",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "tau hu ky"}, ["Cơ sở Tàu hủ ky Đắk Hòa"]),
        ({"q": "DAK HOA"}, ["Cơ sở Tàu hủ ky Đắk Hòa"]),
        ({"q": "0101"}, ["Cơ sở Tàu hủ ky Đắk Hòa"]),
        ({"kind": "cooperative"}, ["Hợp tác xã Dệt thổ cẩm"]),
        ({"commune": "24200"}, ["Hợp tác xã Dệt thổ cẩm"]),
        ({"province": "66"}, ["Cơ sở Tàu hủ ky Đắk Hòa", "Hợp tác xã Dệt thổ cẩm"]),
        ({"sector": "a", "status": "active", "kind": "household"}, ["Cơ sở Tàu hủ ky Đắk Hòa"]),
        ({"status": "ceased"}, []),
        ({"q": "khong co"}, []),
    ],
)
def test_filters_and_unaccented_search(api_for, officer_a, tofu_a1, weaving_a2, params, expected):
    response = api_for(officer_a).get(URL, params)

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "params",
    [{"province": "00"}, {"commune": "x"}, {"kind": "giant"}, {"sector": "zz"}, {"page": "abc"}],
)
def test_unknown_filter_values_are_400_or_404(api_for, officer_a, tofu_a1, params):
    assert api_for(officer_a).get(URL, params).status_code in (400, 404)


def test_an_officer_reads_one_of_their_province(api_for, officer_a, tofu_a1):
    response = api_for(officer_a).get(f"{URL}{tofu_a1.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == tofu_a1.name


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999999", "-1"])
def test_unknown_ids_are_404(api_for, officer_a, pk):
    client = api_for(officer_a)

    assert client.get(f"{URL}{pk}/").status_code == 404
    assert client.patch(f"{URL}{pk}/", {"name": "X"}, format="json").status_code == 404
    assert client.delete(f"{URL}{pk}/").status_code == 404


def test_list_queries_do_not_grow_with_rows(
    api_for, officer_a, admin, commune_a1, django_assert_max_num_queries
):
    for n in range(3):
        register(admin, commune_a1, f"Cơ sở {n}")
    client = api_for(officer_a)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for n in range(3, 30):
        register(admin, commune_a1, f"Cơ sở {n}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "co so"})

    assert response.json()["count"] == 30


# Update and delete


def test_an_officer_patches_with_the_current_version(api_for, officer_a, tofu_a1):
    response = api_for(officer_a).patch(
        f"{URL}{tofu_a1.pk}/", {"status": "paused", "version": 1}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paused"
    assert response.json()["version"] == 2
    tofu_a1.refresh_from_db()
    assert tofu_a1.status == "paused"
    assert tofu_a1.history.first().history_user == officer_a


def test_a_patch_without_version_is_400_and_changes_nothing(api_for, officer_a, tofu_a1):
    before = snapshot()
    response = api_for(officer_a).patch(f"{URL}{tofu_a1.pk}/", {"address": "Thôn 5"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert snapshot() == before


def test_a_stale_patch_is_409_and_changes_nothing(api_for, officer_a, manager_a, tofu_a1):
    api_for(manager_a).patch(
        f"{URL}{tofu_a1.pk}/", {"address": "Thôn 2", "version": 1}, format="json"
    )
    before = snapshot()

    response = api_for(officer_a).patch(
        f"{URL}{tofu_a1.pk}/", {"address": "Thôn 9", "version": 1}, format="json"
    )

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert snapshot() == before


def test_a_stale_edit_message_follows_the_language(api_for, officer_a, tofu_a1):
    Establishment.objects.filter(pk=tofu_a1.pk).update(version=5)

    english = api_for(officer_a, language="en").patch(
        f"{URL}{tofu_a1.pk}/", {"version": 1}, format="json"
    )

    assert english.status_code == 409
    assert "changed by someone else" in english.json()["detail"]


@pytest.mark.parametrize("version", ["one", 0, 10**30, None])
def test_a_bad_version_is_400(api_for, officer_a, tofu_a1, version):
    response = api_for(officer_a).patch(f"{URL}{tofu_a1.pk}/", {"version": version}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()


def test_moving_an_establishment_out_of_the_province_is_400(
    api_for, officer_a, tofu_a1, commune_b1
):
    before = snapshot()

    response = api_for(officer_a).patch(
        f"{URL}{tofu_a1.pk}/", {"commune": "26700", "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert "commune" in response.json()
    assert snapshot() == before


def test_moving_within_the_province_updates_the_commune(api_for, officer_a, tofu_a1, commune_a2):
    response = api_for(officer_a).patch(
        f"{URL}{tofu_a1.pk}/", {"commune": "24200", "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["commune"] == "24200"
    assert response.json()["province"] == "66"


def test_put_is_not_offered(api_for, officer_a, tofu_a1):
    response = api_for(officer_a).put(f"{URL}{tofu_a1.pk}/", {"name": "X"}, format="json")

    assert response.status_code == 405


def test_an_officer_deletes_one_of_their_province(api_for, officer_a, tofu_a1):
    response = api_for(officer_a).delete(f"{URL}{tofu_a1.pk}/")

    assert response.status_code == 204
    assert not Establishment.objects.filter(pk=tofu_a1.pk).exists()


# Isolation between provinces


def test_officer_b_cannot_see_or_touch_province_a(api_for, officer_b, tofu_a1, rice_b1, commune_a1):
    client = api_for(officer_b)
    before = snapshot()
    url = f"{URL}{tofu_a1.pk}/"

    assert names(client.get(URL)) == ["Cơ sở Bánh tráng Củ Chi"]
    assert client.get(URL, {"q": "tau hu"}).json()["count"] == 0
    assert client.get(URL, {"province": "66"}).json()["count"] == 0
    assert client.get(URL, {"commune": "24100"}).json()["count"] == 0
    assert client.get(url).status_code == 404
    # An id of another province answers exactly like an id that does not exist.
    assert client.get(url).json() == client.get(f"{URL}999999/").json()
    assert client.patch(url, {"name": "Đã sửa"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    created = client.post(
        URL, {"name": "Xâm nhập", "kind": "household", "commune": "24100", "sector": "a"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 400
    assert "commune" in created.json()
    assert snapshot() == before


def test_a_collaborator_works_only_in_their_commune(
    api_for, collaborator_a1, tofu_a1, weaving_a2, commune_a2
):
    client = api_for(collaborator_a1)
    before = snapshot()
    other = f"{URL}{weaving_a2.pk}/"

    assert names(client.get(URL)) == ["Cơ sở Tàu hủ ky Đắk Hòa"]
    assert client.get(other).status_code == 404
    assert client.patch(other, {"name": "X"}, format="json").status_code == 404
    assert client.delete(other).status_code == 404
    moved = client.patch(f"{URL}{tofu_a1.pk}/", {"commune": "24200", "version": 1}, format="json")
    assert moved.status_code == 400
    assert "commune" in moved.json()
    refused = client.post(
        URL, {"name": "Y", "kind": "household", "commune": "24200", "sector": "a"}, format="json"
    )
    assert refused.status_code == 400
    assert snapshot() == before

    own = client.post(
        URL, {"name": "Y", "kind": "household", "commune": "24100", "sector": "a"}, format="json"
    )
    assert own.status_code == 201


@pytest.mark.parametrize("persona", ["national", "auditor_a"])
def test_read_only_roles_read_but_get_403_on_writes(api_for, request, persona, tofu_a1, rice_b1):
    client = api_for(request.getfixturevalue(persona))
    before = snapshot()
    url = f"{URL}{tofu_a1.pk}/"

    assert client.get(url).status_code == 200
    assert client.patch(url, {"name": "X", "version": 1}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert (
        client.post(
            URL,
            {"name": "Y", "kind": "household", "commune": "24100", "sector": "a"},
            format="json",
        ).status_code
        == 403
    )
    assert snapshot() == before


def test_a_national_officer_reads_every_province(api_for, national, tofu_a1, weaving_a2, rice_b1):
    response = api_for(national).get(URL)

    assert response.json()["count"] == 3


def test_an_auditor_reads_only_their_province(api_for, auditor_a, tofu_a1, rice_b1):
    client = api_for(auditor_a)

    assert names(client.get(URL)) == ["Cơ sở Tàu hủ ky Đắk Hòa"]
    assert client.get(f"{URL}{rice_b1.pk}/").status_code == 404


def test_a_user_without_role_sees_nothing(api_for, tofu_a1):
    nobody = UserFactory(username="nobody", role="")

    assert api_for(nobody).get(URL).json()["count"] == 0
    assert api_for(nobody).get(f"{URL}{tofu_a1.pk}/").status_code == 404


def test_an_officer_without_province_cannot_write(api_for, commune_a1):
    lost = UserFactory(username="lost", role=Role.PROVINCIAL_OFFICER, province=None)

    response = api_for(lost).post(
        URL, {"name": "Y", "kind": "household", "commune": "24100", "sector": "a"}, format="json"
    )

    assert response.status_code == 403


def test_sectors_are_listed(api_for, officer_a):
    response = api_for(officer_a).get("/api/v1/sectors/")

    assert response.status_code == 200
    assert "a" in {s["code"] for s in response.json()}


def test_an_admin_registers_anywhere_and_the_province_follows_the_commune(api_for, admin):
    # An administrator may write anywhere; the province still follows the commune.
    commune = CommuneFactory()

    response = api_for(admin).post(
        URL, {"name": "Z", "kind": "household", "commune": commune.code, "sector": "a"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json()["province"] == commune.province_id


def test_a_likely_duplicate_is_refused_unless_confirmed(officer_a, commune_a1):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(officer_a)
    body = {
        "name": "Cơ sở Gốm Minh Phát",
        "kind": "household",
        "commune": commune_a1.pk,
        "sector": "dd",
    }
    assert client.post("/api/v1/establishments/", body, format="json").status_code == 201
    again = client.post(
        "/api/v1/establishments/", {**body, "name": "co so gom minh phat"}, format="json"
    )
    assert again.status_code == 400
    assert "name" in again.json()
    confirmed = client.post(
        "/api/v1/establishments/", {**body, "allow_duplicate": True}, format="json"
    )
    assert confirmed.status_code == 201
    assert "allow_duplicate" not in confirmed.json()
    patched = client.patch(
        f"/api/v1/establishments/{confirmed.json()['id']}/",
        {"allow_duplicate": True, "phone": "0900", "version": 1},
        format="json",
    )
    assert patched.status_code == 200


def test_a_duplicate_elsewhere_is_not_named(officer_a, officer_b, commune_a1, commune_b1):
    from rest_framework.test import APIClient

    from khuyencong.registry.factories import EstablishmentFactory

    EstablishmentFactory(name="Cơ sở Bí Mật", commune=commune_b1, tax_code="0100109106")
    client = APIClient()
    client.force_authenticate(officer_a)
    body = {
        "name": "Khác",
        "kind": "household",
        "commune": commune_a1.pk,
        "sector": "a",
        "tax_code": "0100109106",
    }
    response = client.post("/api/v1/establishments/", body, format="json")
    assert response.status_code == 400
    assert "Bí Mật" not in str(response.json())
