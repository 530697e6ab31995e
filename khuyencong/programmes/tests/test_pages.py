"""Staff pages of projects, plans, programmes and inspections: personas per tier
(outsider, read-only, wrong method), the forms through the services, query counts."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from khuyencong.core.workflow import transition
from khuyencong.programmes import services
from khuyencong.programmes.factories import advance, draft_project
from khuyencong.programmes.models import (
    AnnualPlan,
    Inspection,
    InspectionTransition,
    Project,
    ProjectTransition,
)
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment

S = Project.Status
MILLION = 1_000_000


@pytest.fixture
def beneficiary(commune_a1):
    return EstablishmentFactory(commune=commune_a1, name="HTX Cà phê Ea Kar")


@pytest.fixture
def make(officer_a, manager_a, province_a, beneficiary):
    def make(status=S.DRAFT, **overrides):
        overrides.setdefault("beneficiaries", [beneficiary.pk])
        project = draft_project(actor=officer_a, province=province_a, **overrides)
        return advance(project, status, manager=manager_a)

    return make


def url(name, *args):
    return reverse(f"programmes:{name}", args=args)


def form_data(province, **extra):
    data = {
        "province": province.pk,
        "year": timezone.localdate().year,
        "funding_level": "national",
        "title": "Hỗ trợ máy sấy cà phê",
        "category": "03",
        "subtype": "03-MAYMOC",
        "kind": "ordinary",
        "implementer": "Trung tâm Khuyến công Đắk Lắk",
        "budget_national": "200000000",
        "budget_counterpart": "300000000",
        "output_machines.count": "1",
    }
    data.update(extra)
    return data


# --- projects ------------------------------------------------------------------------------


def test_officer_drafts_a_project_through_the_form(client_for, officer_a, province_a, beneficiary):
    response = client_for(officer_a).post(
        url("project-create"), form_data(province_a, beneficiaries=[beneficiary.pk])
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == url("project-detail", project.pk)
    assert project.status == S.DRAFT
    assert dict(project.budget_lines.values_list("source", "amount")) == {
        "national": 200 * MILLION,
        "counterpart": 300 * MILLION,
    }
    assert list(project.beneficiaries.all()) == [beneficiary]
    assert project.outputs.get().planned == 1


def test_form_errors_name_the_field_and_save_nothing(client_for, officer_a, province_a):
    response = client_for(officer_a).post(
        url("project-create"), form_data(province_a, budget_national="-1", title="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "budget_national" in form.errors and "title" in form.errors
    response = client_for(officer_a).post(
        url("project-create"), form_data(province_a, budget_other="5", other_programme="")
    )
    assert (
        "other" in response.content.decode().lower() or response.context["form"].non_field_errors()
    )
    assert not Project.objects.exists()


def test_second_of_two_open_edit_forms_is_refused(client_for, make, officer_a, manager_a):
    project = make()
    first = client_for(officer_a)
    second = client_for(manager_a)
    version = project.version
    data = form_data(project.province, version=version, title="Bản của cán bộ")
    assert first.post(url("project-edit", project.pk), data).status_code == 302
    data["title"] = "Bản của giám đốc"
    response = second.post(url("project-edit", project.pk), data, follow=True)
    project.refresh_from_db()
    assert project.title == "Bản của cán bộ"
    assert (
        "changed by someone else" in response.content.decode()
        or "người khác" in response.content.decode()
    )


def test_list_and_detail_are_scoped(client_for, make, officer_b, officer_a):
    project = make()
    assert client_for(officer_b).get(url("project-detail", project.pk)).status_code == 404
    assert client_for(officer_b).get(url("project-edit", project.pk)).status_code == 404
    assert project.code not in client_for(officer_b).get(url("project-list")).content.decode()
    assert project.code in client_for(officer_a).get(url("project-list")).content.decode()


@pytest.mark.parametrize("persona", ["auditor_a", "national"])
def test_read_only_users_see_but_cannot_change(request, client_for, make, persona):
    project = make(S.SUBMITTED)
    client = client_for(request.getfixturevalue(persona))
    page = client.get(url("project-detail", project.pk))
    assert page.status_code == 200
    assert url("project-transition", project.pk, "appraise") not in page.content.decode()
    assert client.post(url("project-transition", project.pk, "appraise")).status_code == 404
    assert client.get(url("project-create")).status_code == 404
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_anonymous_is_sent_to_login(client, make):
    project = make()
    response = client.get(url("project-detail", project.pk))
    assert response.status_code == 302 and "/login/" in response.url


def test_wrong_methods(client_for, make, officer_a):
    project = make()
    client = client_for(officer_a)
    assert client.post(url("project-detail", project.pk)).status_code == 405
    assert client.get(url("disbursement-add", project.pk)).status_code == 405
    assert client.get(url("project-transition", project.pk, "fly")).status_code == 404


def test_detail_shows_only_the_steps_the_user_may_take(client_for, make, officer_a, manager_a):
    project = make(S.SUBMITTED)
    officer_page = client_for(officer_a).get(url("project-detail", project.pk)).content.decode()
    manager_page = client_for(manager_a).get(url("project-detail", project.pk)).content.decode()
    assert url("project-transition", project.pk, "appraise") not in officer_page
    assert url("project-transition", project.pk, "appraise") in manager_page
    assert url("project-transition", project.pk, "settle") not in manager_page


def test_transition_page_asks_for_what_the_step_needs(client_for, make, manager_a):
    project = make(S.IN_PROGRESS)
    client = client_for(manager_a)
    page = client.get(url("project-transition", project.pk, "accept"))
    assert "actual_machines.count" in page.content.decode()
    response = client.post(
        url("project-transition", project.pk, "accept"),
        {
            "accepted_on": timezone.localdate().isoformat(),
            "minutes": "",
            "actual_machines.count": "2",
        },
    )
    assert response.status_code == 200 and "minutes" in response.context["form"].errors
    response = client.post(
        url("project-transition", project.pk, "accept"),
        {
            "accepted_on": timezone.localdate().isoformat(),
            "minutes": "BB 01",
            "actual_machines.count": "2",
            "version": project.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == S.ACCEPTED


def test_a_refused_approval_can_be_overridden_with_a_reason(client_for, make, manager_a):
    project = make(
        S.APPRAISED,
        budget_lines=[
            {"source": "national", "amount": 400 * MILLION},
            {"source": "counterpart", "amount": 100 * MILLION},
        ],
    )
    client = client_for(manager_a)
    page = client.get(url("project-transition", project.pk, "approve"))
    assert page.context["refusals"]
    data = {"decision_number": "9/QĐ", "decision_date": timezone.localdate().isoformat()}
    response = client.post(url("project-transition", project.pk, "approve"), data)
    assert response.status_code == 200 and response.context["refusals"]
    project.refresh_from_db()
    assert project.status == S.APPRAISED
    data["override_reason"] = "Ưu tiên của tỉnh"
    assert client.post(url("project-transition", project.pk, "approve"), data).status_code == 302
    assert (
        ProjectTransition.objects.get(project=project, action="approve").override_reason
        == "Ưu tiên của tỉnh"
    )


def test_step_not_allowed_now_is_refused_with_a_message(client_for, make, manager_a):
    project = make(S.DRAFT)
    response = client_for(manager_a).post(
        url("project-transition", project.pk, "settle"), follow=True
    )
    assert (
        "not open" in response.content.decode()
        or "không thực hiện được" in response.content.decode()
    )
    project.refresh_from_db()
    assert project.status == S.DRAFT


def test_disbursement_and_document(client_for, make, officer_a, officer_b):
    project = make(S.IN_PROGRESS)
    client = client_for(officer_a)
    client.post(
        url("disbursement-add", project.pk),
        {
            "kind": "payment",
            "source": "national",
            "amount": "50000000",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert project.disbursements.get().amount == 50 * MILLION
    response = client.post(
        url("disbursement-add", project.pk),
        {
            "kind": "payment",
            "source": "national",
            "amount": "999000000",
            "date": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert project.disbursements.count() == 1
    assert response.status_code == 200
    upload = SimpleUploadedFile("qd.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(
        url("document-add", project.pk),
        {"kind": "decision", "title": "QĐ phê duyệt", "file": upload},
    )
    document = project.documents.get()
    download = client.get(url("document-download", project.pk, document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("inline;")
    # An HTML or SVG attachment could carry a script: the upload guard refuses it, whatever
    # its name (files stored earlier are still served as downloads: core/tests/test_files.py).
    for name in ("bien-ban.html", "so-do.svg", "bien-ban.pdf"):
        response = client.post(
            url("document-add", project.pk),
            {
                "kind": "other",
                "title": name,
                "file": SimpleUploadedFile(
                    name, b"<svg onload=alert(1)>", content_type="text/html"
                ),
            },
            follow=True,
        )
        assert not project.documents.filter(title=name).exists()
        assert f"Không đính kèm được tệp “{name}” (Tệp)" in response.content.decode()
    assert (
        client_for(officer_b).get(url("document-download", project.pk, document.pk)).status_code
        == 404
    )


def test_project_pages_query_counts_do_not_grow(
    client_for, make, officer_a, django_assert_max_num_queries
):
    projects = [make(S.IN_PROGRESS) for _ in range(3)]
    client = client_for(officer_a)
    with django_assert_max_num_queries(12):
        assert client.get(url("project-list")).status_code == 200
    for _ in range(5):
        make()
    with django_assert_max_num_queries(12):
        client.get(url("project-list"))
    with django_assert_max_num_queries(40):
        assert client.get(url("project-detail", projects[0].pk)).status_code == 200


def test_beneficiary_search_is_scoped(client_for, officer_a, officer_b, beneficiary, province_a):
    found = client_for(officer_a).get(url("beneficiary-search"), {"q": "ca phe", "province": "66"})
    assert "HTX Cà phê Ea Kar" in found.content.decode()
    other = client_for(officer_b).get(url("beneficiary-search"), {"q": "ca phe", "province": "66"})
    assert "HTX" not in other.content.decode()


# --- plans ---------------------------------------------------------------------------------


def test_plan_board_register_approve_adjust_compare_export(
    client_for, make, manager_a, officer_b, auditor_a
):
    a = make(S.APPRAISED)
    make(S.APPRAISED)
    plan = a.plan
    client = client_for(manager_a)
    board = client.get(url("plan-detail", plan.pk))
    assert board.status_code == 200 and a.code in board.content.decode()
    assert (
        client.post(url("plan-step", plan.pk, "register"), {"reason": "Đăng ký"}).status_code == 302
    )
    today = timezone.localdate().isoformat()
    response = client.post(
        url("plan-step", plan.pk, "approve"), {"decision_number": "", "decision_date": today}
    )
    assert "decision_number" in response.context["form"].errors
    assert (
        client.post(
            url("plan-step", plan.pk, "approve"),
            {"decision_number": "12/QĐ-UBND", "decision_date": today},
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.status == S.APPROVED
    transition_project(
        actor=manager_a,
        project=a,
        action="adjust",
        note="Tăng",
        budget={"national": 230 * MILLION, "counterpart": 300 * MILLION},
    )
    assert (
        client.post(url("plan-step", plan.pk, "adjust"), {"reason": "Điều chỉnh"}).status_code
        == 302
    )
    assert plan.versions.count() == 3
    compare = client.get(url("plan-compare", plan.pk), {"a": 2, "b": 3})
    diff = compare.context["diff"]
    assert diff["difference"] == 30 * MILLION
    assert client.get(url("plan-compare", plan.pk), {"a": 9, "b": 3}).status_code == 404

    export = client.get(url("plan-export", plan.pk), {"version": 2})
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[2] in ("Tổng cộng", "Total", "Tổng"))
    assert total[7] == 1000 * MILLION and total[8] == 400 * MILLION
    now = load_workbook(BytesIO(client.get(url("plan-export", plan.pk)).content)).active
    total = next(
        r for r in now.iter_rows(values_only=True) if r[2] in ("Tổng cộng", "Total", "Tổng")
    )
    assert total[7] == 1030 * MILLION

    assert client_for(officer_b).get(url("plan-detail", plan.pk)).status_code == 404
    assert client_for(officer_b).get(url("plan-export", plan.pk)).status_code == 404
    read_only = client_for(auditor_a)
    assert read_only.get(url("plan-detail", plan.pk)).status_code == 200
    assert read_only.post(url("plan-step", plan.pk, "adjust"), {"reason": "x"}).status_code == 404


def test_plan_list_shows_overdue_steps(client_for, make, manager_a, django_assert_max_num_queries):
    make(S.SUBMITTED)
    client = client_for(manager_a)
    with django_assert_max_num_queries(12):
        page = client.get(url("plan-list"))
    assert page.context["overdue"]
    assert 'data-testid="overdue-steps"' in page.content.decode()


def test_plan_list_counts_and_money_per_plan(
    client_for, make, manager_a, national, django_assert_max_num_queries
):
    make(S.IN_PROGRESS)
    make(S.DRAFT)
    client = client_for(national)
    client.get(url("plan-list"))
    with django_assert_max_num_queries(12):
        page = client.get(url("plan-list"))
    (plan,) = page.context["page"].object_list
    # Both projects count; only the approved one's budget is planned money.
    assert plan.project_count == 2
    assert plan.planned == 500 * MILLION


def test_money_view(client_for, make, officer_a, national):
    make(S.IN_PROGRESS)
    make(S.SETTLED)
    page = client_for(officer_a).get(url("money"))
    assert page.context["total"]["planned_total"] == 1000 * MILLION
    assert page.context["total"]["settled_total"] == sum(
        row["money"]["settled_total"] for row in page.context["rows"]
    )
    page = client_for(national).get(url("money"))
    assert (
        page.context["national_view"]
        and page.context["rows"][0]["money"]["planned_total"] == 1000 * MILLION
    )


# --- programmes and inspections ------------------------------------------------------------


def test_programme_pages(client_for, admin, officer_b, make):
    programme = services.create_programme(
        actor=admin,
        data={
            "code": "CTKCQG",
            "name": "Chương trình khuyến công quốc gia",
            "level": "national",
            "start_year": 2026,
            "end_year": 2030,
            "decision_number": "2646/QĐ-BCT",
            "decision_date": datetime.date(2025, 9, 23),
        },
        targets={"machines.count": 100},
    )
    make(S.ACCEPTED)
    page = client_for(officer_b).get(url("programme-detail", programme.pk))
    assert page.status_code == 200 and "2646/QĐ-BCT" in page.content.decode()
    assert (
        client_for(admin)
        .get(url("programme-detail", programme.pk))
        .context["progress"][0]["achieved"]
        == 2
    )
    assert client_for(officer_b).get(url("programme-list")).status_code == 200


def test_inspection_pages(client_for, make, officer_a, officer_b):
    project = make(S.ACCEPTED)
    inspection = Inspection.objects.get(project=project)
    Inspection.objects.filter(pk=inspection.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = client_for(officer_a)
    listing = client.get(url("inspection-list"))
    assert list(listing.context["page"].object_list) == [inspection]
    assert client.get(url("inspection-list"), {"show": "done"}).context["page"].paginator.count == 0
    response = client.post(
        url("inspection-record", inspection.pk),
        {"done_on": timezone.localdate().isoformat(), "finding": "sold"},
    )
    assert "follow_up" in response.context["form"].errors
    response = client.post(
        url("inspection-record", inspection.pk),
        {
            "done_on": timezone.localdate().isoformat(),
            "finding": "in_use",
            "inspector": "Nguyễn Văn A",
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.finding == "in_use"
    assert client.get(url("inspection-list")).context["page"].paginator.count == 0
    assert client_for(officer_b).get(url("inspection-record", inspection.pk)).status_code == 404


def test_overview_page_shows_the_programmes_section(client_for, make, officer_a):
    make(S.IN_PROGRESS)
    page = client_for(officer_a).get("/")
    assert page.status_code == 200
    assert reverse("programmes:money") in page.content.decode()


def test_manager_records_and_edits_the_provinces_programme(
    client_for, manager_a, officer_a, officer_b
):
    data = {
        "code": "CTKC-66",
        "name": "Chương trình khuyến công tỉnh Đắk Lắk 2026–2030",
        "level": "provincial",
        "province": "66",
        "start_year": "2026",
        "end_year": "2030",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2025-12-20",
        "target_trainees.count": "3000",
    }
    assert client_for(officer_a).get(url("programme-create")).status_code == 404
    client = client_for(manager_a)
    response = client.post(url("programme-create"), data)
    from khuyencong.programmes.models import Programme

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert dict(programme.targets.values_list("indicator_id", "value")) == {"trainees.count": 3000}
    bad = client.post(url("programme-create"), {**data, "code": "X", "end_year": "2020"})
    assert "end_year" in bad.context["form"].errors
    stale = {**data, "name": "Tên mới", "version": programme.version}
    assert client.post(url("programme-edit", programme.pk), stale).status_code == 302
    client.post(url("programme-edit", programme.pk), {**stale, "name": "Tên cũ"})
    programme.refresh_from_db()
    assert programme.name == "Tên mới"  # the second save came from a stale form
    assert client_for(officer_b).get(url("programme-edit", programme.pk)).status_code == 404


def test_ids_in_form_values_are_not_written_the_vietnamese_way(client_for, officer_a, beneficiary):
    # Vietnamese formatting groups thousands with dots: an id of 1187 must still be sent
    # back as "1187", or the form refuses "1.187" (seen once ids passed 999).
    Establishment.objects.filter(pk=beneficiary.pk).update(id=1187)
    found = client_for(officer_a).get(url("beneficiary-search"), {"q": "ca phe", "province": "66"})
    body = found.content.decode()
    assert 'value="1187"' in body and "1.187" not in body


def test_an_output_counted_in_dong_is_typed_as_money_and_a_count_as_a_number():
    from django.core.exceptions import ValidationError

    from khuyencong.programmes.models import Indicator
    from khuyencong.programmes.pages.forms import indicator_field

    investment = Indicator(code="models.investment", name="Vốn đầu tư thu hút", unit="đồng")
    assert indicator_field(investment, 10**12).clean("1,5 tỷ") == 1_500_000_000
    machines = Indicator(code="machines.count", name="Số máy móc", unit="máy")
    assert machines.unit != "đồng" and indicator_field(machines, 10**12).clean("12") == 12
    with pytest.raises(ValidationError):
        indicator_field(machines, 10**12).clean("1,5 tỷ")


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_inspection_steps_go_through_the_kernels_confirm_page(
    client_for, make, officer_a, auditor_a, collaborator_a1
):
    project = make(S.ACCEPTED)
    inspection = Inspection.objects.get(project=project)
    client = client_for(officer_a)
    record, follow_up = (
        url("inspection-record", inspection.pk),
        url("inspection-follow-up", inspection.pk),
    )
    # No follow-up action yet: refused in the workflow's words, back on the page.
    refused = client.post(follow_up, {"done_on": timezone.localdate().isoformat()})
    assert refused.status_code == 302 and refused.url == record
    assert _messages(client.get(record)) == [gettext("This inspection has no follow-up action.")]
    today = timezone.localdate()
    done = client.post(
        record,
        {
            "done_on": today.isoformat(),
            "finding": "idle",
            "follow_up": "Yêu cầu đưa máy vào sử dụng",
            "follow_up_due": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert done.status_code == 302 and done.url == record
    page = client.get(record)
    assert _messages(page) == [gettext("The inspection was recorded.")]
    assert page.context["writable"] and "follow_form" in page.context
    # The follow-up form sits on the inspection's page: its errors come back as messages.
    assert client.get(follow_up).status_code == 405
    assert client.post(follow_up, {"done_on": ""}).url == record
    assert _messages(client.get(record)) == [gettext("Enter a valid date.")]
    future = (today + datetime.timedelta(days=2)).isoformat()
    client.post(follow_up, {"done_on": future})
    assert _messages(client.get(record)) == [gettext("Enter a date that is not in the future.")]
    assert client.post(follow_up, {"done_on": today.isoformat()}).url == record
    assert _messages(client.get(record)) == [gettext("The follow-up was recorded as done.")]
    inspection.refresh_from_db()
    assert inspection.follow_up_done_on == today and inspection.stage == Inspection.Stage.DONE
    assert list(
        InspectionTransition.objects.filter(inspection=inspection)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["record", "follow_up_done"]
    # Read-only users see the page without its form and may not post to it.
    for user in (auditor_a, collaborator_a1):
        other = client_for(user)
        shown = other.get(record)
        assert shown.status_code == 200 and not shown.context["writable"]
        assert "<form" not in shown.content.decode().split("<main", 1)[-1]
        assert other.post(record, {"done_on": today.isoformat()}).status_code == 404


def _timeline(page):
    """How many step rows the page's one timeline shows."""
    html = page.content.decode()
    assert html.count('data-testid="timeline"') == 1
    return (
        html.split('data-testid="timeline"', 1)[1]
        .split("</ol>", 1)[0]
        .count('data-testid="transition"')
    )


