"""The establishment list's count and the keys of its pages are kept under the data versions
(core.dataversions): the same list asked again is neither counted nor searched again, and any
write to an establishment, by whatever path, is shown at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.core import dataversions
from khuyencong.registry import services
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment, Sector

pytestmark = pytest.mark.django_db
LIST = reverse("registry:establishment-list")


def shown_count(response) -> int:
    found = re.search(rb'data-testid="result-count">([\d.]+)', response.content)
    assert found, response.content[:2000]
    return int(found.group(1).replace(b".", b""))


def counts(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200
    return shown_count(response), [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]


def names(client, query):
    """The names listed, and the queries that searched: a LIKE on the search name, but for
    reading the rows of a kept page by key (which keeps the filter, and uses the primary key)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200
    shown = re.findall(
        r'data-testid="establishment-row">\s*<td[^>]*><a[^>]*>([^<]+)<', response.content.decode()
    )
    searched = [
        q["sql"]
        for q in captured
        if "LIKE" in q["sql"].upper() and '"registry_establishment"."id" IN (' not in q["sql"]
    ]
    return shown, searched


@pytest.fixture
def many(commune_a1, commune_b1):
    EstablishmentFactory.create_batch(3, commune=commune_a1, name="Cơ sở Gốm sứ Thành Đạt")
    EstablishmentFactory.create_batch(2, commune=commune_b1, name="Cơ sở Gốm sứ Bát Tràng")
    EstablishmentFactory(commune=commune_b1, name="Cơ sở Mây tre")


def test_the_same_search_is_counted_once(client_for, national, many):
    client = client_for(national)
    assert counts(client, {"q": "gom su"})[0] == 5
    shown, count_queries = counts(client, {"q": "gom su"})
    assert shown == 5
    assert count_queries == []
    # Another search, or the whole list, is counted for itself.
    assert counts(client, {"q": "thanh dat"})[0] == 3
    assert counts(client, {})[0] == 6


def test_a_write_anywhere_is_counted_at_once(client_for, national, officer_b, many, commune_b1):
    client = client_for(national)
    assert counts(client, {"q": "gom su"})[0] == 5
    created = services.create_establishment(
        actor=officer_b,
        data={
            "name": "Cơ sở Gốm sứ Minh Long",
            "kind": "household",
            "commune": commune_b1,
            "sector": Sector.objects.get(code="a"),
        },
    )
    assert counts(client, {"q": "gom su"})[0] == 6
    # A rename that leaves the search, through save() …
    created.name = "Cơ sở Dệt"
    created.search_name = "co so det"
    created.save()
    assert counts(client, {"q": "gom su"})[0] == 5
    # … and rows written without signals, by the bulk paths that tell the versions.
    rows = Establishment.objects.filter(search_name__contains="bat trang")
    dataversions.changed_rows(rows)
    rows.update(search_name="co so det")
    assert counts(client, {"q": "gom su"})[0] == 3
    Establishment.objects.filter(search_name__contains="thanh dat").first().delete()
    assert counts(client, {"q": "gom su"})[0] == 2


def test_each_user_counts_their_own_rows(client_for, national, officer_a, many):
    assert counts(client_for(national), {"q": "gom su"})[0] == 5
    assert counts(client_for(officer_a), {"q": "gom su"})[0] == 3
    assert counts(client_for(national), {"q": "gom su"})[0] == 5


def test_a_province_list_is_kept_too(client_for, officer_a, many):
    client = client_for(officer_a)
    assert counts(client, {})[0] == 3
    assert counts(client, {}) == (3, [])
    assert names(client, {"q": "gom su"})[1]
    assert names(client, {"q": "gom su"})[1] == []


def test_a_query_reading_an_unwatched_table_is_always_counted(client_for, collaborator_a1, many):
    client = client_for(collaborator_a1)  # scoped through a subquery of the user's communes
    first = counts(client, {"q": "gom su"})
    again = counts(client, {"q": "gom su"})
    assert first[0] == again[0] == 3
    assert len(again[1]) == 1


def test_the_second_request_has_one_query_less(client_for, national, many):
    client = client_for(national)
    with CaptureQueriesContext(connection) as first:
        client.get(LIST, {"q": "gom su"})
    with CaptureQueriesContext(connection) as second:
        client.get(LIST, {"q": "gom su"})
    assert len(second) == len(first) - 1


def test_the_same_page_is_not_searched_again_and_shows_each_change(
    client_for, national, officer_b, many
):
    client = client_for(national)
    first, searched = names(client, {"q": "gom su"})
    assert len(first) == 5 and searched
    again, searched = names(client, {"q": "gom su"})
    assert again == first
    assert searched == []  # the rows read again by key
    # An edit of a row shown is shown at once (the row is read again, the key kept or not) …
    row = Establishment.objects.filter(name="Cơ sở Gốm sứ Bát Tràng").first()
    row.name = "Cơ sở Gốm sứ Bát Tràng Mới"
    row.save()
    assert "Cơ sở Gốm sứ Bát Tràng Mới" in names(client, {"q": "gom su"})[0]
    # … and one that leaves the search is gone from the page.
    row.search_name = "co so det"
    row.save()
    assert len(names(client, {"q": "gom su"})[0]) == 4


def test_the_pages_of_a_list_are_kept_apart(client_for, national, commune_a1):
    EstablishmentFactory.create_batch(30, commune=commune_a1, name="Cơ sở Gốm")
    client = client_for(national)
    one = names(client, {"q": "gom"})[0]
    two = names(client, {"q": "gom", "page": "2"})[0]
    assert len(one) == 25 and len(two) == 5
    assert names(client, {"q": "gom", "page": "2"}) == (two, [])
    assert names(client, {"q": "gom"}) == (one, [])
