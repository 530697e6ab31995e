"""/api/v1/trainings/, fairs/ (+ participations), showrooms/, brands/, workshops/,
consulting-contracts/ (+ receipts) and communications/ (API.md, Activities): the contract's
fields, filters, scoping, 400 naming the field, 403 for roles, 409 for stale edits."""

from __future__ import annotations

import pytest

from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    FairParticipation,
    Showroom,
    TrainingCourse,
    Workshop,
)
from khuyencong.programmes.factories import draft_project
from khuyencong.registry.factories import EstablishmentFactory

M = 1_000_000
API = "/api/v1/"


@pytest.fixture
def est_a1(commune_a1):
    return EstablishmentFactory(name="Cơ sở mây tre đan Ea Kar", commune=commune_a1)


@pytest.fixture
def est_b(commune_b1):
    return EstablishmentFactory(name="Cơ sở bánh tráng Củ Chi", commune=commune_b1)


@pytest.fixture
def project_a(officer_a, province_a):
    return draft_project(actor=officer_a, province=province_a, category="01", subtype="01-NGHE")


@pytest.fixture
def project_b(officer_b, province_b):
    return draft_project(actor=officer_b, province=province_b, category="01", subtype="01-NGHE")


def bodies(est):
    """A valid body per endpoint, with the fields API.md names."""
    return {
        "trainings": {
            "title": "Đào tạo nghề mây tre đan",
            "topic": "vocational",
            "start_date": "2025-05-02",
            "end_date": "2025-06-20",
            "participants": 35,
            "employed_after": 28,
            "funding_level": "local",
        },
        "fairs": {
            "name": "Hội chợ Công Thương khu vực Tây Nguyên",
            "level": "region",
            "start_date": "2025-04-10",
            "end_date": "2025-04-14",
            "place": "Buôn Ma Thuột",
            "funding_level": "local",
        },
        "showrooms": {
            "name": "Phòng trưng bày mây tre",
            "establishment": est.pk,
            "opened_on": "2025-03-01",
            "cost": 200 * M,
            "supported_amount": 100 * M,
            "funding_level": "local",
        },
        "brands": {
            "establishment": est.pk,
            "mark_name": "MÂY TRE EA KAR",
            "kind": "collective",
            "filed_on": "2025-02-15",
            "funding_level": "local",
        },
        "workshops": {
            "title": "Hội thảo kết nối cung cầu",
            "topic": "market",
            "date": "2025-09-12",
            "attendees": 80,
            "establishments": [est.pk],
            "funding_level": "local",
        },
        "consulting-contracts": {
            "title": "Kiểm toán năng lượng",
            "client": "Công ty TNHH Cà phê Thắng Lợi",
            "service": "energy_audit",
            "value": 85 * M,
            "signed_on": "2025-03-20",
            "funding_level": "local",
        },
        "communications": {
            "kind": "tv",
            "title": "Phóng sự khuyến công",
            "date": "2025-05-05",
            "topic": "programme",
            "cost": 12 * M,
            "funding_level": "local",
        },
    }


MODELS = {
    "trainings": TrainingCourse,
    "fairs": Fair,
    "showrooms": Showroom,
    "brands": BrandRegistration,
    "workshops": Workshop,
    "consulting-contracts": ConsultingContract,
    "communications": CommunicationItem,
}
CONTRACT = {
    "trainings": {"id", "title", "topic", "province", "start_date", "end_date", "project",
                  "participants", "employed_after"},
    "fairs": {"id", "name", "level", "start_date", "end_date", "place"},
    "workshops": {"title", "date", "province", "attendees"},
    "consulting-contracts": {"client", "service", "province", "value", "signed_on"},
}  # fmt: skip


