"""The national and regional report page (issue 13, item 6): the headline figures, a table of
provinces (plan, spent, % of plan, completeness, report on time or late) that adds up to the
unit's own figures, the trend, and a number of queries that does not grow with provinces."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.reports import overview, submissions, summary
from khuyencong.reports.periods import Period
from khuyencong.reports.tests.test_charts import history, resolved  # noqa: F401  (fixture)

M = 1_000_000
NINE = {"unit": "nation", "kind": "months", "year": 2026, "number": 9}


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def filed(history, manager_a, province_a, province_b):  # noqa: F811
    """Đắk Lắk's 9-month report filed on time (due 10/10/2026), Hồ Chí Minh's late."""
    period = Period.first_months(2026, 9)
    submissions.submit(
        actor=manager_a, province=province_a, period=period, now=at(dt.date(2026, 10, 5))
    )
    submissions.submit(
        actor=history["manager_b"],
        province=province_b,
        period=period,
        now=at(dt.date(2026, 10, 20)),
    )
    return period


def rows(lines):
    return {line.code: line for line in lines}


def test_the_provinces_add_up_to_the_unit(history):  # noqa: F811
    period = Period.first_months(2026, 9)
    lines = rows(overview.province_lines(resolved("nation"), period))
    assert list(lines) == ["66", "79"]  # in the order of their codes
    daklak, hcm = lines["66"], lines["79"]
    assert daklak.spent == 150 * M + 100 * M  # national + counterpart to 30/09
    assert daklak.plan == 500 * M and daklak.percent_of_plan == 50.0
    assert hcm.spent == 180 * M and hcm.plan == 500 * M and hcm.percent_of_plan == 36.0
    report = {r["code"]: r for r in summary.build(resolved("nation"), period)["indicators"]}
    assert daklak.spent + hcm.spent == report["funding.disbursed"]["value"]
    assert daklak.plan + hcm.plan == report["funding.disbursed"]["plan"]
    assert daklak.complete and hcm.complete
    # Not filed yet; due on 10/10/2026.
    assert overview.due_of(period) == dt.date(2026, 10, 10)


def test_before_records_each_province_says_what_is_missing(history):  # noqa: F811
    lines = rows(overview.province_lines(resolved("nation"), Period.year(2024)))
    # Đắk Lắk answered by its own 2024 value; Hồ Chí Minh only by Bình Dương (74).
    assert lines["66"].spent == 4_100 * M and lines["66"].complete
    hcm = lines["79"]
    assert hcm.spent == 1_000 * M and not hcm.complete
    assert (hcm.completeness.reported, hcm.completeness.expected) == (1, 2)
    assert hcm.completeness.missing == ["legacy-province:79"]
    # The same places missing as in the national summary.
    report = {
        r["code"]: r for r in summary.build(resolved("nation"), Period.year(2024))["indicators"]
    }
    assert report["funding.disbursed"]["completeness"]["missing"] == ["legacy-province:79"]
    assert report["funding.disbursed"]["value"] == 5_100 * M
    # No plan stored for 2024: no percentage.
    assert hcm.plan is None and hcm.percent_of_plan is None


def test_reports_on_time_late_and_overdue(filed):
    lines = rows(overview.province_lines(resolved("nation"), filed, today=dt.date(2026, 10, 25)))
    assert lines["66"].report == submissions.ON_TIME and lines["66"].submission_id
    assert lines["79"].report == submissions.LATE
    counts = overview.counts(list(lines.values()))
    assert counts["submitted"] == 2 and counts["on_time"] == 1 and counts["late"] == 1
    # A month has no periodic report.
    month = overview.province_lines(resolved("nation"), Period.month(2026, 3))
    assert {line.report for line in month} == {None}


def test_a_region_lists_its_own_provinces(history):  # noqa: F811
    lines = overview.province_lines(resolved("region:NAM"), Period.year(2026))
    assert [line.code for line in lines] == ["79"]


def test_the_national_page_shows_figures_provinces_and_trend(client_for, national, filed):
    response = client_for(national).get("/reports/", NINE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="overview"' in html and 'data-testid="headline"' in html
    table = html[html.index('data-testid="province-table"') :]
    daklak = re.search(r'<tr data-province="66">(.*?)</tr>', table, re.DOTALL).group(1)
    assert re.search(r'data-key="plan">0,5<', daklak)
    assert re.search(r'data-key="spent">0,25<', daklak)
    assert re.search(r'data-key="percent">50%<', daklak)
    assert "đúng hạn" in daklak
    hcm = re.search(r'<tr data-province="79">(.*?)</tr>', table, re.DOTALL).group(1)
    assert "muộn" in hcm and "36%" in hcm
    # The trend is drawn with its bars and years.
    assert 'data-testid="chart-trend"' in html and ">2026*<" in html
    # The rest of the summary is there, folded.
    assert 'data-testid="summary-details"' in html and 'data-testid="summary-table"' in html
    assert "Báo cáo đã gửi: 2/2 (1 đúng hạn, 1 muộn)" in html


def test_a_province_page_has_no_province_table(client_for, officer_a, history):  # noqa: F811
    response = client_for(officer_a).get(
        "/reports/", {"unit": "province:66", "kind": "year", "year": 2026}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="province-table"' not in html and 'data-testid="summary-table"' in html


def _queries(func):
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def test_the_query_count_does_not_grow_with_provinces(client_for, national, filed):
    client = client_for(national)
    client.get("/reports/", NINE)  # warm the session and caches

    def afresh(func):
        # Computed afresh each time, not from the cache of report figures (reports/cache.py).
        caches["reports"].clear()
        return _queries(func)

    before = afresh(lambda: client.get("/reports/", NINE))
    table = afresh(lambda: overview.province_lines(resolved("nation"), filed))
    for code in ("01", "02", "04", "08"):
        CommuneFactory(province=ProvinceFactory(code=code))
    after = afresh(lambda: client.get("/reports/", NINE))
    assert before == after
    assert afresh(lambda: overview.province_lines(resolved("nation"), filed)) == table
    assert table <= 10  # resolving the nation included
