"""The reports API (API.md, "Aggregate values" and "Reports"): shapes, scoping, errors."""

import datetime as dt

import pytest
from django.utils import translation

from khuyencong.places.factories import RegionFactory
from khuyencong.reports.factories import approved_project, enter, legacy_province, pay
from khuyencong.reports.models import AggregateValue

M = 1_000_000


@pytest.fixture
def merged(province_a, province_b, commune_a1, commune_a2, commune_b1):
    """Đắk Lắk (66) = old Phú Yên (54) + old Đắk Lắk (66)."""
    legacy_province("54", "Phú Yên", province_a, [commune_a2])
    legacy_province("66", "Đắk Lắk", province_a, [commune_a1])


@pytest.fixture
def regions(province_a, province_b):
    RegionFactory(code="NAM", name="Khu vực phía Nam").provinces.set([province_b])


ITEM = {
    "indicator": "funding.disbursed",
    "unit": "province:66",
    "start": "2012-01-01",
    "end": "2023-12-31",
    "value": 75_430_000_000,
}
ROW_KEYS = {
    "code",
    "name",
    "unit",
    "value",
    "plan",
    "percent_of_plan",
    "previous",
    "change_percent",
    "source",
}


def test_post_one_value_and_read_it_back(api_for, officer_a, merged):
    api = api_for(officer_a)
    response = api.post("/api/v1/aggregates/", ITEM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ITEM} == ITEM
    assert body["province"] == "66" and body["version"] == 1
    listed = api.get("/api/v1/aggregates/", {"unit": "province:66"}).json()
    assert listed["count"] == 1


