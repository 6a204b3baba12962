"""Accessibility: WCAG 2.2 AA on every page, in English and Arabic, and by keyboard alone.

axe-core (from the npm registry, fetched by ``scripts/npm_fetch.py``; no CDN) runs in headless
Chromium over every admin page (each view's list, create, edit and details page, the
dashboard, the workbench and its tools, the profile, the media library), the sign-in page, an
error page and the public blog, signed in as an admin, in English and in Arabic; and over the
states a page gets into: menus and filters opened, a form with errors, a flashed message, the
moderation queue's undo banner. Any violation of a WCAG 2.0, 2.1 or 2.2 A or AA rule fails,
and so does any of axe's best practices (landmarks, one ``h1``, heading order, named
controls). Beside it: a keyboard-only round (sign in, moderate three comments, edit a post,
save a translation), a visible focus on every stop, a mirrored focus order in Arabic, no
motion for readers who ask for none, and no sideways scrolling at 320 CSS pixels.

One language: ``pytest -m browser "tests/test_browser_accessibility.py::test_every_page[ar]"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import url_for
from helpers.browser import browser_tab, signed_in, speak_browser
from helpers.catalogs import PENDING, blank
from helpers.pages import (
    PUBLIC_PAGES,
    SITE_ADMIN,
    SITE_PASSWORD,
    admin_and_workbench_pages,
    seed_site,
)
from sqlalchemy import select

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, TranslationEntry
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
#: WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices.
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
RUN_AXE = """async ([tags, within]) => {
  const context = within ? { include: [[within]] } : document;
  const result = await axe.run(context, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],  // what passed is not collected in full
  });
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(" ")).join(" | "));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, as pinned in scripts/npm-packages.json; missing = failure."""
    pins = json.loads((ROOT / "scripts" / "npm-packages.json").read_text(encoding="utf-8"))
    version = pins["axe-core"]["version"]
    path = ROOT / ".cache" / "npm" / f"axe-core-{version}" / "axe.min.js"
    if not path.is_file():
        pytest.fail(
            f"axe-core {version} is required for the accessibility tests: run scripts/test.sh, "
            "or python scripts/npm_fetch.py, which fetches it from the npm registry."
        )
    return path.read_text(encoding="utf-8")


def violations(page: Any, axe: str, where: str, within: str | None = None) -> list[str]:
    """axe's findings on the page as it is now (or on the part ``within`` selects), each
    prefixed with ``where``."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(axe)  # through the DevTools protocol: the page's CSP does not apply
    return [f"{where}: {finding}" for finding in page.evaluate(RUN_AXE, [RULES, within])]


# -- every page, in English and Arabic ------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The app on a free loopback port (an admin, one row of every model), and its pages."""
    db_file = tmp_path_factory.mktemp("accessibility") / "browser.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    seed_site(app)
    with app.test_request_context():
        pages = admin_and_workbench_pages(app) + [
            ("media upload", url_for("media.upload")),
            ("media new folder", url_for("media.mkdir")),
        ]
    with serving(app) as base:
        yield base, pages


def audit_pages(context: Any, base: str, pages: list[tuple[str, str]], axe: str) -> list[str]:
    found: list[str] = []
    page = context.new_page()
    for label, path in pages:
        response = page.goto(base + path)
        status = response.status if response else 0
        if status == 404 and label != "404 page":
            continue  # an admin view without a page of its own
        if page.locator("#post-editor-settings").count():
            page.wait_for_selector("body[data-editor-ready]")
        found += violations(page, axe, f"{label} ({path})")
    page.close()
    return found


