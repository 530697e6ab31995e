"""An activity kind's list through ``core.pages.list_page``: its filters (the kind's own
choice fields among them), one page of 25 rows, figures of every row listed, and as many
queries for a page of rows as for a few."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from khuyencong.activities.models import ConsultingContract, TrainingCourse

M = 1_000_000
DAY = datetime.date(2025, 6, 10)


def url(kind: str) -> str:
    return reverse(f"activities:{kind}-list")


def queries(client, target):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured)


def _courses(record, officer, province, n, start=0):
    for index in range(start, start + n):
        record(
            officer, TrainingCourse, province, title=f"Khóa {index:02d}",
            end_date=DAY + datetime.timedelta(days=index),
        )  # fmt: skip


def test_the_list_shows_25_a_page_newest_first(client_for, officer_a, record, province_a):
    _courses(record, officer_a, province_a, 27)
    client = client_for(officer_a)
    first = client.get(url("trainings"))
    assert first.context["page"].paginator.count == 27
    titles = [record.title for record, _cells in first.context["rows"]]
    assert len(titles) == 25 and titles[:2] == ["Khóa 26", "Khóa 25"]
    second = client.get(url("trainings"), {"year": 2025, "page": 2})
    assert [record.title for record, _cells in second.context["rows"]] == ["Khóa 01", "Khóa 00"]


def test_an_unknown_filter_value_lists_nothing(client_for, officer_a, record, province_a):
    _courses(record, officer_a, province_a, 2)
    client = client_for(officer_a)
    for params in ({"topic": "lost"}, {"year": 1990}, {"project": "x"}, {"q": "x" * 201}):
        response = client.get(url("trainings"), params)
        assert response.context["page"].paginator.count == 0, params
        assert response.context["rows"] == []


def test_the_filters_offered_follow_the_kind_and_the_user(client_for, officer_a, national):
    form = client_for(officer_a).get(url("consulting")).context["form"]
    # A province's officer: no province to pick; the kind's choice fields, then projects.
    assert list(form.fields) == ["q", "year", "service", "status", "project"]
    this_year = timezone.localdate().year
    years = list(form.fields["year"].choices)
    assert years[:2] == [("", "—"), (this_year + 1, str(this_year + 1))]
    assert years[-1] == (2012, "2012")
    assert next(iter(form.fields["status"].choices)) == ("", "—")
    assert form.fields["status"].label == "Trạng thái"  # the model field's, in Vietnamese
    # Nationally: every province, and no project until one is chosen.
    national_form = client_for(national).get(url("consulting")).context["form"]
    assert list(national_form.fields) == ["q", "year", "province", "service", "status"]


def test_a_province_named_to_a_provincial_officer_is_ignored(
    client_for, officer_a, record, province_a, province_b
):
    _courses(record, officer_a, province_a, 2)
    response = client_for(officer_a).get(url("trainings"), {"province": "79"})
    assert response.context["page"].paginator.count == 2


def test_revenue_is_of_every_contract_listed(client_for, officer_a, record, province_a):
    for index in range(26):
        record(
            officer_a, ConsultingContract, province_a, title=f"HĐ {index}", client_name="Khách",
            service="other", value=M, signed_on=DAY,
        )  # fmt: skip
    response = client_for(officer_a).get(url("consulting"))
    assert len(response.context["rows"]) == 25
    assert response.context["revenue"] == [
        {"year": 2025, "received": 0, "by_value": 26 * M, "total": 26 * M}
    ]


def test_the_list_reads_as_many_queries_for_a_page_as_for_a_few(
    client_for, officer_a, record, province_a
):
    client = client_for(officer_a)
    _courses(record, officer_a, province_a, 2)
    few = queries(client, url("trainings"))
    _courses(record, officer_a, province_a, 28, start=2)
    assert queries(client, url("trainings")) == few
    assert queries(client, url("trainings") + "?page=2&topic=vocational") == few