@pytest.mark.parametrize("endpoint", list(MODELS))
def test_each_endpoint_records_reads_lists_and_edits(
    api_for, officer_a, est_a1, endpoint, django_assert_max_num_queries
):
    client = api_for(officer_a)
    response = client.post(f"{API}{endpoint}/", bodies(est_a1)[endpoint], format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) >= CONTRACT.get(endpoint, set()) | {"id", "province", "version"}
    assert data["province"] == "66" and data["project"] is None
    detail = f"{API}{endpoint}/{data['id']}/"
    assert client.get(detail).json() == data
    for _n in range(4):
        client.post(f"{API}{endpoint}/", bodies(est_a1)[endpoint], format="json")
    with django_assert_max_num_queries(8):
        listing = client.get(f"{API}{endpoint}/")
    assert listing.json()["count"] == 5
    assert client.get(f"{API}{endpoint}/?year=2025&province=66").json()["count"] == 5
    assert client.get(f"{API}{endpoint}/?year=2024").json()["count"] == 0
    patched = client.patch(detail, {"notes": "Đã nghiệm thu", "version": 1}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    put = client.put(detail, {**bodies(est_a1)[endpoint], "version": 2}, format="json")
    assert put.status_code == 200, put.json()
    stale = client.patch(detail, {"notes": "cũ", "version": 2}, format="json")
    assert stale.status_code == 409 and "detail" in stale.json()
    assert MODELS[endpoint].objects.get(pk=data["id"]).notes == "Đã nghiệm thu"


def test_the_training_shows_its_share_and_refuses_more_employed(api_for, officer_a, est_a1):
    client = api_for(officer_a)
    body = bodies(est_a1)["trainings"]
    created = client.post(f"{API}trainings/", body, format="json").json()
    assert created["employed_percent"] == 80.0
    unknown = client.post(f"{API}trainings/", {**body, "employed_after": None}, format="json")
    assert unknown.json()["employed_percent"] is None
    response = client.post(f"{API}trainings/", {**body, "employed_after": 36}, format="json")
    assert response.status_code == 400 and "employed_after" in response.json()
    assert TrainingCourse.objects.count() == 2


@pytest.mark.parametrize(
    ("endpoint", "change", "field"),
    [
        ("trainings", {"topic": "cooking"}, "topic"),
        ("trainings", {"end_date": "2025-01-01"}, "end_date"),
        ("trainings", {"start_date": "02/05/2025"}, "start_date"),
        ("trainings", {"participants": -1}, "participants"),
        ("fairs", {"level": "international"}, "country"),
        ("showrooms", {"supported_amount": 300 * M}, "supported_amount"),
        ("brands", {"status": "granted"}, "certificate_number"),
        ("consulting-contracts", {"value": -5}, "value"),
        ("communications", {"kind": "tiktok"}, "kind"),
        ("workshops", {"attendees": 0}, "attendees"),
        ("trainings", {"province": "00"}, "province"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_for, officer_a, est_a1, endpoint, change, field):
    body = {**bodies(est_a1)[endpoint], **change}
    response = api_for(officer_a).post(f"{API}{endpoint}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MODELS[endpoint].objects.exists()


def test_a_project_of_another_province_is_400(api_for, officer_a, est_a1, project_a, project_b):
    client = api_for(officer_a)
    body = bodies(est_a1)["trainings"]
    response = client.post(f"{API}trainings/", {**body, "project": project_b.pk}, format="json")
    assert response.status_code == 400 and "project" in response.json()
    response = client.post(f"{API}trainings/", {**body, "project": project_a.pk}, format="json")
    assert response.status_code == 201 and response.json()["project"] == project_a.pk
    assert client.get(f"{API}trainings/?project={project_a.pk}").json()["count"] == 1


def test_establishments_of_another_province_are_refused(api_for, officer_a, est_a1, est_b):
    client = api_for(officer_a)
    for endpoint in ("showrooms", "brands"):
        body = {**bodies(est_a1)[endpoint], "establishment": est_b.pk}
        response = client.post(f"{API}{endpoint}/", body, format="json")
        assert response.status_code == 400 and "establishment" in response.json()
        assert est_b.name not in str(response.json())
    body = {**bodies(est_a1)["workshops"], "establishments": [est_b.pk]}
    response = client.post(f"{API}workshops/", body, format="json")
    assert response.status_code == 400 and "establishments" in response.json()


def test_participations_count_rows_per_fair(api_for, officer_a, est_a1, est_b, commune_a2):
    client = api_for(officer_a)
    fair = client.post(f"{API}fairs/", bodies(est_a1)["fairs"], format="json").json()
    rows = f"{API}fairs/{fair['id']}/participations/"
    response = client.post(
        rows, {"establishment": est_a1.pk, "supported_amount": 12 * M}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["establishment"] == est_a1.pk
    assert response.json()["supported_amount"] == 12 * M
    again = client.post(rows, {"establishment": est_a1.pk}, format="json")
    assert again.status_code == 400 and "establishment" in again.json()
    other = client.post(rows, {"establishment": est_b.pk}, format="json")
    assert other.status_code == 400
    second = EstablishmentFactory(commune=commune_a2)
    client.post(rows, {"establishment": second.pk}, format="json")
    assert [r["establishment"] for r in client.get(rows).json()] == [est_a1.pk, second.pk]
    assert client.get(f"{API}fairs/{fair['id']}/").json()["participations"] == 2


def test_trainees_and_receipts_are_rows_of_their_record(api_for, officer_a, est_a1):
    client = api_for(officer_a)
    course = client.post(
        f"{API}trainings/", {**bodies(est_a1)["trainings"], "participants": 1, "employed_after": None},
        format="json",
    ).json()  # fmt: skip
    rows = f"{API}trainings/{course['id']}/trainees/"
    for name in ("Nguyễn Thị Lan", "Trần Văn Hùng"):
        assert (
            client.post(rows, {"name": name, "gender": "female"}, format="json").status_code == 201
        )
    course = client.get(f"{API}trainings/{course['id']}/").json()
    assert (course["participants"], course["trainees_listed"]) == (2, 2)
    lowered = client.patch(
        f"{API}trainings/{course['id']}/",
        {"participants": 1, "version": course["version"]},
        format="json",
    )
    assert lowered.status_code == 400 and "participants" in lowered.json()
    contract = client.post(
        f"{API}consulting-contracts/", bodies(est_a1)["consulting-contracts"], format="json"
    ).json()
    receipts = f"{API}consulting-contracts/{contract['id']}/receipts/"
    ok = client.post(receipts, {"date": "2025-04-01", "amount": 50 * M}, format="json")
    assert ok.status_code == 201
    too_much = client.post(receipts, {"date": "2025-05-01", "amount": 40 * M}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert [r["amount"] for r in client.get(receipts).json()] == [50 * M]


def test_activities_are_scoped(api_for, officer_a, officer_b, national, collaborator_a1, est_a1):
    a = api_for(officer_a)
    ids = {}
    for endpoint, body in bodies(est_a1).items():
        ids[endpoint] = a.post(f"{API}{endpoint}/", body, format="json").json()["id"]
    b = api_for(officer_b)
    for endpoint, pk in ids.items():
        assert b.get(f"{API}{endpoint}/").json()["count"] == 0
        assert b.get(f"{API}{endpoint}/{pk}/").status_code == 404
        assert b.patch(f"{API}{endpoint}/{pk}/", {"notes": "x"}, format="json").status_code == 404
        assert api_for(national).get(f"{API}{endpoint}/").json()["count"] == 1
    assert b.get(f"{API}fairs/{ids['fairs']}/participations/").status_code == 404
    response = b.post(
        f"{API}fairs/{ids['fairs']}/participations/", {"establishment": est_a1.pk}, format="json"
    )
    assert response.status_code == 404
    # Recording into province A from B is refused on the province.
    response = b.post(
        f"{API}trainings/", {**bodies(est_a1)["trainings"], "province": "66"}, format="json"
    )
    assert response.status_code == 400 and "province" in response.json()
    assert FairParticipation.objects.count() == 0


@pytest.mark.parametrize("persona", ["national", "auditor_a", "collaborator_a1"])
def test_read_only_roles_and_collaborators_record_nothing(request, api_for, persona, est_a1):
    client = api_for(request.getfixturevalue(persona))
    for endpoint, body in bodies(est_a1).items():
        response = client.post(f"{API}{endpoint}/", {**body, "province": "66"}, format="json")
        assert response.status_code == 403
    assert not TrainingCourse.objects.exists()


def test_anonymous_callers_are_401(api_for, db):
    assert api_for(None).get(f"{API}trainings/").status_code == 401


def test_the_schema_lists_the_activity_endpoints(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/trainings/",
        "/api/v1/fairs/{id}/participations/",
        "/api/v1/showrooms/",
        "/api/v1/brands/",
        "/api/v1/workshops/",
        "/api/v1/consulting-contracts/{id}/receipts/",
        "/api/v1/communications/",
    ):
        assert path in paths
    assert "409" in paths["/api/v1/trainings/{id}/"]["patch"]["responses"]
    assert "409" in paths["/api/v1/trainings/{id}/"]["put"]["responses"]


def test_an_activity_counts_under_its_project_or_its_own_programme(
    api_for, officer_a, est_a1, project_a
):
    client = api_for(officer_a)
    body = {k: v for k, v in bodies(est_a1)["trainings"].items() if k != "funding_level"}
    refused = client.post(f"{API}trainings/", body, format="json")
    assert refused.status_code == 400 and "funding_level" in refused.json()
    own = client.post(f"{API}trainings/", {**body, "funding_level": "national"}, format="json")
    assert own.status_code == 201 and own.json()["funding_level"] == "national"
    paid = client.post(
        f"{API}trainings/",
        {**body, "project": project_a.pk, "funding_level": "local"},
        format="json",
    )
    # The project's programme decides: the record keeps no level of its own.
    assert paid.status_code == 201 and paid.json()["funding_level"] == ""
    odd = client.post(f"{API}trainings/", {**body, "funding_level": "both"}, format="json")
    assert odd.status_code == 400 and "funding_level" in odd.json()


def test_a_province_records_its_yearly_staff_count(api_for, officer_a, officer_b):
    client = api_for(officer_a)
    first = client.post(f"{API}staff-counts/", {"year": 2026, "staff": 18}, format="json")
    assert first.status_code == 201 and first.json()["province"] == "66"
    again = client.post(f"{API}staff-counts/", {"year": 2026, "staff": 21}, format="json")
    assert again.json()["id"] == first.json()["id"] and again.json()["staff"] == 21
    assert (
        client.post(f"{API}staff-counts/", {"year": 1800, "staff": 1}, format="json").status_code
        == 400
    )
    other = api_for(officer_b)
    assert other.get(f"{API}staff-counts/").json() == []
    refused = other.post(
        f"{API}staff-counts/", {"province": "66", "year": 2026, "staff": 1}, format="json"
    )
    assert refused.status_code == 400 and "province" in refused.json()
