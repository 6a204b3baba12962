"""Translate in context in a real browser: switch on, click a menu text, save, see it change.

Headless Chromium (Debian's package) through Playwright against a live server on a private copy
of the catalogs. Besides the Content-Security-Policy check every tab makes (``browser_tab``),
these tests fail on any dialog, any console error and any uncaught script error. The screenshot
of the panel in German is ``artifacts/in-context.png`` (the README's ``docs/img/in-context.png``
is a copy of it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import browser_tab, sign_in_browser
from helpers.pages import admin_pages, seed_one_of_everything

from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Post
from backoffice.web.serving import serving
from backoffice.workbench import store

pytestmark = pytest.mark.browser

PASSWORD = "browser password"
SCREENSHOT = Path(__file__).resolve().parent.parent / "artifacts" / "in-context.png"
MENU = "Translations"
MENU_DE = "Übersetzungen"
# What is left of any mark once the script has run: none may stay in text or attributes.
LEFTOVER_MARKS = """() => {
  const marks = /[\\uDB40]|\\\\udb40/i;
  const found = [];
  if (marks.test(document.title)) found.push("title");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (marks.test(walker.currentNode.data)) found.push(walker.currentNode.data.slice(0, 60));
  }
  for (const element of document.querySelectorAll("*")) {
    if (element.id === "in-context-entries") continue;
    for (const attribute of element.attributes) {
      if (marks.test(attribute.value)) found.push(element.tagName + "@" + attribute.name);
    }
  }
  return found;
}"""


@pytest.fixture
def live_server(live_workbench_app: Any) -> Iterator[tuple[str, Any]]:
    """Two German translators who also edit posts, one post; yields (base URL, app)."""
    app = live_workbench_app()
    with app.app_context():
        db.create_all()
        for name in ("tina", "otto"):
            user = create_user(db.session, name, PASSWORD, ["translator", "editor"])
            user.translation_languages, user.locale = ["de"], "de"
        db.session.add(Post(title="A post", slug="a-post", author=user, body="<p>x</p>"))
        chief = create_user(db.session, "ada", PASSWORD, ["admin"])
        chief.locale = "de"
        db.session.commit()
        seed_one_of_everything(chief)
    with serving(app) as base:
        yield base, app


@contextmanager
def watched_tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab that records every dialog, console error and uncaught error in ``problems``."""
    with browser_tab(browser) as page:
        problems: list[str] = []
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"),
                                          dialog.dismiss()))  # fmt: skip
        page.on("pageerror", lambda error: problems.append(f"error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        yield page, problems


def switch_on(page: Any, base: str, user: str, path: str = "/admin/") -> None:
    sign_in_browser(page, base, user, PASSWORD, path)
    page.wait_for_url(f"{base}{path}")
    with page.expect_navigation():
        page.click("[data-testid=in-context-toggle] button")
    page.wait_for_selector("html[data-in-context=ready]")


def menu_text(page: Any, text: str) -> Any:
    return page.locator("#admin-navbar-collapse .ic-text", has_text=text).first


def save_in_panel(page: Any, text: str) -> None:
    page.fill(".ic-panel textarea.ic-input", text)
    page.click("[data-testid=in-context-save]")
    page.wait_for_selector(".ic-panel .ic-message")


def test_translator_edits_a_menu_text_in_place(browser, live_server):
    base, _app = live_server
    with watched_tab(browser) as (page, problems), watched_tab(browser) as (other, _):
        switch_on(page, base, "tina")
        assert page.evaluate(LEFTOVER_MARKS) == []
        assert page.title() == page.evaluate("document.title") and "\U000e0001" not in page.title()
        menu_text(page, MENU_DE).click()
        panel = page.locator("[data-testid=in-context-panel]")
        panel.locator("textarea.ic-input").wait_for()
        assert panel.locator("textarea.ic-input").input_value() == MENU_DE
        assert MENU in panel.inner_text()  # the source
        assert page.url == f"{base}/admin/"  # the click opened the panel, not the link
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        save_in_panel(page, "Übersetzungsarbeit")
        assert "alert-success" in panel.locator(".ic-message").get_attribute("class")
        assert menu_text(page, "Übersetzungsarbeit").inner_text().strip() == "Übersetzungsarbeit"
        assert "Übersetzungsarbeit" in panel.locator(".ic-history").inner_text()

        # Someone else, at the same time: the new text, and no trace of the mode.
        sign_in_browser(other, base, "otto", PASSWORD, "/admin/")
        other.wait_for_url(f"{base}/admin/")
        assert "Übersetzungsarbeit" in other.locator("#admin-navbar-collapse").inner_text()
        assert other.locator(".ic-text, .ic-panel, #in-context-entries").count() == 0
        assert other.get_attribute("[data-testid=in-context-toggle] button", "aria-pressed") == (
            "false"
        )
        assert other.evaluate("document.documentElement.innerHTML").find("\U000e0001") == -1
        assert problems == []


def test_a_text_opens_from_the_keyboard(browser, live_server):
    base, _app = live_server
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina")
        menu_text(page, MENU_DE).focus()
        page.keyboard.press("Enter")
        page.locator(".ic-panel textarea.ic-input").wait_for()
        assert page.url == f"{base}/admin/"
        page.keyboard.press("Escape")
        assert page.locator(".ic-panel").is_hidden()
        assert problems == []


def test_hostile_texts_saved_in_context_run_nothing_and_show_as_text(browser, live_server):
    base, app = live_server
    hostile = 'x" onfocus="alert(1)" autofocus="'
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina")
        menu_text(page, MENU_DE).click()
        page.locator(".ic-panel textarea.ic-input").wait_for()
        # Refused by the checks (a tag the source lacks): the problem shows as text.
        save_in_panel(page, "<img src=x onerror=alert(1)>")
        message = page.locator(".ic-panel .ic-message")
        assert '<img onerror="alert(1)" src="x">' in message.inner_text()
        assert page.locator("img[src=x]").count() == 0
        # Chromium logs the refusal's HTTP status, and nothing else may have happened.
        assert [p for p in problems if "status of 422" not in p] == []
        problems.clear()

        save_in_panel(page, hostile)
        assert menu_text(page, hostile).inner_text().strip() == hostile
        page.reload()
        page.wait_for_selector("html[data-in-context=ready]")
        assert menu_text(page, hostile).inner_text().strip() == hostile
        page.locator("#admin-navbar-collapse .ic-text", has_text=hostile).first.focus()

        # Stored as it was: markup that the checks would refuse (a hostile file import).
        with app.app_context():
            key = store.entry_key(MENU, None)
            row = store.locked_row("de", key)
            store.set_translation(row, ["<img src=x onerror=alert(2)>"], False, None)
            store.touch(store.locked_catalog("de"), None)
            db.session.commit()
        page.reload()
        page.wait_for_selector("html[data-in-context=ready]")
        assert menu_text(page, "<img src=x").inner_text().strip() == "<img src=x onerror=alert(2)>"
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate(LEFTOVER_MARKS) == []
        assert problems == []


def test_attribute_and_script_texts_are_listed_and_no_mark_is_left(browser, live_server):
    base, _app = live_server
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina", "/admin/posts/")
        assert page.evaluate(LEFTOVER_MARKS) == []
        assert page.locator(".ic-text").count() > 10
        page.click("[data-testid=in-context-page-texts]")
        listed = page.locator(".ic-page-texts .ic-listed")
        assert listed.count() > 0
        texts = page.locator(".ic-page-texts").inner_text()
        assert "Navigation ein-/ausblenden" in texts  # the navbar toggler's aria-label
        assert "attribute aria-label" in texts or "Attribut aria-label" in texts
        # The date picker's labels reach a script as JSON; they are clean for it too.
        picker = page.evaluate("JSON.parse(document.getElementById('picker-locale').textContent)")
        assert "\U000e0001" not in str(picker)
        listed.first.click()
        page.locator(".ic-panel .ic-entry h3").first.wait_for()
        assert problems == []


def test_no_mark_is_left_visible_on_the_translators_pages(browser, live_server):
    base, _app = live_server
    pages = ["/admin/posts/new/", "/admin/posts/edit/?id=1", "/admin/comments/",
             "/admin/translations/", "/admin/translations/de/", "/admin/profile/"]  # fmt: skip
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina")
        for path in pages:
            page.goto(f"{base}{path}")
            page.wait_for_selector("html[data-in-context=ready]")
            page.wait_for_load_state("load")
            assert page.evaluate(LEFTOVER_MARKS) == [], path
            assert page.locator(".ic-text").count() > 0, path
        assert problems == []


def test_a_saved_text_with_a_placeholder_keeps_its_value_in_place(browser, live_server):
    base, _app = live_server
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina")
        shown = page.locator(".ic-text", has_text="Angemeldet als tina.").first
        shown.click()
        field = page.locator(".ic-panel textarea.ic-input")
        field.wait_for()
        assert field.input_value() == "Angemeldet als %(name)s."
        save_in_panel(page, "Eingeloggt: %(name)s.")
        assert page.locator(".ic-text", has_text="Eingeloggt: tina.").count() == 1
        page.reload()
        assert "Eingeloggt: tina." in page.inner_text("body")
        assert problems == []


def test_texts_that_scripts_add_later_are_cleaned_too(browser, live_server):
    base, _app = live_server
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "tina", "/admin/posts/")
        filters = page.locator("a.dropdown-toggle", has_text="Filter")
        if filters.count():
            filters.first.click(modifiers=["Alt"])
        page.locator("a.filter").first.click(modifiers=["Alt"])
        page.locator(".filter-op").first.wait_for()
        assert page.evaluate(LEFTOVER_MARKS) == []
        assert problems == []


def test_every_admin_page_works_with_the_mode_on_and_shows_no_mark(browser, live_server):
    base, app = live_server
    with app.app_context(), app.test_request_context():
        pages = admin_pages(app)
    with watched_tab(browser) as (page, problems):
        switch_on(page, base, "ada")
        for label, path in pages:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, label
            page.wait_for_selector("html[data-in-context=ready]")
            page.wait_for_load_state("load")
            assert page.evaluate(LEFTOVER_MARKS) == [], label
            assert page.locator(".ic-text").count() > 0, label
        assert problems == []
