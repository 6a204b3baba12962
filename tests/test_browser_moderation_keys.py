"""Keyboard moderation of the comment queue, in real headless Chromium (moderation-keys.js).

As in WordPress: j/k move between comments, a/u/s approve, reject or mark as spam, d deletes
(after the usual confirmation), z undoes, x selects, Shift+a/u/s act on the selection, r opens
the reply box, Enter the edit page, ? the list of keys. The keys are read by their place on the
keyboard (``event.code``): an Arabic layout, whose J key types "ت", moderates the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from helpers.browser import signed_in
from helpers.pages import SITE_ADMIN, SITE_PASSWORD
from sqlalchemy import func, select

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Comment, Post
from backoffice.models.clock import utcnow
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser

#: The queue's comments, newest first: the order of the "all" tab.
AUTHORS = ("Ann", "Ben", "Cy", "Dee", "Eve")
QUEUE = "/admin/comments/?status=all"
#: What the Arabic (101) layout types on the keys the queue uses.
ARABIC = {
    "KeyJ": "ت", "KeyK": "ن", "KeyA": "ش", "KeyS": "س", "KeyU": "ع", "KeyZ": "ئ", "KeyX": "ء",
    "KeyD": "ي", "KeyR": "ق", "Shift+KeyA": "\u0650", "Shift+KeyX": "\u0652", "Shift+Slash": "؟",
}  # fmt: skip
STATUS = "#keyboard-moderation-status"
#: In the page: the focused row's position and author (None when no row has the focus).
FOCUSED = """() => {
  const row = document.activeElement;
  const rows = [...document.querySelectorAll("table.model-list tbody tr")];
  if (!rows.includes(row) || !row.classList.contains("kbd-focus")) return null;
  return [rows.indexOf(row), row.querySelector("td.col-author_name").firstChild.textContent.trim()];
}"""
DISPATCH = """([code, key, shift]) => (document.activeElement || document.body).dispatchEvent(
  new KeyboardEvent("keydown", {code, key, shiftKey: shift, bubbles: true, cancelable: true}))"""

Press = Callable[[Any, str], None]


def press_qwerty(page: Any, key: str) -> None:
    """A real key press (Playwright's keyboard is a US one: KeyJ types "j")."""
    page.keyboard.press(key)


def press_arabic(page: Any, key: str) -> None:
    """j and k pressed for real; every other key as an Arabic keyboard sends it: the same
    ``code``, an Arabic letter as its ``key``."""
    if key in ("KeyJ", "KeyK"):
        page.keyboard.press(key)
        return
    page.evaluate(DISPATCH, [key.removeprefix("Shift+"), ARABIC[key], key.startswith("Shift+")])


@pytest.fixture
def queue(tmp_path) -> Iterator[tuple[str, Flask]]:
    """A live app with an admin and five pending comments on one post, each by an author with
    an e-mail (the queue shows their history beside their name); yields (base URL, app)."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'queue.db'}",
        UPLOADS_DIR=str(tmp_path / "uploads"),
    )
    with app.app_context():
        db.create_all()
        admin = create_user(db.session, SITE_ADMIN, SITE_PASSWORD, ["admin"])
        post = Post(title="Queue post", slug="queue-post", author=admin, status="published")
        now = utcnow()
        db.session.add(post)
        db.session.add_all(
            Comment(post=post, author_name=name, email=f"{name.lower()}@example.org",
                    text=f"Comment by {name}", status="pending",
                    created_at=now - timedelta(minutes=age))
            for age, name in enumerate(AUTHORS)
        )  # fmt: skip
        db.session.commit()
    with serving(app) as base:
        yield base, app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def queue_page(browser: Any, base: str, lang: str = "en") -> Iterator[Any]:
    """The queue's "all" tab, signed in as the admin in ``lang``. Leaving, the page must have
    had no script error and no refusal by the Content-Security-Policy."""
    context = signed_in(browser, base, lang)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.goto(base + QUEUE)
        yield page
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def statuses(app: Flask) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(select(Comment.author_name, Comment.status))
        found = {author: status for author, status in rows}
        db.session.remove()
    return found


def set_status(app: Flask, author: str, status: str) -> None:
    with app.app_context():
        comment = db.session.scalars(select(Comment).where(Comment.author_name == author)).one()
        comment.status = status
        db.session.commit()
        db.session.remove()


def focused(page: Any) -> tuple[int, str] | None:
    found = page.evaluate(FOCUSED)
    return tuple(found) if found else None


def wait_focused(page: Any, index: int) -> tuple[int, str]:
    """After a reload: the focus is back on the row at ``index`` (the script restores it)."""
    page.wait_for_function(f"() => ({FOCUSED})()?.[0] === {index}")
    return focused(page)  # type: ignore[return-value]


def announced(page: Any) -> str:
    """What the live region says (it is emptied first, then filled: wait for the words)."""
    page.wait_for_function("(live) => document.querySelector(live).textContent", arg=STATUS)
    return page.inner_text(STATUS)


def moderation_round(page: Any, app: Flask, press: Press) -> None:
    """The whole round of the spec, by keyboard alone."""
    dialogs: list[tuple[str, str]] = []
    answer = {"accept": True}

    def on_dialog(dialog: Any) -> None:
        dialogs.append((dialog.type, dialog.message))
        if answer["accept"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)

    # j goes to the first comment.
    press(page, "KeyJ")
    assert focused(page) == (0, "Ann")

    # a approves it; after the reload the focus is back on the first row.
    with page.expect_navigation():
        press(page, "KeyA")
    assert statuses(app)["Ann"] == "approved"
    assert wait_focused(page, 0) == (0, "Ann")
    assert page.locator("[data-testid=undo-banner]").is_visible()

    # j then s marks the next one as spam; z undoes that.
    press(page, "KeyJ")
    assert focused(page) == (1, "Ben")
    with page.expect_navigation():
        press(page, "KeyS")
    assert statuses(app)["Ben"] == "spam"
    assert wait_focused(page, 1) == (1, "Ben")
    with page.expect_navigation():
        press(page, "KeyZ")
    assert statuses(app)["Ben"] == "pending"
    assert wait_focused(page, 1) == (1, "Ben")

    # x selects two comments, Shift+A approves both (through Flask-Admin's bulk action).
    press(page, "KeyJ")
    press(page, "KeyX")
    press(page, "KeyJ")
    press(page, "KeyX")
    checked = "els => els.filter(e => e.checked).length"
    assert page.eval_on_selector_all("input.action-checkbox", checked) == 2
    with page.expect_navigation():
        press(page, "Shift+KeyA")
    found = statuses(app)
    assert (found["Cy"], found["Dee"]) == ("approved", "approved")
    assert found["Ben"] == found["Eve"] == "pending"
    assert wait_focused(page, 3) == (3, "Dee")

    # d asks the usual confirmation; declined, nothing is deleted and the page stays.
    dialogs.clear()
    answer["accept"] = False
    url = page.url
    press(page, "KeyD")
    question = page.get_attribute("form#row-delete", "data-confirm")
    assert dialogs == [("confirm", question)]
    assert page.url == url and len(statuses(app)) == len(AUTHORS)

    # ? opens the list of keys, with the focus in it; Escape closes it and the focus returns.
    press(page, "Shift+Slash")
    overlay = page.locator("#keyboard-moderation")
    assert overlay.is_visible()
    assert page.evaluate("() => document.activeElement.closest('#keyboard-moderation') !== null")
    assert "j" in overlay.locator("kbd").all_inner_texts()
    page.keyboard.press("Escape")
    assert overlay.is_hidden()
    assert focused(page) == (3, "Dee")


def test_a_moderation_round_by_keyboard_alone(browser, queue):
    base, app = queue
    with queue_page(browser, base) as page:
        moderation_round(page, app, press_qwerty)


def test_the_same_round_with_an_arabic_page_and_keyboard(browser, queue):
    """The keys' places, not their letters: an Arabic keyboard's J key types "ت"."""
    base, app = queue
    with queue_page(browser, base, "ar") as page:
        assert page.get_attribute("html", "dir") == "rtl"
        moderation_round(page, app, press_arabic)


@pytest.mark.parametrize("lang, side", [("en", "right"), ("ar", "left")])
def test_the_list_of_keys_is_mirrored_right_to_left(browser, queue, lang, side):
    base, _app = queue
    with queue_page(browser, base, lang) as page:
        page.keyboard.press("Shift+Slash")
        dialog = page.locator("#keyboard-moderation [role=dialog]")
        direction = dialog.evaluate("(el) => getComputedStyle(el).direction")
        assert direction == ("rtl" if lang == "ar" else "ltr")
        box = dialog.bounding_box()
        close = page.locator("#keyboard-moderation [data-kbd-close]").bounding_box()
        assert box and close
        middle = box["x"] + box["width"] / 2
        assert (close["x"] > middle) == (side == "right"), "the close button is at the line's end"


def test_no_key_acts_while_typing_in_the_search_box(browser, queue):
    base, app = queue
    with queue_page(browser, base) as page:
        search = page.locator("input[name=search]")
        search.focus()
        page.keyboard.type("jas")
        page.wait_for_timeout(500)  # long enough for an action to have left the page
        assert search.input_value() == "jas"
        assert page.evaluate("() => document.activeElement.name") == "search"
        assert page.locator("tr.kbd-focus").count() == 0
        assert page.url.endswith(QUEUE)
    assert set(statuses(app).values()) == {"pending"}


def test_keys_with_control_alt_or_meta_are_the_browsers(browser, queue):
    base, app = queue
    with queue_page(browser, base) as page:
        page.keyboard.press("KeyJ")
        page.keyboard.press("Alt+KeyA")
        page.keyboard.press("Control+KeyS")
        page.wait_for_timeout(500)
        assert page.url.endswith(QUEUE)
    assert set(statuses(app).values()) == {"pending"}


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb(…)`` colours."""

    def luminance(css: str) -> float:
        parts = css[css.index("(") + 1 : css.index(")")].split(",")[:3]
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (int(p) / 255 for p in parts)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focused_comment_is_outlined_and_announced(browser, queue):
    base, _app = queue
    with queue_page(browser, base) as page:
        page.keyboard.press("KeyJ")
        page.keyboard.press("KeyJ")
        assert focused(page) == (1, "Ben")
        style = page.locator("tr.kbd-focus").evaluate(
            "(row) => { const s = getComputedStyle(row);"
            " return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.backgroundColor]; }"
        )
        outline_style, width, color, background = style
        assert outline_style == "solid" and float(width.removesuffix("px")) >= 3
        white, stripe = "rgb(255, 255, 255)", "rgb(242, 242, 242)"
        for behind in (background, white, stripe):
            assert contrast(color, behind) >= 3, behind
        assert page.locator("tr.kbd-focus").is_visible()
        assert announced(page) == "Comment 2 of 5: Ben, Pending"


def test_a_comment_already_in_that_status_is_said_so(browser, queue):
    base, app = queue
    set_status(app, "Ann", "approved")
    with queue_page(browser, base) as page:
        page.keyboard.press("KeyJ")
        assert announced(page).startswith("Comment 1 of 5: Ann")
        page.keyboard.press("KeyA")  # Ann has no approve button
        page.wait_for_function(
            "(live) => document.querySelector(live).textContent === 'Already approved'", arg=STATUS
        )
        assert page.url.endswith(QUEUE)
    assert statuses(app)["Ann"] == "approved"


def test_the_list_of_keys_is_a_modal_dialog(browser, queue):
    base, _app = queue
    with queue_page(browser, base) as page:
        page.keyboard.press("KeyJ")
        page.keyboard.press("Shift+Slash")
        dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
        assert dialog.is_visible() and dialog.get_attribute("aria-modal") == "true"
        inside = "() => !!document.activeElement.closest('[role=dialog]')"
        assert page.evaluate(inside)
        for key in ("Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
            page.keyboard.press(key)
            assert page.evaluate(inside), f"{key} left the dialog"
        page.keyboard.press("KeyA")  # the queue's keys sleep while the dialog is open
        page.wait_for_timeout(300)
        assert page.url.endswith(QUEUE) and dialog.is_visible()
        page.keyboard.press("Escape")
        assert dialog.is_hidden()
        assert focused(page) == (0, "Ann")


def test_the_hint_opens_the_list_of_keys_and_the_close_button_returns_to_it(browser, queue):
    base, _app = queue
    with queue_page(browser, base) as page:
        hint = page.get_by_role("button", name="Press ? for keyboard shortcuts")
        hint.click()
        assert page.get_by_role("dialog").is_visible()
        page.get_by_role("button", name="Close").click()
        assert page.get_by_role("dialog").count() == 0  # hidden: out of the accessibility tree
        assert page.evaluate("() => document.activeElement.matches('[data-kbd-open]')")


def test_shift_x_selects_every_comment_then_none(browser, queue):
    base, _app = queue
    with queue_page(browser, base) as page:
        checked = "els => els.map(e => e.checked)"
        page.keyboard.press("Shift+KeyX")
        assert page.eval_on_selector_all("input.action-checkbox", checked) == [True] * 5
        page.keyboard.press("Shift+KeyX")
        assert page.eval_on_selector_all("input.action-checkbox", checked) == [False] * 5


def test_a_bulk_action_with_nothing_selected_says_so_and_stays(browser, queue):
    base, app = queue
    with queue_page(browser, base) as page:
        messages: list[str] = []
        page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
        page.keyboard.press("KeyJ")
        page.keyboard.press("Shift+KeyS")
        select_first = page.evaluate(
            "JSON.parse(document.querySelector('#message-data').textContent)"
        )
        assert messages == [select_first]
        assert page.url.endswith(QUEUE)
    assert set(statuses(app).values()) == {"pending"}


def test_enter_opens_the_focused_comments_edit_page(browser, queue):
    base, app = queue
    with app.app_context():
        cy = db.session.scalars(select(Comment.id).where(Comment.author_name == "Cy")).one()
        db.session.remove()
    with queue_page(browser, base) as page:
        for _ in range(3):
            page.keyboard.press("KeyJ")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert f"/admin/comments/edit/?id={cy}" in page.url


#: A reply box as the queue's rows carry it (the first details.reply-box of the row).
ADD_REPLY_BOX = """(row) => {
  if (row.querySelector("details.reply-box")) return;
  const box = document.createElement("details");
  box.className = "reply-box";
  box.innerHTML = "<summary>Reply</summary><textarea aria-label='Reply'></textarea>";
  row.querySelector("td.col-text").appendChild(box);
}"""


def test_r_opens_the_reply_box_and_puts_the_cursor_in_it(browser, queue):
    base, _app = queue
    with queue_page(browser, base) as page:
        rows = page.locator("table.model-list tbody tr")
        rows.nth(0).evaluate(ADD_REPLY_BOX)
        rows.nth(1).evaluate("(row) => row.querySelectorAll('details.reply-box')"
                             ".forEach((box) => box.remove())")  # fmt: skip
        page.keyboard.press("KeyJ")
        page.keyboard.press("KeyR")
        box = rows.nth(0).locator("details.reply-box").first
        assert box.evaluate("(box) => box.open")
        assert box.locator("textarea").evaluate("(field) => field === document.activeElement")
        assert box.locator("textarea").input_value() == ""  # the r was not typed into it
        page.keyboard.type("Thanks")
        page.keyboard.press("Escape")  # back to the list, the text kept
        assert focused(page) == (0, "Ann")
        assert box.locator("textarea").input_value() == "Thanks"
        # A row without a reply box: r does nothing (and no script error).
        page.keyboard.press("KeyJ")
        page.keyboard.press("KeyR")
        assert focused(page) == (1, "Ben")


def test_nothing_is_remembered_after_a_declined_deletion(browser, queue):
    """The focus is put back after a reload that an action caused, not after any later one."""
    base, app = queue
    with queue_page(browser, base) as page:
        page.on("dialog", lambda dialog: dialog.dismiss())
        page.keyboard.press("KeyJ")
        page.keyboard.press("KeyD")
        page.reload()
        page.wait_for_load_state()
        assert page.locator("tr.kbd-focus").count() == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == len(AUTHORS)
        db.session.remove()
