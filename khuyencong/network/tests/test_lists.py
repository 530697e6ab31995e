"""The network's staff lists (quarterly reports, difficulties) through ``core.pages.list_page``:
their filters from the query string, one page of 25 rows, and as many queries for a page
of rows as for a few."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.network import services
from khuyencong.network.factories import (
    CollaboratorFactory,
    advance_report,
    file_report,
    last_finished_quarter,
)
from khuyencong.network.models import QuarterlyReport
from khuyencong.places.factories import CommuneFactory

S = QuarterlyReport.Status


def url(name):
    return reverse(f"network:{name}")


def queries(client, target):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured)


def _difficulties(officer, n, topic="capital"):
    for index in range(n):
        services.record_difficulty(actor=officer, province="66", topic=topic, text=f"Khó {index}")


def _reports(province, officer, n, start):
    for index in range(n):
        commune = CommuneFactory(province=province, code=f"{start + index:05d}")
        collaborator = CollaboratorFactory(province=province, communes=[commune])
        report = file_report(actor=officer, collaborator=collaborator)
        advance_report(report, S.SUBMITTED, filer=officer, reviewer=officer)


# --- difficulties --------------------------------------------------------------------------


def test_the_difficulty_list_shows_25_a_page_and_counts_every_one_listed(
    client_for, officer_a, province_a
):
    _difficulties(officer_a, 26)
    _difficulties(officer_a, 3, topic="labour")
    client = client_for(officer_a)
    first = client.get(url("difficulty-list"))
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 29
    # Newest first; the counts are of every difficulty listed, not of the page shown.
    assert [d.text for d in first.context["page"].object_list][:2] == ["Khó 2", "Khó 1"]
    assert first.context["rollup"].total == 29
    second = client.get(url("difficulty-list") + "?topic=capital&page=2")
    assert [d.text for d in second.context["page"].object_list] == ["Khó 0"]
    assert second.context["rollup"].total == 26


def test_an_unknown_difficulty_filter_lists_nothing_and_says_why(client_for, officer_a):
    _difficulties(officer_a, 2)
    response = client_for(officer_a).get(url("difficulty-list") + "?status=lost")
    assert response.context["page"].paginator.count == 0
    assert response.context["rollup"].total == 0
    assert "status" in response.context["form"].errors


def test_the_difficulty_filters_offered(client_for, officer_a, national, commune_a1, commune_a2):
    form = client_for(officer_a).get(url("difficulty-list")).context["form"]
    # A province's officer: no province to pick; the communes of the province, by name.
    assert list(form.fields) == ["status", "topic", "commune"]
    assert next(iter(form.fields["status"].choices)) == ("", "—")
    assert next(iter(form.fields["topic"].choices)) == ("", "—")
    assert [label for _value, label in form.fields["commune"].choices][1:] == [
        "Phường Buôn Ma Thuột",
        "Xã Ea Kar",
    ]
    national_form = client_for(national).get(url("difficulty-list")).context["form"]
    # Nationally: communes once a province is chosen.
    assert list(national_form.fields) == ["status", "topic", "province"]
    chosen = client_for(national).get(url("difficulty-list") + "?province=66").context["form"]
    assert list(chosen.fields) == ["status", "topic", "commune", "province"]


def test_a_province_named_to_a_provincial_officer_is_ignored(client_for, officer_a, province_b):
    _difficulties(officer_a, 2)
    response = client_for(officer_a).get(url("difficulty-list") + "?province=79")
    assert response.context["page"].paginator.count == 2


def test_the_difficulty_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, officer_a, commune_a1
):
    client = client_for(officer_a)
    _difficulties(officer_a, 2)
    few = queries(client, url("difficulty-list"))
    _difficulties(officer_a, 30)
    assert queries(client, url("difficulty-list")) == few
    assert queries(client, url("difficulty-list") + "?page=2&topic=capital") == few


# --- quarterly reports ---------------------------------------------------------------------


def test_the_report_list_shows_25_a_page_filtered_by_quarter_and_status(
    client_for, officer_a, province_a
):
    _reports(province_a, officer_a, 26, 50000)
    client = client_for(officer_a)
    first = client.get(url("report-list"))
    assert len(first.context["page"].object_list) == 25
    # Each row of the page knows its deadline.
    assert all(hasattr(r, "timeliness") for r in first.context["page"].object_list)
    period = last_finished_quarter().period
    second = client.get(url("report-list") + f"?period={period}&status=submitted&page=2")
    assert len(second.context["page"].object_list) == 1
    assert second.context["page"].paginator.count == 26
    other = last_finished_quarter().previous().period
    assert client.get(url("report-list") + f"?period={other}").context["page"].paginator.count == 0


def test_an_unknown_report_filter_lists_nothing(client_for, officer_a, province_a):
    _reports(province_a, officer_a, 2, 50000)
    client = client_for(officer_a)
    for query in ("?period=1999-Q9", "?status=lost", "?collaborator=x"):
        response = client.get(url("report-list") + query)
        assert response.context["page"].paginator.count == 0, query


def test_the_report_filters_offered(client_for, officer_a, national, ctv_a1):
    form = client_for(officer_a).get(url("report-list")).context["form"]
    assert list(form.fields) == ["period", "status", "collaborator"]
    periods = list(form.fields["period"].choices)
    # The empty choice, the current quarter and the eight before it, newest first.
    assert periods[0] == ("", "—") and len(periods) == 10
    assert periods[2][0] == last_finished_quarter().period
    assert next(iter(form.fields["status"].choices)) == ("", "—")
    assert list(client_for(national).get(url("report-list")).context["form"].fields) == [
        "period",
        "status",
        "province",
    ]


def test_the_report_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, officer_a, province_a
):
    client = client_for(officer_a)
    _reports(province_a, officer_a, 2, 50000)
    few = queries(client, url("report-list"))
    _reports(province_a, officer_a, 27, 51000)
    assert queries(client, url("report-list")) == few
    assert queries(client, url("report-list") + "?status=submitted&page=2") == few


@pytest.mark.parametrize("page", ["2", "99", "x"])
def test_the_late_list_reads_any_page(client_for, officer_a, ctv_a1, page):
    response = client_for(officer_a).get(reverse("network:report-late") + f"?page={page}")
    assert response.status_code == 200 and response.context["page"].number == 1
