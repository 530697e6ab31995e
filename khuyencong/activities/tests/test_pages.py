"""Staff pages of activities: lists, forms and pages of every kind, the rows of fairs,
courses and contracts, the index, an establishment's activities and the overview section;
who may see and change what, stale edits, and query counts that do not grow with rows."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from khuyencong.activities import services
from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    FairParticipation,
    Showroom,
    StaffCount,
    TrainingCourse,
    Workshop,
)
from khuyencong.activities.pages.kinds import KINDS
from khuyencong.activities.tests.conftest import DAY
from khuyencong.core.errors import StaleEditError

M = 1_000_000


@pytest.fixture
def course_a(record, officer_a, province_a, commune_a1):
    return record(officer_a, TrainingCourse, province_a, commune=commune_a1)


@pytest.fixture
def fair_a(record, officer_a, province_a):
    return record(
        officer_a, Fair, province_a, name="Hội chợ Tây Nguyên", level="region",
        start_date=DAY, end_date=DAY,
    )  # fmt: skip


@pytest.fixture
def one_of_each(record, officer_a, province_a, est_a1, course_a, fair_a):
    """A record of every kind in province A."""
    services.add_participation(actor=officer_a, fair=fair_a, establishment=est_a1)
    return {
        "trainings": course_a,
        "fairs": fair_a,
        "showrooms": record(
            officer_a, Showroom, province_a, name="Phòng trưng bày mây tre",
            establishment=est_a1, opened_on=DAY, cost=200 * M, supported_amount=100 * M,
        ),
        "brands": record(
            officer_a, BrandRegistration, province_a, establishment=est_a1,
            mark_name="MÂY TRE EA KAR", kind="collective", filed_on=DAY,
        ),
        "consulting": record(
            officer_a, ConsultingContract, province_a, title="Kiểm toán năng lượng lò sấy Ea Kar",
            client_establishment=est_a1, service="energy_audit", value=80 * M, signed_on=DAY,
        ),
        "communications": record(
            officer_a, CommunicationItem, province_a, kind="tv", title="Phóng sự khuyến công",
            date=DAY, topic="programme", cost=12 * M,
        ),
        "workshops": record(
            officer_a, Workshop, province_a, title="Hội thảo kết nối cung cầu", topic="market",
            date=DAY, attendees=60, establishments=[est_a1],
        ),
    }  # fmt: skip


def url(kind: str, view: str, *args) -> str:
    return reverse(f"activities:{kind}-{view}", args=args)


def test_every_kind_lists_and_shows_its_records(client_for, officer_a, one_of_each):
    client = client_for(officer_a)
    for slug, record in one_of_each.items():
        listing = client.get(url(slug, "list"))
        assert listing.status_code == 200
        assert str(record) in listing.content.decode(), slug
        page = client.get(url(slug, "detail", record.pk))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="history"' in html and 'data-testid="edit"' in html
        assert client.get(url(slug, "edit", record.pk)).status_code == 200
        assert client.get(url(slug, "create")).status_code == 200


def test_another_province_sees_nothing_of_province_a(client_for, officer_b, one_of_each, est_a1):
    client = client_for(officer_b)
    for slug, record in one_of_each.items():
        assert client.get(url(slug, "detail", record.pk)).status_code == 404
        assert client.get(url(slug, "edit", record.pk)).status_code == 404
        assert str(record) not in client.get(url(slug, "list")).content.decode()
    fair = one_of_each["fairs"]
    response = client.post(
        reverse("activities:participation-add", args=[fair.pk]), {"establishment": est_a1.pk}
    )
    assert response.status_code == 404
    assert client.get(reverse("activities:establishment", args=[est_a1.pk])).status_code == 404
    search = client.get(
        reverse("activities:establishment-search"), {"province": "66", "q": "may tre"}
    )
    assert est_a1.name not in search.content.decode()


@pytest.mark.parametrize("persona", ["national", "auditor_a", "collaborator_a1"])
def test_read_only_roles_read_but_change_nothing(request, client_for, persona, one_of_each):
    client = client_for(request.getfixturevalue(persona))
    course = one_of_each["trainings"]  # in commune a1: the collaborator's commune
    page = client.get(url("trainings", "detail", course.pk))
    assert page.status_code == 200 and 'data-testid="edit"' not in page.content.decode()
    assert client.get(url("trainings", "edit", course.pk)).status_code == 404
    assert client.get(url("trainings", "create")).status_code == 404
    response = client.post(
        reverse("activities:trainee-add", args=[course.pk]), {"name": "Nguyễn Văn A"}
    )
    assert response.status_code == 404
    assert not course.trainees.exists()


def test_anonymous_users_are_sent_to_log_in(client, one_of_each):
    response = client.get(url("fairs", "list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_officer_records_a_course_through_the_form(client_for, officer_a, project_a):
    response = client_for(officer_a).post(
        url("trainings", "create"),
        {
            "title": "Đào tạo nghề dệt thổ cẩm",
            "topic": "vocational",
            "start_date": "2025-05-02",
            "end_date": "2025-06-20",
            "participants": "35",
            "employed_after": "28",
            "project": project_a.pk,
        },
    )
    course = TrainingCourse.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "trainings", "detail", course.pk
    )
    assert (course.province_id, course.project, course.employed_percent) == ("66", project_a, 80.0)
    assert course.history.get().history_user == officer_a


def test_a_refused_form_names_the_field_and_saves_nothing(client_for, officer_a):
    with translation.override("en"):
        response = client_for(officer_a).post(
            url("trainings", "create"),
            {
                "title": "Khóa học",
                "topic": "vocational",
                "start_date": "2025-05-02",
                "end_date": "2025-06-20",
                "participants": "10",
                "employed_after": "11",
                "funding_level": "local",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert "employed_after" in form.errors
    assert not TrainingCourse.objects.exists()


def test_a_course_without_a_project_needs_its_programme(client_for, officer_a):
    data = {
        "title": "Khóa học của Trung tâm",
        "topic": "upskilling",
        "start_date": "2025-05-02",
        "end_date": "2025-06-20",
        "participants": "10",
    }
    client = client_for(officer_a)
    refused = client.post(url("trainings", "create"), data)
    assert refused.status_code == 200 and "funding_level" in refused.context["form"].errors
    assert not TrainingCourse.objects.exists()
    assert (
        client.post(url("trainings", "create"), {**data, "funding_level": "national"}).status_code
        == 302
    )
    assert TrainingCourse.objects.get().funding_level == "national"


def test_a_stale_form_is_refused_with_a_message(client_for, officer_a, manager_a, course_a):
    seen = course_a.version
    services.update_activity(
        actor=manager_a, record=course_a, data={"title": "Đã sửa"}, expected_version=seen
    )
    response = client_for(officer_a).post(
        url("trainings", "edit", course_a.pk),
        {
            "title": "Sửa của tôi",
            "topic": "vocational",
            "start_date": "2025-05-21",
            "end_date": "2025-06-10",
            "participants": "30",
            "funding_level": "local",
            "version": str(seen),
        },
    )
    assert response.status_code == 200
    assert str(StaleEditError().message) in response.context["form"].non_field_errors()
    course_a.refresh_from_db()
    assert course_a.title == "Đã sửa"


def test_the_list_filters_by_year_topic_and_search(client_for, officer_a, record, province_a):
    record(officer_a, TrainingCourse, province_a, title="Tập huấn chuyển đổi số", topic="digital")
    record(
        officer_a, TrainingCourse, province_a, title="Đào tạo nghề may", end_date=datetime.date(2024, 8, 1),
    )  # fmt: skip
    client = client_for(officer_a)

    def count(**params):
        return client.get(url("trainings", "list"), params).context["page"].paginator.count

    assert count() == 2
    assert count(year=2024) == 1
    assert count(topic="digital") == 1
    assert count(q="chuyen doi so") == 1  # diacritics ignored
    assert count(year="abc") == 0


def test_list_pages_take_a_fixed_number_of_queries(
    client_for, officer_a, record, province_a, est_a1, est_a2, django_assert_max_num_queries
):
    client = client_for(officer_a)
    for kind in KINDS:
        client.get(url(kind.slug, "list"))  # warm caches (session, user)
    for index in range(12):
        record(officer_a, TrainingCourse, province_a, title=f"Khóa {index}")
        fair = record(
            officer_a, Fair, province_a, name=f"Hội chợ {index}", level="region",
            start_date=DAY, end_date=DAY,
        )  # fmt: skip
        services.add_participation(actor=officer_a, fair=fair, establishment=est_a1)
        record(
            officer_a, ConsultingContract, province_a, title=f"HĐ {index}", client_name="Khách",
            service="other", value=M, signed_on=DAY,
        )  # fmt: skip
        record(
            officer_a, Workshop, province_a, title=f"Hội thảo {index}", topic="market",
            date=DAY, attendees=5, establishments=[est_a1, est_a2],
        )  # fmt: skip
    for slug in ("trainings", "fairs", "consulting", "workshops", "showrooms", "brands"):
        with django_assert_max_num_queries(12):
            response = client.get(url(slug, "list"))
        assert response.status_code == 200


def test_a_record_page_takes_a_fixed_number_of_queries(
    client_for, officer_a, fair_a, record, province_a, django_assert_max_num_queries
):
    from khuyencong.registry.factories import EstablishmentFactory

    for _n in range(8):
        services.add_participation(
            actor=officer_a,
            fair=fair_a,
            establishment=EstablishmentFactory(commune__province=province_a),
        )
    client = client_for(officer_a)
    client.get(url("fairs", "detail", fair_a.pk))
    with django_assert_max_num_queries(12):
        response = client.get(url("fairs", "detail", fair_a.pk))
    assert response.content.decode().count("/remove/") == 8
    assert len(response.context["participations"]) == 8


def test_participations_are_added_and_removed_on_the_fair_page(
    client_for, officer_a, fair_a, est_a1, est_b
):
    client = client_for(officer_a)
    add = reverse("activities:participation-add", args=[fair_a.pk])
    response = client.post(add, {"establishment": est_a1.pk, "supported_amount": "12000000"})
    assert response.status_code == 302
    row = FairParticipation.objects.get()
    assert row.supported_amount == 12 * M
    # Twice, or an establishment of province B: refused, nothing added.
    client.post(add, {"establishment": est_a1.pk})
    client.post(add, {"establishment": est_b.pk})
    assert FairParticipation.objects.count() == 1
    page = client.get(url("fairs", "detail", fair_a.pk)).content.decode()
    assert est_a1.name in page
    client.post(reverse("activities:participation-remove", args=[fair_a.pk, row.pk]))
    assert not FairParticipation.objects.exists()


def test_the_establishment_search_finds_names_without_diacritics(client_for, officer_a, est_a1):
    response = client_for(officer_a).get(
        reverse("activities:establishment-search"),
        {"province": "66", "q": "may tre dan", "name": "establishment"},
    )
    html = response.content.decode()
    assert est_a1.name in html and 'type="radio"' in html


def _sheet(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "hoc-vien.xlsx"
    return data


def test_a_trainee_list_is_imported_all_or_nothing(client_for, officer_a, course_a, est_a1):
    client = client_for(officer_a)
    target = reverse("activities:trainee-import", args=[course_a.pk])
    header = ["Họ và tên", "Giới tính", "Năm sinh", "Cơ sở", "Có việc làm sau đào tạo"]
    bad = _sheet([header, ["Nguyễn Thị Lan", "Nữ", "1990", "", "Có"], ["", "Nam", "19x0", "", "?"]])
    client.post(target, {"file": bad})
    assert not course_a.trainees.exists()
    page = client.get(url("trainings", "detail", course_a.pk))
    errors = page.context["import_errors"]
    assert {(e["row"], e["column"].split(" (")[0]) for e in errors} == {
        (3, "Họ và tên"),
        (3, "Năm sinh"),
        (3, "Có việc làm sau đào tạo"),
    }
    good = _sheet(
        [
            header,
            ["Nguyễn Thị Lan", "Nữ", 1990, "co so may tre dan ea kar", "Có"],
            ["Trần Văn Hùng", "Nam", 1985, "", "Không"],
        ]
    )
    client.post(target, {"file": good})
    course_a.refresh_from_db()
    assert course_a.trainees.count() == 2 and course_a.participants == 2
    assert course_a.employed_after == 1
    assert course_a.trainees.filter(establishment=est_a1).count() == 1


def test_trainees_are_added_and_removed(client_for, officer_a, course_a):
    client = client_for(officer_a)
    client.post(
        reverse("activities:trainee-add", args=[course_a.pk]),
        {"name": "Lê Thị Hoa", "gender": "female", "employed_after": "true"},
    )
    trainee = course_a.trainees.get()
    assert trainee.employed_after is True
    client.post(reverse("activities:trainee-remove", args=[course_a.pk, trainee.pk]))
    assert not course_a.trainees.exists()


def test_the_consulting_pages_show_revenue_by_year(client_for, officer_a, one_of_each):
    contract = one_of_each["consulting"]
    client = client_for(officer_a)
    client.post(
        reverse("activities:receipt-add", args=[contract.pk]),
        {"date": "2025-07-01", "amount": "30000000", "reference": "UNC 1"},
    )
    assert contract.receipts.count() == 1
    page = client.get(url("consulting", "detail", contract.pk))
    assert page.context["revenue"] == [
        {"year": 2025, "received": 30 * M, "by_value": 0, "total": 30 * M}
    ]
    listing = client.get(url("consulting", "list"))
    assert 'data-testid="revenue"' in listing.content.decode()


def test_the_index_counts_each_kind_of_the_year(
    client_for, officer_a, one_of_each, django_assert_max_num_queries
):
    client = client_for(officer_a)
    client.get(reverse("activities:index"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("activities:index"), {"year": 2025})
    summary = response.context["summary"]
    assert summary["trainings"]["participants"] == 30
    assert summary["trainings"]["employed_percent"] == 80.0
    assert summary["fairs"]["participations"] == 1
    assert summary["consulting"] == {"contracts": 1, "revenue": 80 * M}
    assert summary["workshops"] == {"n": 1, "attendees": 60}
    other_year = client.get(reverse("activities:index"), {"year": 2024}).context["summary"]
    assert other_year["trainings"]["participants"] == 0


def test_an_establishment_page_lists_its_activities(
    client_for, officer_a, one_of_each, est_a1, course_a
):
    services.add_trainee(
        actor=officer_a, course=course_a, data={"name": "Y Bhin", "establishment": est_a1}
    )
    response = client_for(officer_a).get(reverse("activities:establishment", args=[est_a1.pk]))
    html = response.content.decode()
    for key in ("fairs", "showrooms", "brands", "workshops", "consulting", "trainings"):
        assert str(one_of_each[key]) in html, key


def test_the_overview_shows_this_years_activities(client_for, officer_a, record, province_a):
    from django.utils import timezone

    today = timezone.localdate()
    record(
        officer_a, TrainingCourse, province_a, end_date=today, participants=40, employed_after=30,
    )  # fmt: skip
    response = client_for(officer_a).get(reverse("core:home"))
    html = response.content.decode()
    assert 'data-testid="activities-section"' in html
    assert "75" in html  # 30 of 40 employed


def test_an_administrator_picks_the_province_first(client_for, admin, province_a):
    client = client_for(admin)
    chooser = client.get(url("fairs", "create"))
    assert 'data-testid="province-chooser"' in chooser.content.decode()
    response = client.post(
        url("fairs", "create") + "?province=66",
        {
            "name": "Hội chợ",
            "level": "province",
            "start_date": "2025-04-01",
            "end_date": "2025-04-03",
            "funding_level": "local",
        },
    )
    assert response.status_code == 302
    assert Fair.objects.get().province_id == "66"


def test_markup_in_names_is_escaped(client_for, officer_a, record, province_a):
    record(officer_a, TrainingCourse, province_a, title="<script>alert(1)</script>")
    html = client_for(officer_a).get(url("trainings", "list")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_project_filter_offers_the_projects_of_the_year_chosen(
    client_for, officer_a, province_a
):
    from khuyencong.programmes.factories import draft_project

    this_year = timezone.localdate().year
    current = draft_project(actor=officer_a, province=province_a)
    older = draft_project(actor=officer_a, province=province_a, year=this_year - 3)
    client = client_for(officer_a)
    offered = client.get(url("trainings", "list")).context["form"].fields["project"].queryset
    assert list(offered) == [current]
    response = client.get(url("trainings", "list"), {"year": this_year - 3})
    assert list(response.context["form"].fields["project"].queryset) == [older]


def test_an_officer_records_the_yearly_staff_and_others_only_read_their_own(
    client_for, officer_a, officer_b, national
):
    target = reverse("activities:staff-counts")
    client = client_for(officer_a)
    response = client.post(target, {"year": "2026", "staff": "18", "note": "Trung tâm"})
    assert response.status_code == 302
    client.post(target, {"year": "2026", "staff": "21"})
    assert StaffCount.objects.get().staff == 21
    assert 'data-testid="staff-count-form"' in client.get(target).content.decode()
    refused = client.post(target, {"year": "1800", "staff": "3"})
    assert refused.status_code == 200 and StaffCount.objects.count() == 1
    assert "Đắk Lắk" not in client_for(officer_b).get(target).content.decode()
    national_page = client_for(national).get(target).content.decode()
    assert 'data-testid="staff-count-form"' not in national_page and "21" in national_page
    assert client_for(national).post(target, {"year": "2026", "staff": "1"}).status_code == 403
