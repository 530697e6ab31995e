"""No 5xx for what a client can send: years out of range, OPTIONS on a file export."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/trainings/?year=10000",
        "/api/v1/workshops/?year=0",
        "/api/v1/needs/?year=1999",
        "/api/v1/aggregates/?year=2101",
    ],
)
def test_a_year_out_of_range_is_400_naming_year(api_for, admin, url):
    response = api_for(admin).get(url)
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_year_in_range_is_answered(api_for, admin):
    assert api_for(admin).get("/api/v1/trainings/?year=2026").status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_options_on_a_report_export_is_not_a_500(api_for, admin, fmt):
    client = api_for(admin)
    client.raise_request_exception = False
    response = client.options(
        f"/api/v1/reports/summary/?unit=nation&start=2026-01-01&end=2026-03-31&format={fmt}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
