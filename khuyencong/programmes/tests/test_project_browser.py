"""End to end in Debian's Chromium on a phone-sized screen: an officer drafts a project
with a beneficiary found by an unaccented search and submits it; the manager appraises,
approves, starts, accepts (actual outputs) and settles it (spending by source); the
timeline shows every step."""

import pytest
from django.utils import timezone

from conftest import read_db
from khuyencong.accounts.factories import PASSWORD, UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.programmes.models import Project
from khuyencong.registry.factories import EstablishmentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, username):
    base = page.base_url
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")


def take_step(page, project_pk, action, fields=None):
    page.goto(f"{page.base_url}/programmes/projects/{project_pk}/")
    page.click(f"[data-testid=steps] a[href$='/steps/{action}/']")
    page.wait_for_selector("[data-testid=transition-form]")
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("[data-testid=transition-form] button[type=submit]")
    page.wait_for_url(f"{page.base_url}/programmes/projects/{project_pk}/")


def test_a_project_from_draft_to_settled(page):
    province = ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")
    commune = CommuneFactory(code="24100", name="Xã Ea Kar", province=province)
    EstablishmentFactory(commune=commune, name="Hợp tác xã Cà phê Ea Kar")
    UserFactory(username="canbo", role=Role.PROVINCIAL_OFFICER, province=province)
    UserFactory(
        username="giamdoc",
        first_name="Thị Hoa",
        last_name="Trần",
        role=Role.PROVINCIAL_MANAGER,
        province=province,
    )
    base = page.base_url
    today = timezone.localdate().isoformat()

    log_in(page, "canbo")
    page.goto(f"{base}/programmes/projects/")
    page.click("a[href='/programmes/projects/new/']")
    page.fill("#id_title", "Hỗ trợ máy rang cà phê cho HTX Ea Kar")
    page.select_option("#id_category", "03")
    page.select_option("#id_subtype", "03-MAYMOC")
    page.fill("#id_implementer", "Trung tâm Khuyến công Đắk Lắk")
    page.fill("#id_budget_national", "150000000")
    page.fill("#id_budget_counterpart", "250000000")
    page.fill("[name='output_machines.count']", "1")
    page.fill("#beneficiary-search", "ca phe ea kar")
    page.locator("#beneficiary-results input[type=checkbox]").first.check()
    # The search answers by htmx: let it settle so no late swap replaces the ticked box.
    page.wait_for_load_state("networkidle")
    assert page.locator("#beneficiary-results input[type=checkbox]").first.is_checked()
    page.click("[data-testid=project-form] button[type=submit]")
    # Either the project's page or the form again with what was refused: say which.
    page.wait_for_selector("[data-testid=status], .error, .msg-error")
    assert not page.locator(".error, .msg-error").all_inner_texts(), page.url
    page.wait_for_selector("[data-testid=status]")
    project = read_db(Project.objects.get)
    assert read_db(lambda: list(project.beneficiaries.values_list("name", flat=True))) == [
        "Hợp tác xã Cà phê Ea Kar"
    ]
    take_step(page, project.pk, "submit")

    log_in(page, "giamdoc")
    take_step(page, project.pk, "appraise")
    take_step(page, project.pk, "approve", {"#id_decision_number": "215/QĐ-SCT"})
    take_step(page, project.pk, "start")
    take_step(
        page,
        project.pk,
        "accept",
        {
            "#id_accepted_on": today,
            "#id_minutes": "Biên bản nghiệm thu số 07/BB-TTKC",
            "[name='actual_machines.count']": "1",
        },
    )
    take_step(page, project.pk, "settle", {"[name='spent_national']": "148000000"})

    assert page.inner_text("[data-testid=status]").strip() == "Đã quyết toán"
    timeline = page.locator("[data-testid=transition]")
    assert timeline.count() == 6
    assert "Trần Thị Hoa" in timeline.last.inner_text()
    project = read_db(lambda: Project.objects.get(pk=project.pk))
    assert project.status == Project.Status.SETTLED
    settled = read_db(lambda: dict(project.settlement.values_list("source", "amount")))
    assert settled == {"national": 148_000_000, "counterpart": 250_000_000}
    assert read_db(lambda: project.inspections.count()) == 1
