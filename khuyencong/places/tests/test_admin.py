"""The admin: loaded units are read-only, regions are edited there."""

import pytest

from khuyencong.places.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_loaded_units_are_read_only_in_the_admin(admin, client_for, commune_a1):
    client = client_for(admin)
    assert client.get("/admin/places/commune/").status_code == 200
    assert client.get("/admin/places/commune/add/").status_code == 403
    page = client.get(f"/admin/places/commune/{commune_a1.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/places/commune/{commune_a1.pk}/delete/").status_code == 403


def test_regions_are_edited_in_the_admin(admin, client_for, province_a, province_b):
    region = RegionFactory(code="NAM", name="Khu vực phía Nam")
    region.provinces.set([province_b])
    client = client_for(admin)
    response = client.post(
        f"/admin/places/region/{region.pk}/change/",
        {"code": "NAM", "name": "Khu vực phía Nam", "provinces": [province_a.pk, province_b.pk]},
    )
    assert response.status_code == 302, response.content[:500]
    assert set(region.provinces.values_list("code", flat=True)) == {"66", "79"}
    assert region.history.count() >= 1


def test_an_old_commune_shows_its_successors(admin, client_for, province_a, commune_a1):
    from khuyencong.places.factories import legacy_ea_kar

    old = legacy_ea_kar(province_a, commune_a1)
    page = client_for(admin).get(f"/admin/places/legacycommune/{old.pk}/change/")
    assert page.status_code == 200
    assert str(commune_a1) in page.content.decode()
