"""Data quality: totals that do not add up, gaps, outliers and late reports."""

import datetime as dt

from khuyencong.reports import quality
from khuyencong.reports.factories import enter, yearly
from khuyencong.reports.units import Unit, resolve

M = 1_000_000


def issues(user, unit, kind=None):
    found = quality.issues(user, resolve(Unit.parse(unit)), today=dt.date(2026, 11, 23))
    return [i for i in found if kind is None or i["kind"] == kind]


def test_a_declared_total_that_differs_from_its_sources(officer_a, national, merged):
    unit = "legacy-province:54"
    enter(
        officer_a,
        "funding.disbursed",
        unit,
        "2019-01-01",
        "2019-12-31",
        1_150 * M,
        is_declared_total=True,
    )
    for source, amount in (("national", 300), ("local", 250), ("counterpart", 400), ("other", 50)):
        enter(
            officer_a, f"funding.disbursed.{source}", unit, "2019-01-01", "2019-12-31", amount * M
        )
    [issue] = issues(national, "province:66", quality.INCONSISTENT_TOTAL)
    assert issue["declared"] == 1_150 * M
    assert issue["sum_of_parts"] == 1_000 * M
    assert issue["difference"] == 150 * M
    assert issue["unit"] == unit and issue["indicator"] == "funding.disbursed"
    assert (issue["start"], issue["end"]) == ("2019-01-01", "2019-12-31")
    assert issue["message"]


def test_a_consistent_total_and_an_undeclared_one_are_fine(officer_a, national, merged):
    unit = "legacy-province:54"
    enter(
        officer_a,
        "funding.disbursed",
        unit,
        "2019-01-01",
        "2019-12-31",
        1_000 * M,
        is_declared_total=True,
    )
    enter(officer_a, "funding.disbursed", unit, "2020-01-01", "2020-12-31", 9 * M)
    for source, amount in (("national", 300), ("local", 250), ("counterpart", 400), ("other", 50)):
        enter(
            officer_a, f"funding.disbursed.{source}", unit, "2019-01-01", "2019-12-31", amount * M
        )
        enter(
            officer_a, f"funding.disbursed.{source}", unit, "2020-01-01", "2020-12-31", amount * M
        )
    assert issues(national, "province:66", quality.INCONSISTENT_TOTAL) == []


def test_a_province_total_against_its_old_provinces_and_communes(
    officer_a, national, merged, commune_a1
):
    enter(
        officer_a,
        "trainees.count",
        "province:66",
        "2020-01-01",
        "2020-12-31",
        500,
        is_declared_total=True,
    )
    enter(officer_a, "trainees.count", "legacy-province:54", "2020-01-01", "2020-12-31", 200)
    enter(officer_a, "trainees.count", "legacy-province:66", "2020-01-01", "2020-12-31", 280)
    enter(officer_a, "trainees.count", f"commune:{commune_a1.code}", "2020-01-01", "2020-12-31", 40)
    found = {
        i["sum_of_parts"]: i for i in issues(national, "province:66", quality.INCONSISTENT_TOTAL)
    }
    assert found[480]["difference"] == 20 and found[480]["parts"] == "places"
    assert found[40]["difference"] == 460


def test_a_missing_year_and_an_outlier(officer_a, national, merged):
    values = {year: 1_000 * M for year in range(2012, 2020) if year != 2015}
    values[2018] = 5_000 * M
    yearly(officer_a, "funding.disbursed", "legacy-province:66", values)
    [missing] = issues(national, "province:66", quality.MISSING_VALUE)
    assert (missing["start"], missing["end"]) == ("2015-01-01", "2015-12-31")
    [outlier] = issues(national, "province:66", quality.OUTLIER)
    assert outlier["start"] == "2018-01-01"
    assert outlier["value"] == 5_000 * M and outlier["median"] == 1_000 * M


