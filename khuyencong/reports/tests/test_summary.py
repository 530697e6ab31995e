"""The summary end to end: two provinces' projects and payments in 2025 and 2026, plan
versus actual, the same period last year, a 9-month period against the annual plan, and a
region of merged provinces whose history lies under the old provinces."""

import datetime as dt

import pytest
from django.core.cache import caches

from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.reports import figures, summary
from khuyencong.reports.factories import accept, approved_project, enter, pay, yearly
from khuyencong.reports.models import RecordsSince
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, resolve

M = 1_000_000


def rows(report):
    return {row["code"]: row for row in report["indicators"]}


def build(unit, period):
    return summary.build(resolve(Unit.parse(unit)), period)


@pytest.fixture
def scenario(manager_a, province_a, province_b, commune_a1, merged, regions):
    from khuyencong.accounts.factories import UserFactory
    from khuyencong.core.roles import Role

    manager_b = UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)
    # Province A, 2025 plan: 200 national + 300 counterpart; 100 local + 100 counterpart.
    p1 = approved_project(
        manager=manager_a, province=province_a, year=2025, approved_on=dt.date(2025, 3, 10)
    )
    p2 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2025,
        approved_on=dt.date(2025, 4, 1),
        funding_level="local",
        state=100 * M,
        counterpart=100 * M,
    )
    pay(p1, manager=manager_a, amount=150 * M, on=dt.date(2025, 6, 15))
    pay(p2, manager=manager_a, amount=60 * M, on=dt.date(2025, 9, 20))
    pay(p1, manager=manager_a, amount=50 * M, on=dt.date(2025, 11, 10))
    # Province A, 2026 plan: 300 national + 450 counterpart; 200 local + 200 counterpart.
    p3 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=dt.date(2026, 2, 1),
        state=300 * M,
        counterpart=450 * M,
        commune=commune_a1,
    )
    p4 = approved_project(
        manager=manager_a,
        province=province_a,
        year=2026,
        approved_on=dt.date(2026, 3, 1),
        funding_level="local",
        state=200 * M,
        counterpart=200 * M,
    )
    pay(p3, manager=manager_a, amount=240 * M, on=dt.date(2026, 5, 10))
    pay(p4, manager=manager_a, amount=120 * M, on=dt.date(2026, 8, 30))
    pay(p3, manager=manager_a, amount=60 * M, on=dt.date(2026, 10, 15))
    # Province B: one project a year.
    p5 = approved_project(
        manager=manager_b,
        province=province_b,
        year=2025,
        approved_on=dt.date(2025, 5, 5),
        state=250 * M,
        counterpart=375 * M,
    )
    pay(p5, manager=manager_b, amount=250 * M, on=dt.date(2025, 8, 8))
    p6 = approved_project(
        manager=manager_b,
        province=province_b,
        year=2026,
        approved_on=dt.date(2026, 1, 15),
        state=100 * M,
        counterpart=150 * M,
    )
    pay(p6, manager=manager_b, amount=80 * M, on=dt.date(2026, 7, 1))
    return {"manager_b": manager_b, "projects": [p1, p2, p3, p4, p5, p6]}


def test_a_nine_month_report_compares_with_the_plan_of_its_year(scenario):
    report = build("province:66", Period.first_months(2026, 9))
    r = rows(report)
    assert report["start"] == "2026-01-01" and report["end"] == "2026-09-30"
    assert r["funding.planned"]["value"] == 1_150 * M
    assert r["funding.planned.national"]["value"] == 300 * M
    assert r["funding.planned.local"]["value"] == 200 * M
    assert r["funding.planned.counterpart"]["value"] == 650 * M
    # The October payment is outside the nine months.
    assert r["funding.disbursed"]["value"] == 360 * M
    assert r["funding.disbursed.national"]["value"] == 240 * M
    assert r["funding.disbursed"]["plan"] == 1_150 * M
    assert r["funding.disbursed"]["percent_of_plan"] == 31.3
    assert r["funding.disbursed.national"]["percent_of_plan"] == 80.0
    assert r["funding.disbursed.local"]["percent_of_plan"] == 60.0
    # Same nine months of 2025: 150 + 60.
    assert r["funding.disbursed"]["previous"] == 210 * M
    assert r["funding.disbursed"]["change_percent"] == 71.4
    # For the plan, "previous" is last year's plan: 700 million.
    assert r["funding.planned"]["previous"] == 700 * M
    assert r["funding.planned"]["change_percent"] == 64.3
    assert r["funding.planned"]["plan"] is None
    assert r["funding.planned"]["percent_of_plan"] is None
    assert r["projects.approved"]["value"] == 2
    assert r["projects.approved"]["previous"] == 2
    assert r["projects.approved"]["change_percent"] == 0.0
    assert {row["source"] for row in report["indicators"] if row["value"] is not None} == {
        "records"
    }
    assert "đạt 31,3% kế hoạch năm 2026" in report["narrative"]
    assert "360 triệu đồng" in report["narrative"]
    assert "cao hơn 71,4% so với cùng kỳ năm 2025" in report["narrative"]
    assert "9 tháng đầu năm 2026" in report["narrative"]


