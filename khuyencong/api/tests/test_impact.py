"""``/api/v1/reports/impact/`` (API.md, "Impact")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.reports.factories import impact_panel

COHORT = timezone.localdate().year - 3
URL = "/api/v1/reports/impact/"


@pytest.fixture
def panel_a(commune_a1, manager_a):
    return impact_panel(
        commune=commune_a1, treated=20, controls=30, effect=300_000_000, manager=manager_a
    )


def ask(client, **params):
    query = {"unit": "province:66", "cohort": COHORT, "indicator": "revenue", "horizon": 2}
    query.update(params)
    return client.get(URL, {k: v for k, v in query.items() if v is not None})


def test_it_answers_the_contract_fields(api_for, manager_a, panel_a):
    response = ask(api_for(manager_a))

    assert response.status_code == 200, response.content
    body = response.json()
    for name in ("treated", "controls", "effect", "ci_low", "ci_high", "method", "by_category"):
        assert name in body
    assert body["treated"] == 20
    assert body["controls"] == 30
    assert body["verdict"] == "effect"
    assert isinstance(body["effect"], int)
    assert body["ci_low"] < 300_000_000 < body["ci_high"]
    assert body["unit_label"] == "Tỉnh Đắk Lắk"
    assert [row["relative_year"] for row in body["event_study"]] == [-3, -2, -1, 0, 1, 2]
    assert body["by_category"][0]["category"] == "03"
    assert body["by_category"][0]["treated"] == 20
    # Vietnamese by default.
    assert "mỗi cơ sở được hỗ trợ" in body["message"]


def test_too_few_says_so(api_for, manager_a, commune_a1):
    impact_panel(commune=commune_a1, treated=3, controls=30, effect=300_000_000, manager=manager_a)

    body = ask(api_for(manager_a)).json()

    assert body["verdict"] == "too_few"
    assert body["effect"] is None
    assert body["conclusive"] is False
    assert "Chưa đủ" in body["message"]


def test_workers_come_in_workers(api_for, manager_a, panel_a):
    body = ask(api_for(manager_a), indicator="workers", horizon=1).json()

    assert body["measure"] == "persons"
    # Workers do not change in the generated data: no effect on jobs.
    assert body["effect"] == 0
    assert body["verdict"] == "no_effect"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cohort": None}, "cohort"),
        ({"cohort": "2023x"}, "cohort"),
        ({"cohort": 1800}, "cohort"),
        ({"indicator": "profit"}, "indicator"),
        ({"indicator": None}, "indicator"),
        ({"horizon": -1}, "horizon"),
        ({"horizon": 99}, "horizon"),
        ({"cohort": timezone.localdate().year, "horizon": 2}, "horizon"),
        ({"category": "99"}, "category"),
        ({"unit": "planet:1"}, "unit"),
        ({"unit": None}, "unit"),
        ({"unit": "province:99"}, "unit"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(api_for, national, params, field):
    response = ask(api_for(national), **params)

    assert response.status_code == 400
    assert field in response.json()


def test_a_province_officer_sees_only_their_province(api_for, officer_b, panel_a):
    client = api_for(officer_b)

    assert ask(client).status_code == 404
    assert ask(client, unit="nation").status_code == 404
    own = ask(client, unit="province:79")
    assert own.status_code == 200
    assert own.json()["treated"] == 0


def test_the_nation_counts_every_province(api_for, national, panel_a):
    body = ask(api_for(national), unit="nation").json()

    assert body["treated"] == 20


def test_anonymous_is_refused(api_for, panel_a):
    assert ask(api_for()).status_code == 401


def test_the_query_count_is_fixed(api_for, manager_a, panel_a, commune_a1):
    client = api_for(manager_a)
    with CaptureQueriesContext(connection) as first:
        ask(client)
    impact_panel(commune=commune_a1, treated=15, controls=30, effect=0, manager=manager_a, seed=9)
    with CaptureQueriesContext(connection) as second:
        ask(client)

    assert len(first) == len(second)
    assert len(first) <= 16
