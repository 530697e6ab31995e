"""/api/v1/collaborators/ and /api/v1/collaborator-reports/ with their transitions
(API.md, Field network): the contract's fields, scoping, 400 naming the field, 409."""

from __future__ import annotations

import pytest

from khuyencong.network.factories import (
    CollaboratorFactory,
    advance_report,
    file_report,
    last_finished_quarter,
)
from khuyencong.network.models import Collaborator, QuarterlyReport
from khuyencong.network.quarters import quarter_of
from khuyencong.network.services import today
from khuyencong.places.factories import CommuneFactory

S = QuarterlyReport.Status
COLLABORATORS = "/api/v1/collaborators/"
REPORTS = "/api/v1/collaborator-reports/"
CONTRACT_COLLABORATOR = {
    "id",
    "full_name",
    "province",
    "communes",
    "position",
    "appointed_on",
    "appointment_decision",
    "active_until",
    "phone",
    "email",
    "monthly_fee",
}
CONTRACT_REPORT = {
    "id",
    "collaborator",
    "period",
    "establishments_active",
    "establishments_new",
    "establishments_ceased",
    "difficulties",
    "status",
}


@pytest.fixture
def ctv_a1(province_a, commune_a1, collaborator_a1):
    return CollaboratorFactory(
        full_name="H'Linh Mlô", province=province_a, communes=[commune_a1], user=collaborator_a1
    )


@pytest.fixture
def ctv_b1(province_b, commune_b1):
    return CollaboratorFactory(full_name="Lê Thị Cúc", province=province_b, communes=[commune_b1])


def collaborator_body(**extra):
    body = {
        "full_name": "Nguyễn Thị Lan",
        "communes": ["24100", "24200"],
        "position": "Công chức Văn hóa – Xã hội",
        "appointed_on": "2025-03-01",
        "appointment_decision": "125/QĐ-UBND",
        "active_until": None,
        "phone": "0912345678",
        "monthly_fee": 1_490_000,
    }
    body.update(extra)
    return body


def report_body(period=None, **extra):
    body = {
        "period": (period or last_finished_quarter()).period,
        "establishments_active": 12,
        "establishments_new": 2,
        "establishments_ceased": 1,
        "difficulties": [{"topic": "capital", "text": "Thiếu vốn mua máy"}],
    }
    body.update(extra)
    return body


# --- collaborators ------------------------------------------------------------------------


