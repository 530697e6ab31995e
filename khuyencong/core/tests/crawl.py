"""A crawler of the staff pages as a new user meets them: from a role's home page, every
link one and two clicks away, checking what a reader would trip on.

Used by test_crawl.py (with the demo loaded) and runnable by hand against a database that
holds the demo: ``DATABASE_URL=… python -m khuyencong.core.tests.crawl``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import polib
from django.conf import settings
from lxml import html as lxml_html

# A year written with a thousands separator ("2.026", "2,026"), where it is not part of a
# longer number and not an amount of money ("2.015 triệu đồng" is fine).
GROUPED_YEAR = re.compile(
    r"(?<![\d.,])(?:1[.,]9\d\d|2[.,]0\d\d)(?![\d.,]|\s*(?:triệu|tỷ|đ|million|billion|%))"
)
# Digits grouped by three with a dot or comma, in a link or a form value: never right for an
# id, a year or a code.
GROUPED_ID = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d.,])")
# A date written the machine's way (2026-11-23) where people read 23/11/2026.
ISO_DATE = re.compile(r"(?<![\d-])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\d-])")
# Links the crawl does not follow: leaving the session, the API (not pages), media files,
# the language switch and admin (not a field user's journey).
SKIP_PREFIXES = ("/logout", "/static/", "/media/", "/api/", "/i18n/", "/admin/")
# How many links of the same shape (digits replaced) are followed: one list row is enough
# to know the detail page of that kind works.
PER_SHAPE = 2
# Words that give away an English sentence left untranslated on a Vietnamese page.
ENGLISH_WORDS = {
    "the", "of", "and", "to", "is", "are", "for", "with", "not", "no", "this", "that", "has",
    "have", "been", "be", "by", "on", "in", "from", "yet", "none", "add", "show", "edit",
    "save", "delete", "back", "new", "list", "all", "page", "year", "province", "commune",
}  # fmt: skip


@dataclass
class Problem:
    url: str
    found_from: str
    what: str

    def __str__(self) -> str:
        return f"{self.url} (linked from {self.found_from}): {self.what}"


# Script types a browser runs; a <script type="application/json"> is data, not code.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def check_csp(url: str, found_from: str, response, body: str) -> list[Problem]:
    """The page carries the Content-Security-Policy, and nothing in it needs what the policy
    forbids: no inline script, no inline event handler (on…=), no javascript: link, no inline
    style (attribute or element)."""
    problems = []
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    if directives.get("script-src") != ["'self'"]:
        problems.append(Problem(url, found_from, f"no strict script-src in CSP {policy!r}"))
    if "'unsafe-inline'" in directives.get("style-src", []):
        problems.append(Problem(url, found_from, f"inline styles allowed in CSP {policy!r}"))
    doc = lxml_html.fromstring(body)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        kind = (element.get("type") or "").strip().lower()
        if tag == "script" and element.get("src") is None and kind in SCRIPT_TYPES:
            problems.append(Problem(url, found_from, "inline <script>"))
        if tag == "style":
            problems.append(Problem(url, found_from, "inline <style>"))
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(Problem(url, found_from, f"inline handler {name}={value!r}"))
            elif name.lower() == "style":
                problems.append(Problem(url, found_from, f"inline style={value!r}"))
            elif name.lower() in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(Problem(url, found_from, f"{name}={value!r}"))
    return problems


@dataclass
class CrawlResult:
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)


def _catalogue_msgids() -> tuple[set[str], set[str]]:
    """(English msgids whose Vietnamese differs, Vietnamese msgstrs whose English differs),
    only whole sentences or labels of two words or more (a lone word may be a name)."""
    english, vietnamese = set(), set()
    catalogue = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
    for entry in polib.pofile(str(catalogue)).translated_entries():
        if entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
            continue
        if entry.msgid.strip() == entry.msgstr.strip():
            continue
        if len(entry.msgid.split()) >= 2:
            english.add(entry.msgid.strip())
        if len(entry.msgstr.split()) >= 2:
            vietnamese.add(entry.msgstr.strip())
    return english, vietnamese


def shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    keys = sorted({k for k, _v in parse_qsl(parts.query)} - {"page"})
    return f"{path}?{'&'.join(keys)}"


def _links(doc, base: str) -> list[str]:
    found = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        if anchor.get("download") is not None:
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # another site
        if not parts.path.startswith("/"):
            base_dir = base.rsplit("/", 1)[0]
            href = f"{base_dir}/{href}"
            parts = urlsplit(href)
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
        found.append(parts.path + (f"?{query}" if query else ""))
    return found


def _lang(element) -> str | None:
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang")
    return None


def _texts(doc) -> list[str]:
    """The visible text nodes of a page, each stripped (scripts and styles left out), in the
    page's own language (a passage marked lang="vi" on an English page, such as the headers
    of the Vietnamese import file or the language's own name, is meant as it is)."""
    body = doc.find("body")
    if body is None:
        return []
    page_lang = doc.get("lang")
    texts = []
    for element in body.iter():
        if element.tag in ("script", "style", "template") or not isinstance(element.tag, str):
            continue
        if _lang(element) != page_lang:
            continue
        for chunk in (element.text, element.tail if element is not body else None):
            if chunk and chunk.strip():
                texts.append(" ".join(chunk.split()))
        for attribute in ("placeholder", "title", "aria-label", "alt"):
            value = element.get(attribute)
            if value and value.strip():
                texts.append(" ".join(value.split()))
    return texts


