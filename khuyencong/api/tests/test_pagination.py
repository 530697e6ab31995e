"""Pages of the API's lists: ``page`` and ``page_size`` bounded, a 400 naming the parameter
for anything else (docs/security.md, No 5xx)."""

from __future__ import annotations

import pytest

from khuyencong.api.pagination import PAGE_MAX, PAGE_SIZE_MAX
from khuyencong.registry.factories import EstablishmentFactory

URL = "/api/v1/establishments/"


@pytest.fixture
def five(commune_a1):
    return [EstablishmentFactory(commune=commune_a1) for _ in range(5)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=1e3", "page"),
        (f"page={PAGE_MAX + 1}", "page"),
        ("page=" + "9" * 40, "page"),
        ("page_size=0", "page_size"),
        ("page_size=-5", "page_size"),
        ("page_size=x", "page_size"),
        (f"page_size={PAGE_SIZE_MAX + 1}", "page_size"),
        ("page_size=" + "9" * 40, "page_size"),
    ],
)
def test_a_page_or_size_out_of_bounds_is_400_naming_it(api_for, officer_a, query, name):
    response = api_for(officer_a).get(f"{URL}?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [name]
    assert "Nhập số nguyên từ 1 đến" in response.json()[name][0]


def test_the_message_speaks_english_when_asked(api_for, officer_a):
    response = api_for(officer_a, language="en").get(f"{URL}?page_size=0")
    assert response.json() == {"page_size": [f"Give a whole number from 1 to {PAGE_SIZE_MAX}."]}


def test_a_page_size_within_bounds_pages_the_list(api_for, officer_a, five):
    client = api_for(officer_a)
    first = client.get(f"{URL}?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert "page_size=2" in first["next"]
    last = client.get(f"{URL}?page_size=2&page=last").json()
    assert len(last["results"]) == 1
    assert client.get(f"{URL}?page_size=2&page=3").status_code == 200
    # A page past the last one: 404, as the schema says.
    assert client.get(f"{URL}?page_size=2&page=4").status_code == 404
    whole = client.get(URL).json()
    assert len(whole["results"]) == 5, whole  # the default size is 50


def test_the_schema_gives_the_bounds(api_for, officer_a):
    schema = api_for(officer_a).get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page"]["schema"]["maximum"] == PAGE_MAX
    assert parameters["page_size"]["schema"]["maximum"] == PAGE_SIZE_MAX


def _counted(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    counting = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    return response.json(), counting


def test_a_list_asked_again_is_not_counted_again_and_shows_each_write(api_for, officer_a, five):
    """The count and the keys of a page are kept under the data versions
    (core.pages.VersionedPaginator): the same list asked again is not counted again, and a write
    by any path is shown at once."""
    client = api_for(officer_a)
    first, counting = _counted(client, f"{URL}?page_size=2")
    assert first["count"] == 5 and counting
    again, counting = _counted(client, f"{URL}?page_size=2")
    assert again == first and counting == []
    renamed = five[0]
    renamed.name = "Cơ sở đổi tên"
    renamed.save()
    EstablishmentFactory(commune=five[1].commune)
    after, counting = _counted(client, f"{URL}?page_size=500")
    assert after["count"] == 6
    assert "Cơ sở đổi tên" in {row["name"] for row in after["results"]}
    # The count made after the writes serves every page size.
    smaller, counting = _counted(client, f"{URL}?page_size=2")
    assert smaller["count"] == 6 and counting == []