def test_late_collaborator_reports(province_a, officer_a, merged):
    from khuyencong.network.factories import CollaboratorFactory

    CollaboratorFactory(province=province_a, appointed_on=dt.date(2025, 1, 1))
    found = issues(officer_a, "province:66", quality.LATE_SUBMISSION)
    # Four finished quarters, no report filed: all missing.
    assert len(found) == 4
    assert all(i["missing"] == 1 and i["late"] == 0 for i in found)
    assert found[0]["indicator"] == "collaborator_reports.late"


def test_issues_stay_in_the_readers_places(officer_a, officer_b, merged):
    enter(
        officer_a,
        "funding.disbursed",
        "legacy-province:54",
        "2019-01-01",
        "2019-12-31",
        1,
        is_declared_total=True,
    )
    enter(
        officer_a, "funding.disbursed.national", "legacy-province:54", "2019-01-01", "2019-12-31", 2
    )
    for source in ("local", "counterpart", "other"):
        enter(
            officer_a,
            f"funding.disbursed.{source}",
            "legacy-province:54",
            "2019-01-01",
            "2019-12-31",
            0,
        )
    assert issues(officer_a, "province:66", quality.INCONSISTENT_TOTAL)
    assert issues(officer_b, "province:79") == []


def test_a_total_is_checked_as_soon_as_one_part_is_entered(officer_a, national, merged):
    unit = "legacy-province:54"
    enter(
        officer_a,
        "funding.disbursed",
        unit,
        "2019-01-01",
        "2019-12-31",
        900 * M,
        is_declared_total=True,
    )
    enter(officer_a, "funding.disbursed.national", unit, "2019-01-01", "2019-12-31", 300 * M)
    enter(officer_a, "funding.disbursed.local", unit, "2019-01-01", "2019-12-31", 250 * M)
    [issue] = issues(national, "province:66", quality.INCONSISTENT_TOTAL)
    # The two sources not entered count as zero and are named.
    assert issue["sum_of_parts"] == 550 * M and issue["difference"] == 350 * M
    assert issue["missing_parts"] == ["funding.disbursed.counterpart", "funding.disbursed.other"]
    assert "Chưa nhập, được tính bằng 0" in issue["message"]


def test_a_province_total_against_only_one_old_province(officer_a, national, merged):
    enter(
        officer_a,
        "trainees.count",
        "province:66",
        "2021-01-01",
        "2021-12-31",
        500,
        is_declared_total=True,
    )
    enter(officer_a, "trainees.count", "legacy-province:54", "2021-01-01", "2021-12-31", 200)
    [issue] = issues(national, "province:66", quality.INCONSISTENT_TOTAL)
    assert issue["sum_of_parts"] == 200 and issue["difference"] == 300
    assert issue["missing_parts"] == ["legacy-province:66"]
    assert "Đắk Lắk (trước 2025)" in issue["message"]


def test_a_total_equal_to_its_only_part_entered_is_fine(officer_a, national, merged):
    unit = "legacy-province:54"
    enter(
        officer_a,
        "funding.disbursed",
        unit,
        "2018-01-01",
        "2018-12-31",
        300 * M,
        is_declared_total=True,
    )
    enter(officer_a, "funding.disbursed.national", unit, "2018-01-01", "2018-12-31", 300 * M)
    assert issues(national, "province:66", quality.INCONSISTENT_TOTAL) == []


def test_a_value_left_on_days_the_records_answer_is_an_issue(
    officer_a, national, merged, province_a
):
    from khuyencong.reports.models import RecordsSince

    RecordsSince.objects.create(province=province_a, since=dt.date(2026, 1, 1))
    enter(officer_a, "funding.disbursed", "province:66", "2025-01-01", "2025-12-31", 5 * M)
    assert issues(national, "province:66", quality.UNUSED_VALUE) == []
    # The records start is moved earlier: the 2025 value is no longer read.
    RecordsSince.objects.filter(province=province_a).update(since=dt.date(2025, 7, 1))
    [issue] = issues(national, "province:66", quality.UNUSED_VALUE)
    assert issue["records_from"] == "2025-07-01"
    assert "01/07/2025" in issue["message"]
