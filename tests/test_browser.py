"""Real headless Chromium (Debian's package) driven by Playwright against a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.browser import ARTIFACTS, sign_in_browser

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Post
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free loopback port, backed by a SQLite file, with one editor."""
    db_file = tmp_path_factory.mktemp("live") / "browser.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    with app.app_context():
        db.create_all()
        editor = create_user(db.session, "eddie", "browser password", ["editor"])
        db.session.add(Post(title="Browser test post", slug="browser-test", author=editor))
        db.session.commit()
    with serving(app) as base:
        yield base


def test_editor_signs_in_opens_posts_and_switches_to_german(page, live_server):
    sign_in_browser(page, live_server, "eddie", "browser password", "/admin/posts/")
    page.wait_for_url(f"{live_server}/admin/posts/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("text=Browser test post").is_visible()
    assert page.locator("#admin-navbar-collapse >> text=Comments").count() >= 1

    # Picking a language in the navbar submits the switcher form (our app.js bundle).
    with page.expect_navigation():
        page.select_option("#admin-navbar-collapse select[name=locale]", "de")
    page.wait_for_load_state()

    assert page.url == f"{live_server}/admin/posts/"
    assert page.locator("html").get_attribute("lang") == "de"
    body = page.locator("body").inner_text()
    assert "Beiträge" in body  # our view name
    assert "Abmelden" in body  # our navbar string
    assert "Erstellen" in page.locator(".nav-tabs").inner_text()  # Flask-Admin's own string
    assert "Browser test post" in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "posts-list-de.png"), full_page=True)

    # The choice sticks for the next page.
    page.goto(f"{live_server}/admin/comments/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Kommentare" in page.locator("body").inner_text()


def test_sign_in_page_offers_the_language_switcher(page, live_server):
    page.goto(f"{live_server}/login")
    options = page.locator("select[name=locale] option").all_inner_texts()
    assert "Deutsch" in options and "English" in options
    with page.expect_navigation():
        page.select_option("select[name=locale]", "de")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Anmelden"
