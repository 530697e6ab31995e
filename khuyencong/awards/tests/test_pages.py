"""Staff pages: the round list and its filters, the round form with criteria groups, the
round page and its steps, entering a product, the score sheet form, complaints, the award
history, the overview section; scoping (404 for another province), read-only roles, query
counts that do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from khuyencong.awards import services, workflow
from khuyencong.awards.factories import JUDGES, AwardEntryFactory, points_for, score_and_close
from khuyencong.awards.models import AwardComplaint, AwardEntry, AwardRound, ScoreSheet
from khuyencong.awards.tests.conftest import enter, round_data
from khuyencong.registry.factories import EstablishmentFactory


def criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows) + 1),
        # As the browser sends it back: the rows shown filled are "initial" forms.
        "criteria-INITIAL_FORMS": str(len(rows)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
    }
    for index, (code, name, maximum) in enumerate(rows):
        data[f"criteria-{index}-code"] = code
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-max_points"] = str(maximum)
    return data


STANDARD = [("market", "", 40), ("economic", "", 40), ("culture", "", 10), ("other", "", 10)]


def round_post(criteria=STANDARD, **extra):
    data = {
        "level": "province",
        "year": "2026",
        "province": "66",
        "title": "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Đắk Lắk năm 2026",
        "organiser": "Sở Công Thương Đắk Lắk",
        "decision": "125/QĐ-SCT",
        "council_size": "7",
        "pass_mark": "70",
        "complaint_days": "15",
        "resolution_days": "10",
        "closing_date": "",
        **criteria_post(criteria),
    }
    data.update(extra)
    return data


def test_pages_need_a_login(client, round_a):
    for url in (reverse("awards:round-list"), reverse("awards:round-detail", args=[round_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_officer_organises_a_round_with_its_criteria(client_for, officer_a, province_a):
    client = client_for(officer_a)
    assert client.get(reverse("awards:round-create")).status_code == 200
    rows = [("market", "", 50), ("economic", "", 30), ("origin", "Nguồn gốc nguyên liệu", 20)]
    response = client.post(reverse("awards:round-create"), round_post(criteria=rows))
    round = AwardRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:round-detail", args=[round.pk])
    assert [c["code"] for c in round.criteria] == ["market", "economic", "origin"]
    page = client.get(response["Location"]).content.decode()
    assert "Nguồn gốc nguyên liệu" in page and round.title in page


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"council_size": "8"}, "8"),
        ({"criteria": [("market", "", 40), ("economic", "", 40)]}, "80"),
    ],
)
def test_a_bad_round_form_says_why_and_saves_nothing(
    client_for, officer_a, province_a, change, text
):
    response = client_for(officer_a).post(reverse("awards:round-create"), round_post(**change))
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not AwardRound.objects.exists()


def test_the_round_list_is_scoped_filtered_and_its_queries_fixed(
    client_for,
    officer_a,
    officer_b,
    national,
    province_a,
    province_b,
    round_a,
    django_assert_max_num_queries,
):
    round_b = services.create_round(
        actor=officer_b, data=round_data(province=province_b, title="Vòng TP.HCM 2026")
    )
    page = client_for(officer_a).get(reverse("awards:round-list")).content.decode()
    assert round_a.title in page and round_b.title not in page
    client = client_for(national)
    for year in (2021, 2022, 2023):
        AwardRound.objects.create(
            level="province", year=year, province=province_a, title=f"Vòng {year}", council_size=7
        )
    for _index in range(5):
        AwardEntryFactory(
            round=round_a, establishment=EstablishmentFactory(commune__province=province_a)
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("awards:round-list"))
    assert response.context["page"].paginator.count == 5
    filtered = client.get(reverse("awards:round-list"), {"year": 2022, "level": "province"})
    assert [r.year for r in filtered.context["page"]] == [2022]
    assert (
        client.get(reverse("awards:round-list"), {"province": "79"}).context["page"].paginator.count
        == 1
    )


def test_province_b_gets_404_on_a_round_of_a(
    client_for, officer_b, round_a, officer_a, est_a, coffee
):
    entry = enter(officer_a, round_a, est_a, coffee)
    client = client_for(officer_b)
    for name, args in [
        ("awards:round-detail", [round_a.pk]),
        ("awards:round-edit", [round_a.pk]),
        ("awards:round-transition", [round_a.pk, "start_scoring"]),
        ("awards:entry-create", [round_a.pk]),
        ("awards:entry-detail", [entry.pk]),
        ("awards:score-add", [entry.pk]),
        ("awards:establishment-history", [est_a.pk]),
        ("awards:product-history", [coffee.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("awards:round-transition", args=[round_a.pk, "start_scoring"]))
    assert response.status_code == 404
    assert AwardRound.objects.get(pk=round_a.pk).status == "open"


def test_national_staff_read_but_change_nothing(
    client_for, national, round_a, officer_a, est_a, coffee
):
    client = client_for(national)
    page = client.get(reverse("awards:round-detail", args=[round_a.pk]))
    assert page.status_code == 200 and page.context["steps"] == []
    assert client.get(reverse("awards:round-edit", args=[round_a.pk])).status_code == 404
    assert client.get(reverse("awards:round-create")).status_code == 404
    assert client.get(reverse("awards:entry-create", args=[round_a.pk])).status_code == 404


def test_the_whole_round_through_the_pages(
    client_for, officer_a, round_a, est_a, est_a2, coffee, django_assert_max_num_queries
):
    client = client_for(officer_a)
    # Find the establishment typing without accents, then enter its product.
    search = client.get(reverse("awards:entry-create", args=[round_a.pk]), {"q": "ca phe ea kar"})
    assert est_a.name in search.content.decode() and est_a2.name not in search.content.decode()
    url = reverse("awards:entry-create", args=[round_a.pk]) + f"?establishment={est_a.pk}"
    response = client.post(url, {"product": coffee.pk, "product_name": "", "group": "food"})
    entry = AwardEntry.objects.get()
    assert response["Location"] == reverse("awards:entry-detail", args=[entry.pk])
    assert entry.product_name == "Cà phê bột Robusta"
    again = client.post(url, {"product": coffee.pk, "group": "food"})
    assert again.status_code == 200 and AwardEntry.objects.count() == 1
    for index in range(6):
        enter(
            officer_a, round_a, est_a2, product_name=f"Khăn thổ cẩm mẫu {index}", group="handicraft"
        )

    start = reverse("awards:round-transition", args=[round_a.pk, "start_scoring"])
    assert client.get(start).status_code == 200
    client.post(start, {"note": "Hội đồng họp ngày 05/10"})
    assert AwardRound.objects.get(pk=round_a.pk).status == "scoring"

    score_url = reverse("awards:score-add", args=[entry.pk])
    too_much = client.post(
        score_url,
        {
            "judge": JUDGES[0],
            "points_market": "45",
            "points_economic": "30",
            "points_culture": "8",
            "points_other": "7",
        },
    )
    assert too_much.status_code == 200 and not ScoreSheet.objects.exists()
    assert too_much.context["form"].errors["points_market"]
    for judge in JUDGES[:7]:
        response = client.post(
            score_url,
            {
                "judge": judge,
                "points_market": "30",
                "points_economic": "28",
                "points_culture": "6",
                "points_other": "6",
            },
        )
        assert response.status_code == 302
    assert ScoreSheet.objects.filter(entry=entry).count() == 7
    detail = client.get(reverse("awards:entry-detail", args=[entry.pk]))
    assert detail.status_code == 200 and JUDGES[0] in detail.content.decode()

    # Six products still lack sheets: the round page lists them and closing is refused.
    waiting = client.get(reverse("awards:round-detail", args=[round_a.pk])).content.decode()
    assert 'data-testid="missing-sheets"' in waiting and "Khăn thổ cẩm mẫu 0" in waiting
    close = reverse("awards:round-transition", args=[round_a.pk, "close"])
    refused = client.post(close, {"closing_date": "2026-10-15", "note": ""}, follow=True)
    assert AwardRound.objects.get(pk=round_a.pk).status == "scoring"
    assert "Khăn thổ cẩm mẫu 5" in refused.content.decode()
    for other in AwardEntry.objects.filter(round=round_a).exclude(pk=entry.pk):
        for judge in JUDGES[:7]:
            services.record_score_sheet(
                actor=officer_a, entry=other, judge=judge, points=points_for(60)
            )
    client.post(close, {"closing_date": "2026-10-15", "note": ""})
    entry.refresh_from_db()
    assert entry.certified and entry.certificate_number == "1/2026/CNNT-66"
    with django_assert_max_num_queries(16):
        page = client.get(reverse("awards:round-detail", args=[round_a.pk]))
    text = page.content.decode()
    assert "1/2026/CNNT-66" in text and "31/12/2028" in text
    assert text.count('data-testid="entry-row"') == 7

    # A complaint within the window, then its resolution.
    response = client.post(
        reverse("awards:complaint-add", args=[entry.pk]),
        {"complainant": "Chủ cơ sở dệt", "received_on": "2026-10-20", "text": "Đề nghị xem lại"},
    )
    complaint = AwardComplaint.objects.get()
    resolve = reverse("awards:complaint-resolve", args=[complaint.pk])
    assert client.get(resolve).status_code == 200
    client.post(resolve, {"resolution": "Giữ nguyên kết quả", "resolved_on": "2026-10-22"})
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    late = client.post(
        reverse("awards:complaint-add", args=[entry.pk]),
        {"complainant": "Chủ cơ sở", "received_on": "2026-11-20", "text": "Muộn"},
    )
    assert late.status_code == 302 and AwardComplaint.objects.count() == 1


def test_the_round_page_query_count_does_not_grow(
    client_for, officer_a, round_a, province_a, django_assert_max_num_queries
):
    client = client_for(officer_a)
    url = reverse("awards:round-detail", args=[round_a.pk])
    AwardEntryFactory(
        round=round_a, establishment=EstablishmentFactory(commune__province=province_a)
    )
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for _index in range(10):
        AwardEntryFactory(
            round=round_a, establishment=EstablishmentFactory(commune__province=province_a)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 11


def test_the_round_form_fixes_scoring_rules_once_scoring(
    client_for, officer_a, round_a, est_a, coffee
):
    enter(officer_a, round_a, est_a, coffee)
    workflow.start_scoring(actor=officer_a, round=round_a)
    round_a.refresh_from_db()
    client = client_for(officer_a)
    page = client.get(reverse("awards:round-edit", args=[round_a.pk]))
    assert page.context["formset"] is None and page.context["form"].fields["pass_mark"].disabled
    data = round_post(pass_mark="50", title="Tên mới", version=str(round_a.version))
    response = client.post(reverse("awards:round-edit", args=[round_a.pk]), data)
    assert response.status_code == 302
    round_a.refresh_from_db()
    assert round_a.title == "Tên mới" and round_a.pass_mark == 70


def test_a_stale_round_form_is_refused(client_for, officer_a, manager_a, round_a):
    version = round_a.version
    services.update_round(
        actor=manager_a, round=round_a, data={"title": "Sửa"}, expected_version=version
    )
    response = client_for(officer_a).post(
        reverse("awards:round-edit", args=[round_a.pk]),
        round_post(title="Cũ", version=str(version)),
    )
    assert response.status_code == 200
    assert AwardRound.objects.get(pk=round_a.pk).title == "Sửa"


def test_history_pages_show_every_level(client_for, officer_a, province_a, est_a, coffee):
    round = services.create_round(actor=officer_a, data=round_data(province=province_a, year=2025))
    entry = enter(officer_a, round, est_a, coffee)
    score_and_close(officer_a, round, {entry: [82] * 7}, closing_date=datetime.date(2025, 10, 20))
    client = client_for(officer_a)
    for url in (
        reverse("awards:establishment-history", args=[est_a.pk]),
        reverse("awards:product-history", args=[coffee.pk]),
    ):
        text = client.get(url).content.decode()
        assert "1/2025/CNNT-66" in text and "31/12/2027" in text


def test_the_overview_shows_rounds_and_certified_products(
    client_for, officer_a, officer_b, province_a, round_a, est_a, coffee
):
    today = services.today()
    current = services.create_round(
        actor=officer_a,
        data=round_data(province=province_a, year=today.year - 1, title="Vòng năm trước"),
    )
    entry = enter(officer_a, current, est_a, coffee)
    score_and_close(officer_a, current, {entry: [90] * 7}, closing_date=today)
    response = client_for(officer_a).get(reverse("core:home"))
    assert response.status_code == 200
    assert 'data-testid="awards-overview"' in response.content.decode()
    data = services.overview(officer_a, today.year)
    assert (data["open"], data["scoring"], data["certified"]) == (1, 0, 1)
    assert services.overview(officer_b, today.year)["certified"] == 0


def test_a_sheet_is_removed_and_an_entry_withdrawn(client_for, officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    client = client_for(officer_a)
    assert client.get(reverse("awards:entry-withdraw", args=[entry.pk])).status_code == 200
    workflow.start_scoring(actor=officer_a, round=round_a)
    sheet = services.record_score_sheet(
        actor=officer_a, entry=entry, judge=JUDGES[0], points=points_for(75)
    )
    client.post(reverse("awards:score-delete", args=[entry.pk, sheet.pk]))
    assert not ScoreSheet.objects.exists()
    workflow.reopen_round(actor=officer_a, round=round_a)
    client.post(reverse("awards:entry-withdraw", args=[entry.pk]))
    assert not AwardEntry.objects.exists()