def test_the_nation_adds_the_provinces(scenario):
    r = rows(build("nation", Period.year(2026)))
    assert r["funding.planned"]["value"] == 1_150 * M + 250 * M
    assert r["funding.disbursed"]["value"] == 420 * M + 80 * M
    assert r["funding.disbursed"]["previous"] == 260 * M + 250 * M
    assert r["funding.disbursed"]["percent_of_plan"] == 35.7
    assert r["funding.planned"]["previous"] == 700 * M + 625 * M
    assert r["projects.approved"]["value"] == 3


def test_a_province_and_its_region_agree(scenario):
    region = rows(build("region:NAM", Period.year(2025)))
    province = rows(build("province:79", Period.year(2025)))
    assert region["funding.disbursed"]["value"] == province["funding.disbursed"]["value"] == 250 * M


def test_a_commune_reads_the_projects_placed_there(scenario):
    r = rows(build("commune:24100", Period.year(2026)))
    assert r["funding.planned"]["value"] == 750 * M
    assert r["funding.disbursed"]["value"] == 300 * M
    # Activity figures are kept per province: not guessed for a commune.
    assert r["fairs.participations"]["value"] is None
    assert r["fairs.participations"]["source"] == "none"
    assert r["fairs.participations"]["note"]


def test_a_period_over_several_years_has_no_annual_plan(scenario):
    r = rows(build("province:66", Period.years(2025, 2026)))
    assert r["funding.disbursed"]["value"] == 680 * M
    assert r["funding.disbursed"]["plan"] is None
    assert r["funding.disbursed"]["percent_of_plan"] is None
    assert r["funding.planned"]["value"] == 1_850 * M


def test_establishments_are_counted_once(scenario, manager_a, commune_a1):
    from khuyencong.registry.factories import EstablishmentFactory

    shared = EstablishmentFactory(commune=commune_a1, province=commune_a1.province)
    other = EstablishmentFactory(commune=commune_a1, province=commune_a1.province)
    first = approved_project(
        manager=manager_a,
        province=manager_a.province,
        year=2026,
        approved_on=dt.date(2026, 1, 5),
        beneficiaries=[shared],
    )
    second = approved_project(
        manager=manager_a,
        province=manager_a.province,
        year=2026,
        approved_on=dt.date(2026, 1, 6),
        beneficiaries=[shared, other],
    )
    accept(first, manager=manager_a, on=dt.date(2026, 6, 1))
    accept(second, manager=manager_a, on=dt.date(2026, 7, 1))
    r = rows(build("province:66", Period.year(2026)))
    assert r["establishments.supported"]["value"] == 2
    assert (
        rows(build("province:66", Period.quarter(2026, 2)))["establishments.supported"]["value"]
        == 1
    )


# --- history under the old provinces ---------------------------------------------------------


def test_a_region_of_merged_provinces_mixes_old_aggregates_and_records(scenario, admin):
    # Hồ Chí Minh (2025) = Bình Dương + Hồ Chí Minh before 2025; history under the old ones.
    yearly(
        admin,
        "funding.disbursed",
        "legacy-province:74",
        dict.fromkeys(range(2012, 2025), 2_000 * M),
    )
    enter(admin, "funding.disbursed", "legacy-province:79", "2012-01-01", "2023-12-31", 60_000 * M)
    enter(admin, "funding.disbursed", "legacy-province:79", "2024-01-01", "2024-12-31", 6_000 * M)
    report = build("region:NAM", Period.years(2012, 2026))
    r = rows(report)
    assert r["funding.disbursed"]["value"] == 13 * 2_000 * M + 66_000 * M + 330 * M
    assert r["funding.disbursed"]["source"] == "mixed"
    # Years before the records alone: aggregates only.
    old = rows(build("region:NAM", Period.years(2012, 2024)))
    assert old["funding.disbursed"]["value"] == 92_000 * M
    assert old["funding.disbursed"]["source"] == "aggregates"
    # A pre-2025 province asked for directly.
    single = rows(build("legacy-province:79", Period.years(2012, 2023)))
    assert single["funding.disbursed"]["value"] == 60_000 * M


