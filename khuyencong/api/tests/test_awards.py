"""/api/v1/award-rounds/ and /api/v1/award-entries/ (API.md, Awards): the contract's fields
and defaults, the results after close, 400 naming the field (points above a group's
maximum), 409 for a step not allowed now, scoping between provinces, query counts."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.awards import services
from khuyencong.awards.factories import JUDGES, points_for
from khuyencong.awards.models import AwardEntry, AwardRound, ScoreSheet
from khuyencong.awards.tests import conftest as award_fixtures
from khuyencong.awards.tests.conftest import round_data
from khuyencong.registry.factories import EstablishmentFactory

# The awards app's fixtures (establishments of A and B, their products, a region).
coffee = award_fixtures.coffee
est_a = award_fixtures.est_a
est_a2 = award_fixtures.est_a2
est_b = award_fixtures.est_b
region = award_fixtures.region

ROUNDS = "/api/v1/award-rounds/"
ENTRIES = "/api/v1/award-entries/"


def round_body(**extra):
    body = {
        "level": "province",
        "year": 2026,
        "province": "66",
        "title": "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Đắk Lắk năm 2026",
        "organiser": "Sở Công Thương Đắk Lắk",
        "council_size": 7,
    }
    body.update(extra)
    return body


@pytest.fixture
def round_a(officer_a, province_a):
    return services.create_round(actor=officer_a, data=round_data(province=province_a))


def test_a_round_is_created_with_the_default_criteria_and_pass_mark(api_for, officer_a, province_a):
    response = api_for(officer_a).post(ROUNDS, round_body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {"id", "level", "year", "province", "region", "status"} <= set(data)
    assert (data["level"], data["province"], data["region"], data["status"]) == (
        "province",
        "66",
        None,
        "open",
    )
    assert data["pass_mark"] == 70
    assert {c["code"]: c["max_points"] for c in data["criteria"]} == {
        "market": 40,
        "economic": 40,
        "culture": 10,
        "other": 10,
    }
    assert data["complaint_days"] == 15 and data["entry_count"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"council_size": 8}, "council_size"),
        ({"council_size": 11}, "council_size"),
        ({"level": "commune"}, "level"),
        ({"year": "2026a"}, "year"),
        ({"province": None}, "province"),
        ({"province": "79"}, "province"),  # another province
        ({"pass_mark": 120}, "pass_mark"),
        ({"criteria": [{"code": "market", "max_points": 90}]}, "criteria"),
        ({"level": "district", "council_size": 5}, "year"),  # no district rounds after 2024
        ({"level": "region", "province": None}, "level"),  # administrators only
        ({"title": ""}, "title"),
    ],
)
def test_bad_round_input_is_400_naming_the_field(
    api_for, officer_a, province_a, province_b, change, field
):
    response = api_for(officer_a).post(ROUNDS, round_body(**change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not AwardRound.objects.exists()


def test_the_whole_round_through_the_api(
    api_for, officer_a, round_a, est_a, est_a2, coffee, django_assert_max_num_queries
):
    client = api_for(officer_a)
    url = f"{ROUNDS}{round_a.pk}/"
    entry_response = client.post(
        f"{url}entries/",
        {"establishment": est_a.pk, "product": coffee.pk, "group": "food"},
        format="json",
    )
    assert entry_response.status_code == 201, entry_response.json()
    entry = entry_response.json()
    assert {"establishment", "product_name", "group"} <= set(entry)
    assert entry["product_name"] == "Cà phê bột Robusta" and entry["province"] == "66"
    below = client.post(
        f"{url}entries/",
        {"establishment": est_a2.pk, "product_name": "Khăn thổ cẩm", "group": "handicraft"},
        format="json",
    ).json()
    # A second time: refused.
    again = client.post(
        f"{url}entries/",
        {"establishment": est_a.pk, "product": coffee.pk, "group": "food"},
        format="json",
    )
    assert again.status_code == 400 and "product" in again.json()

    # Scores before scoring: 409.
    early = client.post(
        f"{ENTRIES}{entry['id']}/scores/",
        {"judge": JUDGES[0], "points": points_for(70)},
        format="json",
    )
    assert early.status_code == 409
    # Closing an open round: 409.
    assert client.post(f"{url}transitions/", {"action": "close"}, format="json").status_code == 409
    moved = client.post(f"{url}transitions/", {"action": "start_scoring"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "scoring"

    for judge in JUDGES[:7]:
        response = client.post(
            f"{ENTRIES}{entry['id']}/scores/",
            {"judge": judge, "points": {"market": 30, "economic": 28, "culture": 6, "other": 6}},
            format="json",
        )
        assert response.status_code == 201, response.json()
        client.post(
            f"{ENTRIES}{below['id']}/scores/",
            {"judge": judge, "points": {"market": 30, "economic": 28, "culture": 6, "other": 5.99}},
            format="json",
        )
    # One judge short on the second product: closing is refused (409), naming it.
    sheets = ScoreSheet.objects.filter(entry_id=below["id"])
    missing = sheets.order_by("-id").first()
    missing_judge, missing_points = missing.judge, missing.points
    missing.delete()
    refused = client.post(
        f"{url}transitions/", {"action": "close", "closing_date": "2026-10-15"}, format="json"
    )
    assert refused.status_code == 409
    assert "Khăn thổ cẩm" in str(refused.json())
    assert AwardRound.objects.get(pk=round_a.pk).status == "scoring"
    client.post(
        f"{ENTRIES}{below['id']}/scores/",
        {"judge": missing_judge, "points": missing_points},
        format="json",
    )
    sheet = client.get(f"{ENTRIES}{entry['id']}/scores/").json()[0]
    assert sheet["total"] == 70 and sheet["points"]["market"] == 30
    # Before close: no result.
    assert client.get(f"{ENTRIES}{entry['id']}/").json()["average"] is None

    closed = client.post(
        f"{url}transitions/", {"action": "close", "closing_date": "2026-10-15"}, format="json"
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed" and closed.json()["certified_count"] == 1
    result = client.get(f"{ENTRIES}{entry['id']}/").json()
    assert result["average"] == 70 and result["certified"] is True
    assert result["certificate_number"] == "1/2026/CNNT-66"
    assert result["valid_until"] == "2028-12-31" and result["issued_on"] == "2026-10-15"
    failed = client.get(f"{ENTRIES}{below['id']}/").json()
    assert (failed["average"], failed["certified"], failed["certificate_number"]) == (
        69.99,
        False,
        "",
    )
    steps = client.get(f"{url}transitions/").json()
    assert [s["action"] for s in steps] == ["start_scoring", "close"]
    # Frozen: no more transitions, no more changes.
    assert client.post(f"{url}transitions/", {"action": "reopen"}, format="json").status_code == 409
    version = client.get(url).json()["version"]
    assert client.patch(url, {"title": "x", "version": version}, format="json").status_code == 409

    with django_assert_max_num_queries(4):
        listing = client.get(f"{ENTRIES}?round={round_a.pk}")
    assert listing.json()["count"] == 2


def test_points_above_a_group_maximum_are_400(api_for, officer_a, round_a, est_a, coffee):
    client = api_for(officer_a, language="en")
    entry = services.create_entry(
        actor=officer_a,
        round=round_a,
        data={"establishment": est_a, "product": coffee, "group": "food"},
    )
    client.post(f"{ROUNDS}{round_a.pk}/transitions/", {"action": "start_scoring"}, format="json")
    for points, words in [
        ({"market": 41, "economic": 30, "culture": 8, "other": 7}, "Market and growth potential"),
        ({"market": 30, "economic": -1, "culture": 8, "other": 7}, "Economic"),
        ({"market": 30, "economic": 30, "culture": 8}, "Other criteria"),
        ({"market": 30, "economic": 30, "culture": 8, "other": "x"}, "Other criteria"),
    ]:
        response = client.post(
            f"{ENTRIES}{entry.pk}/scores/", {"judge": JUDGES[0], "points": points}, format="json"
        )
        assert response.status_code == 400, points
        assert words in response.json()["points"][0]
    response = client.post(
        f"{ENTRIES}{entry.pk}/scores/", {"points": points_for(50)}, format="json"
    )
    assert response.status_code == 400 and "judge" in response.json()
    assert not ScoreSheet.objects.exists()


def test_rounds_and_entries_are_scoped(
    api_for, officer_a, officer_b, national, auditor_a, round_a, est_a, coffee, province_b
):
    entry = services.create_entry(
        actor=officer_a,
        round=round_a,
        data={"establishment": est_a, "product": coffee, "group": "food"},
    )
    round_b = services.create_round(
        actor=officer_b, data=round_data(province=province_b, title="TP.HCM 2026")
    )
    b = api_for(officer_b)
    assert b.get(f"{ROUNDS}{round_a.pk}/").status_code == 404
    assert [r["id"] for r in b.get(ROUNDS).json()["results"]] == [round_b.pk]
    assert b.get(f"{ENTRIES}{entry.pk}/").status_code == 404
    assert b.get(ENTRIES).json()["count"] == 0
    assert b.patch(f"{ROUNDS}{round_a.pk}/", {"title": "x"}, format="json").status_code == 404
    assert (
        b.post(
            f"{ROUNDS}{round_a.pk}/transitions/", {"action": "start_scoring"}, format="json"
        ).status_code
        == 404
    )
    assert (
        b.post(
            f"{ROUNDS}{round_a.pk}/entries/",
            {"establishment": est_a.pk, "group": "food"},
            format="json",
        ).status_code
        == 404
    )
    assert api_for(national).get(ROUNDS).json()["count"] == 2
    assert api_for(national).get(ENTRIES).json()["count"] == 1
    # Read-only roles: 403 on writes.
    for user in (national, auditor_a):
        client = api_for(user)
        assert client.post(ROUNDS, round_body(), format="json").status_code == 403
        assert (
            client.post(
                f"{ROUNDS}{round_a.pk}/transitions/", {"action": "start_scoring"}, format="json"
            ).status_code
            == 403
        )
    assert AwardRound.objects.get(pk=round_a.pk).status == "open"


def test_region_rounds_take_entries_from_provinces_with_a_valid_certificate(
    api_for, admin, officer_a, officer_b, region, est_a, est_b, coffee, province_a
):
    # Coffee certified by province A in 2025.
    from khuyencong.awards.factories import score_and_close

    province_round = services.create_round(
        actor=officer_a, data=round_data(province=province_a, year=2025)
    )
    certified = services.create_entry(
        actor=officer_a,
        round=province_round,
        data={"establishment": est_a, "product": coffee, "group": "food"},
    )
    score_and_close(
        officer_a, province_round, {certified: [80] * 7}, closing_date=datetime.date(2025, 10, 20)
    )
    response = api_for(admin).post(
        ROUNDS,
        {
            "level": "region",
            "year": 2026,
            "region": region.pk,
            "title": "Khu vực 2026",
            "council_size": 9,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    region_round = response.json()
    assert region_round["province"] is None and region_round["region"] == region.pk
    # Visible to both provinces, managed by neither.
    assert api_for(officer_b).get(f"{ROUNDS}{region_round['id']}/").status_code == 200
    assert (
        api_for(officer_a)
        .post(
            f"{ROUNDS}{region_round['id']}/transitions/", {"action": "start_scoring"}, format="json"
        )
        .status_code
        == 403
    )
    entries_url = f"{ROUNDS}{region_round['id']}/entries/"
    ok = api_for(officer_a).post(
        entries_url,
        {"establishment": est_a.pk, "product": coffee.pk, "group": "food"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["qualifying_certificate"] == "1/2025/CNNT-66"
    refused = api_for(officer_b).post(
        entries_url,
        {"establishment": est_b.pk, "product_name": "Bánh tráng", "group": "food"},
        format="json",
    )
    assert refused.status_code == 400 and "product" in refused.json()
    # Each province sees its own entries of the region round.
    assert len(api_for(officer_b).get(entries_url).json()) == 0
    assert len(api_for(admin).get(entries_url).json()) == 1
    assert api_for(officer_b).get(f"{ROUNDS}{region_round['id']}/").json()["entry_count"] == 0


def test_complaints_through_the_api(api_for, officer_a, round_a, est_a, coffee):
    from khuyencong.awards.factories import score_and_close

    entry = services.create_entry(
        actor=officer_a,
        round=round_a,
        data={"establishment": est_a, "product": coffee, "group": "food"},
    )
    score_and_close(officer_a, round_a, {entry: [60] * 7}, closing_date=datetime.date(2026, 10, 2))
    client = api_for(officer_a)
    ok = client.post(
        f"{ENTRIES}{entry.pk}/complaints/",
        {"complainant": "Chủ cơ sở", "text": "Đề nghị chấm lại", "received_on": "2026-10-23"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["due_on"] == "2026-11-06"
    late = client.post(
        f"{ENTRIES}{entry.pk}/complaints/",
        {"complainant": "Chủ cơ sở", "text": "Muộn", "received_on": "2026-10-26"},
        format="json",
    )
    assert late.status_code == 400 and "received_on" in late.json()
    assert (
        round_a.pk
        and client.get(f"{ROUNDS}{round_a.pk}/").json()["complaint_window_ends"] == "2026-10-23"
    )


def test_the_round_list_query_count_does_not_grow(
    api_for, national, django_assert_max_num_queries, province_a
):
    from khuyencong.places.factories import ProvinceFactory

    for index in range(6):
        province = ProvinceFactory(code=f"{40 + index}")
        round = AwardRound.objects.create(
            level="province", year=2026, province=province, title=f"Vòng {index}", council_size=7
        )
        establishment = EstablishmentFactory(commune__province=province)
        AwardEntry.objects.create(
            round=round,
            establishment=establishment,
            product_name="Sản phẩm",
            search_name="san pham",
            group="food",
            province=province,
            commune=establishment.commune,
        )
    client = api_for(national)
    with django_assert_max_num_queries(4):
        response = client.get(ROUNDS)
    assert response.json()["count"] == 6
    assert {r["entry_count"] for r in response.json()["results"]} == {1}
