"""``/api/v1/establishments/{id}/figures/`` and ``/api/v1/yearly-figures/`` (API.md, Registry)."""

from __future__ import annotations

import pytest

from khuyencong.registry import services
from khuyencong.registry.models import Establishment, Sector, YearlyFigure

pytestmark = pytest.mark.django_db


def register(actor, commune, name):
    return services.create_establishment(
        actor=actor,
        data={
            "name": name,
            "kind": Establishment.Kind.HOUSEHOLD,
            "commune": commune,
            "sector": Sector.objects.get(code="a"),
        },
    )


@pytest.fixture
def in_a(admin, commune_a1):
    return register(admin, commune_a1, "Cơ sở mộc Ea Kar")


@pytest.fixture
def in_b(admin, commune_b1):
    return register(admin, commune_b1, "Cơ sở bánh tráng Củ Chi")


def url(establishment, year=None):
    base = f"/api/v1/establishments/{establishment.pk}/figures/"
    return f"{base}{year}/" if year else base


def test_a_post_records_a_year_and_a_second_post_replaces_it(api_for, officer_a, in_a):
    client = api_for(officer_a)
    first = client.post(
        url(in_a), {"year": 2023, "workers": 10, "revenue": 900_000_000}, format="json"
    )
    assert first.status_code == 201, first.json()
    assert first.json() | {"updated_at": None} == {
        "establishment": in_a.pk,
        "year": 2023,
        "workers": 10,
        "revenue": 900_000_000,
        "output_value": None,
        "capital": None,
        "source": "declared",
        "version": 1,
        "updated_at": None,
    }
    second = client.post(
        url(in_a), {"year": 2023, "workers": 12, "source": "survey", "version": 1}, format="json"
    )
    assert second.status_code == 200
    assert (second.json()["workers"], second.json()["version"]) == (12, 2)
    listed = client.get(url(in_a)).json()
    assert [(f["year"], f["workers"], f["source"]) for f in listed] == [(2023, 12, "survey")]
    detail = client.get(url(in_a, 2023)).json()
    assert [(h["version"], h["source"], h["workers"]) for h in detail["history"]] == [
        (2, "survey", 12),
        (1, "declared", 10),
    ]


def test_a_stale_version_is_a_409_and_nothing_changes(api_for, officer_a, manager_a, in_a):
    api_for(officer_a).post(url(in_a), {"year": 2023, "workers": 10}, format="json")
    api_for(manager_a).patch(url(in_a, 2023), {"workers": 11, "version": 1}, format="json")
    stale = api_for(officer_a).patch(url(in_a, 2023), {"workers": 99, "version": 1}, format="json")
    assert stale.status_code == 409
    assert "detail" in stale.json()
    assert in_a.yearly_figures.get().workers == 11


def test_a_patch_changes_only_what_it_sends(api_for, officer_a, in_a):
    client = api_for(officer_a)
    client.post(url(in_a), {"year": 2023, "workers": 10, "revenue": 5}, format="json")
    response = client.patch(
        url(in_a, 2023), {"capital": 7, "source": "inspection", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("workers", "revenue", "capital", "source")} == {
        "workers": 10,
        "revenue": 5,
        "capital": 7,
        "source": "inspection",
    }
    assert (
        client.patch(url(in_a, 2023), {"year": 2022, "version": 2}, format="json").status_code
        == 400
    )
    assert client.delete(url(in_a, 2023)).status_code == 204
    assert client.get(url(in_a, 2023)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": "x", "workers": 1}, "year"),
        ({"year": 1980, "workers": 1}, "year"),
        ({"year": 2099, "workers": 1}, "year"),
        ({"year": 2023, "workers": -3}, "workers"),
        ({"year": 2023, "revenue": 10**20}, "revenue"),
        ({"year": 2023, "source": "rumour", "workers": 1}, "source"),
        ({"year": 2023}, "workers"),
        ({"year": 2023, "workers": 1, "version": 10**12}, "version"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_for, officer_a, in_a, body, field):
    response = api_for(officer_a).post(url(in_a), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not YearlyFigure.objects.exists()


def test_another_province_gets_404_and_read_only_roles_cannot_write(
    api_for, officer_b, auditor_a, in_a
):
    assert api_for(auditor_a).get(url(in_a)).status_code == 200
    assert api_for(officer_b).get(url(in_a)).status_code == 404
    assert api_for(officer_b).post(url(in_a), {"year": 2023, "workers": 1}).status_code == 404
    assert api_for(auditor_a).post(url(in_a), {"year": 2023, "workers": 1}).status_code in (
        403,
        404,
    )
    assert not YearlyFigure.objects.exists()


def test_the_figure_list_is_scoped_and_filtered(api_for, admin, officer_a, in_a, in_b):
    for establishment, year, source in (
        (in_a, 2022, "survey"),
        (in_a, 2023, "declared"),
        (in_b, 2023, "declared"),
    ):
        services.record_yearly_figure(
            actor=admin,
            establishment=establishment,
            data={"year": year, "workers": 5},
            source=source,
        )
    mine = api_for(officer_a).get("/api/v1/yearly-figures/").json()["results"]
    assert {(f["establishment"], f["year"]) for f in mine} == {(in_a.pk, 2022), (in_a.pk, 2023)}
    everyone = api_for(admin).get("/api/v1/yearly-figures/?year=2023&province=79").json()
    assert [(f["establishment"], f["year"]) for f in everyone["results"]] == [(in_b.pk, 2023)]
    surveys = api_for(admin).get("/api/v1/yearly-figures/?source=survey").json()["results"]
    assert [f["year"] for f in surveys] == [2022]
