"""Staff pages of the network: personas per tier (outsider 404, read-only, wrong method),
the forms through the services, a collaborator filing on a phone, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from khuyencong.network import services
from khuyencong.network.factories import (
    CollaboratorFactory,
    advance_report,
    file_report,
    last_finished_quarter,
)
from khuyencong.network.models import Collaborator, Difficulty, QuarterlyReport
from khuyencong.network.quarters import quarter_of
from khuyencong.places.factories import CommuneFactory

S = QuarterlyReport.Status


def url(name, *args):
    return reverse(f"network:{name}", args=args)


@pytest.fixture
def submitted(ctv_a1, collaborator_a1, officer_a):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    return advance_report(report, S.SUBMITTED, filer=collaborator_a1, reviewer=officer_a)


def collaborator_form(**extra):
    data = {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "position": "Công chức Kinh tế",
        "appointed_on": "2025-03-01",
        "appointment_decision": "125/QĐ-UBND",
        "monthly_fee": "1490000",
    }
    data.update(extra)
    return data


def report_form(period, **extra):
    data = {
        "period": period.period,
        "establishments_active": "12",
        "establishments_new": "2",
        "establishments_ceased": "1",
        "proposals": "Hỗ trợ máy sấy",
        "difficulties-TOTAL_FORMS": "2",
        "difficulties-INITIAL_FORMS": "0",
        "difficulties-MIN_NUM_FORMS": "0",
        "difficulties-MAX_NUM_FORMS": "50",
        "difficulties-0-topic": "capital",
        "difficulties-0-text": "Thiếu vốn",
        "difficulties-1-topic": "",
        "difficulties-1-text": "",
    }
    data.update(extra)
    return data


# --- outsiders, read-only users, wrong methods ---------------------------------------------


def test_anonymous_is_sent_to_login(client, ctv_a1):
    for target in (url("roster"), url("collaborator-detail", ctv_a1.pk), url("report-list")):
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response.url


def test_another_province_gets_404_for_everything_of_province_a(
    client_for, ctv_a1, submitted, officer_b
):
    difficulty = submitted.difficulties.get()
    client = client_for(officer_b)
    for target in (
        url("collaborator-detail", ctv_a1.pk),
        url("collaborator-edit", ctv_a1.pk),
        url("report-detail", submitted.pk),
        url("report-edit", submitted.pk),
        url("report-transition", submitted.pk, "accept"),
        url("difficulty-detail", difficulty.pk),
        url("report-create") + f"?collaborator={ctv_a1.pk}",
    ):
        assert client.get(target).status_code == 404, target
    for target, data in (
        (url("training-add", ctv_a1.pk), {"title": "x", "date": "2025-01-01"}),
        (url("reward-add", ctv_a1.pk), {"title": "x", "date": "2025-01-01"}),
        (url("report-transition", submitted.pk, "accept"), {}),
        (url("difficulty-detail", difficulty.pk), {"status": "resolved", "resolution": "x"}),
    ):
        assert client.post(target, data).status_code == 404, target
    listing = client.get(url("report-list")).content.decode()
    assert ctv_a1.full_name not in listing
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize("persona", ["national", "auditor_a"])
def test_read_only_users_see_but_cannot_change(request, client_for, ctv_a1, submitted, persona):
    client = client_for(request.getfixturevalue(persona))
    difficulty = submitted.difficulties.get()
    detail = client.get(url("report-detail", submitted.pk))
    assert detail.status_code == 200 and detail.context["steps"] == []
    assert not detail.context["can_edit"]
    page = client.get(url("collaborator-detail", ctv_a1.pk))
    assert page.status_code == 200 and not page.context["writable"]
    assert client.get(url("difficulty-detail", difficulty.pk)).context["form"] is None
    for target in (
        url("collaborator-edit", ctv_a1.pk),
        url("report-edit", submitted.pk),
        url("report-transition", submitted.pk, "accept"),
        url("collaborator-create"),
    ):
        assert client.get(target).status_code == 404, target
    assert (
        client.post(url("difficulty-detail", difficulty.pk), {"status": "resolved"}).status_code
        == 404
    )
    assert client.post(url("training-add", ctv_a1.pk), {"title": "x"}).status_code == 404


def test_wrong_methods(client_for, officer_a, ctv_a1):
    client = client_for(officer_a)
    assert client.get(url("training-add", ctv_a1.pk)).status_code == 405
    assert client.get(url("reward-add", ctv_a1.pk)).status_code == 405
    assert client.get(url("difficulty-create")).status_code == 405
    assert client.post(url("roster")).status_code == 405
    assert client.post(url("report-list")).status_code == 405
    assert client.delete(url("report-create")).status_code == 405


# --- roster and collaborators --------------------------------------------------------------


def test_roster_shows_coverage(client_for, officer_a, ctv_a1, commune_a2):
    response = client_for(officer_a).get(url("roster"))
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert (coverage.total, coverage.covered) == (2, 1)
    assert [c.pk for c in coverage.uncovered] == [commune_a2.pk]
    body = response.content.decode()
    assert escape(ctv_a1.full_name) in body and commune_a2.name in body


def test_national_users_get_the_overview_then_a_province(client_for, national, ctv_a1, ctv_b1):
    client = client_for(national)
    overview = client.get(url("roster"))
    assert {p.code: p.active_count for p in overview.context["provinces"]} == {"66": 1, "79": 1}
    one = client.get(url("roster") + "?province=79")
    assert [c.pk for c in one.context["collaborators"]] == [ctv_b1.pk]


def test_a_collaborator_is_sent_to_their_reports(client_for, collaborator_a1, ctv_a1):
    response = client_for(collaborator_a1).get(url("roster"))
    assert response.status_code == 302 and response.url == url("report-list")
    # They may read their own record, not a colleague's.
    assert client_for(collaborator_a1).get(url("collaborator-detail", ctv_a1.pk)).status_code == 200


def test_a_collaborator_cannot_open_a_colleagues_record(client_for, collaborator_a1, ctv_a2):
    assert client_for(collaborator_a1).get(url("collaborator-detail", ctv_a2.pk)).status_code == 404


def test_officer_adds_and_edits_a_collaborator(client_for, officer_a, commune_a1, commune_a2):
    client = client_for(officer_a)
    form = client.get(url("collaborator-create"))
    assert {c.pk for c in form.context["form"].fields["communes"].queryset} == {
        commune_a1.pk,
        commune_a2.pk,
    }
    response = client.post(url("collaborator-create"), collaborator_form(communes=[commune_a1.pk]))
    collaborator = Collaborator.objects.get()
    assert response.status_code == 302 and response.url == url(
        "collaborator-detail", collaborator.pk
    )
    assert collaborator.province_id == "66" and collaborator.monthly_fee == 1_490_000
    response = client.post(
        url("collaborator-edit", collaborator.pk),
        collaborator_form(
            communes=[commune_a1.pk, commune_a2.pk],
            active_until="2025-02-01",
            version=collaborator.version,
        ),
    )
    assert response.status_code == 200
    assert "active_until" in response.context["form"].errors
    response = client.post(
        url("collaborator-edit", collaborator.pk),
        collaborator_form(communes=[commune_a1.pk, commune_a2.pk], version=collaborator.version),
    )
    assert response.status_code == 302
    assert collaborator.communes.count() == 2


def test_communes_of_another_province_are_not_offered(
    client_for, officer_a, commune_a1, commune_b1
):
    response = client_for(officer_a).post(
        url("collaborator-create"), collaborator_form(communes=[commune_b1.pk])
    )
    assert response.status_code == 200 and "communes" in response.context["form"].errors
    assert not Collaborator.objects.exists()


def test_the_second_of_two_open_edit_forms_is_refused(
    client_for, officer_a, manager_a, ctv_a2, commune_a2
):
    version = ctv_a2.version
    first = client_for(officer_a).post(
        url("collaborator-edit", ctv_a2.pk),
        collaborator_form(full_name="Bản của cán bộ", communes=[commune_a2.pk], version=version),
    )
    assert first.status_code == 302
    second = client_for(manager_a).post(
        url("collaborator-edit", ctv_a2.pk),
        collaborator_form(full_name="Bản của giám đốc", communes=[commune_a2.pk], version=version),
    )
    assert second.status_code == 200
    assert [m.level_tag for m in second.context["messages"]] == ["error"]
    ctv_a2.refresh_from_db()
    assert ctv_a2.full_name == "Bản của cán bộ"


def test_admin_picks_the_province_first(client_for, admin, province_a, commune_a1):
    client = client_for(admin)
    chooser = client.get(url("collaborator-create"))
    assert chooser.status_code == 200 and "form" not in chooser.context
    response = client.post(
        url("collaborator-create") + "?province=66", collaborator_form(communes=[commune_a1.pk])
    )
    assert response.status_code == 302
    assert Collaborator.objects.get().province_id == "66"


def test_trainings_and_rewards_are_added_on_the_collaborators_page(client_for, officer_a, ctv_a2):
    client = client_for(officer_a)
    response = client.post(
        url("training-add", ctv_a2.pk),
        {"title": "Tập huấn nghiệp vụ", "date": "2025-06-01", "organiser": "Trung tâm"},
    )
    assert response.status_code == 302 and response.url.endswith("#trainings")
    client.post(
        url("reward-add", ctv_a2.pk),
        {"title": "Giấy khen", "date": "2025-12-01", "amount": "500000", "decision": "1/QĐ"},
    )
    client.post(url("reward-add", ctv_a2.pk), {"title": "Bằng khen", "date": "2025-12-02"})
    page = client.get(url("collaborator-detail", ctv_a2.pk))
    assert [t.title for t in page.context["trainings"]] == ["Tập huấn nghiệp vụ"]
    assert page.context["rewards_total"] == 500_000 and len(page.context["rewards"]) == 2
    # Bad input is reported and saves nothing.
    client.post(url("reward-add", ctv_a2.pk), {"title": "x", "date": "2025-12-02", "amount": "-1"})
    assert ctv_a2.rewards.count() == 2


# --- reports -------------------------------------------------------------------------------


def test_a_collaborator_files_the_current_quarter_on_a_phone(client_for, collaborator_a1, ctv_a1):
    client = client_for(collaborator_a1)
    current = quarter_of(services.today())
    listing = client.get(url("report-list"), HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)")
    assert listing.status_code == 200
    assert listing.context["to_file"][0]["period"] == current
    form = client.get(url("report-create") + f"?period={current.period}")
    assert form.status_code == 200 and form.context["collaborator"] == ctv_a1
    assert b'name="viewport"' in form.content
    response = client.post(
        url("report-create") + f"?period={current.period}",
        report_form(current, submit="1"),
    )
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302 and response.url == url("report-detail", report.pk)
    assert (report.year, report.quarter, report.status) == (
        current.year,
        current.quarter,
        S.SUBMITTED,
    )
    assert report.difficulties.get().topic == "capital"
    listing = client.get(url("report-list"))
    assert current not in [item["period"] for item in listing.context["to_file"]]
    assert [r.pk for r in listing.context["page"].object_list] == [report.pk]


def test_a_collaborator_sees_only_their_own_reports(
    client_for, collaborator_a1, ctv_a1, ctv_a2, officer_a
):
    mine = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    colleague = file_report(actor=officer_a, collaborator=ctv_a2)
    client = client_for(collaborator_a1)
    listing = client.get(url("report-list"))
    assert [r.pk for r in listing.context["page"].object_list] == [mine.pk]
    assert client.get(url("report-detail", colleague.pk)).status_code == 404
    assert client.get(url("report-edit", colleague.pk)).status_code == 404
    assert client.get(url("report-create") + f"?collaborator={ctv_a2.pk}").status_code == 404


def test_totals_that_differ_from_the_sector_lines_are_refused_on_the_field(
    client_for, officer_a, ctv_a2
):
    period = last_finished_quarter()
    response = client_for(officer_a).post(
        url("report-create") + f"?collaborator={ctv_a2.pk}",
        report_form(period, sector_a_active="5", sector_a_new="2", sector_a_ceased="1"),
    )
    assert response.status_code == 200
    assert "establishments_active" in response.context["form"].errors
    assert not QuarterlyReport.objects.exists()
    # Leaving the totals empty takes the sums of the lines.
    response = client_for(officer_a).post(
        url("report-create") + f"?collaborator={ctv_a2.pk}",
        report_form(
            period,
            establishments_active="",
            establishments_new="",
            establishments_ceased="",
            sector_a_active="5",
            sector_a_new="2",
            sector_a_ceased="1",
            sector_dd_active="4",
        ),
    )
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302
    assert (report.establishments_active, report.establishments_new) == (9, 2)
    assert report.sector_lines.count() == 2


def test_a_difficulty_line_without_topic_is_refused(client_for, officer_a, ctv_a2):
    period = last_finished_quarter()
    response = client_for(officer_a).post(
        url("report-create") + f"?collaborator={ctv_a2.pk}",
        report_form(period, **{"difficulties-1-text": "Thiếu thợ"}),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["topic"]


def test_staff_choose_the_collaborator_first(client_for, officer_a, ctv_a1, ctv_a2):
    response = client_for(officer_a).get(url("report-create"))
    assert response.status_code == 200
    assert {c.pk for c in response.context["chooser"]} == {ctv_a1.pk, ctv_a2.pk}


def test_report_edit_and_stale_refusal(client_for, collaborator_a1, officer_a, ctv_a1):
    report = file_report(actor=collaborator_a1, collaborator=ctv_a1)
    period = report.period
    data = report_form(
        period,
        version=report.version,
        **{
            "sector_a_active": "9",
            "sector_a_new": "2",
            "sector_a_ceased": "1",
            "sector_dd_active": "3",
            "difficulties-TOTAL_FORMS": "3",
            "difficulties-INITIAL_FORMS": "1",
            "difficulties-2-topic": "",
            "difficulties-2-text": "",
        },
    )
    response = client_for(officer_a).post(url("report-edit", report.pk), data)
    assert response.status_code == 302
    response = client_for(collaborator_a1).post(url("report-edit", report.pk), data, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    report.refresh_from_db()
    assert report.version == 2


def test_detail_offers_only_the_allowed_steps(
    client_for, submitted, collaborator_a1, officer_a, manager_a
):
    def steps(user):
        return [
            s.action
            for s in client_for(user).get(url("report-detail", submitted.pk)).context["steps"]
        ]

    assert steps(collaborator_a1) == []
    assert steps(officer_a) == ["accept", "return"]
    assert steps(manager_a) == ["accept", "return"]
    draft = file_report(
        actor=collaborator_a1,
        collaborator=submitted.collaborator,
        period=submitted.period.previous(),
    )
    assert [
        s.action
        for s in client_for(collaborator_a1).get(url("report-detail", draft.pk)).context["steps"]
    ] == ["submit"]


def test_return_asks_for_a_reason_then_the_collaborator_sees_it(
    client_for, submitted, manager_a, collaborator_a1
):
    client = client_for(manager_a)
    target = url("report-transition", submitted.pk, "return")
    assert client.get(target).status_code == 200
    response = client.post(target, {"note": "", "version": submitted.version})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = client.post(target, {"note": "Thiếu số liệu ngành a", "version": submitted.version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    page = client_for(collaborator_a1).get(url("report-detail", submitted.pk))
    assert "Thiếu số liệu ngành a" in page.content.decode()
    assert page.context["can_edit"]


def test_a_step_not_open_now_is_refused_with_a_message(
    client_for, submitted, collaborator_a1, officer_a
):
    response = client_for(collaborator_a1).post(
        url("report-transition", submitted.pk, "accept"), {}
    )
    assert response.status_code == 302
    response = client_for(officer_a).post(url("report-transition", submitted.pk, "submit"), {})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    response = client_for(officer_a).post(url("report-transition", submitted.pk, "accept"), {})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.ACCEPTED
    assert (
        client_for(officer_a).get(url("report-transition", submitted.pk, "fly")).status_code == 404
    )


def test_late_list(client_for, officer_a, ctv_a1, ctv_b1):
    response = client_for(officer_a).get(url("report-late"))
    entries = response.context["page"].object_list
    # Nothing filed: every finished quarter of the last four is missing, for A only.
    assert {e.collaborator.pk for e in entries} == {ctv_a1.pk}
    assert len(entries) == 4 and all(e.missing for e in entries)


def test_the_national_late_list_comes_a_page_at_a_time(client_for, national, province_a):
    for _ in range(13):  # 13 collaborators × 4 quarters missing = 52 rows
        CollaboratorFactory(province=province_a, appointed_on=datetime.date(2020, 1, 1))
    client = client_for(national)
    first = client.get(url("report-late"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("report-late") + "?page=2")
    assert len(second.context["page"].object_list) == 2


# --- difficulties --------------------------------------------------------------------------


def test_difficulty_list_filters_and_counts(client_for, officer_a, submitted, commune_a1):
    services.record_difficulty(
        actor=officer_a, province="66", commune=None, topic="premises", text="Thiếu mặt bằng"
    )
    client = client_for(officer_a)
    response = client.get(url("difficulty-list"))
    assert response.context["rollup"].total == 2
    assert {row["code"] for row in response.context["rollup"].by_topic} == {"capital", "premises"}
    response = client.get(url("difficulty-list") + f"?topic=capital&commune={commune_a1.pk}")
    assert [d.topic for d in response.context["page"].object_list] == ["capital"]
    assert response.context["rollup"].total == 1
    response = client.get(url("difficulty-list") + "?status=resolved")
    assert response.context["rollup"].total == 0


def test_officer_changes_a_difficultys_status_on_its_page(
    client_for, officer_a, manager_a, submitted
):
    difficulty = submitted.difficulties.get()
    client = client_for(officer_a)
    target = url("difficulty-detail", difficulty.pk)
    response = client.post(
        target, {"status": "forwarded", "forwarded_to": "", "expected_status": "open"}
    )
    assert response.status_code == 200 and "forwarded_to" in response.context["form"].errors
    response = client.post(
        target,
        {
            "status": "forwarded",
            "forwarded_to": "Ngân hàng CSXH",
            "handler": manager_a.pk,
            "expected_status": "open",
        },
    )
    assert response.status_code == 302
    difficulty.refresh_from_db()
    assert (difficulty.status, difficulty.handler) == ("forwarded", manager_a)
    # A second form opened before the change is refused.
    response = client.post(
        target, {"status": "resolved", "resolution": "x", "expected_status": "open"}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    difficulty.refresh_from_db()
    assert difficulty.status == "forwarded"
    page = client.get(target)
    assert len(page.context["history"]) == 2


def test_officer_records_a_difficulty_from_the_list(client_for, officer_a, commune_a1):
    response = client_for(officer_a).post(
        url("difficulty-create"),
        {"province": "66", "commune": commune_a1.pk, "topic": "labour", "text": "Thiếu thợ"},
    )
    difficulty = Difficulty.objects.get()
    assert response.url == url("difficulty-detail", difficulty.pk)
    assert difficulty.report is None and difficulty.province_id == "66"


# --- query counts --------------------------------------------------------------------------


def _grow(province, officer, n, start):
    for index in range(n):
        commune = CommuneFactory(province=province, code=f"{start + index:05d}")
        collaborator = CollaboratorFactory(province=province, communes=[commune])
        report = file_report(actor=officer, collaborator=collaborator)
        advance_report(report, S.SUBMITTED, filer=officer, reviewer=officer)


@pytest.mark.parametrize(
    ("name", "budget"),
    [("roster", 14), ("report-list", 14), ("report-late", 12), ("difficulty-list", 14)],
)
def test_list_pages_query_counts_do_not_grow(
    client_for, officer_a, province_a, name, budget, django_assert_max_num_queries
):
    client = client_for(officer_a)
    _grow(province_a, officer_a, 2, 50000)
    with django_assert_max_num_queries(budget):
        assert client.get(url(name)).status_code == 200
    _grow(province_a, officer_a, 20, 51000)
    with django_assert_max_num_queries(budget):
        assert client.get(url(name)).status_code == 200


def test_detail_pages_query_counts(
    client_for, officer_a, submitted, ctv_a1, django_assert_max_num_queries
):
    client = client_for(officer_a)
    with django_assert_max_num_queries(20):
        assert client.get(url("report-detail", submitted.pk)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url("collaborator-detail", ctv_a1.pk)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(url("report-edit", submitted.pk)).status_code == 302


def test_pages_render_dates_the_vietnamese_way(client_for, officer_a, ctv_a1):
    body = client_for(officer_a).get(url("collaborator-detail", ctv_a1.pk)).content.decode()
    assert ctv_a1.appointed_on.strftime("%d/%m/%Y") in body
    assert datetime.date(2024, 1, 15).isoformat() not in body


def test_the_national_report_list_offers_collaborators_once_a_province_is_chosen(
    client_for, national, ctv_a1, ctv_b1
):
    client = client_for(national)
    assert "collaborator" not in client.get(url("report-list")).context["form"].fields
    form = client.get(url("report-list") + "?province=66").context["form"]
    assert list(form.fields["collaborator"].queryset) == [ctv_a1]
