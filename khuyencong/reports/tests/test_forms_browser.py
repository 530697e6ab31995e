"""End to end in Debian's Chromium, on a phone-sized screen: a provincial officer opens the
official forms from the reports menu, chooses the results form of a year and reads its
KCQG, KCĐP and total figures."""

import pytest

from khuyencong.accounts.factories import PASSWORD
from khuyencong.reports.tests.test_forms import records, region  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_officer_reads_the_results_form_on_a_phone(page, officer_a, records):  # noqa: F811
    base = page.base_url
    page.goto(f"{base}/login/")
    page.fill("#id_username", officer_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/reports/")
    page.click("[data-testid=nav-forms]")
    page.select_option("#id_form", "results")
    page.fill("#id_year", "2026")
    page.click("[data-testid=official-form-chooser] button[type=submit]")
    row = page.locator("tr[data-code='training.vocational']")
    assert row.locator("td[data-key=national]").inner_text() == "60"
    assert row.locator("td[data-key=local]").inner_text() == "30"
    assert row.locator("td[data-key=total]").inner_text() == "90"
    # Stacked on a phone: each figure is labelled with its column.
    cell = row.locator("td[data-key=national]")
    assert cell.get_attribute("data-label") == "Kết quả thực hiện – KCQG"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page
    row.scroll_into_view_if_needed()
    page.screenshot(path="var/test-screenshots/official-form-phone.png", full_page=False)
