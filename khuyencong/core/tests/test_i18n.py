"""The Vietnamese catalogue is complete and its placeholders match the English ones."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_every_string_is_translated(catalogue):
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_placeholders_survive_translation(catalogue):
    for entry in catalogue.translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == expected, entry.msgid


def test_vietnamese_is_the_default_language(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_english_is_available(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")
    assert 'lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()
    translation.activate(settings.LANGUAGE_CODE)


def test_pages_stay_vietnamese_for_an_english_browser(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()


def test_the_api_follows_accept_language(client, db):
    english = client.post("/api/v1/auth/token/", {}, HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.post("/api/v1/auth/token/", {})
    assert english.status_code == vietnamese.status_code == 400
    assert english.json() != vietnamese.json()