def test_the_plan_page_shows_its_steps_in_the_shared_timeline(
    client_for, make, manager_a, auditor_a
):
    plan = make(S.APPRAISED).plan
    client = client_for(auditor_a)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url("plan-detail", plan.pk))
    assert "core/transitions.html" in [t.name for t in page.templates]
    assert _timeline(page) == 0
    transition(plan, "register", manager_a, note="Đăng ký kế hoạch")
    transition(
        plan, "approve", manager_a, decision_number="12/QĐ", decision_date=timezone.localdate()
    )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url("plan-detail", plan.pk))
    assert _timeline(page) == 2
    html = page.content.decode()
    assert "Đăng ký kế hoạch" in html
    assert (manager_a.get_full_name() or manager_a.username) in html
    # One query for the rows and their actors, whatever their number.
    assert len(after) == len(before)


def test_the_inspection_page_shows_its_steps_in_the_shared_timeline(
    client_for, make, officer_a, manager_a
):
    inspection = Inspection.objects.get(project=make(S.ACCEPTED))
    client = client_for(manager_a)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url("inspection-record", inspection.pk))
    assert _timeline(page) == 0 and gettext("No step taken yet.") in page.content.decode()
    today = timezone.localdate()
    for _n in range(3):  # recorded, then corrected twice
        transition(inspection, "record", officer_a, done_on=today, finding="in_use")
    with CaptureQueriesContext(connection) as after:
        page = client.get(url("inspection-record", inspection.pk))
    assert _timeline(page) == 3
    assert (officer_a.get_full_name() or officer_a.username) in page.content.decode()
    assert len(after) == len(before)