def test_nested_and_overlapping_values_are_never_added(admin, merged):
    unit = "legacy-province:54"
    enter(admin, "funding.disbursed", unit, "2012-01-01", "2023-12-31", 50_000 * M)
    yearly(admin, "funding.disbursed", unit, dict.fromkeys(range(2012, 2024), 4_000 * M))
    enter(admin, "funding.disbursed", unit, "2020-01-01", "2020-09-30", 2_900 * M)
    enter(admin, "funding.disbursed", unit, "2020-10-01", "2020-12-31", 1_100 * M)

    def value(period):
        return rows(build(unit, period))["funding.disbursed"]["value"]

    # The single exact value wins over the twelve years.
    assert value(Period.years(2012, 2023)) == 50_000 * M
    # A year: its own value, not 9 months + the year, not the quarter added.
    assert value(Period.year(2020)) == 4_000 * M
    assert value(Period.first_months(2020, 9)) == 2_900 * M
    # 2019–2021: three yearly values (never the 2012–2023 value).
    assert value(Period.years(2019, 2021)) == 12_000 * M


def test_a_period_that_cannot_be_answered_exactly_says_so(admin, merged):
    yearly(
        admin,
        "funding.disbursed",
        "legacy-province:54",
        dict.fromkeys(range(2012, 2025), 1_000 * M),
    )
    yearly(
        admin,
        "funding.disbursed",
        "legacy-province:66",
        dict.fromkeys(range(2012, 2024), 1_000 * M),
    )
    # Nine months of a year with only yearly values.
    r = rows(build("legacy-province:54", Period.first_months(2024, 9)))
    assert r["funding.disbursed"]["value"] is None
    assert r["funding.disbursed"]["source"] == "none"
    assert "01/01/2024–30/09/2024" in r["funding.disbursed"]["note"]
    # Đắk Lắk (2025) is both old provinces; old Đắk Lắk has no 2024 value: the sum of what
    # was reported (old Phú Yên's 13 years), with the reporting rate and the missing named.
    whole = rows(build("province:66", Period.years(2012, 2024)))["funding.disbursed"]
    assert whole["value"] == 13_000 * M
    assert whole["source"] == "aggregates"
    assert whole["completeness"]["reported"] == 1
    assert whole["completeness"]["expected"] == 2
    assert whole["completeness"]["missing"] == ["legacy-province:66"]
    assert whole["completeness"]["missing_labels"] == ["Tỉnh Đắk Lắk (trước 2025)"]
    assert "Đắk Lắk (trước 2025)" in whole["note"]
    assert "Phú Yên" not in whole["note"]
    assert (
        rows(build("province:66", Period.years(2012, 2023)))["funding.disbursed"]["value"]
        == 24_000 * M
    )


def test_a_province_value_wins_over_its_old_provinces(admin, merged):
    enter(admin, "funding.disbursed", "province:66", "2024-01-01", "2024-12-31", 9_000 * M)
    enter(admin, "funding.disbursed", "legacy-province:54", "2024-01-01", "2024-12-31", 4_000 * M)
    enter(admin, "funding.disbursed", "legacy-province:66", "2024-01-01", "2024-12-31", 4_500 * M)
    assert rows(build("province:66", Period.year(2024)))["funding.disbursed"]["value"] == 9_000 * M


def test_a_total_is_answered_by_the_sum_of_its_sources(admin, merged):
    for source, amount in (("national", 1), ("local", 2), ("counterpart", 3), ("other", 4)):
        enter(
            admin,
            f"funding.disbursed.{source}",
            "province:66",
            "2023-01-01",
            "2023-12-31",
            amount * M,
        )
    r = rows(build("province:66", Period.year(2023)))
    assert r["funding.disbursed"]["value"] == 10 * M
    assert r["funding.disbursed"]["source"] == "aggregates"


