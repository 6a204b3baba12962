"""The workbench's tools in a real browser: a German translator opens an entry, sees the
translation memory, copies a suggestion with a click, sees the glossary term marked and the
warning come and go while typing, and saves.

Headless Chromium (Debian's package) through Playwright, a live server on a private copy of
the catalogs; the page's CSP (``script-src 'self'``) must never refuse anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import browser_tab, sign_in_browser
from helpers.catalogs import blank

from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.web.serving import serving
from backoffice.workbench import glossary, store

pytestmark = pytest.mark.browser

USER, PASSWORD = "hans", "browser password"


@pytest.fixture
def live_app(catalog_copy: Path, live_workbench_app: Any) -> Iterator[tuple[object, str, str]]:
    """German's "Comments" starts untranslated; the glossary says comment → Kommentar."""
    blank(catalog_copy, "de", "Comments")
    app = live_workbench_app()
    with app.app_context():
        db.create_all()
        user = create_user(db.session, USER, PASSWORD, ["translator"])
        user.translation_languages = ["de"]
        db.session.commit()
        glossary.add_term("de", "comment", "Kommentar", "Nicht „Anmerkung“.", user)
        for lang in ("fr", "es"):
            store.ensure(lang)
        key = next(e.key for e in store.entries("de") if e.msgid == "Comments")
    with serving(app) as base:
        yield app, base, f"/admin/translations/de/edit/?key={key}"


def test_translator_copies_a_suggestion_sees_the_glossary_and_saves(browser, live_app):
    app, base, path = live_app
    with browser_tab(browser) as page:
        sign_in_browser(page, base, USER, PASSWORD, path)
        page.wait_for_url(base + path)
        suggestions = page.locator("[data-testid=suggestion]")
        assert suggestions.count() == 5
        best = suggestions.first.locator("[data-testid=suggestion-text]")
        assert best.inner_text() == "Kommentar"
        assert "Commentaires" in page.locator("[data-testid=other-fr]").inner_text()
        mark = page.locator("[data-testid=msgid] mark")
        assert mark.inner_text() == "Comments" and mark.get_attribute("title") == "Kommentar"
        field, warning = page.locator("#string-0"), page.locator("[data-testid=glossary-warning]")
        assert field.input_value() == "" and not warning.is_visible()

        suggestions.first.locator("[data-testid=copy]").click()
        assert field.input_value() == "Kommentar"
        assert not warning.is_visible()
        field.fill("Anmerkungen")
        assert warning.is_visible()
        assert "“Kommentar”" in warning.inner_text()
        field.fill("")
        suggestions.nth(2).locator("[data-testid=copy]").click()
        copied = field.input_value()
        assert copied == suggestions.nth(2).locator("[data-testid=suggestion-text]").inner_text()
        field.fill("Kommentare")
        assert not warning.is_visible()

        with page.expect_navigation():
            page.click("[data-testid=save]")
        assert "The translation has been saved." in page.inner_text("body")
    with app.app_context():
        saved = next(e for e in store.entries("de") if e.msgid == "Comments")
        assert saved.strings == ("Kommentare",)