# --- the lists (core.pages.list_page) -------------------------------------------------------


def test_project_list_filters_and_paginates(
    client_for, make, officer_a, national, django_assert_max_num_queries
):
    year = timezone.localdate().year
    for n in range(25):
        make(title=f"Máy sấy số {n}")
    approved = make(S.IN_PROGRESS, title="Lò hơi")
    make(title="Máy sấy năm sau", year=year + 1)
    client = client_for(officer_a)
    with django_assert_max_num_queries(12):
        first = client.get(url("project-list"), {"q": "máy sấy", "year": year})
    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"].object_list) == 25
    with django_assert_max_num_queries(12):
        everything = client.get(url("project-list"), {"page": 2})
    assert everything.context["page"].paginator.count == 27
    codes = list(Project.objects.order_by("-year", "code").values_list("code", flat=True))
    assert [p.code for p in everything.context["page"]] == codes[25:]
    assert codes[0] == Project.objects.get(year=year + 1).code
    status = client.get(url("project-list"), {"status": S.IN_PROGRESS})
    assert list(status.context["page"].object_list) == [approved]
    assert client.get(url("project-list"), {"q": "lò"}).context["page"].paginator.count == 1


def test_project_list_form_keeps_its_choices_and_refuses_a_bad_year(
    client_for, make, officer_a, national
):
    make()
    page = client_for(officer_a).get(url("project-list"))
    html = page.content.decode()
    # The empty choice of status and funding level is a dash, as the form always showed.
    assert html.count('<option value="" selected>—</option>') == 2
    # A provincial user lists their own province: no province to pick.
    assert 'name="province"' not in html
    assert 'name="province"' in client_for(national).get(url("project-list")).content.decode()
    for year in ("1999", "2101", "năm"):
        refused = client_for(officer_a).get(url("project-list"), {"year": year})
        assert refused.context["page"].paginator.count == 0
        assert refused.context["filter"].errors["year"]


