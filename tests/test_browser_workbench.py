"""A translator at work in a real browser: filter, translate every plural form, see it live.

Headless Chromium (Debian's package) through Playwright against a live server on a private copy
of the catalogs; a screenshot of the editor lands in ``artifacts/workbench-editor.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import ARTIFACTS, browser_tab, sign_in_browser
from helpers.catalogs import PENDING, blank

from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Comment, Post
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser

USER, PASSWORD = "tina", "browser password"


@pytest.fixture
def live_server(catalog_copy: Path, live_workbench_app: Any) -> Iterator[str]:
    """A translator for German who also edits posts; one post with a pending comment.

    German's "%(num)d pending" (the post list's badge) starts untranslated.
    """
    blank(catalog_copy, "de", PENDING)
    app = live_workbench_app()
    with app.app_context():
        db.create_all()
        user = create_user(db.session, USER, PASSWORD, ["translator", "editor"])
        user.translation_languages = ["de"]
        post = Post(title="Pending post", slug="pending-post", author=user, body="<p>x</p>")
        db.session.add_all([post, Comment(post=post, author_name="Ana", text="Hi")])
        db.session.commit()
    with serving(app) as base:
        yield base


def test_translator_translates_a_plural_entry_and_sees_it_in_german(browser, live_server):
    with browser_tab(browser) as page:
        sign_in_browser(page, live_server, USER, PASSWORD, "/admin/translations/")
        page.wait_for_url(f"{live_server}/admin/translations/")
        # Counting does not wait: each click's page must have arrived before its rows are read.
        with page.expect_navigation():
            page.click("[data-testid=catalog-de] a[data-testid=untranslated]")
        rows = page.locator("[data-testid=entry]")
        assert rows.count() == 1
        assert "%(num)d pending" in rows.first.inner_text()

        with page.expect_navigation():
            rows.first.locator("[data-testid=edit]").click()
        fields = page.locator("textarea.workbench-input")
        assert fields.count() == 2  # German: "one" and "other"
        assert page.locator("label[for=string-0]").inner_text().startswith("one (1")
        # The early warning appears while a placeholder is broken, and goes when it is fixed.
        fields.nth(1).fill("%(num) offen")
        assert page.locator(".workbench-early-warning").nth(1).is_visible()
        fields.nth(0).fill("%(num)d offen")
        fields.nth(1).fill("%(num)d offen")
        assert not page.locator(".workbench-early-warning").nth(1).is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "workbench-editor.png"), full_page=True)

        with page.expect_navigation():
            fields.nth(1).press("Control+Enter")  # save and go to the next untranslated
        assert "The translation has been saved." in page.inner_text("body")
        assert "There are no untranslated entries left." in page.inner_text("body")

        with page.expect_navigation():
            page.select_option("#admin-navbar-collapse select[name=locale]", "de")
        assert page.locator("html").get_attribute("lang") == "de"
        page.goto(f"{live_server}/admin/posts/")
        assert page.locator("a.badge-warning").inner_text() == "1 offen"
