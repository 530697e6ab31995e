"""The reports' staff lists through ``core.pages.list_page``: the aggregate values and the
submitted reports, their filters, one page of 50 rows, and as many queries for a page of
rows as for a few."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.reports import submissions
from khuyencong.reports.factories import approved_project, enter
from khuyencong.reports.periods import Period

AGGREGATES = "/reports/aggregates/"
SUBMISSIONS = reverse("reports:submission-list")
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = Period.quarter(2026, 1)  # due 10/04/2026 with the default 10 days


def queries(client, target, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target, params).status_code == 200
    return len(captured)


def _yearly(officer, first, last, unit="legacy-province:54"):
    for year in range(first, last + 1):
        enter(officer, "funding.disbursed", unit, f"{year}-01-01", f"{year}-12-31", year)


def _monthly(officer, n, first_year=2000, unit="legacy-province:54"):
    """``n`` monthly values from January of ``first_year``."""
    for index in range(n):
        start = dt.date(first_year + index // 12, index % 12 + 1, 1)
        end = (start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        enter(officer, "funding.disbursed", unit, start, end, index + 1)


# --- aggregate values ------------------------------------------------------------------------


def test_the_aggregate_list_shows_50_a_page(client_for, officer_a, merged):
    _monthly(officer_a, 51)
    client = client_for(officer_a)
    first = client.get(AGGREGATES)
    assert first.context["page"].paginator.count == 51
    assert [v.start for v in first.context["page"]][:2] == [
        dt.date(2000, 1, 1),
        dt.date(2000, 2, 1),
    ]
    assert len(first.context["page"].object_list) == 50
    second = client.get(AGGREGATES, {"indicator": "funding.disbursed", "page": 2})
    assert [v.start for v in second.context["page"]] == [dt.date(2004, 3, 1)]


def test_the_aggregate_filters(client_for, officer_a, merged):
    _yearly(officer_a, 2022, 2024)
    enter(
        officer_a, "funding.disbursed", "legacy-province:66", "2023-07-01", "2024-06-30", 9,
        is_declared_total=True,
    )  # fmt: skip
    client = client_for(officer_a)

    def count(**params):
        return client.get(AGGREGATES, params).context["page"].paginator.count

    assert count() == 4
    # A value counts for every year its period overlaps.
    assert count(year=2024) == 2 and count(year=2021) == 0
    assert count(unit_code=" 66 ") == 1
    assert count(unit_kind="legacy-province", indicator="funding.disbursed") == 4
    assert count(declared="on") == 1
    for unknown in ({"indicator": "lost"}, {"unit_kind": "lost"}, {"year": "abc"}):
        assert count(**unknown) == 0, unknown


def test_the_aggregate_filters_offered(client_for, officer_a, merged):
    form = client_for(officer_a).get(AGGREGATES).context["form"]
    names = ["indicator", "unit_kind", "unit_code", "province", "year", "declared"]
    assert list(form.fields) == names
    assert next(iter(form.fields["unit_kind"].choices)) == ("", "—")
    # Indicators by their name, picked by their code.
    indicator = list(form.fields["indicator"].choices)[1]
    assert str(indicator[0]) != indicator[1] and not indicator[1].startswith("<")
    assert form.fields["declared"].widget.input_type == "checkbox"


def test_the_aggregate_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, officer_a, merged
):
    client = client_for(officer_a)
    _monthly(officer_a, 2, first_year=2010)
    few = queries(client, AGGREGATES)
    _monthly(officer_a, 60)
    assert queries(client, AGGREGATES) == few
    assert queries(client, AGGREGATES, {"year": 2000, "page": 2}) == few


# --- submitted reports -----------------------------------------------------------------------


def _submit(manager, province, n):
    approved_project(
        manager=manager, province=province, year=2026, approved_on=dt.date(2026, 1, 15)
    )
    for _index in range(n):
        submissions.submit(
            actor=manager,
            province=province,
            period=Q1,
            now=dt.datetime(2026, 4, 5, 9, tzinfo=HCM),
        )


def test_the_submission_list_shows_50_a_page_with_their_deadlines(
    client_for, manager_a, province_a
):
    _submit(manager_a, province_a, 51)
    client = client_for(manager_a)
    first = client.get(SUBMISSIONS)
    rows = list(first.context["page"])
    assert first.context["page"].paginator.count == 51 and len(rows) == 50
    # The latest version first; each row knows its deadline.
    assert [r.version for r in rows][:2] == [51, 50]
    assert rows[0].due == dt.date(2026, 4, 10) and rows[0].late is False
    second = client.get(SUBMISSIONS, {"kind": "quarter", "year": 2026, "page": 2})
    assert [r.version for r in second.context["page"]] == [1]
    assert client.get(SUBMISSIONS, {"year": 2025}).context["page"].paginator.count == 0


def test_an_unknown_submission_filter_lists_nothing(client_for, national, manager_a, province_a):
    _submit(manager_a, province_a, 1)
    client = client_for(national)
    for params in ({"kind": "lost"}, {"year": "abc"}, {"province": "00"}):
        response = client.get(SUBMISSIONS, params)
        assert response.context["page"].paginator.count == 0, params
        assert response.context["form"].errors, params


def test_the_submission_filters_offered(client_for, national, manager_a, province_b):
    form = client_for(national).get(SUBMISSIONS).context["form"]
    assert list(form.fields) == ["province", "kind", "year"]
    assert next(iter(form.fields["kind"].choices)) == ("", "—")
    # A province's staff read their own province's only: no province to pick, and one named
    # is ignored.
    _submit(manager_a, manager_a.province, 1)
    own = client_for(manager_a).get(SUBMISSIONS, {"province": "79"})
    assert list(own.context["form"].fields) == ["kind", "year"]
    assert own.context["page"].paginator.count == 1


def test_the_submission_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, manager_a, province_a
):
    client = client_for(manager_a)
    _submit(manager_a, province_a, 2)
    few = queries(client, SUBMISSIONS)
    for _index in range(52):
        submissions.submit(
            actor=manager_a,
            province=province_a,
            period=Q1,
            now=dt.datetime(2026, 4, 5, 9, tzinfo=HCM),
        )
    assert queries(client, SUBMISSIONS) == few
    assert queries(client, SUBMISSIONS, {"kind": "quarter", "page": 2}) == few