def test_project_list_ignores_the_province_of_a_provincial_user(
    client_for, make, officer_a, province_b
):
    project = make()
    page = client_for(officer_a).get(url("project-list"), {"province": province_b.pk})
    assert list(page.context["page"].object_list) == [project]


def test_plan_list_filters_by_year_and_ignores_what_it_cannot_read(
    client_for, manager_a, province_a, django_assert_max_num_queries
):
    AnnualPlan.objects.bulk_create(
        AnnualPlan(province=province_a, year=year, funding_level=level)
        for year in range(2030, 2056)
        for level in ("national", "local")
    )
    client = client_for(manager_a)
    with django_assert_max_num_queries(12):
        listed = client.get(url("plan-list"), {"year": "2031"})
    assert {(p.year, p.funding_level) for p in listed.context["page"]} == {
        (2031, "national"),
        (2031, "local"),
    }
    assert listed.context["year"] == 2031
    for year in ("1999", "2101", "hai", ""):
        ignored = client.get(url("plan-list"), {"year": year})
        assert ignored.context["page"].paginator.count == 52
        assert ignored.context["year"] is None
    # 50 plans a page, newest year first.
    last = client.get(url("plan-list"), {"page": 2})
    assert [(p.year, p.funding_level) for p in last.context["page"]] == [
        (2030, "local"),
        (2030, "national"),
    ]


