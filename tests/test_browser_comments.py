"""The public comment form in real headless Chromium: people never meet the honeypot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice import create_app
from backoffice.extensions import db
from backoffice.models import Comment, Post
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser


@pytest.fixture
def live_blog(tmp_path) -> Iterator[tuple[str, object]]:
    """The app on a free loopback port with one published post; yields (base URL, app)."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'blog.db'}",
        UPLOADS_DIR=str(tmp_path / "uploads"),
    )
    with app.app_context():
        db.create_all()
        db.session.add(Post(title="Public post", slug="public", status="published"))
        db.session.commit()
    with serving(app) as base:
        yield base, app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("locale", ["en-US", "ar"])  # left to right and right to left
def test_a_person_never_sees_reaches_or_fills_the_honeypot(browser, live_blog, locale):
    base, app = live_blog
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/post/public")
        box = page.locator('input[name="website"]').bounding_box()
        assert box is not None and box["y"] + box["height"] < 0  # above the page: unseen
        # It widens nothing a person could scroll to (a left offset would, right to left).
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
        # Out of the accessibility tree: no text box by that name for a screen reader.
        assert page.get_by_role("textbox", name="Leave this field empty").count() == 0
        page.fill('input[name="author_name"]', "Zoe")
        page.fill('textarea[name="text"]', f"Typed by a person ({locale})")
        page.keyboard.press("Tab")  # from the comment to the button, past the honeypot
        assert page.evaluate("document.activeElement.type") == "submit"
        page.keyboard.press("Enter")
        page.wait_for_selector(".alert-success")  # the thanks, after the redirect
    finally:
        context.close()
    with app.app_context():
        texts = db.session.scalars(db.select(Comment.text)).all()
        db.session.remove()
    assert texts == [f"Typed by a person ({locale})"]
