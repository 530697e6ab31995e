import pytest

from khuyencong.core.text import normalise
from khuyencong.places.factories import CommuneFactory, ProvinceFactory, RegionFactory
from khuyencong.places.models import LegacyProvince, Region


@pytest.fixture
def legacy_daklak(province_a):
    return LegacyProvince.objects.create(
        code="66",
        name="Tỉnh Đắk Lắk",
        short_name="Đắk Lắk",
        key="tinhdaklak",
        search_name=normalise("Tỉnh Đắk Lắk"),
        successor=province_a,
    )


def test_provinces_are_a_plain_list_of_codes_and_names(api_for, officer_a, province_b):
    response = api_for(officer_a).get("/api/v1/provinces/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "66", "name": "Tỉnh Đắk Lắk", "short_name": "Đắk Lắk", "kind": "tinh"},
        {
            "code": "79",
            "name": "Thành phố Hồ Chí Minh",
            "short_name": "Hồ Chí Minh",
            "kind": "tinh",
        },
    ]


def test_a_province_is_read_by_its_code(api_for, officer_a):
    client = api_for(officer_a)

    assert client.get("/api/v1/provinces/66/").json()["short_name"] == "Đắk Lắk"
    assert client.get("/api/v1/provinces/00/").status_code == 404


def test_province_search_ignores_diacritics(api_for, officer_a, province_b):
    response = api_for(officer_a).get("/api/v1/provinces/", {"q": "dak lak"})

    assert [p["code"] for p in response.json()] == ["66"]


def test_legacy_provinces_name_their_successor(api_for, officer_a, legacy_daklak):
    response = api_for(officer_a).get("/api/v1/legacy-provinces/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "66", "name": "Tỉnh Đắk Lắk", "short_name": "Đắk Lắk", "successor": "66"}
    ]


def test_communes_of_a_province_are_a_plain_list(
    api_for, officer_a, commune_a1, commune_a2, commune_b1
):
    response = api_for(officer_a).get("/api/v1/communes/", {"province": "66"})

    assert response.status_code == 200
    assert {c["code"] for c in response.json()} == {"24100", "24200"}
    assert response.json()[0].keys() >= {"code", "name", "kind", "province"}
    assert {c["province"] for c in response.json()} == {"66"}


def test_all_communes_are_paginated(api_for, officer_a, commune_a1, commune_b1):
    response = api_for(officer_a).get("/api/v1/communes/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert {c["code"] for c in response.json()["results"]} == {"24100", "26700"}


def test_commune_search_ignores_diacritics(api_for, officer_a, commune_a1, commune_a2):
    response = api_for(officer_a).get("/api/v1/communes/", {"province": "66", "q": "buon ma"})

    assert [c["code"] for c in response.json()] == ["24200"]


def test_an_unknown_province_filter_is_400(api_for, officer_a, commune_a1):
    response = api_for(officer_a).get("/api/v1/communes/", {"province": "00"})

    assert response.status_code == 400
    assert "province" in response.json()


def test_places_need_authentication(api_for, province_a):
    assert api_for().get("/api/v1/provinces/").status_code == 401


def test_commune_list_queries_do_not_grow(api_for, officer_a, django_assert_max_num_queries):
    for _ in range(30):
        CommuneFactory(province=ProvinceFactory(code="20"))
    client = api_for(officer_a)

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/communes/", {"province": "20"})

    assert len(response.json()) == 30


# Regions


def test_an_admin_creates_reads_updates_and_deletes_a_region(
    api_for, admin, province_a, province_b
):
    client = api_for(admin)

    created = client.post(
        "/api/v1/regions/",
        {"code": "NAM", "name": "Khu vực phía Nam", "provinces": ["79", "66"]},
        format="json",
    )
    listed = client.get("/api/v1/regions/")
    replaced = client.put(
        "/api/v1/regions/NAM/",
        {"code": "NAM", "name": "Khu vực Nam Bộ", "provinces": ["79"]},
        format="json",
    )
    patched = client.patch("/api/v1/regions/NAM/", {"legal_basis": "QĐ 1/2026"}, format="json")
    deleted = client.delete("/api/v1/regions/NAM/")

    assert created.status_code == 201, created.json()
    assert sorted(created.json()["provinces"]) == ["66", "79"]
    assert [r["code"] for r in listed.json()] == ["NAM"]
    assert replaced.status_code == 200
    assert replaced.json()["provinces"] == ["79"]
    assert patched.json()["legal_basis"] == "QĐ 1/2026"
    assert deleted.status_code == 204
    assert not Region.objects.exists()


def test_a_region_change_is_kept_in_its_history(api_for, admin, province_a):
    region = RegionFactory(code="TAYNGUYEN")

    api_for(admin).patch(f"/api/v1/regions/{region.code}/", {"provinces": ["66"]}, format="json")

    assert region.history.first().history_user == admin


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "NAM", "name": "X", "provinces": ["00"]}, "provinces"),
        ({"code": "NAM", "name": "X", "provinces": "66"}, "provinces"),
        ({"code": "không hợp lệ", "name": "X", "provinces": []}, "code"),
        ({"code": "EXISTING", "name": "X", "provinces": []}, "code"),
        ({"code": "NAM", "provinces": []}, "name"),
    ],
)
def test_bad_region_input_is_400(api_for, admin, province_a, body, field):
    RegionFactory(code="EXISTING")

    response = api_for(admin).post("/api/v1/regions/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_the_code_of_a_region_cannot_change(api_for, admin):
    RegionFactory(code="BAC")

    response = api_for(admin).put(
        "/api/v1/regions/BAC/", {"code": "NAM", "name": "X", "provinces": []}, format="json"
    )

    assert response.status_code == 400
    assert Region.objects.filter(code="BAC").exists()


@pytest.mark.parametrize("persona", ["officer_a", "manager_a", "national", "auditor_a"])
def test_others_read_regions_but_get_403_on_writes(api_for, request, persona, province_a):
    region = RegionFactory(code="BAC", name="Miền Bắc")
    client = api_for(request.getfixturevalue(persona))
    url = f"/api/v1/regions/{region.code}/"

    assert client.get("/api/v1/regions/").status_code == 200
    assert client.get(url).json()["name"] == "Miền Bắc"
    assert (
        client.post("/api/v1/regions/", {"code": "X", "name": "X", "provinces": []}, format="json")
    ).status_code == 403
    assert (
        client.put(url, {"code": "BAC", "name": "Y", "provinces": []}, format="json").status_code
        == 403
    )
    assert client.patch(url, {"name": "Y"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    region.refresh_from_db()
    assert region.name == "Miền Bắc"
    assert not Region.objects.filter(code="X").exists()


def test_region_list_queries_do_not_grow(api_for, officer_a, django_assert_max_num_queries):
    client = api_for(officer_a)
    RegionFactory(code="R0").provinces.set([ProvinceFactory(code="10")])
    with django_assert_max_num_queries(20) as few:
        client.get("/api/v1/regions/")
    for n in range(1, 10):
        RegionFactory(code=f"R{n}").provinces.set([ProvinceFactory(code=f"{10 + n}")])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/regions/")

    assert len(response.json()) == 10
