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
