"""End to end in Debian's Chromium, one quarter's report from the province to the nation:

1. the province's officer, on a phone, records the quarter's vocational course (the centre's
   own, local programme) and reads it in the official results form (KCĐP);
2. the province's manager previews the quarter's report with its four official forms, signs
   it off and submits it; the submission's page shows the forms as filed;
3. the national officer, on a phone, accepts it, opens the consolidation of the country
   and the consolidated national forms, where the province's course is added.

Each step fits the width of its screen (no sideways scrolling); screenshots go to
var/test-screenshots/submission-journey/."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import read_db
from khuyencong.accounts.factories import PASSWORD
from khuyencong.reports.demo_country import last_finished_quarter
from khuyencong.reports.models import ReportSubmission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SHOTS = settings.VAR_DIR / "test-screenshots" / "submission-journey"


class Walk:
    def __init__(self, browser, base, user, viewport):
        self.base, self.name = base, user.username
        self.context = browser.new_context(locale="vi-VN", viewport=viewport)
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.page.goto(f"{base}/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_url(f"{base}/")
        self.step = 0

    def goto(self, path):
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)

    def check(self, name, shows):
        self.page.wait_for_load_state("networkidle")
        assert self.page.locator(shows).first.is_visible(), (self.name, name, shows)
        sideways = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 1, f"{self.name} {name}: {sideways}px sideways"
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.step:02d}-{self.name}-{name}.png"))

    def close(self):
        self.context.close()


def cell(page, code, key):
    return page.locator(f"tr[data-code='{code}'] td[data-key={key}]").first.inner_text()


def test_a_quarter_from_the_province_to_the_national_forms(
    page, officer_a, manager_a, national, province_a, province_b, commune_a1
):
    browser = page.context.browser
    base = page.base_url
    quarter = last_finished_quarter(timezone.localdate())
    number = (quarter.start.month - 1) // 3 + 1
    period = f"kind=quarter&year={quarter.start.year}"

    # 1. The officer records the quarter's course, on a phone.
    officer = Walk(browser, base, officer_a, PHONE)
    try:
        officer.goto("/activities/trainings/new/")
        form = officer.page.locator("form[method=post]").last
        form.locator("#id_title").fill("Đào tạo nghề dệt thổ cẩm cho lao động nông thôn")
        form.locator("#id_topic").select_option("vocational")
        form.locator("#id_start_date").fill(str(quarter.start + dt.timedelta(days=10)))
        form.locator("#id_end_date").fill(str(quarter.start + dt.timedelta(days=40)))
        form.locator("#id_participants").fill("40")
        form.locator("#id_employed_after").fill("30")
        form.locator("#id_funding_level").select_option("local")
        officer.check("course-form", "#id_title")
        form.locator("button[type=submit]").first.click()
        officer.page.wait_for_url("**/activities/trainings/*/")
        officer.check("course", "h1")
        officer.goto(f"/reports/forms/?form=results&unit=province:66&{period}&number={number}")
        officer.check("results-form", "[data-testid=official-form-table]")
        assert cell(officer.page, "training.vocational", "local") == "40"
        assert cell(officer.page, "training.vocational", "total") == "40"
        assert cell(officer.page, "training.vocational.employed", "local") == "30"
    finally:
        officer.close()

    # 2. The manager previews the quarter with its forms, signs it off and submits it.
    manager = Walk(browser, base, manager_a, LAPTOP)
    try:
        manager.goto("/reports/submissions/")
        chooser = manager.page.locator("[data-testid=new-submission]")
        chooser.locator("[name=kind]").select_option("quarter")
        chooser.locator("[name=year]").fill(str(quarter.start.year))
        chooser.locator("[name=quarter]").select_option(str(number))
        manager.check("choose-quarter", "[data-testid=new-submission]")
        chooser.locator("button[type=submit]").click()
        manager.page.wait_for_url("**/submissions/new/**")
        manager.check("preview", "[data-testid=submit-form]")
        results = manager.page.locator("[data-testid=frozen-forms] details[data-form=results]")
        results.locator("> summary").click()
        assert (
            results.locator("tr[data-code='training.vocational'] td[data-key=local]").inner_text()
            == "40"
        )
        manager.page.fill("#id_note", "Báo cáo quý đã được lãnh đạo Sở ký duyệt.")
        manager.page.locator("[data-testid=submit-form] button[type=submit]").click()
        manager.page.wait_for_url("**/submissions/*/")
        manager.check("submitted", "[data-testid=frozen-forms]")
        assert manager.page.locator("[data-testid=review-status]").inner_text() == "Đã gửi"
    finally:
        manager.close()
    submission = read_db(lambda: ReportSubmission.objects.get(province="66"))
    assert (submission.start, submission.end, submission.version) == (quarter.start, quarter.end, 1)
    assert submission.submitted_by_id == manager_a.pk

    # 3. The national officer accepts it and reads the national forms, on a phone.
    cuc = Walk(browser, base, national, PHONE)
    try:
        cuc.goto(f"/reports/submissions/{submission.pk}/")
        cuc.check("review", "[data-testid=review-form]")
        cuc.page.locator("[data-testid=accept]").click()
        cuc.page.wait_for_load_state("networkidle")
        assert cuc.page.locator("[data-testid=review-status]").inner_text() == "Đã tiếp nhận"
        cuc.goto(f"/reports/submissions/consolidation/?unit=nation&{period}&quarter={number}")
        cuc.check("consolidation", "[data-testid=province-rows]")
        assert "chưa gửi" in cuc.page.locator("tr[data-province='79']").inner_text().lower()
        cuc.page.locator("[data-testid=open-consolidated-forms]").click()
        cuc.page.wait_for_url("**/consolidation/forms/**")
        cuc.check("national-forms", "[data-testid=official-form-table]")
        assert cell(cuc.page, "training.vocational", "local") == "40"
        assert "1/2" in cuc.page.locator("[data-testid=consolidated-count]").inner_text()
        # The funding form of the nation, from the same accepted report.
        cuc.page.locator("[data-testid=consolidated-form-tabs] a").nth(1).click()
        cuc.check("national-funding", "[data-testid=official-form-table]")
    finally:
        cuc.close()
    assert read_db(lambda: ReportSubmission.objects.get(pk=submission.pk).status) == "accepted"