def check_page(url: str, found_from: str, body: str, language: str, msgids) -> list[Problem]:
    problems = []
    doc = lxml_html.fromstring(body)
    english, vietnamese = msgids
    for text in _texts(doc):
        if match := GROUPED_YEAR.search(text):
            problems.append(Problem(url, found_from, f"grouped year {match.group()!r} in {text!r}"))
        if language == "vi":
            if text in english:
                problems.append(Problem(url, found_from, f"untranslated {text!r}"))
            else:
                words = re.findall(r"[A-Za-z]+", text)
                if (
                    text.isascii()
                    and len(words) >= 3
                    and sum(w.lower() in ENGLISH_WORDS for w in words) >= 2
                ):
                    problems.append(Problem(url, found_from, f"English text {text!r}"))
        elif text in vietnamese:
            problems.append(Problem(url, found_from, f"Vietnamese on an English page {text!r}"))
        if match := ISO_DATE.search(text):
            problems.append(Problem(url, found_from, f"ISO date {match.group()!r} in {text!r}"))
        if "%(" in text:
            problems.append(Problem(url, found_from, f"unfilled placeholder in {text!r}"))
    for element in doc.iter("a", "option", "input"):
        for attribute in ("href", "value"):
            value = element.get(attribute) or ""
            if attribute == "value" and element.get("type") in ("text", "search", "submit"):
                continue  # what a person typed or reads, not an id
            if attribute == "href":
                value = urlsplit(value).path + "?" + urlsplit(value).query
            if match := GROUPED_ID.search(value):
                problems.append(
                    Problem(url, found_from, f"grouped number {match.group()!r} in {value!r}")
                )
    return problems


def crawl(client, *, language: str = "vi", depth: int = 2, start: str = "/") -> CrawlResult:
    """Visit ``start`` and every staff link ``depth`` clicks away with a logged-in client;
    each page is read as a reader would (``check_page``) and as the browser's
    Content-Security-Policy does (``check_csp``)."""
    msgids = _catalogue_msgids()
    result = CrawlResult()
    seen: set[str] = set()
    per_shape: dict[str, int] = defaultdict(int)
    frontier = [(start, "(home)")]
    for level in range(depth + 1):
        next_frontier = []
        for url, found_from in frontier:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url, follow=True)
            result.pages += 1
            status = response.status_code
            if status >= 400:
                result.problems.append(Problem(url, found_from, f"answers {status}"))
                continue
            content_type = response.get("Content-Type", "")
            if "text/html" not in content_type:
                continue
            body = response.content.decode()
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            result.problems.extend(check_page(url, found_from, body, language, msgids))
            result.problems.extend(check_csp(url, found_from, response, body))
            if level == depth:
                continue
            for link in _links(lxml_html.fromstring(body), urlsplit(final).path):
                if link in seen:
                    continue
                key = shape(link)
                if per_shape[key] >= PER_SHAPE:
                    continue
                per_shape[key] += 1
                next_frontier.append((link, url))
        frontier = next_frontier
    return result


def main() -> None:  # pragma: no cover - a tool for people
    import django

    django.setup()
    import sys

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from khuyencong.core.demokit import demo_logins

    setup_test_environment()
    wanted = sys.argv[1:]
    for language in ("vi", "en"):
        for username, _description in demo_logins():
            if wanted and username not in wanted and language not in wanted:
                continue
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            client.force_login(get_user_model().objects.get(username=username))
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            result = crawl(client, language=language)
            print(f"{language} {username}: {result.pages} pages, {len(result.problems)} problems")
            for problem in result.problems:
                print("   ", problem)


if __name__ == "__main__":  # pragma: no cover
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    main()