def audit_states(context: Any, base: str, axe: str) -> list[str]:
    """Pages in the states a person gets them into."""
    found: list[str] = []
    page = context.new_page()
    # The post list with a filter added, then the "Add filter" and actions menus open.
    page.goto(f"{base}/admin/posts/")
    page.locator("a.filter").first.evaluate("(link) => link.click()")
    page.locator(".filters .filter-op").first.wait_for()
    found += violations(page, axe, "post list, a filter added")
    # Each menu open (the menu itself: an open menu covers what is under it on purpose).
    for toggle in page.locator("[data-toggle=dropdown]:visible").all():
        toggle.click()
        where = f"post list, menu {toggle.inner_text()!r} open"
        found += violations(page, axe, where, within=".dropdown-menu.show")
        page.keyboard.press("Escape")
    page.goto(f"{base}/admin/posts/?search=zeta")
    found += violations(page, axe, "post list with a search")
    # A form sent with errors, and a saved one with its flashed message.
    page.goto(f"{base}/admin/tags/new/")
    page.locator("form.admin-form [type=submit]").first.click()
    page.wait_for_load_state()
    found += violations(page, axe, "tag form with errors")
    page.fill("input[name=title]", "Kappa")
    page.locator("form.admin-form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".alert").count(), "no message after saving a tag"
    found += violations(page, axe, "tag list after a save")
    # The moderation queue after a one-click change (its undo banner).
    page.goto(f"{base}/admin/comments/?status=all")
    page.locator("button[form^=quick-]").first.click()
    page.wait_for_load_state()
    found += violations(page, axe, "comment queue with its undo banner")
    # Translate in context (a translated language only): the marked page, then a text's panel.
    if page.locator("[data-testid=in-context-toggle] button").count():
        page.goto(f"{base}/admin/")
        with page.expect_navigation():
            page.click("[data-testid=in-context-toggle] button")
        page.locator("#admin-navbar-collapse .ic-text").first.wait_for()
        found += violations(page, axe, "dashboard, translating in context")
        page.locator("#admin-navbar-collapse .ic-text").first.click()
        page.locator(".ic-panel textarea.ic-input").wait_for()
        found += violations(page, axe, "dashboard, a text's panel open")
        page.keyboard.press("Escape")  # the panel closes
        with page.expect_navigation():
            page.click("[data-testid=in-context-toggle] button")
    page.close()
    return found


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_page(browser, site, axe_source, lang):
    base, pages = site
    staff = signed_in(browser, base, lang)
    visitor = browser.new_context(locale="en-US")
    for context in (staff, visitor):  # axe in every page before its own scripts: sent once
        context.add_init_script(axe_source)
    try:
        speak_browser(visitor, base, lang)
        found = audit_pages(staff, base, pages, axe_source)
        found += audit_states(staff, base, axe_source)
        found += audit_pages(visitor, base, PUBLIC_PAGES, axe_source)
        page = visitor.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", SITE_ADMIN)
        page.fill("input[name=password]", "not the password")
        page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state()
        found += violations(page, axe_source, "sign-in with a wrong password")
    finally:
        staff.close()
        visitor.close()
    assert not found, f"{len(found)} accessibility violations in {lang!r}:\n" + "\n".join(found)


# -- by keyboard alone ----------------------------------------------------------------------------
#: Runs in the page: where the focus is, and whether a reader can see it.
FOCUS = """(selector) => {
  const el = document.activeElement;
  // select2 keeps the focus in an off-screen field; its picker is what a reader sees.
  const picker = el.matches(".select2-focusser") && el.closest(".select2-container");
  const seen = picker ? picker.querySelector(".select2-choice") : el;
  const style = getComputedStyle(seen);
  const box = seen.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {
    html: el.outerHTML.slice(0, 160),
    text: (el.innerText || "").trim(),
    toggle: el.matches("[data-toggle=dropdown]"),
    matches: !!selector && el.matches(selector),
    shown: box.width > 0 && box.height > 0 && seen.checkVisibility(),
    marked: outlined || style.boxShadow !== "none",
    x: box.left + box.width / 2,
    y: Math.round(box.top),
    in_menu: el.matches("#admin-navbar-collapse > ul.navbar-nav > li > a"),
  };
}"""
TAB_LIMIT = 300


def tab(page: Any, selector: str | None = None, back: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab if ``back``) once; the new stop must be on screen and visibly
    marked."""
    page.keyboard.press("Shift+Tab" if back else "Tab")
    stop = page.evaluate(FOCUS, selector)
    assert not stop["html"].startswith("<body"), f"Tab left the page {page.url} (at its end)"
    assert stop["shown"], f"the focus went to something not on screen: {stop['html']}"
    assert stop["marked"], f"the focus is not visible on {stop['html']}"
    return stop


def tab_to(page: Any, selector: str, back: bool = False) -> list[dict[str, Any]]:
    """Press Tab until the focus is on ``selector``; the stops on the way, the last on it."""
    stops = []
    for _ in range(TAB_LIMIT):
        stops.append(tab(page, selector, back))
        if stops[-1]["matches"]:
            return stops
    raise AssertionError(f"{selector} is not reached by {TAB_LIMIT} presses of Tab on {page.url}")


def enter(page: Any) -> None:
    """Press Enter on what has the focus, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


# True when the selection is a caret after the last character of the element ``selector``.
CARET_AT_END = """selector => {
  const element = document.querySelector(selector);
  const selection = document.getSelection();
  if (!selection.isCollapsed || !element.contains(selection.focusNode)) return false;
  const rest = document.createRange();
  rest.selectNodeContents(element);
  rest.setStart(selection.focusNode, selection.focusOffset);
  return rest.toString() === "";
}"""


def caret_to_end(page: Any, selector: str) -> None:
    """Press Ctrl+End in the focused editable ``selector`` until the caret is at its end.

    CKEditor renders its own selection a moment after it takes the focus, which can put the
    caret back at the start after a first Ctrl+End.
    """
    page.wait_for_selector(f"{selector}.ck-focused")
    for _ in range(20):
        page.keyboard.press("Control+End")
        page.wait_for_timeout(100)
        if page.evaluate(CARET_AT_END, selector):
            return
    raise AssertionError(f"Ctrl+End does not put the caret at the end of {selector}")


def open_from_menu(page: Any, menu: str, link: str) -> None:
    """Open the navbar menu named ``menu`` and follow its link ``link`` (a selector), all by
    keyboard: back up to the skip link first (Chromium may start a reloaded page's Tab order
    where the focus was)."""
    tab_to(page, ".skip-link", back=True)
    for _ in range(TAB_LIMIT):
        stop = tab(page)
        if stop["toggle"] and stop["text"].startswith(menu):
            page.keyboard.press("Enter")
            tab_to(page, link)
            enter(page)
            return
    raise AssertionError(f"no menu {menu!r} reached by Tab on {page.url}")


def sign_in_by_keyboard(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    stops = tab_to(page, "input[name=username]")
    assert stops[0]["html"].startswith('<a class="skip-link"'), "the skip link comes first"
    page.keyboard.type(SITE_ADMIN)
    tab(page, "input[name=password]")
    page.keyboard.type(SITE_PASSWORD)
    enter(page)
    assert page.url.endswith("/admin/")


def tab_to_text(page: Any, selector: str, text: str, back: bool = False) -> None:
    """Press Tab until the focus is on a ``selector`` element whose text starts with ``text``."""
    for _ in range(TAB_LIMIT):
        stop = tab(page, selector, back)
        if stop["matches"] and stop["text"].startswith(text):
            return
    raise AssertionError(f"no {selector} {text!r} reached by Tab on {page.url}")


@pytest.fixture
def desk(catalog_copy: Path, live_workbench_app: Any) -> Iterator[str]:
    """An admin, a post with three pending comments, and German's "%(num)d pending" blank."""
    blank(catalog_copy, "de", PENDING)
    app = live_workbench_app()
    with app.app_context():
        db.create_all()
        admin = create_user(db.session, SITE_ADMIN, SITE_PASSWORD, ["admin"])
        post = Post(title="Keyboard post", slug="keyboard-post", author=admin, body="<p>Hello</p>")
        db.session.add_all([post, Tag(title="Zeta")])
        db.session.add_all(
            Comment(post=post, author_name=f"Reader {n}", text=f"Comment {n}", status="pending")
            for n in range(3)
        )
        db.session.commit()
    with serving(app) as base:
        yield base


def test_a_day_by_keyboard_alone(browser, desk, live_workbench_app):
    """Sign in, moderate three comments, edit a post and save a translation: Tab, Shift+Tab,
    Enter and typing only, every stop visibly focused."""
    with browser_tab(browser) as page:
        sign_in_by_keyboard(page, desk)

        # The skip link leads past the navbar, into the page's main content.
        tab(page, ".skip-link")
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"

        # Three comments moderated with their row buttons: approve, spam, approve.
        open_from_menu(page, "Blog", "a.dropdown-item[href$='/admin/comments/']")
        for action in ("approve", "spam", "approve"):
            tab_to(page, f"button[form=quick-{action}]")
            enter(page)
            assert page.locator("[data-testid=undo-banner]").is_visible()

        # A post edited: its title and its text in CKEditor.
        open_from_menu(page, "Blog", "a.dropdown-item[href$='/admin/posts/']")
        tab_to(page, "a[href*='/admin/posts/edit/']")
        enter(page)
        page.wait_for_selector("body[data-editor-ready]")
        tab_to(page, "input[name=title]")
        page.keyboard.press("Control+A")
        page.keyboard.type("Edited by keyboard")
        tab_to(page, ".ck-editor__editable")
        caret_to_end(page, ".ck-editor__editable")
        page.keyboard.type(" and more")
        tab_to(page, "form.admin-form input[type=submit]")
        enter(page)
        assert page.locator(".alert-success").count()

        # A translation saved in the workbench: the blank German entry, both plural forms.
        tab_to(page, "#admin-navbar-collapse a[href$='/admin/translations/']")
        enter(page)
        tab_to(page, "[data-testid=catalog-de] a[data-testid=untranslated]")
        enter(page)
        tab_to(page, "[data-testid=entry] [data-testid=edit]")
        enter(page)
        assert page.evaluate(FOCUS, "#string-0")["matches"], "the editor opens in its field"
        page.keyboard.type("%(num)d offen")
        tab_to(page, "#string-1")
        page.keyboard.type("%(num)d offen")
        tab_to(page, "[data-testid=save]")
        enter(page)
        assert "The translation has been saved." in page.inner_text("body")

    app = live_workbench_app()
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Comment.status)))
        post = db.session.scalars(select(Post)).one()
        entry = db.session.scalars(
            select(TranslationEntry).where(
                TranslationEntry.lang == "de", TranslationEntry.msgid == PENDING
            )
        ).one()
    assert statuses == ["approved", "approved", "spam"]
    assert post.title == "Edited by keyboard"
    assert "Hello and more" in post.body
    assert entry.strings == ["%(num)d offen", "%(num)d offen"]


