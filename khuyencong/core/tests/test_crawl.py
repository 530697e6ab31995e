"""A new user's journeys: with the demo loaded, every page one and two clicks from each
role's home answers, shows no grouped year or id, no ISO date and no text left in the
other language (core/tests/crawl.py)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from khuyencong.accounts.models import User
from khuyencong.core.tests.crawl import check_page, crawl, shape
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)

# One login per role (seed_demo --print-logins lists them all).
LOGINS = ["admin", "cuc", "giamdoc_daklak", "canbo_daklak", "ctv_daklak", "thanhtra_hanoi"]
# English is read by fewer people: one national, one provincial and one commune login.
ENGLISH_LOGINS = ["cuc", "canbo_daklak", "ctv_daklak"]
NO_CATALOGUE = (set(), set())


def _client(username: str, language: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_every_page_two_clicks_from_each_home_reads_right(demo_places):  # noqa: F811
    call_command("seed_demo", stdout=StringIO())
    failures = []
    for language, logins in (("vi", LOGINS), ("en", ENGLISH_LOGINS)):
        for username in logins:
            result = crawl(_client(username, language), language=language)
            # A home that links nowhere would make the crawl pass for nothing.
            assert result.pages > 20, (username, language, result.pages)
            failures += [f"{language} {username}: {p}" for p in result.problems]
    assert not failures, "\n".join(failures[:40])


def _page(body: str, lang: str = "vi") -> str:
    return f'<html lang="{lang}"><body>{body}</body></html>'


def test_the_checks_catch_a_grouped_year_in_a_link_and_in_text():
    problems = check_page(
        "/x/", "/", _page('<a href="/needs/?year=2.026">Năm 2.026</a>'), "vi", NO_CATALOGUE
    )
    whats = [p.what for p in problems]
    assert any("grouped year '2.026'" in w for w in whats)
    assert any("grouped number '2.026'" in w for w in whats)


def test_the_checks_let_money_and_plain_years_pass():
    body = _page("<p>Năm 2026: 2.015 triệu đồng, 1.250.000.000 đ, 23/11/2026</p>")
    assert check_page("/x/", "/", body, "vi", NO_CATALOGUE) == []


def test_the_checks_catch_iso_dates_and_ids_grouped_in_values():
    body = _page('<p>Hạn 2026-11-23</p><select><option value="1.187">A</option></select>')
    whats = [p.what for p in check_page("/x/", "/", body, "vi", NO_CATALOGUE)]
    assert any("ISO date" in w for w in whats)
    assert any("'1.187'" in w for w in whats)


def test_the_checks_catch_text_left_in_the_other_language():
    catalogue = ({"Save the plan"}, {"Lưu kế hoạch"})
    assert check_page("/x/", "/", _page("<button>Save the plan</button>"), "vi", catalogue)
    english = _page("<button>Lưu kế hoạch</button>", lang="en")
    assert check_page("/x/", "/", english, "en", catalogue)
    marked = _page('<span lang="vi">Lưu kế hoạch</span>', lang="en")
    assert check_page("/x/", "/", marked, "en", catalogue) == []
    # English never marked for translation at all.
    assert check_page("/x/", "/", _page("<p>No reports for this year</p>"), "vi", NO_CATALOGUE)


def test_links_of_one_shape_are_followed_a_few_times_only():
    assert shape("/programmes/projects/12/?tab=history") == shape(
        "/programmes/projects/7/?tab=money"
    )
    assert shape("/a/?year=2026&page=2") == shape("/a/?year=2025")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_broken_link_is_reported(demo_places, language):  # noqa: F811
    from khuyencong.accounts.factories import UserFactory
    from khuyencong.core.roles import Role

    UserFactory(username="lost", role=Role.NATIONAL_OFFICER)
    result = crawl(_client("lost", language), language=language, start="/no-such-page/")
    assert [p.what for p in result.problems] == ["answers 404"]