def test_percentages_and_distinct_counts_are_not_added(admin, merged):
    yearly(admin, "trainees.employed_percent", "legacy-province:54", {2023: "80.5", 2024: 90})
    yearly(admin, "establishments.supported", "legacy-province:54", {2023: 40, 2024: 50})
    one = rows(build("legacy-province:54", Period.year(2023)))
    assert one["trainees.employed_percent"]["value"] == 80.5
    assert one["trainees.employed_percent"]["source"] == "aggregates"
    two = rows(build("legacy-province:54", Period.years(2023, 2024)))
    assert two["trainees.employed_percent"]["value"] is None
    assert two["establishments.supported"]["value"] is None
    assert one["establishments.supported"]["value"] == 40


def test_records_start_per_province(scenario, admin, province_b):
    RecordsSince.objects.create(province=province_b, since=dt.date(2026, 1, 1))
    # Province B's 2025 is now read from aggregates, which it does not have.
    r = rows(build("province:79", Period.year(2025)))
    assert r["funding.disbursed"]["value"] is None
    enter(admin, "funding.disbursed", "province:79", "2025-01-01", "2025-12-31", 777 * M)
    r = rows(build("nation", Period.year(2025)))
    assert r["funding.disbursed"]["value"] == 260 * M + 777 * M
    assert r["funding.disbursed"]["source"] == "mixed"


def test_a_level_is_read_on_the_last_day(province_a, commune_a1, admin, merged):
    from khuyencong.network.factories import CollaboratorFactory

    CollaboratorFactory(province=province_a, appointed_on=dt.date(2025, 3, 1))
    CollaboratorFactory(
        province=province_a, appointed_on=dt.date(2025, 3, 1), active_until=dt.date(2026, 5, 1)
    )
    assert rows(build("province:66", Period.year(2025)))["collaborators.active"]["value"] == 2
    assert rows(build("province:66", Period.year(2026)))["collaborators.active"]["value"] == 1
    enter(admin, "collaborators.active", "legacy-province:54", "2024-01-01", "2024-12-31", 7)
    enter(admin, "collaborators.active", "legacy-province:66", "2024-01-01", "2024-12-31", 5)
    r = rows(build("province:66", Period.years(2012, 2024)))
    assert r["collaborators.active"]["value"] == 12
    assert r["collaborators.active"]["source"] == "aggregates"


def test_a_national_summary_has_a_fixed_number_of_queries(
    scenario, django_assert_max_num_queries, django_assert_num_queries
):
    unit = resolve(Unit.parse("nation"))
    period = Period.first_months(2026, 9)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        summary.build(unit, period)
    for index in range(6):
        province = ProvinceFactory(code=f"{40 + index}")
        CommuneFactory(province=province)
    unit = resolve(Unit.parse("nation"))
    # Computed afresh, not from the cache of the records figures (reports/cache.py).
    caches["reports"].clear()
    with django_assert_num_queries(len(before.captured_queries)):
        summary.build(unit, period)
    # Two periods of grouped queries; the activity figures and the establishments supported
    # are one statement a period, and so are the money disbursed and the projects approved;
    # one read of the data versions.
    assert len(before.captured_queries) == 19


def test_a_stored_values_lookup_is_one_query(admin, merged, django_assert_num_queries):
    yearly(admin, "funding.disbursed", "legacy-province:54", dict.fromkeys(range(2012, 2025), 1))
    catalogue = figures.Catalogue.load()
    resolved = resolve(Unit.parse("legacy-province:54"))
    indicator = catalogue.indicators["funding.disbursed"]
    since = figures.records_since()
    with django_assert_num_queries(1):
        result = figures.compute(resolved, Period.years(2012, 2024), [indicator], catalogue, since)
    assert result["funding.disbursed"].value == 13


# --- partial data and honest comparisons -------------------------------------------------------


def test_a_nation_of_old_provinces_adds_what_was_reported(admin, merged, regions):
    # 2023: three of the four pre-2025 provinces reported; the nation is their sum, 3 of 4.
    for code, amount in (("54", 1_000), ("66", 2_000), ("74", 4_000)):
        enter(
            admin,
            "funding.disbursed",
            f"legacy-province:{code}",
            "2023-01-01",
            "2023-12-31",
            amount * M,
        )
    row = rows(build("nation", Period.year(2023)))["funding.disbursed"]
    assert row["value"] == 7_000 * M
    assert row["source"] == "aggregates"
    assert row["completeness"] == {
        "reported": 3,
        "expected": 4,
        "missing": ["legacy-province:79"],
        "missing_labels": ["Tỉnh Hồ Chí Minh (trước 2025)"],
        "level": "province",
    }
    # One line: the missing place and the days, never the places that reported.
    assert row["note"].count(".") == 1
    assert "Hồ Chí Minh (trước 2025)" in row["note"] and "Phú Yên" not in row["note"]
    # The region of the south: one of its two old provinces.
    south = rows(build("region:NAM", Period.year(2023)))["funding.disbursed"]
    assert south["value"] == 4_000 * M
    assert (south["completeness"]["reported"], south["completeness"]["expected"]) == (1, 2)