def test_plan_list_counts_the_projects_of_the_plans_shown(
    client_for, make, manager_a, province_a, django_assert_max_num_queries
):
    project = make(S.IN_PROGRESS)
    AnnualPlan.objects.bulk_create(
        AnnualPlan(province=province_a, year=year, funding_level="local")
        for year in range(2050, 2100)
    )
    client = client_for(manager_a)
    with django_assert_max_num_queries(12):
        first = client.get(url("plan-list"))
    assert len(first.context["page"]) == 50
    assert {p.project_count for p in first.context["page"]} == {0}
    assert project.plan not in list(first.context["page"])
    with django_assert_max_num_queries(12):
        second = client.get(url("plan-list"), {"page": 2})
    (plan,) = second.context["page"]
    assert plan == project.plan
    assert plan.project_count == 1
    assert plan.planned == 500 * MILLION


def test_inspection_list_shows_the_overdue_unless_asked(
    client_for, make, officer_a, commune_a1, province_a, django_assert_max_num_queries
):
    project = make(S.ACCEPTED)
    Inspection.objects.filter(project=project).delete()
    today = timezone.localdate()
    late = today - datetime.timedelta(days=3)
    establishments = EstablishmentFactory.create_batch(30, commune=commune_a1)
    Inspection.objects.bulk_create(
        Inspection(
            project=project,
            establishment=establishments[n],
            province=province_a,
            due_date=late if n % 2 else today + datetime.timedelta(days=n),
            done_on=today if n % 3 == 0 else None,
        )
        for n in range(30)
    )
    overdue = Inspection.objects.filter(done_on__isnull=True, due_date__lt=today)
    client = client_for(officer_a)
    with django_assert_max_num_queries(12):
        default = client.get(url("inspection-list"))
    assert default.context["show"] == "overdue"
    assert default.context["page"].paginator.count == overdue.count() == 10
    counts = {
        show: client.get(url("inspection-list"), {"show": show}).context["page"].paginator.count
        for show in ("due", "done", "all", "", "no-such-view")
    }
    assert counts == {"due": 20, "done": 10, "all": 30, "": 30, "no-such-view": 30}
    unknown = client.get(url("inspection-list"), {"show": "no-such-view"})
    assert unknown.status_code == 200 and unknown.context["show"] == "no-such-view"
    with django_assert_max_num_queries(12):
        second = client.get(url("inspection-list"), {"show": "all", "page": 2})
    assert len(second.context["page"]) == 5
    assert 'class="button primary" href="?show=all"' in second.content.decode()
    # Paging keeps the default: page 2 of the overdue, not of everything.
    assert client.get(url("inspection-list"), {"page": 2}).context["page"].paginator.count == 10
