"""Charts: the figures behind each chart (trend by year from aggregates and records, money by
source against the plan, provinces side by side), the SVG they draw (labels, values,
accessible, escaped, inline and responsive), PNG bytes, query counts that do not grow with
provinces, and the summary page with and without charts."""

import datetime as dt

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from khuyencong.places.factories import ProvinceFactory
from khuyencong.reports import charts, figures, summary
from khuyencong.reports.factories import approved_project, enter, pay, yearly
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve

M = 1_000_000
B = 1_000_000_000


def resolved(text):
    return resolve(Unit.parse(text))


@pytest.fixture
def history(manager_a, province_a, province_b, merged, regions):
    """Đắk Lắk (66): 2022–2024 under its two pre-2025 provinces; records from 2025 (the
    nationwide records start). Hồ Chí Minh (79): 2024 only under Bình Dương (74), so 2024
    cannot be answered for it; records in 2026."""
    from khuyencong.accounts.factories import UserFactory
    from khuyencong.core.roles import Role

    yearly(manager_a, "funding.disbursed", "legacy-province:54", {2022: 1 * B, 2023: 1_200 * M})
    yearly(manager_a, "funding.disbursed", "legacy-province:66", {2022: 2 * B, 2023: 2_500 * M})
    enter(manager_a, "funding.disbursed", "province:66", "2024-01-01", "2024-12-31", 4_100 * M)
    manager_b = UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)
    enter(manager_b, "funding.disbursed", "legacy-province:74", "2024-01-01", "2024-12-31", B)
    p1 = approved_project(
        manager=manager_a, province=province_a, year=2025, approved_on=dt.date(2025, 2, 1)
    )
    pay(p1, manager=manager_a, amount=150 * M, on=dt.date(2025, 5, 1))
    p2 = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 2, 1)
    )
    pay(p2, manager=manager_a, amount=150 * M, on=dt.date(2026, 4, 1))
    pay(p2, manager=manager_a, amount=100 * M, on=dt.date(2026, 5, 1), source="counterpart")
    pay(p2, manager=manager_a, amount=40 * M, on=dt.date(2026, 11, 1))
    p3 = approved_project(
        manager=manager_b, province=province_b, year=2026, approved_on=dt.date(2026, 1, 15)
    )
    pay(p3, manager=manager_b, amount=180 * M, on=dt.date(2026, 3, 3))
    return {"manager_b": manager_b}


# --- the figures ---------------------------------------------------------------------------


def test_trend_years():
    nine = charts.trend_periods(Period.first_months(2026, 9))
    assert [p.start.year for p in nine] == list(range(2019, 2027))
    assert nine[-1] == Period(dt.date(2026, 1, 1), dt.date(2026, 9, 30))
    assert all(p.is_year for p in nine[:-1])
    assert [p.start.year for p in charts.trend_periods(Period.years(2012, 2023))] == list(
        range(2012, 2024)
    )
    # A range longer than twelve years shows its last twelve.
    assert len(charts.trend_periods(Period.years(2005, 2024))) == 12
    assert charts.trend_periods(Period.year(2025))[-1] == Period.year(2025)


def test_the_trend_combines_aggregates_and_records(history):
    chart = charts.trend(resolved("province:66"), Period.first_months(2026, 9))
    values = {bar.label: bar.value for bar in chart.bars}
    assert values == {
        "2019": None,
        "2020": None,
        "2021": None,
        "2022": 3 * B,  # Phú Yên + Đắk Lắk (pre-2025)
        "2023": 3_700 * M,
        "2024": 4_100 * M,  # the 2025 province's own value
        "2025": 150 * M,  # records
        "2026*": 250 * M,  # records to 30/09: the November payment is outside
    }
    assert chart.note == "* Năm 2026 tính đến ngày 30/09/2026."
    assert chart.title == "Kinh phí khuyến công đã giải ngân các năm 2019–2026"
    # Each year is the summary's own figure.
    catalogue = figures.Catalogue.load()
    figure = figures.compute(
        resolved("province:66"),
        Period.year(2023),
        [catalogue.indicators["funding.disbursed"]],
        catalogue,
    )
    assert figure["funding.disbursed"].value == values["2023"]
    svg = charts.svg(chart)
    for text in ("2022", "2026*", "3,7", "4,1", "0,2", "0,3", "Tỷ đồng", chart.note):
        assert f">{text}<" in svg


