"""The national report page in Debian's Chromium, on a phone (390 px) and a laptop (1366 px)
with 34 provinces: the headline figures, the trend with its bars and the province table are
on the page, nothing scrolls sideways, and the whole page is at most two screens high."""

import pytest

from khuyencong.accounts.factories import PASSWORD
from khuyencong.places.factories import ProvinceFactory
from khuyencong.places.models import Province
from khuyencong.reports.tests.test_charts import history  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"phone": (390, 844), "laptop": (1366, 768)}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_national_page_fits_two_screens(page, national, history, size):  # noqa: F811
    # Two-digit codes, as the column holds (PostgreSQL refuses a longer one), up to 34 provinces.
    taken = set(Province.objects.values_list("code", flat=True))
    free = [code for code in (f"{n:02d}" for n in range(10, 100)) if code not in taken]
    for number, code in enumerate(free[: 34 - len(taken)], start=1):
        ProvinceFactory(code=code, name=f"Tỉnh thử {number}")
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    base = page.base_url
    page.goto(f"{base}/login/")
    page.fill("#id_username", national.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/reports/?unit=nation&kind=months&year=2026&number=9")
    assert page.locator("[data-testid=headline]").is_visible()
    assert page.locator("[data-testid=chart-trend] svg rect").count() > 0
    table = page.locator("[data-testid=province-table]")
    assert table.locator("tbody tr").count() == 34
    assert table.locator("tr[data-province='66'] td[data-key=spent]").inner_text() == "0,25"
    # The trend and the first provinces are seen without scrolling far; the rest of the
    # summary is folded.
    assert not page.locator("[data-testid=summary-table]").is_visible()
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 1
    tall = page.evaluate("document.documentElement.scrollHeight")
    assert tall <= 2 * height, f"{tall}px at {width}px: more than two screens"
    page.screenshot(path=f"var/test-screenshots/national-report-{size}.png", full_page=True)
