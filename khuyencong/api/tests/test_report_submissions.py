"""``/api/v1/report-submissions/`` and ``/api/v1/report-consolidation/``: frozen snapshots,
versions, consolidation, scoping, errors and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory, RegionFactory
from khuyencong.reports import submissions
from khuyencong.reports.factories import approved_project, pay
from khuyencong.reports.models import ReportSubmission
from khuyencong.reports.periods import Period

M = 1_000_000
URL = "/api/v1/report-submissions/"
CONSOLIDATION = "/api/v1/report-consolidation/"
Q1 = {"start": "2026-01-01", "end": "2026-03-31"}


def funding(snapshot):
    return next(r for r in snapshot["indicators"] if r["code"] == "funding.disbursed")["value"]


@pytest.fixture
def project_a(manager_a, province_a):
    project = approved_project(
        manager=manager_a, province=province_a, year=2026, approved_on=dt.date(2026, 1, 15)
    )
    pay(project, manager=manager_a, amount=100 * M, on=dt.date(2026, 2, 10))
    return project


@pytest.fixture
def south(province_a, province_b):
    region = RegionFactory(code="NAM", name="Khu vực phía Nam")
    region.provinces.set([province_a, province_b])
    return region


def test_submit_answers_the_frozen_snapshot(api_for, manager_a, project_a):
    api = api_for(manager_a)
    response = api.post(URL, {"unit": "province:66", **Q1, "note": "Quý I"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 1 and body["is_latest"] and body["kind"] == "quarter"
    assert body["unit"] == "province:66" and body["province"] == "66"
    assert body["period_label"] == "Quý I/2026" and body["note"] == "Quý I"
    assert body["snapshot"]["unit"] == "province:66" and body["snapshot"]["narrative"]
    assert funding(body["snapshot"]) == 100 * M
    # Later edits of the records do not change what was submitted.
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    again = api.get(f"{URL}{body['id']}/").json()
    assert funding(again["snapshot"]) == 100 * M
    live = api.get("/api/v1/reports/summary/", {"unit": "province:66", **Q1}).json()
    assert funding(live) == 150 * M


def test_a_resubmission_is_a_new_version(api_for, manager_a, project_a):
    api = api_for(manager_a)
    first = api.post(URL, {"unit": "province:66", **Q1}, format="json").json()
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    second = api.post(URL, {"unit": "province:66", **Q1}, format="json").json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = api.get(URL).json()
    assert listed["count"] == 2
    assert [(r["version"], r["is_latest"]) for r in listed["results"]] == [(2, True), (1, False)]
    assert "snapshot" not in listed["results"][0]
    latest = api.get(URL, {"latest": "true"}).json()
    assert [r["id"] for r in latest["results"]] == [second["id"]]
    assert funding(api.get(f"{URL}{first['id']}/").json()["snapshot"]) == 100 * M
    assert funding(api.get(f"{URL}{second['id']}/").json()["snapshot"]) == 150 * M


def test_scoping(api_for, manager_a, officer_b, national, auditor_a, collaborator_a1, project_a):
    created = api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json").json()
    assert api_for(collaborator_a1).get(URL).json()["count"] == 0
    assert api_for(collaborator_a1).get(f"{URL}{created['id']}/").status_code == 404
    assert api_for(officer_b).get(URL).json()["count"] == 0
    assert api_for(officer_b).get(f"{URL}{created['id']}/").status_code == 404
    assert api_for(national).get(f"{URL}{created['id']}/").status_code == 200
    assert api_for(auditor_a).get(URL, {"province": "66"}).json()["count"] == 1
    # Another province's report cannot be submitted: it does not exist for the caller.
    response = api_for(officer_b).post(URL, {"unit": "province:66", **Q1}, format="json")
    assert response.status_code == 404
    assert ReportSubmission.objects.count() == 1


@pytest.mark.parametrize("persona", ["national", "auditor_a", "collaborator_a1"])
def test_roles_that_do_not_submit(api_for, persona, request, province_a):
    user = request.getfixturevalue(persona)
    response = api_for(user).post(URL, {"unit": "province:66", **Q1}, format="json")
    assert response.status_code == 403
    assert not ReportSubmission.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "region:NAM", **Q1}, "unit"),
        ({"unit": "province:99", **Q1}, "unit"),
        ({"unit": "somewhere", **Q1}, "unit"),
        ({"unit": "province:66", "end": "2026-03-31"}, "start"),
        ({"unit": "province:66", "start": "2026-01-01", "end": "31/03/2026"}, "end"),
        ({"unit": "province:66", "start": "2026-03-01", "end": "2026-03-31"}, "end"),
        ({"unit": "province:66", "start": "2026-03-31", "end": "2026-01-01"}, "end"),
        ({"unit": "province:66", "start": "2030-01-01", "end": "2030-12-31"}, "start"),
        ({"unit": "province:66", **Q1, "note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_names_the_field(api_for, manager_a, province_a, south, body, field):
    response = api_for(manager_a, language="en").post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not ReportSubmission.objects.exists()


def test_a_period_that_is_not_a_report_says_so(api_for, manager_a, province_a):
    response = api_for(manager_a, language="en").post(
        URL, {"unit": "province:66", "start": "2026-03-01", "end": "2026-03-31"}, format="json"
    )
    with translation.override("en"):
        assert response.json()["end"] == [
            "A report is submitted for a quarter, the first 6 or 9 months of a year, or a whole year."
        ]


def test_consolidation(api_for, national, manager_a, officer_b, province_b, project_a, south):
    manager_b = UserFactory(role=Role.PROVINCIAL_MANAGER, province=province_b)
    project_b = approved_project(
        manager=manager_b, province=province_b, year=2026, approved_on=dt.date(2026, 1, 20)
    )
    pay(project_b, manager=manager_b, amount=70 * M, on=dt.date(2026, 3, 5))
    api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json")
    pay(project_a, manager=manager_a, amount=50 * M, on=dt.date(2026, 3, 1))
    second = api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json").json()

    response = api_for(national).get(CONSOLIDATION, {"unit": "region:NAM", **Q1})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unit"] == "region:NAM" and body["kind"] == "quarter"
    assert body["due"] == "2026-04-10" and body["submitted"] == 1
    assert body["not_submitted"] == [
        {"province": "79", "name": province_b.name, "status": "missing"}
    ]
    provinces = {p["province"]: p for p in body["provinces"]}
    assert provinces["66"]["submission"]["id"] == second["id"]
    assert provinces["66"]["submission"]["version"] == 2
    assert provinces["79"]["submission"] is None
    rows = {r["code"]: r for r in body["indicators"]}
    assert rows["funding.disbursed"]["value"] == 150 * M  # A's latest version only
    assert rows["trainees.employed_percent"]["value"] is None
    assert rows["trainees.employed_percent"]["note"]

    assert (
        api_for(officer_b).post(URL, {"unit": "province:79", **Q1}, format="json").status_code
        == 403
    )
    api_for(manager_b).post(URL, {"unit": "province:79", **Q1}, format="json")
    body = api_for(national).get(CONSOLIDATION, {"unit": "region:NAM", **Q1}).json()
    rows = {r["code"]: r for r in body["indicators"]}
    assert rows["funding.disbursed"]["value"] == 220 * M
    assert body["not_submitted"] == [] and body["submitted"] == 2


def test_late_submissions_are_listed(api_for, national, manager_a, province_a, project_a, south):
    submissions.submit(
        actor=manager_a,
        province=province_a,
        period=Period.quarter(2026, 1),
        now=dt.datetime(2026, 4, 15, 9, tzinfo=dt.UTC),
    )
    body = api_for(national).get(CONSOLIDATION, {"unit": "nation", **Q1}).json()
    assert [row["province"] for row in body["late"]] == ["66"]
    assert body["late"][0]["first_submitted_at"].startswith("2026-04-15")
    assert {p["province"]: p["status"] for p in body["provinces"]} == {
        "66": "late",
        "79": "missing",
    }


def test_consolidation_scoping_and_errors(api_for, national, manager_a, south):
    assert api_for(manager_a).get(CONSOLIDATION, {"unit": "region:NAM", **Q1}).status_code == 404
    assert api_for(manager_a).get(CONSOLIDATION, {"unit": "nation", **Q1}).status_code == 404
    api = api_for(national, language="en")
    for params, field in [
        ({"unit": "province:66", **Q1}, "unit"),
        ({"unit": "region:NOPE", **Q1}, "unit"),
        ({**Q1}, "unit"),
        ({"unit": "nation", "start": "2026-01-01"}, "end"),
        ({"unit": "nation", "start": "2026-01-01", "end": "2026-02-28"}, "end"),
        ({"unit": "nation", "start": "x", "end": "2026-03-31"}, "start"),
    ]:
        response = api.get(CONSOLIDATION, params)
        assert response.status_code == 400, (params, response.json())
        assert field in response.json()


def test_consolidation_queries_do_not_grow_with_provinces(
    api_for, national, manager_a, province_a, province_b, project_a
):
    api = api_for(national)
    period = Period.quarter(2026, 1)
    now = dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC)
    submissions.submit(actor=manager_a, province=province_a, period=period, now=now)
    api.get(CONSOLIDATION, {"unit": "nation", **Q1})
    with CaptureQueriesContext(connection) as before:
        assert api.get(CONSOLIDATION, {"unit": "nation", **Q1}).status_code == 200
    for index in range(5):
        province = ProvinceFactory(code=f"{40 + index}")
        CommuneFactory(province=province)
        manager = UserFactory(role=Role.PROVINCIAL_MANAGER, province=province)
        submissions.submit(actor=manager, province=province, period=period, now=now)
    with CaptureQueriesContext(connection) as after:
        body = api.get(CONSOLIDATION, {"unit": "nation", **Q1}).json()
    assert body["submitted"] == 6 and len(body["provinces"]) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_list_queries_do_not_grow_with_rows(api_for, national, manager_a, province_a, project_a):
    api = api_for(national)
    period = Period.quarter(2026, 1)
    now = dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC)
    submissions.submit(actor=manager_a, province=province_a, period=period, now=now)
    with CaptureQueriesContext(connection) as before:
        api.get(URL)
    for _index in range(3):
        submissions.submit(actor=manager_a, province=province_a, period=period, now=now)
    with CaptureQueriesContext(connection) as after:
        assert api.get(URL).json()["count"] == 4
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_national_agency_returns_accepts_and_consolidates_the_forms(
    api_for, national, manager_a, officer_a, project_a, south
):
    created = api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json").json()
    assert created["status"] == "submitted"
    assert set(created["snapshot"]["forms"]) == {"results", "funding", "awards", "projects"}
    step = f"{URL}{created['id']}/transitions/"
    # Only the national agency reviews; a return needs a reason.
    assert api_for(manager_a).post(step, {"action": "accept"}, format="json").status_code == 403
    refused = api_for(national).post(step, {"action": "return"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    bad = api_for(national).post(step, {"action": "approve"}, format="json")
    assert bad.status_code == 400 and "action" in bad.json()
    returned = api_for(national).post(
        step, {"action": "return", "reason": "Thiếu số giải ngân"}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["transitions"][-1]["reason"] == "Thiếu số giải ngân"
    again = api_for(national).post(step, {"action": "accept"}, format="json")
    assert again.status_code == 409
    # Nothing accepted yet: the national forms name the province as missing.
    forms_url = "/api/v1/report-consolidation/forms/"
    empty = api_for(national).get(forms_url, {"unit": "nation", "form": "funding", **Q1}).json()
    assert empty["forms"][0]["completeness"]["reported"] == 0
    second = api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json").json()
    assert second["version"] == 2
    accepted = api_for(national).post(
        f"{URL}{second['id']}/transitions/", {"action": "accept"}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    body = api_for(national).get(forms_url, {"unit": "nation", "form": "funding", **Q1}).json()
    [funding] = body["forms"]
    total = next(r for r in funding["rows"] if r["code"] == "total")
    frozen = next(r for r in second["snapshot"]["forms"]["funding"]["rows"] if r["code"] == "total")
    assert total["national"] == frozen["national"] and total["national"]
    assert funding["completeness"]["reported"] == 1
    # An accepted report is final; bad input names the parameter.
    assert (
        api_for(manager_a).post(URL, {"unit": "province:66", **Q1}, format="json").status_code
        == 409
    )
    bad_form = api_for(national).get(forms_url, {"unit": "nation", "form": "nope", **Q1})
    assert bad_form.status_code == 400 and "form" in bad_form.json()
    bad_unit = api_for(national).get(forms_url, {"unit": "province:66", **Q1})
    assert bad_unit.status_code == 400 and "unit" in bad_unit.json()
