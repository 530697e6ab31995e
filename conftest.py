"""Personas per permission tier (STYLE.md 15), shared by every app's tests.

Province A has communes a1 and a2; province B has commune b1. Each persona is a user:
``admin``, ``national``, ``manager_a``, ``officer_a``, ``collaborator_a1`` (commune a1 only),
``auditor_a``, ``officer_b``. ``client_for(user)`` gives a logged-in test client.
"""

from __future__ import annotations

import pytest
from django.test import Client

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def province_a(db):
    return ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk", key="tinhdaklak")


@pytest.fixture
def province_b(db):
    return ProvinceFactory(
        code="79", name="Thành phố Hồ Chí Minh", short_name="Hồ Chí Minh", key="thanhphohochiminh"
    )


@pytest.fixture
def commune_a1(province_a):
    return CommuneFactory(code="24100", name="Xã Ea Kar", short_name="Ea Kar", province=province_a)


@pytest.fixture
def commune_a2(province_a):
    return CommuneFactory(
        code="24200",
        name="Phường Buôn Ma Thuột",
        short_name="Buôn Ma Thuột",
        kind="phuong",
        province=province_a,
    )


@pytest.fixture
def commune_b1(province_b):
    return CommuneFactory(code="26700", name="Xã Củ Chi", short_name="Củ Chi", province=province_b)


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def national(db):
    return UserFactory(username="national", role=Role.NATIONAL_OFFICER)


@pytest.fixture
def manager_a(province_a):
    return UserFactory(username="manager_a", role=Role.PROVINCIAL_MANAGER, province=province_a)


@pytest.fixture
def officer_a(province_a):
    return UserFactory(username="officer_a", role=Role.PROVINCIAL_OFFICER, province=province_a)


@pytest.fixture
def auditor_a(province_a):
    return UserFactory(username="auditor_a", role=Role.AUDITOR, province=province_a)


@pytest.fixture
def collaborator_a1(province_a, commune_a1):
    return UserFactory(
        username="collaborator_a1",
        role=Role.COLLABORATOR,
        province=province_a,
        communes=[commune_a1],
    )


@pytest.fixture
def officer_b(province_b):
    return UserFactory(username="officer_b", role=Role.PROVINCIAL_OFFICER, province=province_b)


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


CHROMIUM = "/usr/bin/chromium"
# The flags the machine's documentation gives for Debian's Chromium on a closed network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server, monkeypatch):
    """A Playwright page in Debian's Chromium (never a browser downloaded by a tool).

    Skipped when Chromium is absent, except where KC_REQUIRE_BROWSER=1 (CI) makes that a
    failure.
    """
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("KC_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test itself only reads
    # the database between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
        # Generous: CI machines are small and may be busy; a wait ends as soon as it can.
        context.set_default_timeout(30_000)
        tab = context.new_page()
        tab.base_url = live_server.url
        yield tab
        context.close()
        browser.close()
        # What the test wrote while Playwright's event loop ran in this thread went through
        # a connection of that context: close it here, or the test database cannot be
        # dropped at the end of the run (PostgreSQL: "being accessed by other users").
        from django.db import connections

        connections.close_all()


@pytest.fixture(autouse=True)
def two_factor_verified(request, monkeypatch):
    """Test users count as having passed two-factor authentication, so the suite's logins
    (``client_for``, ``force_login``, the browser's login form) reach the pages as before.
    Tests marked ``two_factor`` get the real check (accounts/tests/test_two_factor.py)."""
    if request.node.get_closest_marker("two_factor"):
        return
    monkeypatch.setattr("khuyencong.accounts.twofactor.verified_in_session", lambda request: True)


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in the default language: a request in English earlier in the same
    thread must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_report_cache():
    """Each test starts with no cached report figures: a value cached by an earlier test, whose
    rows were rolled back, must not answer for this test's rows (reports/cache.py)."""
    from django.core.cache import caches

    caches["reports"].clear()


def read_db(query):
    """Run a database read from a browser test and close the connection it opened.

    Under Playwright's sync API the test body runs in a context of its own; a connection
    opened there is not closed by Django's teardown and would stop PostgreSQL from dropping
    the test database.
    """
    from django.db import connections

    try:
        return query()
    finally:
        connections.close_all()


# Transactional tests ---------------------------------------------------------------------------
# A transactional test ends with a flush, which also empties what the migrations wrote (sectors,
# the activity catalogue, places). Django restores that copy at the start of the next test marked
# serialized_rollback only; a plain test that follows in the same process (pytest-xdist sends
# whole files, some mixing both kinds) would find the tables empty. So the copy is put back
# right after a transactional test unless the next test restores it itself.


def _flushes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(names)
    )


def _restores_itself(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback")) and _flushes(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    if nextitem is None or not _flushes(item) or _restores_itself(nextitem):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
