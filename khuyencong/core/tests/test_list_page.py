"""core.pages.list_page: the rows given, filtered from the query string (an invalid filter
lists nothing), in the order asked, one page at a time."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from khuyencong.core.pages import list_page
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.filters import EstablishmentFilter
from khuyencong.registry.models import Establishment

pytestmark = pytest.mark.django_db
TEMPLATE = "registry/establishment_list.html"


def _context(query, officer, **options):
    """The context list_page renders its template with."""
    request = RequestFactory().get("/", query)
    request.user = officer
    with mock.patch("khuyencong.core.pages.render", return_value=HttpResponse()) as render:
        list_page(request, Establishment.objects.all(), EstablishmentFilter, TEMPLATE, **options)
    assert render.call_args.args[1] == TEMPLATE
    return render.call_args.args[2]


def test_it_filters_orders_and_paginates(officer_a, commune_a1):
    for name in ("Cơ sở C", "Cơ sở A", "Cơ sở B"):
        EstablishmentFactory(name=name, commune=commune_a1)
    EstablishmentFactory(name="Khác", commune=commune_a1)
    context = _context({"q": "co so", "page": "2"}, officer_a, order=("-name",), page_size=2)
    assert [e.name for e in context["page"].object_list] == ["Cơ sở A"]
    assert context["page"].paginator.count == 3
    assert context["filter"].is_bound


def test_an_invalid_filter_lists_nothing(officer_a, commune_a1):
    EstablishmentFactory(commune=commune_a1)
    context = _context({"kind": "no-such-kind"}, officer_a, context={"extra": 1})
    assert context["page"].paginator.count == 0
    assert context["extra"] == 1


def test_a_default_applies_only_when_the_query_does_not_name_the_filter(officer_a, commune_a1):
    EstablishmentFactory(commune=commune_a1, status=Establishment.Status.ACTIVE)
    EstablishmentFactory(commune=commune_a1, status=Establishment.Status.CEASED)
    ceased = {"status": Establishment.Status.CEASED}
    context = _context({"page": "1"}, officer_a, default=ceased)
    assert [e.status for e in context["page"].object_list] == ["ceased"]
    assert context["filter"].is_bound
    assert _context({}, officer_a, default=ceased)["page"].paginator.count == 1
    # Named in the query, even empty, the filter is the user's: here no filter at all.
    assert _context({"status": ""}, officer_a, default=ceased)["page"].paginator.count == 2


def test_an_invalid_filter_may_list_every_row(officer_a, commune_a1):
    EstablishmentFactory(commune=commune_a1, name="B")
    EstablishmentFactory(commune=commune_a1, name="A")
    context = _context({"kind": "no-such-kind"}, officer_a, invalid_lists_all=True, order=("name",))
    assert [e.name for e in context["page"].object_list] == ["A", "B"]
    assert context["filter"].errors


def test_extra_context_is_computed_from_the_filter_and_the_page(officer_a, commune_a1):
    for name in ("A", "B", "C"):
        EstablishmentFactory(commune=commune_a1, name=name)
    seen = []

    def extra(filterset, page):
        seen.append(filterset)
        return {"shown": [e.name for e in page], "listed": page.paginator.object_list.count()}

    context = _context({"page": "2"}, officer_a, order=("name",), page_size=2, extra=extra)
    assert context["shown"] == ["C"]
    assert context["listed"] == 3
    assert seen == [context["filter"]]
