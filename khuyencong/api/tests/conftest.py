"""Helpers for the API tests: clients authenticated with a real token, as scripts do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from khuyencong.programmes.factories import draft_project
from khuyencong.registry.factories import EstablishmentFactory


@pytest.fixture
def api_for(db):
    def make(user=None, *, language: str | None = None) -> APIClient:
        client = APIClient()
        if language:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        if user is not None:
            _instance, secret = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client

    return make


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # LocaleMiddleware leaves the request's language active in the thread; a test asking
    # for English must not change the language of the next test.
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Schemathesis (test_fuzz_*.py, fuzzing.py) ---------------------------------------------------


@pytest.fixture
def wsgi_in_the_test_transaction(db):
    """The WSGI handler closes connections around each request, as in production; here the
    request runs inside the test's transaction, as with Django's test client."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(officer_a, officer_b, province_a, province_b, commune_a1, commune_b1):
    """A few records in each province, so that small ids name something."""
    mine = [EstablishmentFactory(commune=commune_a1) for _ in range(3)]
    EstablishmentFactory(commune=commune_b1)
    draft_project(actor=officer_a, province=province_a, beneficiaries=[mine[0].pk])
    draft_project(actor=officer_b, province=province_b)