def test_money_by_source_against_the_plan(history):
    report = summary.build(resolved("province:66"), Period.first_months(2026, 9))
    chart = charts.by_source(report)
    assert [(b.label, b.value, b.plan) for b in chart.bars] == [
        ("Khuyến công\nquốc gia", 150 * M, 200 * M),
        ("Khuyến công\nđịa phương", 0, 0),
        ("Vốn đối ứng", 100 * M, 300 * M),
        ("Nguồn khác", 0, 0),
    ]
    assert chart.plan_label == "Kế hoạch năm 2026" and chart.has_plan
    svg = charts.svg(chart)
    for text in ("Khuyến công", "quốc gia", "Vốn đối ứng", "150", "100", "300", "Triệu đồng"):
        assert f">{text}<" in svg
    assert "Đã giải ngân" in svg and "Kế hoạch năm 2026" in svg


def test_a_multi_year_period_has_no_plan_bars(history):
    report = summary.build(resolved("province:66"), Period.years(2022, 2024))
    chart = charts.by_source(report)
    assert not chart.has_plan and chart.plan_label == ""
    assert "Kế hoạch" not in charts.svg(chart)


def test_provinces_side_by_side(history):
    nation = resolved("nation")
    chart = charts.by_province(nation, Period.year(2026))
    assert [(b.label, b.value) for b in chart.bars] == [
        ("Đắk Lắk", 290 * M),
        ("Hồ Chí Minh", 180 * M),
    ]
    assert chart.horizontal
    # The same figures as the summary of each province.
    for code in ("66", "79"):
        own = summary.build(resolved(f"province:{code}"), Period.year(2026))
        value = next(r for r in own["indicators"] if r["code"] == "funding.disbursed")["value"]
        assert value == charts.disbursed_by_province(nation, Period.year(2026))[code][0]
    svg = charts.svg(chart)
    for text in ("Đắk Lắk", "Hồ Chí Minh", "290", "180", "Triệu đồng"):
        assert f">{text}<" in svg


def test_provinces_before_records_are_answered_by_their_stored_values(history):
    chart = charts.by_province(resolved("nation"), Period.year(2024))
    assert [(b.label, b.value) for b in chart.bars] == [
        ("Đắk Lắk", 4_100 * M),
        # Bình Dương entered, old Hồ Chí Minh not: what was reported, the missing named.
        ("Hồ Chí Minh", 1_000 * M),
    ]
    assert chart.notes and chart.notes[0].startswith("Hồ Chí Minh: ")
    assert "Hồ Chí Minh (trước 2025)" in chart.notes[0]


def test_a_region_shows_its_provinces_and_a_province_has_no_such_chart(history):
    chart = charts.by_province(resolved("region:NAM"), Period.year(2026))
    assert [(b.label, b.value) for b in chart.bars] == [("Hồ Chí Minh", 180 * M)]
    assert charts.by_province(resolved("province:66"), Period.year(2026)) is None


# --- query counts ------------------------------------------------------------------------------


def _queries(func):
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def test_query_counts_do_not_grow_with_provinces(history):
    period = Period.first_months(2026, 9)

    def provinces():
        charts.by_province(resolved("nation"), period)

    def trend():
        charts.trend(resolved("nation"), period)

    before = (_queries(provinces), _queries(trend))
    for code in ("01", "02", "04"):
        ProvinceFactory(code=code)
    # Computed afresh, not from the cache of the records figures (reports/cache.py).
    caches["reports"].clear()
    after = (_queries(provinces), _queries(trend))
    assert before == after
    # Provinces: resolve (2) + catalogue, records start, names, data versions, records,
    # stored values.
    assert after[0] <= 8
    # Trend: resolve (2) + catalogue, records start, data versions, at most two per year.
    assert after[1] <= 5 + 2 * len(charts.trend_periods(period))


# --- drawing -----------------------------------------------------------------------------------


def test_the_svg_is_inline_responsive_and_accessible():
    chart = charts.Chart(
        "sources", "Kinh phí theo nguồn", (charts.Bar("Vốn đối ứng", 12_500 * M, None),)
    )
    svg = charts.svg(chart)
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    opening = svg[: svg.index(">") + 1]
    assert 'width="100%"' in opening and "viewBox=" in opening and "height=" not in opening
    assert 'role="img"' in opening and 'aria-label="Kinh phí theo nguồn"' in opening
    assert '<title id="chart-sources-title">Kinh phí theo nguồn</title>' in svg
    # Text as text, in the app's fonts.
    assert ">Vốn đối ứng<" in svg and ">12,5<" in svg and ">Tỷ đồng<" in svg
    assert "Noto Sans" in svg
    assert "<metadata>" not in svg
    # Drawn the same way each time (ids from a fixed salt), not only when read from the cache.
    cache.clear()
    assert charts.svg(chart) == svg