def test_after_july_2025_the_places_expected_are_the_2025_provinces(scenario, admin):
    row = rows(build("nation", Period.year(2026)))["funding.disbursed"]
    assert row["completeness"]["expected"] == 2
    assert row["completeness"]["missing"] == []
    assert row["comparable"] is True and row["comparable_note"] == ""


def test_nothing_reported_is_none_with_every_place_missing(admin, merged, regions):
    row = rows(build("region:NAM", Period.year(2022)))["funding.disbursed"]
    assert row["value"] is None and row["source"] == "none"
    assert row["completeness"]["reported"] == 0
    assert row["completeness"]["missing"] == ["legacy-province:74", "legacy-province:79"]


def test_a_change_across_sources_is_given_but_not_comparable(scenario, admin):
    # Records begin in 2025 (the nationwide default): 2024 is the province's stored value.
    enter(admin, "funding.disbursed", "province:66", "2024-01-01", "2024-12-31", 200 * M)
    report = build("province:66", Period.year(2025))
    row = rows(report)["funding.disbursed"]
    assert row["value"] == 260 * M and row["previous"] == 200 * M
    assert row["change_percent"] == 30.0
    assert row["comparable"] is False
    assert row["source"] == "records" and row["previous_source"] == "aggregates"
    assert row["comparable_note"]
    assert "cao hơn 30% so với năm 2024" in report["narrative"]
    assert "chỉ có ý nghĩa tham khảo" in report["narrative"]
    assert "số liệu tổng hợp nhập từ báo cáo" in report["narrative"]


def test_a_change_over_different_coverage_is_not_comparable(admin, merged, regions):
    for code in ("54", "66", "74", "79"):
        enter(
            admin,
            "funding.disbursed",
            f"legacy-province:{code}",
            "2022-01-01",
            "2022-12-31",
            1_000 * M,
        )
    for code in ("54", "66", "74"):
        enter(
            admin,
            "funding.disbursed",
            f"legacy-province:{code}",
            "2023-01-01",
            "2023-12-31",
            1_500 * M,
        )
    report = build("nation", Period.year(2023))
    row = rows(report)["funding.disbursed"]
    assert row["value"] == 4_500 * M and row["previous"] == 4_000 * M
    assert row["change_percent"] == 12.5
    assert row["comparable"] is False
    assert "3" in row["comparable_note"] and "4" in row["comparable_note"]
    assert "số địa phương có số liệu của hai kỳ không giống nhau" in report["narrative"]
    assert (
        "mới tổng hợp được từ 3/4 tỉnh (còn thiếu: Tỉnh Hồ Chí Minh (trước 2025))"
        in (report["narrative"])
    )
    # The same coverage in both years compares like with like.
    enter(admin, "funding.disbursed", "legacy-province:79", "2023-01-01", "2023-12-31", 1_500 * M)
    assert rows(build("nation", Period.year(2023)))["funding.disbursed"]["comparable"] is True


def test_the_results_form_carries_the_reporting_rate(admin, merged, regions):
    from khuyencong.reports.forms import build_form

    enter(
        admin,
        "results.workshops.count.national",
        "legacy-province:54",
        "2023-01-01",
        "2023-12-31",
        3,
    )
    enter(
        admin, "results.workshops.count.local", "legacy-province:54", "2023-01-01", "2023-12-31", 2
    )
    form = build_form("results", resolve(Unit.parse("region:TRUNG")), Period.year(2023))
    workshops = next(r for r in form.rows if r.code == "workshops.count")
    assert workshops.values["national"] == 3 and workshops.values["local"] == 2
    assert form.completeness is not None
    assert (form.completeness.reported, form.completeness.expected) == (0, 2) or (
        form.completeness.missing == ["legacy-province:66"]
    )
    assert "legacy-province:66" in form.completeness.missing
    assert form.as_json()["completeness"]["expected"] == 2
