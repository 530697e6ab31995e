"""The award round list through ``core.pages.list_page`` (its filters, one page of 25
rounds, as many queries for a page as for a few) and the award history a page of 50 at a
time (``core.pages.page_of``)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyencong.awards.factories import AwardEntryFactory
from khuyencong.awards.models import AwardRound

LIST = reverse("awards:round-list")


def queries(client, target, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target, params).status_code == 200
    return len(captured)


def _rounds(province, n, start=2000):
    return [
        AwardRound.objects.create(
            level="province", year=start + i, province=province, title=f"Vòng {i}", council_size=7
        )
        for i in range(n)
    ]


def test_the_round_list_shows_25_a_page_newest_first(client_for, national, province_a):
    _rounds(province_a, 27)
    client = client_for(national)
    first = client.get(LIST)
    assert first.context["page"].paginator.count == 27
    years = [r.year for r in first.context["page"]]
    assert len(years) == 25 and years[:2] == [2026, 2025]
    second = client.get(LIST, {"level": "province", "page": 2})
    assert [r.year for r in second.context["page"]] == [2001, 2000]


def test_an_unknown_round_filter_lists_nothing(client_for, national, province_a):
    _rounds(province_a, 2)
    client = client_for(national)
    for params in (
        {"level": "lost"},
        {"status": "lost"},
        {"year": "1999"},
        {"year": "abc"},
        {"province": "00"},
    ):
        response = client.get(LIST, params)
        assert response.context["page"].paginator.count == 0, params
        assert response.context["form"].errors, params


def test_the_round_filters_offered(client_for, national, officer_a, province_a, province_b):
    form = client_for(national).get(LIST).context["form"]
    assert list(form.fields) == ["level", "year", "province", "status"]
    assert next(iter(form.fields["level"].choices)) == ("", _("All levels"))
    assert next(iter(form.fields["status"].choices)) == ("", _("All statuses"))
    # Provinces by their name, chosen by their code.
    assert list(form.fields["province"].choices)[1:] == [
        ("66", "Tỉnh Đắk Lắk"),
        ("79", "Thành phố Hồ Chí Minh"),
    ]
    assert next(iter(form.fields["province"].choices))[1] == _("All provinces")
    # A province's staff see their own rounds and the region and national ones.
    assert list(client_for(officer_a).get(LIST).context["form"].fields) == [
        "level",
        "year",
        "status",
    ]


def test_a_province_named_to_a_provincial_officer_is_ignored(
    client_for, officer_a, province_a, province_b
):
    _rounds(province_a, 2)
    response = client_for(officer_a).get(LIST, {"province": "79"})
    assert response.context["page"].paginator.count == 2


def test_the_round_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, national, province_a
):
    client = client_for(national)
    for round in _rounds(province_a, 2):
        AwardEntryFactory(round=round)
    few = queries(client, LIST)
    for round in _rounds(province_a, 28, start=2010):
        AwardEntryFactory(round=round)
    assert queries(client, LIST) == few
    assert queries(client, LIST, {"level": "province", "page": 2}) == few


def test_the_award_history_shows_50_a_page(client_for, officer_a, province_a, est_a):
    for round in _rounds(province_a, 51):
        AwardEntryFactory(round=round, establishment=est_a)
    client = client_for(officer_a)
    target = reverse("awards:establishment-history", args=[est_a.pk])
    first = client.get(target)
    assert len(first.context["page"].object_list) == 50
    assert [e.round.year for e in client.get(target, {"page": 2}).context["page"]] == [2000]
    assert client.get(target, {"page": "x"}).context["page"].number == 1
