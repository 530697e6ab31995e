"""Helpers for the API tests: clients authenticated with a real token, as scripts do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient


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