def test_an_officer_records_and_reads_a_collaborator(
    api_for, officer_a, commune_a1, commune_a2, django_assert_max_num_queries
):
    client = api_for(officer_a)
    response = client.post(COLLABORATORS, collaborator_body(province="79"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) >= CONTRACT_COLLABORATOR
    # The province is read-only: that of the communes, whatever was sent.
    assert data["province"] == "66" and data["communes"] == ["24100", "24200"]
    assert data["active_until"] is None and data["appointed_on"] == "2025-03-01"
    assert client.get(f"{COLLABORATORS}{data['id']}/").json() == data
    for index in range(5):
        commune = CommuneFactory(province_id="66")
        client.post(
            COLLABORATORS,
            collaborator_body(full_name=f"CTV {index}", communes=[commune.pk]),
            format="json",
        )
    with django_assert_max_num_queries(8):
        listing = client.get(COLLABORATORS)
    assert listing.json()["count"] == 6
    assert client.get(f"{COLLABORATORS}?commune=24200").json()["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"communes": ["24100", "26700"]}, "communes"),
        ({"communes": ["00000"]}, "communes"),
        ({"communes": []}, "communes"),
        ({"appointed_on": "01/03/2025"}, "appointed_on"),
        ({"active_until": "2025-02-01"}, "active_until"),
        ({"monthly_fee": -1}, "monthly_fee"),
        ({"full_name": ""}, "full_name"),
        ({"email": "lan"}, "email"),
    ],
)
def test_bad_collaborator_input_is_400_naming_the_field(
    api_for, officer_a, commune_a1, commune_a2, commune_b1, change, field
):
    response = api_for(officer_a).post(COLLABORATORS, collaborator_body(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Collaborator.objects.exists()


def test_collaborators_are_scoped(api_for, officer_b, ctv_a1, ctv_b1, national, collaborator_a1):
    assert api_for(officer_b).get(f"{COLLABORATORS}{ctv_a1.pk}/").status_code == 404
    assert [c["id"] for c in api_for(officer_b).get(COLLABORATORS).json()["results"]] == [ctv_b1.pk]
    assert api_for(national).get(COLLABORATORS).json()["count"] == 2
    assert [c["id"] for c in api_for(collaborator_a1).get(COLLABORATORS).json()["results"]] == [
        ctv_a1.pk
    ]
    response = api_for(officer_b).patch(
        f"{COLLABORATORS}{ctv_a1.pk}/", {"position": "x"}, format="json"
    )
    assert response.status_code == 404
    response = api_for(officer_b).post(
        COLLABORATORS, collaborator_body(communes=["24100"]), format="json"
    )
    assert response.status_code == 400 and "province" in response.json()


@pytest.mark.parametrize("persona", ["national", "auditor_a", "collaborator_a1"])
def test_read_only_roles_and_collaborators_may_not_record_collaborators(
    request, api_for, persona, commune_a1, commune_a2
):
    response = api_for(request.getfixturevalue(persona)).post(
        COLLABORATORS, collaborator_body(), format="json"
    )
    assert response.status_code == 403


def test_a_stale_patch_is_409(api_for, officer_a, manager_a, ctv_a1):
    version = ctv_a1.version
    first = api_for(officer_a).patch(
        f"{COLLABORATORS}{ctv_a1.pk}/",
        {"active_until": today().isoformat(), "version": version},
        format="json",
    )
    assert first.status_code == 200 and first.json()["active_until"] == today().isoformat()
    second = api_for(manager_a).patch(
        f"{COLLABORATORS}{ctv_a1.pk}/", {"position": "x", "version": version}, format="json"
    )
    assert second.status_code == 409 and "detail" in second.json()


# --- reports ------------------------------------------------------------------------------


def test_a_collaborator_files_through_the_api(api_for, collaborator_a1, ctv_a1):
    client = api_for(collaborator_a1)
    period = last_finished_quarter()
    response = client.post(REPORTS, report_body(period), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) >= CONTRACT_REPORT
    assert data["collaborator"] == ctv_a1.pk and data["period"] == period.period
    assert (data["establishments_active"], data["status"]) == (12, "draft")
    assert [(d["topic"], d["text"]) for d in data["difficulties"]] == [
        ("capital", "Thiếu vốn mua máy")
    ]
    assert data["province"] == "66" and data["timeliness"] in ("pending", "missing")
    assert client.get(f"{REPORTS}?period={period.period}").json()["count"] == 1


@pytest.mark.parametrize("period", ["2026Q1", "2026-Q5", "Q1/2026", "", 2026, None])
def test_a_bad_period_is_400_on_period(api_for, collaborator_a1, ctv_a1, period):
    response = api_for(collaborator_a1).post(
        REPORTS, {**report_body(), "period": period}, format="json"
    )
    assert response.status_code == 400 and "period" in response.json()
    assert api_for(collaborator_a1).get(f"{REPORTS}?period=2026-Q9").status_code == 400


def test_a_future_quarter_and_a_second_report_are_400_on_period(api_for, collaborator_a1, ctv_a1):
    client = api_for(collaborator_a1)
    future = quarter_of(today()).next()
    response = client.post(REPORTS, report_body(future), format="json")
    assert response.status_code == 400 and "period" in response.json()
    assert client.post(REPORTS, report_body(), format="json").status_code == 201
    response = client.post(REPORTS, report_body(), format="json")
    assert response.status_code == 400 and "period" in response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"sector_lines": [{"sector": "a", "active": 10, "new": 2, "ceased": 1}]},
            "establishments_active",
        ),
        ({"sector_lines": [{"sector": "zz", "active": 12}]}, "sector_lines"),
        ({"establishments_new": -1}, "establishments_new"),
        ({"difficulties": [{"topic": "weather", "text": "Mưa"}]}, "difficulties"),
        ({"difficulties": [{"topic": "capital", "text": "x", "commune": "26700"}]}, "difficulties"),
        ({"collaborator": 999999}, "collaborator"),
    ],
)
def test_bad_report_input_is_400_naming_the_field(
    api_for, officer_a, ctv_a1, commune_b1, change, field
):
    response = api_for(officer_a).post(
        REPORTS, {**report_body(collaborator=ctv_a1.pk), **change}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not QuarterlyReport.objects.exists()


def test_sector_lines_alone_give_the_totals(api_for, officer_a, ctv_a1):
    body = report_body(
        collaborator=ctv_a1.pk,
        sector_lines=[
            {"sector": "a", "active": 9, "new": 2, "ceased": 1},
            {"sector": "dd", "active": 3},
        ],
    )
    for name in ("establishments_active", "establishments_new", "establishments_ceased"):
        del body[name]
    data = api_for(officer_a).post(REPORTS, body, format="json").json()
    assert (
        data["establishments_active"],
        data["establishments_new"],
        data["establishments_ceased"],
    ) == (12, 2, 1)
    assert {line["sector"] for line in data["sector_lines"]} == {"a", "dd"}


def test_a_collaborator_cannot_file_for_someone_elses_record(
    api_for, collaborator_a1, ctv_a1, ctv_b1, province_a, commune_a2
):
    colleague = CollaboratorFactory(province=province_a, communes=[commune_a2])
    response = api_for(collaborator_a1).post(
        REPORTS, report_body(collaborator=colleague.pk), format="json"
    )
    assert response.status_code == 400 and "collaborator" in response.json()


def test_transitions_through_the_api(api_for, collaborator_a1, officer_a, manager_a, ctv_a1):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    target = f"{REPORTS}{report.pk}/transitions/"
    mine = api_for(collaborator_a1)
    response = mine.post(target, {"action": "submit"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    # The collaborator may not review their own report; a step from the wrong state is 409.
    response = mine.post(target, {"action": "accept"}, format="json")
    assert response.status_code == 409 and "detail" in response.json()
    response = api_for(officer_a).post(target, {"action": "submit"}, format="json")
    assert response.status_code == 409
    response = api_for(manager_a).post(target, {"action": "return"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_for(manager_a).post(
        target, {"action": "return", "reason": "Thiếu số liệu ngành đ"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "Thiếu số liệu ngành đ"
    response = api_for(officer_a).post(target, {"action": "fly"}, format="json")
    assert response.status_code == 400 and "action" in response.json()
    steps = mine.get(target).json()
    assert [(s["action"], s["to_status"]) for s in steps] == [
        ("submit", "submitted"),
        ("return", "returned"),
    ]


def test_a_submitted_report_is_no_longer_edited_and_a_stale_one_is_refused(
    api_for, collaborator_a1, officer_a, ctv_a1
):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    client = api_for(collaborator_a1)
    response = client.patch(
        f"{REPORTS}{report.pk}/", {"proposals": "A", "version": report.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["proposals"] == "A"
    response = client.patch(
        f"{REPORTS}{report.pk}/", {"proposals": "B", "version": report.version}, format="json"
    )
    assert response.status_code == 409
    response = client.patch(
        f"{REPORTS}{report.pk}/", {"period": "2020-Q1", "version": 2}, format="json"
    )
    assert response.status_code == 400 and "period" in response.json()
    advance_report(report, S.SUBMITTED, filer=collaborator_a1, reviewer=officer_a)
    report.refresh_from_db()
    response = client.patch(
        f"{REPORTS}{report.pk}/", {"proposals": "C", "version": report.version}, format="json"
    )
    assert response.status_code == 409


def test_reports_are_scoped(
    api_for,
    collaborator_a1,
    officer_b,
    national,
    auditor_a,
    ctv_a1,
    province_a,
    commune_a2,
    officer_a,
):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    colleague = CollaboratorFactory(province=province_a, communes=[commune_a2])
    other = file_report(actor=officer_a, collaborator=colleague)
    assert api_for(officer_b).get(f"{REPORTS}{report.pk}/").status_code == 404
    response = api_for(officer_b).post(
        f"{REPORTS}{report.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert response.status_code == 404
    assert api_for(collaborator_a1).get(f"{REPORTS}{other.pk}/").status_code == 404
    assert [r["id"] for r in api_for(collaborator_a1).get(REPORTS).json()["results"]] == [report.pk]
    for user in (national, auditor_a):
        client = api_for(user)
        assert client.get(f"{REPORTS}{report.pk}/").status_code == 200
        response = client.post(
            f"{REPORTS}{report.pk}/transitions/", {"action": "submit"}, format="json"
        )
        assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == S.DRAFT


def test_report_list_queries_do_not_grow(
    api_for, officer_a, province_a, django_assert_max_num_queries
):
    def grow(n, start):
        for index in range(n):
            commune = CommuneFactory(province=province_a, code=f"{start + index:05d}")
            collaborator = CollaboratorFactory(province=province_a, communes=[commune])
            file_report(actor=officer_a, collaborator=collaborator)

    client = api_for(officer_a)
    grow(2, 60000)
    with django_assert_max_num_queries(9):
        client.get(REPORTS)
    grow(15, 61000)
    with django_assert_max_num_queries(9):
        listing = client.get(REPORTS)
    assert listing.json()["count"] == 17


def test_the_schema_documents_the_network_endpoints(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"/api/v1/collaborators/", "/api/v1/collaborator-reports/{id}/transitions/"} <= set(
        paths
    )
    post = paths["/api/v1/collaborator-reports/{id}/transitions/"]["post"]
    assert {"200", "400", "404", "409"} <= set(post["responses"])
