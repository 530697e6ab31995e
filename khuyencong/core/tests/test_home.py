"""Each role's home says what is due, each item a link to where it is done; a home with
nothing due says so (core/dashboard.py todos, provided by the apps)."""

import datetime

import pytest
from django.utils import timezone
from lxml import html

from khuyencong.network.factories import CollaboratorFactory, advance_report, file_report
from khuyencong.network.quarters import quarter_of
from khuyencong.programmes.factories import advance, draft_project
from khuyencong.registry.factories import EstablishmentFactory


def _todos(client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert response.status_code == 200
    doc = html.fromstring(response.content.decode())
    section = doc.xpath('//section[@data-testid="todo"]')[0]
    return [
        (" ".join(li.text_content().split()), li.find("a").get("href")) for li in section.iter("li")
    ]


@pytest.fixture
def ctv_a1(province_a, commune_a1, collaborator_a1):
    return CollaboratorFactory(
        province=province_a,
        communes=[commune_a1],
        user=collaborator_a1,
        appointed_on=datetime.date(2020, 1, 1),
    )


def test_a_collaborator_sees_the_quarters_report_its_deadline_and_communes(
    client_for, collaborator_a1, ctv_a1, commune_a1
):
    current = quarter_of(timezone.localdate())
    todos = _todos(client_for(collaborator_a1))
    texts = " | ".join(text for text, _url in todos)
    # The current quarter: not started, with its deadline.
    assert f"Báo cáo {current.label}: chưa lập" in texts
    due = current.end + datetime.timedelta(days=10)
    assert f"hạn {due:%d/%m/%Y}" in texts
    # The previous quarter is past its deadline and not filed: overdue, listed first.
    assert todos[0][0].startswith(f"Báo cáo {current.previous().label}: chưa lập")
    assert "quá hạn từ" in todos[0][0]
    assert (f"/network/reports/new/?period={current.period}") in [url for _t, url in todos]
    assert f"/establishments/?commune={commune_a1.pk}" in [url for _t, url in todos]


def test_a_report_filed_leaves_the_list_and_a_draft_says_so(
    client_for, collaborator_a1, ctv_a1, officer_a
):
    previous = quarter_of(timezone.localdate()).previous()
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1, period=previous)
    texts = " | ".join(text for text, _url in _todos(client_for(collaborator_a1)))
    assert f"Báo cáo {previous.label}: đang soạn, chưa gửi" in texts
    advance_report(report, "submitted", filer=collaborator_a1, reviewer=officer_a)
    texts = " | ".join(text for text, _url in _todos(client_for(collaborator_a1)))
    assert previous.label not in texts
    # The officer now has a report to accept.
    officer_texts = [text for text, _url in _todos(client_for(officer_a))]
    assert "Báo cáo của cộng tác viên đã gửi, chờ tiếp nhận hoặc trả lại: 1" in officer_texts


def test_a_manager_sees_projects_waiting_for_approval_and_an_officer_those_returned(
    client_for, officer_a, manager_a, province_a, commune_a1, officer_b
):
    beneficiary = EstablishmentFactory(commune=commune_a1)
    advance(
        draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk]),
        "appraised",
        manager=manager_a,
    )
    advance(
        draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk]),
        "returned",
        manager=manager_a,
    )
    manager = dict(_todos(client_for(manager_a)))
    assert (
        manager["Đề án đã thẩm định, chờ phê duyệt: 1"] == "/programmes/projects/?status=appraised"
    )
    officer = dict(_todos(client_for(officer_a)))
    assert (
        officer["Đề án bị trả lại, cần chỉnh sửa và trình lại: 1"]
        == "/programmes/projects/?status=returned"
    )
    # Province B's officer is not told about province A's projects.
    assert not any("Đề án" in text for text, _url in _todos(client_for(officer_b)))


def test_a_home_with_nothing_due_says_so(client_for, national):
    response = client_for(national).get("/")
    assert 'data-testid="todo-empty"' in response.content.decode()


def test_a_collaborator_is_not_sent_to_plans_they_cannot_open(client_for, collaborator_a1):
    home = client_for(collaborator_a1).get("/").content.decode()
    assert "/programmes/plans/" not in home
    page = client_for(collaborator_a1).get("/programmes/plans/").content.decode()
    assert "báo cáo quý và khảo sát nhu cầu" in page


def test_the_home_page_query_count_does_not_grow_with_projects(
    client_for, officer_a, manager_a, province_a, commune_a1, django_assert_max_num_queries
):
    beneficiary = EstablishmentFactory(commune=commune_a1)
    client = client_for(manager_a)
    draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk])
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(3):
        advance(
            draft_project(actor=officer_a, province=province_a, beneficiaries=[beneficiary.pk]),
            "submitted",
            manager=manager_a,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/")


def test_empty_lists_say_what_to_do_next(client_for, collaborator_a1, officer_a, ctv_a1):
    reports = client_for(collaborator_a1).get("/network/reports/").content.decode()
    assert 'data-testid="empty"' in reports and "/network/reports/new/" in reports
    surveys = client_for(collaborator_a1).get("/surveys/").content.decode()
    assert "Trung tâm Khuyến công tỉnh mở đợt khảo sát" in surveys
    surveys = client_for(officer_a).get("/surveys/").content.decode()
    assert "“Đợt mới”" in surveys
    projects = client_for(officer_a).get("/programmes/projects/").content.decode()
    assert "/programmes/projects/new/" in projects.split('data-testid="empty"')[1]
    filtered = client_for(officer_a).get("/programmes/projects/?year=2001").content.decode()
    assert "Xem tất cả đề án" in filtered