def test_filters_bulk_actions_and_pickers_by_keyboard(browser, desk, live_workbench_app):
    with browser_tab(browser) as page:
        page.on("dialog", lambda dialog: dialog.accept())  # the browser's own confirmation
        sign_in_by_keyboard(page, desk)
        open_from_menu(page, "Blog", "a.dropdown-item[href$='/admin/comments/']")

        # A filter added from the "Add filter" menu, its value typed, applied with Enter.
        tab_to_text(page, "[data-toggle=dropdown]", "Add Filter")
        page.keyboard.press("Enter")
        tab_to_text(page, "a.filter", "Status")
        page.keyboard.press("Enter")  # the new filter's value has the focus
        page.wait_for_function(
            "() => document.activeElement.matches('.filter-val input.select2-focusser')"
        )
        page.keyboard.type("Pend")  # the value list (select2), chosen by typing and Enter
        page.locator(".select2-drop-active .select2-result-selectable").first.wait_for()
        page.keyboard.press("Enter")
        tab_to(page, "#filter_form button[type=submit]")
        enter(page)
        assert "flt" in page.url
        assert page.locator("input.action-checkbox").count() == 3

        # A bulk action on the selection, confirmed.
        tab_to(page, "input.action-checkbox")
        page.keyboard.press("Space")
        tab_to_text(page, "[data-toggle=dropdown]", "With selected", back=True)  # above the list
        page.keyboard.press("Enter")
        tab_to_text(page, "a[data-model-action]", "Mark as spam")
        enter(page)
        assert page.locator("[data-testid=undo-banner]").is_visible()

        # A tag chosen in the post form's select2 picker, by typing and Enter.
        open_from_menu(page, "Blog", "a.dropdown-item[href$='/admin/posts/']")
        tab_to(page, "a[href*='/admin/posts/edit/']")
        enter(page)
        tab_to(page, "#s2id_tags input.select2-input")
        page.keyboard.type("Zet")
        page.locator(".select2-result-selectable").first.wait_for()
        page.keyboard.press("Enter")
        tab_to(page, "form.admin-form input[type=submit]")
        enter(page)
        assert page.locator(".alert-success").count()

    app = live_workbench_app()
    with app.app_context():
        spam = db.session.scalars(select(Comment.author_name).where(Comment.status == "spam"))
        post = db.session.scalars(select(Post)).one()
        assert len(list(spam)) == 1
        assert [tag.title for tag in post.tags] == ["Zeta"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_focus_moves_through_the_navbar_in_the_direction_of_reading(browser, site, lang):
    base, _ = site
    context = signed_in(browser, base, lang)
    try:
        page = context.new_page()
        page.goto(f"{base}/admin/")
        stops = tab_to(page, "[data-testid=sign-out]")
        places = [(stop["y"], stop["x"]) for stop in stops if stop["in_menu"]]
    finally:
        context.close()
    # Reading order: line by line from the top, and along each line in the page's direction.
    rtl = lang == "ar"
    reading = sorted(places, key=lambda place: (place[0], -place[1] if rtl else place[1]))
    assert len(places) >= 4, places
    assert places == reading, f"focus order on screen in {lang!r}: {places}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_narrow_screens_and_zoom_lose_nothing_and_scroll_only_down(browser, site, lang):
    """At 320 CSS px wide (a phone, or 400 % zoom) and at 640 (200 % zoom), the pages an
    editor uses on a phone scroll only down: wide tables scroll inside their own box."""
    base, _ = site
    context = signed_in(browser, base, lang)
    visitor = browser.new_context(locale="en-US")
    problems = []
    try:
        speak_browser(visitor, base, lang)
        for width in (320, 640):
            for who, path in ((context, "/admin/comments/"), (context, "/admin/posts/"),
                              (visitor, "/login")):  # fmt: skip
                page = who.new_page()
                page.set_viewport_size({"width": width, "height": 640})
                page.goto(base + path)
                wide, page_width = page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                if wide > page_width:
                    problems.append(f"{path} at {width}px: {wide}px wide")
                if not page.locator("main h1").is_visible():
                    problems.append(f"{path} at {width}px: its heading is hidden")
                page.close()
    finally:
        context.close()
        visitor.close()
    assert not problems, problems


def test_readers_who_ask_for_less_motion_get_none(browser, site):
    base, _ = site
    durations = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        page.goto(f"{base}/login")
        durations[motion] = page.evaluate(
            """() => {
              const fade = document.createElement("div");
              fade.className = "fade";
              document.body.append(fade);
              return parseFloat(getComputedStyle(fade).transitionDuration);
            }"""
        )
        context.close()
    assert durations["no-preference"] >= 0.1  # Bootstrap's fade, as shipped
    assert durations["reduce"] < 0.001
