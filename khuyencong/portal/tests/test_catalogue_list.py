"""The public catalogue's list through ``core.pages.list_page``: 24 certificates a page,
the filters offered (with their "all" choices), an unknown value listing nothing, and as
many queries for a page of certificates as for a few."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from khuyencong.awards import services
from khuyencong.awards.factories import score_and_close
from khuyencong.awards.tests.conftest import round_data
from khuyencong.registry.factories import EstablishmentFactory

LIST = "/public/products/"


def _certify(officer, province, commune, n, year=2025, score=80):
    """``n`` products certified by a round of ``year`` (valid for years after it closes)."""
    round = services.create_round(
        actor=officer, data=round_data(province=province, year=year, title=f"Vòng {year}")
    )
    totals = {}
    for index in range(n):
        entry = services.create_entry(
            actor=officer,
            round=round,
            data={
                "establishment": EstablishmentFactory(commune=commune),
                "product_name": f"Sản phẩm {year} số {index:02d}",
                "group": "food",
            },
        )
        totals[entry] = [score] * 7
    score_and_close(officer, round, totals, closing_date=datetime.date(year, 10, 1))


def queries(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params).status_code == 200
    return len(captured)


def test_the_catalogue_shows_24_a_page(client, officer_a, province_a, commune_a1):
    _certify(officer_a, province_a, commune_a1, 25)
    first = client.get(LIST)
    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"].object_list) == 24
    # Same certificate day and year: by product name.
    second = client.get(LIST, {"level": "province", "page": 2})
    assert [e.product_name for e in second.context["page"]] == ["Sản phẩm 2025 số 24"]


def test_the_catalogue_filters_offered(client, province_a, province_b):
    form = client.get(LIST).context["form"]
    assert list(form.fields) == ["q", "level", "group", "province", "year", "expired"]
    assert next(iter(form.fields["level"].choices)) == ("", _("All levels"))
    assert next(iter(form.fields["group"].choices)) == ("", _("All groups"))
    provinces = list(form.fields["province"].choices)
    assert provinces[0] == ("", _("All provinces"))
    # By name, in the order of their names, chosen by their code.
    assert [(str(v), label) for v, label in provinces[1:]] == [
        ("79", "Thành phố Hồ Chí Minh"),
        ("66", "Tỉnh Đắk Lắk"),
    ]
    assert form.fields["q"].widget.input_type == "search"
    assert form.fields["expired"].widget.input_type == "checkbox"


def test_an_unknown_catalogue_filter_lists_nothing(client, officer_a, province_a, commune_a1):
    _certify(officer_a, province_a, commune_a1, 2)
    for params in (
        {"level": "lost"},
        {"group": "lost"},
        {"province": "00"},
        {"year": "1999"},
        {"q": "x" * 101},
    ):
        response = client.get(LIST, params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0, params
        assert response.context["form"].errors, params


def test_only_valid_certificates_unless_asked_whatever_else_is_asked(
    client, officer_a, province_a, commune_a1
):
    _certify(officer_a, province_a, commune_a1, 1, year=2015)  # long expired
    _certify(officer_a, province_a, commune_a1, 1)
    assert client.get(LIST).context["page"].paginator.count == 1
    assert client.get(LIST, {"page": "1"}).context["page"].paginator.count == 1
    assert client.get(LIST, {"q": "san pham"}).context["page"].paginator.count == 1
    assert client.get(LIST, {"expired": "on"}).context["page"].paginator.count == 2


def test_the_catalogue_reads_as_many_queries_for_a_page_as_for_a_few(
    client, officer_a, province_a, commune_a1
):
    _certify(officer_a, province_a, commune_a1, 2, year=2024)
    few = queries(client)
    _certify(officer_a, province_a, commune_a1, 30)
    assert queries(client) == few
    assert queries(client, {"group": "food", "page": 2}) == few
