"""End to end in Debian's Chromium, on a phone-sized screen: a provincial manager opens
"Impact of support" from the reports menu and reads whether the support worked."""

import pytest
from django.utils import timezone

from khuyencong.accounts.factories import PASSWORD
from khuyencong.reports.factories import impact_panel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_reads_the_effect_of_support_on_a_phone(page, manager_a, commune_a1):
    impact_panel(
        commune=commune_a1, treated=20, controls=30, effect=300_000_000, manager=manager_a,
        cohort=timezone.localdate().year - 2,
    )  # fmt: skip
    base = page.base_url
    page.goto(f"{base}/login/")
    page.fill("#id_username", manager_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/reports/")
    page.click("[data-testid=nav-impact]")
    # It opens on the latest year that can be evaluated, one year on.
    headline = page.locator("[data-testid=impact-headline] [data-verdict]").first
    assert headline.get_attribute("data-verdict") == "effect"
    assert "mỗi cơ sở được hỗ trợ" in headline.inner_text()
    row = page.locator("[data-testid=impact-kinds] tr[data-category='03']")
    assert row.locator("td").nth(1).get_attribute("data-label") == "Được hỗ trợ"
    assert page.locator("svg[data-chart=event-revenue]").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page
    page.screenshot(path="var/test-screenshots/impact-phone.png", full_page=False)