def test_post_a_list_all_or_nothing(api_for, officer_a, merged):
    api = api_for(officer_a)
    items = [
        {**ITEM, "unit": "legacy-province:54", "start": "2024-01-01", "end": "2024-12-31"},
        {
            **ITEM,
            "indicator": "trainees.employed_percent",
            "value": 81.3,
            "start": "2024-01-01",
            "end": "2024-12-31",
        },
        {**ITEM, "value": "lots"},
    ]
    response = api.post("/api/v1/aggregates/", items, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {} and errors[1] == {} and "value" in errors[2]
    assert not AggregateValue.objects.exists()
    response = api.post("/api/v1/aggregates/", items[:2], format="json")
    assert response.status_code == 201
    assert [row["value"] for row in response.json()] == [75_430_000_000, 81.3]


def test_bad_input_is_400_naming_the_field(api_for, officer_a, merged):
    api = api_for(officer_a, language="en")
    response = api.post("/api/v1/aggregates/", {**ITEM, "end": "2011-01-01"}, format="json")
    assert response.status_code == 400 and "end" in response.json()
    assert (
        api.post("/api/v1/aggregates/", "[1, 2]", content_type="application/json").status_code
        == 400
    )
    assert api.post("/api/v1/aggregates/", [], format="json").status_code == 400


def test_scoping(api_for, officer_a, officer_b, national, merged):
    value = enter(officer_a, "funding.disbursed", "province:66", "2020-01-01", "2020-12-31", 5)
    assert api_for(officer_b).get(f"/api/v1/aggregates/{value.pk}/").status_code == 404
    assert api_for(officer_b).get("/api/v1/aggregates/").json()["count"] == 0
    response = api_for(officer_b).post("/api/v1/aggregates/", ITEM, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert api_for(national).post("/api/v1/aggregates/", ITEM, format="json").status_code == 403
    assert api_for(national).get(f"/api/v1/aggregates/{value.pk}/").status_code == 200


def test_patch_with_a_stale_version_is_409(api_for, officer_a, merged):
    value = enter(officer_a, "funding.disbursed", "province:66", "2020-01-01", "2020-12-31", 5)
    api = api_for(officer_a)
    url = f"/api/v1/aggregates/{value.pk}/"
    assert api.patch(url, {"value": 6, "version": 1}, format="json").json()["value"] == 6
    assert api.patch(url, {"value": 7, "version": 1}, format="json").status_code == 409
    assert api.delete(f"{url}?version=2").status_code == 204
    assert not AggregateValue.objects.exists()


def test_summary_shape(api_for, manager_a, province_a, merged, regions):
    project = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 2, 1)
    )
    pay(project, manager=manager_a, amount=150 * M, on=dt.date(2026, 5, 1))
    response = api_for(manager_a).get(
        "/api/v1/reports/summary/",
        {"unit": "province:66", "start": "2026-01-01", "end": "2026-09-30"},
    )
    assert response.status_code == 200
    body = response.json()
    assert {"unit", "start", "end", "indicators", "narrative"} <= set(body)
    assert body["unit"] == "province:66" and body["start"] == "2026-01-01"
    codes = [row["code"] for row in body["indicators"]]
    for code in (
        "funding.planned",
        "funding.planned.national",
        "funding.planned.local",
        "funding.planned.counterpart",
        "funding.planned.other",
        "funding.disbursed",
        "funding.disbursed.national",
        "funding.disbursed.local",
        "funding.disbursed.counterpart",
        "funding.disbursed.other",
        "projects.approved",
        "establishments.supported",
        "trainees.count",
        "trainees.employed_percent",
        "awards.products.province",
        "awards.products.region",
        "awards.products.national",
        "awards.products.district",
        "fairs.participations",
        "showrooms.count",
        "brands.count",
        "consulting.contracts",
        "consulting.revenue",
        "workshops.count",
        "workshops.attendees",
        "collaborators.active",
    ):
        assert code in codes
    for row in body["indicators"]:
        assert set(row) >= ROW_KEYS
        assert row["source"] in ("records", "aggregates", "mixed", "none")
    disbursed = next(r for r in body["indicators"] if r["code"] == "funding.disbursed")
    assert disbursed["value"] == 150 * M and disbursed["plan"] == 500 * M
    assert disbursed["percent_of_plan"] == 30.0
    assert body["narrative"] and "30% kế hoạch năm 2026" in body["narrative"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unit": "province", "start": "2026-01-01", "end": "2026-12-31"}, "unit"),
        ({"unit": "province:99", "start": "2026-01-01", "end": "2026-12-31"}, "unit"),
        ({"start": "2026-01-01", "end": "2026-12-31"}, "unit"),
        ({"unit": "province:66", "start": "2026-02-30", "end": "2026-12-31"}, "start"),
        ({"unit": "province:66", "start": "2026-01-01"}, "end"),
        ({"unit": "province:66", "start": "2026-06-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_summary_bad_parameters_are_400(api_for, officer_a, merged, params, field):
    response = api_for(officer_a).get("/api/v1/reports/summary/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_summary_of_another_province_is_404(api_for, officer_b, officer_a, merged, regions):
    params = {"start": "2026-01-01", "end": "2026-12-31"}
    assert (
        api_for(officer_b)
        .get("/api/v1/reports/summary/", {"unit": "province:66", **params})
        .status_code
        == 404
    )
    assert (
        api_for(officer_b).get("/api/v1/reports/summary/", {"unit": "nation", **params}).status_code
        == 404
    )
    assert (
        api_for(officer_a)
        .get("/api/v1/reports/summary/", {"unit": "legacy-province:54", **params})
        .status_code
        == 200
    )
    assert (
        api_for(None).get("/api/v1/reports/summary/", {"unit": "province:66", **params}).status_code
        == 401
    )


def test_data_quality_shape(api_for, officer_a, merged):
    enter(
        officer_a,
        "funding.disbursed",
        "province:66",
        "2019-01-01",
        "2019-12-31",
        10,
        is_declared_total=True,
    )
    for source in ("national", "local", "counterpart", "other"):
        enter(
            officer_a, f"funding.disbursed.{source}", "province:66", "2019-01-01", "2019-12-31", 2
        )
    with translation.override("en"):
        response = api_for(officer_a, language="en").get(
            "/api/v1/data-quality/", {"unit": "province:66"}
        )
    assert response.status_code == 200
    [issue] = [i for i in response.json()["issues"] if i["kind"] == "inconsistent_total"]
    assert {"kind", "indicator", "unit", "start", "end", "message"} <= set(issue)
    assert (issue["declared"], issue["sum_of_parts"], issue["difference"]) == (10, 8, 2)
    assert (
        api_for(officer_a).get("/api/v1/data-quality/", {"unit": "province:79"}).status_code == 404
    )
    assert api_for(officer_a).get("/api/v1/data-quality/").status_code == 400


def test_the_catalogue(api_for, officer_a):
    body = api_for(officer_a).get("/api/v1/report-indicators/").json()
    by_code = {row["code"]: row for row in body}
    assert by_code["funding.planned.local"]["parent"] == "funding.planned"
    assert by_code["funding.disbursed.national"]["plan"] == "funding.planned.national"
    for code in (
        "fairs.establishments",
        "communications.count",
        "needs.count",
        "needs.met_percent",
        "collaborators.active",
        "collaborator_reports.late",
    ):
        assert code in by_code


def test_summary_answers_partial_data_with_its_completeness(
    api_for, national, admin, merged, province_b
):
    legacy_province("74", "Bình Dương", province_b, [])
    legacy_province("79", "Hồ Chí Minh", province_b, [])
    for code, amount in (("54", 1_000), ("66", 2_000), ("74", 4_000)):
        enter(
            admin,
            "funding.disbursed",
            f"legacy-province:{code}",
            "2023-01-01",
            "2023-12-31",
            amount * M,
        )
    response = api_for(national).get(
        "/api/v1/reports/summary/", {"unit": "nation", "start": "2023-01-01", "end": "2023-12-31"}
    )
    assert response.status_code == 200
    row = next(r for r in response.json()["indicators"] if r["code"] == "funding.disbursed")
    assert row["value"] == 7_000 * M
    assert row["completeness"]["reported"] == 3
    assert row["completeness"]["expected"] == 4
    assert row["completeness"]["missing"] == ["legacy-province:79"]
    assert row["comparable"] is True


def test_a_value_for_days_the_records_answer_is_a_400_on_end(api_for, officer_a, merged):
    response = api_for(officer_a).post(
        "/api/v1/aggregates/",
        {**ITEM, "unit": "province:66", "start": "2025-01-01", "end": "2025-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert "01/01/2025" in response.json()["end"][0]
    assert not AggregateValue.objects.exists()
