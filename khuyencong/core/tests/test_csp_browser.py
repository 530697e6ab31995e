"""The Content-Security-Policy in Debian's Chromium: key pages load and work (the language
switch, htmx, the survey form's service worker, Swagger UI) and the browser reports no
violation of the policy, neither as a ``securitypolicyviolation`` event nor in the console."""

import datetime

import pytest
from django.utils import timezone

from khuyencong.accounts.factories import PASSWORD, UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.surveys import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs in every page before its own scripts; the policy does not apply to it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


def _violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp") + console


def test_key_pages_load_with_no_policy_violation(page):
    province = ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")
    commune = CommuneFactory(code="24100", name="Xã Ea Kar", province=province)
    manager = UserFactory(username="giamdoc", role=Role.PROVINCIAL_MANAGER, province=province)
    UserFactory(username="ctv", role=Role.COLLABORATOR, province=province, communes=[commune])
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=manager,
        data={
            "province": province,
            "year": today.year,
            "title": "Khảo sát nhu cầu",
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=30),
        },
    )
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.context.add_init_script(LISTEN)
    page.set_viewport_size({"width": 1366, "height": 768})  # the menu open
    base = page.base_url

    page.goto(f"{base}/login/")
    assert _violations(page, console) == []
    page.fill("#id_username", "ctv")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "object"
    assert _violations(page, console) == []

    # The language switch sends its form from app.js (no inline onchange).
    assert page.get_attribute("html", "lang") == "vi"
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.get_attribute("html", "lang") == "en"
    assert _violations(page, console) == []
    with page.expect_navigation():
        page.select_option("select[name=language]", "vi")
    assert page.get_attribute("html", "lang") == "vi"

    # The survey form registers its service worker under the policy.
    page.goto(f"{base}/surveys/campaigns/{campaign.pk}/respond/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert _violations(page, console) == []

    # Swagger UI starts from its own script file.
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container .title")
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == []
    page.goto(f"{base}/api/redoc/")
    page.wait_for_selector("h1:has-text('Khuyến công API')")
    page.wait_for_load_state("networkidle")
    # Redoc's sidebar asks for its maker's logo from their server: refused, as it should be.
    assert all("img-src" in v and "redoc.ly" in v for v in _violations(page, console))


def test_an_inline_script_would_be_refused_and_reported(page):
    """The listener above does see a violation: the test cannot pass for nothing."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.context.add_init_script(LISTEN)
    page.goto(f"{page.base_url}/login/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
