"""Right-to-left Arabic and left-to-right German as a real browser lays them out.

Headless Chromium (Debian's package) through Playwright against a live server; screenshots of
the posts list in every language land in ``artifacts/posts-list-<lang>.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from helpers.browser import ARTIFACTS, browser_tab, sign_in_browser

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag
from backoffice.models.clock import utcnow
from backoffice.web.serving import serving
from config import LANGUAGES

pytestmark = pytest.mark.browser

USER, PASSWORD = "lina", "browser password"
WIDTH, HEIGHT = 1280, 800


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free loopback port with an admin, a few posts, tags and comments."""
    db_file = tmp_path_factory.mktemp("live-i18n") / "browser.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    with app.app_context():
        db.create_all()
        admin = create_user(db.session, USER, PASSWORD, ["admin"])
        tags = [Tag(title="Flask"), Tag(title="Babel")]
        for number in range(1, 4):
            post = Post(title=f"Post number {number}", slug=f"post-{number}", author=admin,
                        status="published", published_at=utcnow() - timedelta(days=number),
                        body="<p>Text</p>", tags=tags[: number % 3])  # fmt: skip
            db.session.add(post)
            db.session.add(Comment(post=post, author_name="Ana", text="Nice", status="approved"))
        db.session.commit()
    with serving(app) as base:
        yield base


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A signed-in admin's tab."""
    with browser_tab(browser, WIDTH, HEIGHT) as page:
        sign_in_browser(page, live_server, USER, PASSWORD)
        page.wait_for_url(f"{live_server}/admin/")
        yield page


def switch_to(page, lang: str) -> None:
    """Pick ``lang`` in the navbar switcher, as a person would."""
    if page.locator("html").get_attribute("lang") == lang:
        return  # already chosen (the profile remembers the last choice): no change event
    with page.expect_navigation():
        page.select_option("#admin-navbar-collapse select[name=locale]", lang)
    assert page.locator("html").get_attribute("lang") == lang


