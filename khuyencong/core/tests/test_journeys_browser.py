"""The main journeys of each role, end to end in Debian's Chromium, on a phone (390 px) and
on a laptop (1366 px), with the demo loaded: each step opens, shows what the user came for
and fits the screen (no sideways scrolling). A screenshot of every step is kept under
var/test-screenshots/journeys/<width>/ (CI keeps them as artefacts)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from conftest import read_db
from khuyencong.accounts.models import User
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
SHOTS = settings.VAR_DIR / "test-screenshots" / "journeys"


class Journey:
    """One user's walk through the pages in one browser window."""

    def __init__(self, browser, base: str, username: str, size: str) -> None:
        self.base, self.username, self.size = base, username, size
        self.context = browser.new_context(locale="vi-VN", viewport=WIDTHS[size])
        self.context.set_default_timeout(30_000)
        # Signed in through a session of the test database: the journeys are about the
        # pages after the login (the login itself has tests of its own).
        client = Client()
        read_db(lambda: client.force_login(User.objects.get(username=username)))
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": base,
                }
            ]
        )
        self.page = self.context.new_page()
        self.step = 0

    def goto(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)

    def check(self, name: str, *, shows: str) -> None:
        """The page shows ``shows`` (a selector), fits the width, and is photographed."""
        self.page.wait_for_load_state("networkidle")
        assert self.page.locator(shows).first.is_visible(), (self.username, name, shows)
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{self.username} {name} at {self.size}: {overflow}px sideways"
        self.step += 1
        folder = SHOTS / self.size
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{self.username}-{self.step:02d}-{name}.png"))

    def close(self) -> None:
        self.context.close()


def _collaborator(j: Journey) -> None:
    j.goto("/")
    j.check("home", shows="[data-testid=todo] li")
    j.page.locator("[data-testid=todo] a", has_text="Báo cáo").first.click()
    j.check("quarterly-report", shows="[data-testid=report-form]")
    j.goto("/")
    j.page.locator("[data-testid=todo] a", has_text="Khảo sát").first.click()
    j.check("survey-form", shows="[data-testid=survey-form]")


def _officer(j: Journey) -> None:
    j.goto("/")
    j.check("home", shows="[data-testid=todo] li")
    j.goto("/establishments/")
    j.page.fill("form[role=search] input[name=q]", "tau hu ky")
    j.page.locator("form[role=search] input[name=q]").press("Enter")
    j.page.wait_for_url("**q=tau*")
    j.page.get_by_role("link", name="Cơ sở sản xuất Tàu hủ ky Bà Tư").first.click()
    j.check("establishment", shows="h1:has-text('Tàu hủ ky')")
    j.goto("/programmes/inspections/?show=overdue")
    j.check("overdue-inspections", shows="h1")


def _manager(j: Journey) -> None:
    j.goto("/")
    j.check("home", shows="[data-testid=todo] li")
    j.page.locator("[data-testid=todo] a", has_text="chờ thẩm định").first.click()
    j.check("projects-to-appraise", shows="table a")
    j.page.locator("table a[href*='/programmes/projects/']").first.click()
    j.check("project", shows="[data-testid=amount-words]")
    j.goto("/awards/")
    j.page.locator("a", has_text=f"năm {read_db(_this_year)}").first.click()
    j.check("round-being-scored", shows="[data-testid=missing-sheets]")


def _national(j: Journey) -> None:
    j.goto("/")
    j.check("home", shows="[data-testid=todo]")
    j.goto("/reports/")
    j.check("reports", shows="h1")


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


JOURNEYS = [
    ("ctv_daklak", _collaborator),
    ("canbo_dongthap", _officer),
    ("giamdoc_daklak", _manager),
    ("cuc", _national),
]


def test_the_main_journeys_on_a_phone_and_a_laptop(page, demo_places):  # noqa: F811
    read_db(lambda: call_command("seed_demo", stdout=StringIO()))
    browser = page.context.browser
    for size in WIDTHS:
        for username, walk in JOURNEYS:
            journey = Journey(browser, page.base_url, username, size)
            try:
                walk(journey)
            finally:
                journey.close()
