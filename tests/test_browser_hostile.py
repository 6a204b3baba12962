"""Hostile translations in real Chromium: every page, its menus, filters, date pickers, bulk
actions and editor open, and nothing of a translator's text runs.

Every German entry of both domains ends in markup, attribute and script breakouts
(tests/helpers/hostile.py) that call ``pwned()`` or add ``data-pwned`` elements. The pages are
served with the production Content-Security-Policy, which the ``page`` fixture also watches: no
refused script may show up either (that would be an injection the policy caught, or a control
that no longer works).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import url_for
from helpers.browser import sign_in_browser
from helpers.hostile import VISIBLE_MARK, hostile_catalogs
from helpers.pages import admin_pages, seed_one_of_everything

from backoffice import create_app
from backoffice.domain.accounts import create_user, ensure_roles
from backoffice.extensions import db
from backoffice.web.serving import serving
from backoffice.workbench import store

pytestmark = pytest.mark.browser
PASSWORD = "browser password"
INJECTED = "pwn-x, [data-pwned], img[src='x']"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list]]:
    """The app with hostile German catalogs, one row of everything and a German admin."""
    folder = tmp_path_factory.mktemp("hostile")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'hostile.db'}",
        BABEL_TRANSLATION_DIRECTORIES=str(hostile_catalogs(folder / "translations")),
        UPLOADS_DIR=str(folder / "uploads"),
    )
    with app.app_context():
        db.create_all()
        ensure_roles(db.session)
        admin = create_user(db.session, "root", PASSWORD, ["admin"])
        admin.locale = "de"
        seed_one_of_everything(admin)
        with app.test_request_context():
            pages = admin_pages(app)
            entry = next(e for e in store.entries("de") if e.msgid == "Sign out")
            pages += [
                ("workbench entries", url_for("translations.entries_view", lang="de")),
                ("workbench editor", url_for("translations.edit_view", lang="de", key=entry.key)),
            ]
        pages += [("blog", "/"), ("blog post", "/post/zeta-post"), ("404", "/nowhere")]
    with serving(app) as base:
        yield base, pages


def exercise(tab: Any) -> None:
    """Open what a page's scripts build from translated texts: filters, date pickers, select2,
    tooltips, the bulk actions' confirmation."""
    toggle = tab.locator("li.dropdown:has(.field-filters) > a.dropdown-toggle")
    for index in range(tab.locator(".field-filters a.filter").count()):
        toggle.click()
        tab.locator(".field-filters a.filter").nth(index).click()
    for field in tab.locator("[data-role=datetimepicker], [data-role=daterangepicker]").all():
        if field.is_visible():
            field.click()
            tab.keyboard.press("Escape")
    for tooltip in tab.locator("[data-role=tooltip]").all()[:2]:
        tooltip.hover()
    for chooser in tab.locator(".select2-container").all()[:2]:
        if chooser.is_visible():
            chooser.click()
            tab.keyboard.press("Escape")
    delete = tab.locator("[data-model-action=delete]")
    if delete.count() and tab.locator("input.action-checkbox").count():
        tab.locator("input.action-checkbox").first.check()
        delete.first.evaluate("link => link.closest('.dropdown').querySelector('a').click()")
        delete.first.click()  # the confirmation is dismissed: nothing is deleted


def test_no_translated_text_runs_on_any_page(page, hostile_site):
    base, pages = hostile_site
    fired: list[Any] = []
    page.expose_function("pwned", lambda number: fired.append(number))
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    sign_in_browser(page, base, "root", PASSWORD, "/admin/")
    page.wait_for_url(f"{base}/admin/")

    injected, silent = [], []
    for label, url in pages:
        page.goto(base + url)
        exercise(page)
        page.wait_for_load_state()
        if page.locator(INJECTED).count():
            injected.append(f"{label} ({url}): {page.locator(INJECTED).count()} elements")
        if VISIBLE_MARK not in page.evaluate("document.body.textContent"):
            silent.append(f"{label} ({page.url})")

    assert fired == []
    assert injected == []
    assert silent == [], "the hostile texts show as text on every page"
    assert asked and all(VISIBLE_MARK in question for question in asked)