def box(page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not displayed"
    return found


def layout(page) -> dict[str, object]:
    """Where the brand, the first menu item and the table's header cells are."""
    return {
        "brand": box(page, "[data-testid=brand]"),
        "first_item": box(page, "#admin-navbar-collapse .navbar-nav > li:first-child"),
        "first_th": box(page, "table.model-list thead th:first-child"),
        "last_th": box(page, "table.model-list thead th:last-child"),
        "first_tab": box(page, ".nav-tabs > li:first-child"),
        "table": box(page, "table.model-list"),
        "navbar": box(page, "nav.navbar"),
        "direction": page.evaluate(
            "getComputedStyle(document.querySelector('table.model-list')).direction"
        ),
        "th_align": page.evaluate(
            "getComputedStyle(document.querySelector('table.model-list th')).textAlign"
        ),
    }


def right(b: dict[str, float]) -> float:
    return b["x"] + b["width"]


def center(b: dict[str, float]) -> float:
    return b["x"] + b["width"] / 2


def test_arabic_admin_is_laid_out_right_to_left(page, live_server):
    switch_to(page, "ar")
    page.goto(f"{live_server}/admin/posts/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    found = layout(page)
    assert center(found["brand"]) > WIDTH / 2  # brand on the right half
    assert found["first_item"]["x"] + found["first_item"]["width"] <= found["brand"]["x"]
    assert found["direction"] == "rtl"
    assert found["first_th"]["x"] > found["last_th"]["x"]
    # Mirrored spacing, not just reversed flow: no left-to-right margins left on the right.
    assert right(found["navbar"]) - right(found["brand"]) <= 17  # the navbar's own padding
    assert abs(right(found["first_tab"]) - right(found["table"])) <= 2
    assert found["th_align"] in ("right", "start")


def test_arabic_dropdowns_open_under_their_toggle_aligned_right(page, live_server):
    switch_to(page, "ar")
    page.goto(f"{live_server}/admin/posts/")
    for toggle in ("#admin-navbar-collapse .dropdown-toggle", ".nav-tabs .dropdown-toggle"):
        page.locator(toggle).first.click()
        menu = page.locator(f"{toggle} ~ .dropdown-menu").first
        menu.wait_for(state="visible")
        toggle_box, menu_box = box(page, toggle), menu.bounding_box()
        right_edge = toggle_box["x"] + toggle_box["width"]
        assert abs(menu_box["x"] + menu_box["width"] - right_edge) <= 2, (toggle, menu_box)
        assert menu_box["y"] >= toggle_box["y"] + toggle_box["height"] - 2  # below, not over
        assert menu_box["x"] >= 0
        page.keyboard.press("Escape")
        page.mouse.click(5, HEIGHT - 5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/admin/profile/")
    page.screenshot(path=str(ARTIFACTS / "profile-ar.png"), full_page=True)
    page.goto(f"{live_server}/admin/posts/edit/?id=1")
    page.screenshot(path=str(ARTIFACTS / "posts-edit-ar.png"), full_page=True)


def test_arabic_public_blog_is_right_to_left(page, live_server):
    switch_to(page, "ar")
    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand, heading = box(page, ".navbar-brand"), box(page, "h1")
    assert center(brand) > WIDTH / 2
    assert heading["x"] + heading["width"] > WIDTH / 2  # the heading starts on the right
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "blog-ar.png"), full_page=True)


def test_german_admin_is_laid_out_left_to_right(page, live_server):
    switch_to(page, "de")
    page.goto(f"{live_server}/admin/posts/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    found = layout(page)
    assert center(found["brand"]) < WIDTH / 2
    assert found["first_item"]["x"] >= found["brand"]["x"] + found["brand"]["width"]
    assert found["direction"] == "ltr"
    assert found["first_th"]["x"] < found["last_th"]["x"]
    assert found["brand"]["x"] - found["navbar"]["x"] <= 17
    assert abs(found["first_tab"]["x"] - found["table"]["x"]) <= 2
    assert found["th_align"] in ("left", "start")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_posts_list_screenshot(page, live_server, lang):
    switch_to(page, lang)
    page.goto(f"{live_server}/admin/posts/")
    assert page.locator("html").get_attribute("dir") == LANGUAGES[lang][1]
    assert page.locator("text=Post number 1").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"posts-list-{lang}.png"), full_page=True)


def test_switching_language_keeps_the_page_and_its_query_string(page, live_server):
    page.goto(f"{live_server}/admin/posts/?sort=1")
    switch_to(page, "es" if page.locator("html").get_attribute("lang") != "es" else "fr")
    assert page.url == f"{live_server}/admin/posts/?sort=1"
    page.goto(f"{live_server}/admin/posts/?sort=0&desc=1&search=number")
    switch_to(page, "ar")
    assert page.url == f"{live_server}/admin/posts/?sort=0&desc=1&search=number"
    assert page.locator("html").get_attribute("dir") == "rtl"


def open_date_picker(page, live_server, lang: str):
    """The publish-date picker of a new post, opened in ``lang``."""
    switch_to(page, lang)
    page.goto(f"{live_server}/admin/posts/new/")
    page.click("input#published_at")
    picker = page.locator(".daterangepicker").first
    picker.wait_for(state="visible")
    return picker


def test_date_pickers_speak_the_language_and_open_towards_the_text(page, live_server):
    picker = open_date_picker(page, live_server, "de")
    assert "Dez." in picker.locator(".monthselect").first.inner_text()
    assert picker.locator("th", has_text="Mo.").count() >= 1
    assert picker.locator(".applyBtn").inner_text().strip() == "Übernehmen"
    page.keyboard.press("Escape")

    picker = open_date_picker(page, live_server, "ar")
    assert "ديسمبر" in picker.locator(".monthselect").first.inner_text()
    field = box(page, "input#published_at")
    opened = picker.bounding_box()
    assert abs(right(opened) - right(field)) < 40  # anchored at the field's right edge
    page.screenshot(path=str(ARTIFACTS / "date-picker-ar.png"))