def test_a_chart_is_drawn_once_and_again_when_a_figure_or_the_language_changes(monkeypatch):
    cache.clear()
    drawn = []
    render = charts._render
    monkeypatch.setattr(
        charts, "_render", lambda chart, *a, **k: drawn.append(chart) or render(chart, *a, **k)
    )
    chart = charts.Chart("trend", "Xu hướng", (charts.Bar("2025", 2 * B),))
    first = charts.svg(chart)
    assert charts.svg(chart) == first and len(drawn) == 1
    changed = charts.Chart("trend", "Xu hướng", (charts.Bar("2025", 3 * B),))
    assert charts.svg(changed) != first and len(drawn) == 2
    with translation.override("en"):
        charts.svg(chart)
    assert len(drawn) == 3


def test_amounts_below_a_billion_are_in_millions():
    chart = charts.Chart(
        "trend",
        "Xu hướng",
        (charts.Bar("2025", 360 * M), charts.Bar("2026", 930_500_000)),
    )
    svg = charts.svg(chart)
    assert ">Triệu đồng<" in svg and ">930,5<" in svg and ">360<" in svg


def test_text_is_escaped():
    chart = charts.Chart(
        "provinces",
        'Tỉnh <script>alert("x")</script>',
        (charts.Bar("<b>Đắk Lắk</b>", B),),
        horizontal=True,
    )
    svg = charts.svg(chart)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;Đắk Lắk&lt;/b&gt;" in svg


def test_png_bytes_for_files():
    chart = charts.Chart("trend", "Xu hướng", (charts.Bar("2025", 2 * B),))
    data = charts.png(chart)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000
    width = int.from_bytes(data[16:20], "big")
    assert width == 7.2 * 150  # 7,2 inches at 150 dpi


def test_no_data_no_chart(province_a):
    report = summary.build(resolved("province:66"), Period.year(2026))
    assert charts.for_summary(resolved("province:66"), Period.year(2026), report) == []
    assert not charts.by_source(report).has_data


def test_charts_of_a_summary(history):
    nation = resolved("nation")
    period = Period.first_months(2026, 9)
    report = summary.build(nation, period)
    assert [c.key for c in charts.for_summary(nation, period, report)] == [
        "trend",
        "sources",
        "provinces",
    ]
    province = resolved("province:66")
    report = summary.build(province, period)
    assert [c.key for c in charts.for_summary(province, period, report)] == ["trend", "sources"]


# --- the page ----------------------------------------------------------------------------------


def test_the_summary_page_shows_the_charts_and_their_figures(client_for, officer_a, history):
    response = client_for(officer_a).get(
        "/reports/", {"unit": "province:66", "kind": "months", "year": 2026, "number": 9}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="charts"' in html
    assert 'data-testid="chart-trend"' in html and 'data-testid="chart-sources"' in html
    assert 'data-testid="chart-provinces"' not in html
    assert html.count('role="img"') == 2
    assert "Kinh phí khuyến công đã giải ngân các năm 2019–2026" in html
    # The figures are also in a table under the chart.
    table = html[html.index('data-testid="chart-table-trend"') :]
    assert "2026*" in table and ("3,7 tỷ đồng" in table or "3,7 billion đồng" in table)


def test_the_nation_page_shows_provinces_side_by_side(client_for, national, history):
    response = client_for(national).get(
        "/reports/", {"unit": "nation", "kind": "year", "year": 2026}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="chart-provinces"' in html
    assert ">Hồ Chí Minh<" in html


def test_the_summary_page_without_data_has_no_charts(client_for, officer_a, merged):
    response = client_for(officer_a).get(
        "/reports/", {"unit": "province:66", "kind": "year", "year": 2026}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="summary-table"' in html
    assert 'data-testid="charts"' not in html and "<svg" not in html


def test_the_page_query_count_does_not_grow_with_provinces(client_for, national, history):
    client = client_for(national)
    params = {"unit": "nation", "kind": "months", "year": 2026, "number": 9}
    client.get("/reports/", params)  # warm the session and caches
    caches["reports"].clear()  # computed afresh both times (reports/cache.py)
    before = _queries(lambda: client.get("/reports/", params))
    for code in ("01", "02", "04"):
        ProvinceFactory(code=code)
    caches["reports"].clear()
    after = _queries(lambda: client.get("/reports/", params))
    assert before == after
