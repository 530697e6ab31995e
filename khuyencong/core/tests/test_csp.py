"""Content-Security-Policy (docs/security.md, Headers): every answer carries the policy, and no
page needs what it forbids — no inline script, no inline event handler, no inline style.

The staff pages of every role are checked by the crawl (test_crawl.py runs ``check_csp`` on each
page it visits); the pages the crawl does not reach are checked here, and the checker itself is
shown to catch each fault."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.core.tests.crawl import check_csp
from khuyencong.reports.charts import Bar, Chart, svg

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _problems(response, url: str = "/x/") -> list[str]:
    return [p.what for p in check_csp(url, "(test)", response, response.content.decode())]


def test_the_policy_allows_only_this_site_and_nothing_inline(client):
    directives = _directives(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]


@pytest.mark.parametrize(
    "url",
    [
        "/login/",
        "/password/reset/",
        "/public/apply/",
        "/public/track/",
        "/public/products/",
        "/no-such-page/",
    ],
)
def test_public_pages_carry_the_policy_and_nothing_inline(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert _problems(response, url) == []


def test_the_api_and_static_files_carry_the_policy_too(client_for, officer_a):
    api = client_for(officer_a).get("/api/v1/establishments/")
    assert "default-src 'self'" in api["Content-Security-Policy"]
    static = Client().get("/static/core/app.js")
    b"".join(static.streaming_content)
    static.close()
    assert "default-src 'self'" in static["Content-Security-Policy"]


def test_the_two_factor_setup_page_with_its_qr_code(client_for, officer_a):
    response = client_for(officer_a).get(reverse("accounts:2fa-setup"))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert _problems(response) == []


def test_the_job_progress_bar_needs_no_inline_style(client_for, officer_a):
    from khuyencong.core.models import Job

    job = Job.objects.create(kind="test.effect", created_by=officer_a, progress_total=10)
    job.progress_done = 4
    job.save()
    response = client_for(officer_a).get(reverse("core:job-detail", args=[job.pk]))
    assert response.status_code == 200
    assert 'max="100" value="40"' in response.content.decode()
    assert _problems(response) == []


def test_charts_are_drawn_with_presentation_attributes_not_styles():
    chart = Chart(
        "sources", "Kinh phí", (Bar("Vốn đối ứng", 12 * 10**9, 13 * 10**9),), plan_label="Kế hoạch"
    )
    drawn = str(svg(chart))
    assert "style" not in drawn
    assert 'fill="#b3261e"' in drawn  # the bars keep their colour
    assert "font-family=\"'Noto Sans'" in drawn
    assert 'stroke-linejoin="round"' in drawn[: drawn.index(">")]


def test_the_language_switch_has_no_inline_handler(client_for, officer_a):
    page = client_for(officer_a).get("/").content.decode()
    assert 'name="language"' in page and "data-autosubmit" in page
    assert "onchange" not in page


def test_the_api_docs_have_no_inline_script_and_only_their_styles_relaxed(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" in directives["style-src"], url
        problems = _problems(response, url)
        assert not [p for p in problems if "<script>" in p or "handler" in p], (url, problems)
    # Elsewhere styles stay strict.
    assert _directives(client.get("/login/"))["style-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("html", "fault"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<script type="module">alert(1)</script>', "inline <script>"),
        ('<select onchange="this.form.submit()"></select>', "inline handler onchange"),
        ('<button onclick="x()">x</button>', "inline handler onclick"),
        ('<form onsubmit="x()"></form>', "inline handler onsubmit"),
        ('<a href="javascript:x()">x</a>', "href='javascript:x()'"),
        ('<div style="width: 4%"></div>', "inline style="),
        ("<style>p{}</style>", "inline <style>"),
        ('<svg><path style="fill: red"/></svg>', "inline style="),
    ],
)
def test_the_check_catches_each_inline_fault(client, html, fault):
    response = client.get("/login/")
    body = f"<html><body>{html}</body></html>"
    problems = [p.what for p in check_csp("/x/", "(test)", response, body)]
    assert any(fault in p for p in problems), problems


def test_the_check_lets_scripts_from_files_and_json_data_pass(client):
    response = client.get("/login/")
    body = (
        '<html><body><script src="/static/core/app.js" defer></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
        '<select data-autosubmit name="one"></select></body></html>'
    )
    assert check_csp("/x/", "(test)", response, body) == []


def test_the_check_catches_a_missing_or_loose_policy(client):
    response = client.get("/login/")
    del response["Content-Security-Policy"]
    assert any("no strict script-src" in p for p in _problems(response))
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    assert any("no strict script-src" in p for p in _problems(response))


@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"])
def test_the_admin_needs_no_inline_script(client_for, admin, url):
    response = client_for(admin).get(url)
    assert response.status_code == 200
    assert _problems(response, url) == []
