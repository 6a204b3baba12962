"""The editorial desk in real Chromium: writing a post in CKEditor, previewing it, and
moderating comments by clicking in the queue."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers.browser import ARTIFACTS, sign_in_browser
from sqlalchemy import select

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.domain.moderation import set_comment_status
from backoffice.extensions import db
from backoffice.models import Comment, Post, User
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser
PASSWORD = "browser password"
FILTER_ARG = re.compile(r"[?&]flt\d+_")
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _editorial_app(
    folder: Path, comments: Callable[[Post], list[Comment]], **config: object
) -> Flask:
    """A testing app in ``folder`` with the editor edna, her published post and the
    ``comments`` made for it."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'desk.db'}", **config)
    with app.app_context():
        db.create_all()
        editor = create_user(db.session, "edna", PASSWORD, ["editor"])
        post = Post(title="Queue post", slug="queue-post", author=editor, status="published")
        db.session.add_all([post, *comments(post)])
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A live app with an editor, a published post and three pending comments."""
    folder = tmp_path_factory.mktemp("desk")
    uploads = folder / "uploads"
    uploads.mkdir()
    (uploads / "kitten.png").write_bytes(PNG)
    app = _editorial_app(
        folder,
        lambda post: [
            Comment(post=post, author_name=name, text=f"Comment by {name}")
            for name in ("Ann", "Ben", "Cy")
        ],
        UPLOADS_DIR=str(uploads),
    )
    with serving(app) as base:
        yield base, app


def test_editor_writes_a_post_in_ckeditor_and_previews_it(page, desk):
    base, app = desk
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/posts/new/")
    page.wait_for_url(f"{base}/admin/posts/new/")
    page.wait_for_selector("body[data-editor-ready=true]")
    page.fill("input[name=title]", "Written in the browser")
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type("Plain start ")
    page.keyboard.press("Control+B")
    page.keyboard.type("bold words")
    page.keyboard.press("Control+B")
    page.keyboard.press("Enter")
    page.keyboard.type("* first item")  # autoformat turns "* " into a bulleted list
    page.keyboard.press("Enter")
    page.keyboard.type("second item")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("see ")
    page.keyboard.press("Control+K")
    page.keyboard.type("https://example.org")
    page.keyboard.press("Enter")
    page.screenshot(path=str(ARTIFACTS / "post-editor.png"), full_page=True)
    page.click("input[type=submit][name=_continue_editing]")
    page.wait_for_url("**/admin/posts/edit/**")
    with app.app_context():
        body = db.session.scalar(select(Post.body).where(Post.title == "Written in the browser"))
    assert "<strong>bold words</strong>" in body
    assert "<li>first item</li>" in body and "<ul>" in body
    assert 'href="https://example.org"' in body

    page.click("[data-testid=preview-link]")
    page.wait_for_selector("[data-testid=preview-banner]")
    assert page.locator(".post-body strong").inner_text() == "bold words"
    assert page.locator(".post-body li").count() == 2
    assert page.locator(".post-body a[href='https://example.org']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "post-preview.png"), full_page=True)
    assert errors == []


def test_an_image_from_the_media_library_goes_into_a_post(page, desk):
    base, app = desk
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/posts/new/")
    page.wait_for_url(f"{base}/admin/posts/new/")
    page.wait_for_selector("body[data-editor-ready=true]")
    page.fill("input[name=title]", "With a kitten")
    page.wait_for_selector("[data-testid=media-picker] option[value='/media/kitten.png']",
                           state="attached")  # fmt: skip
    page.locator(".ck-editor__editable").click()
    page.select_option("[data-testid=media-picker]", "/media/kitten.png")
    page.wait_for_selector(".ck-editor__editable img[src='/media/kitten.png']")
    natural_width = page.eval_on_selector(".ck-editor__editable img", "img => img.naturalWidth")
    assert natural_width == 1  # the public /media/ route served the file
    page.click("input[type=submit][name=_continue_editing]")
    page.wait_for_url("**/admin/posts/edit/**")
    with app.app_context():
        body = db.session.scalar(select(Post.body).where(Post.title == "With a kitten"))
    assert 'src="/media/kitten.png"' in body


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_an_image_uploaded_in_the_editor_is_stored_served_and_offered(
    page,
    tmp_path,
    request,
    backend,
):
    storage = request.getfixturevalue("s3_media_config") if backend == "s3" else {}
    app = _editorial_app(
        tmp_path, lambda post: [], UPLOADS_DIR=str(tmp_path / "uploads"), **storage
    )
    with serving(app) as base:
        sign_in_browser(page, base, "edna", PASSWORD, "/admin/posts/new/")
        page.wait_for_url(f"{base}/admin/posts/new/")
        page.wait_for_selector("body[data-editor-ready=true]")
        page.fill("input[name=title]", "Uploaded in the editor")
        page.locator(".ck-editor__editable").click()
        # What pasting or dropping a picture does: CKEditor's upload adapter posts the file.
        page.evaluate(
            """bytes => window.postEditor.execute("uploadImage", {
                file: new File([new Uint8Array(bytes)], "pasted.png", {type: "image/png"})
            })""",
            list(PNG),
        )
        page.wait_for_selector(".ck-editor__editable img[src='/media/pasted.png']")
        # A function, not an expression: Playwright evals a polled expression, which the
        # page's script policy (no unsafe-eval) refuses.
        page.wait_for_function(
            "() => document.querySelector('.ck-editor__editable img').naturalWidth === 1"
        )  # served back by /media/ from the storage
        page.click("input[type=submit][name=_continue_editing]")
        page.wait_for_url("**/admin/posts/edit/**")
        with app.app_context():
            body = db.session.scalar(
                select(Post.body).where(Post.title == "Uploaded in the editor")
            )
        assert 'src="/media/pasted.png"' in body
        page.goto(f"{base}/admin/posts/new/")
        page.wait_for_selector(
            "[data-testid=media-picker] option[value='/media/pasted.png']", state="attached"
        )


def test_editor_shows_in_the_ui_language_and_arabic_writes_right_to_left(page, desk):
    base, _app = desk
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/posts/new/")
    page.wait_for_url(f"{base}/admin/posts/new/")
    with page.expect_navigation():
        page.select_option("#admin-navbar-collapse select[name=locale]", "de")
    page.wait_for_selector("body[data-editor-ready=true]")
    assert page.locator(".ck-toolbar [data-cke-tooltip-text^='Fett']").count() == 1
    with page.expect_navigation():
        page.select_option("#admin-navbar-collapse select[name=locale]", "ar")
    page.wait_for_selector("body[data-editor-ready=true]")
    direction = page.eval_on_selector(".ck-editor__editable", "e => getComputedStyle(e).direction")
    assert direction == "rtl"
    page.screenshot(path=str(ARTIFACTS / "post-editor-ar.png"), full_page=True)
    # The choice is saved to edna's profile: switch back for the other tests.
    with page.expect_navigation():
        page.select_option("#admin-navbar-collapse select[name=locale]", "en")


def test_editor_moderates_two_comments_by_clicking(page, desk):
    base, app = desk
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/comments/")
    page.wait_for_url(f"{base}/admin/comments/")
    assert page.locator("[data-testid=count-pending]").inner_text() == "3"
    with app.app_context():
        ids = dict(db.session.execute(select(Comment.author_name, Comment.id)).all())
    # Row quick action: approve Ann's comment.
    page.click(f"[data-testid=quick-approve-{ids['Ann']}]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=count-pending]").inner_text() == "2"
    # Bulk: tick Ben's comment and mark it as spam from the actions menu.
    page.check(f"input[name=rowid][value='{ids['Ben']}']")
    page.click("text=With selected")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("a:has-text('Mark as spam')")
    assert page.locator("[data-testid=count-spam]").inner_text() == "1"
    assert page.locator("[data-testid=undo-banner]").is_visible()
    page.screenshot(path=str(ARTIFACTS / "comment-queue.png"), full_page=True)
    with app.app_context():
        statuses = dict(db.session.execute(select(Comment.author_name, Comment.status)).all())
    assert statuses == {"Ann": "approved", "Ben": "spam", "Cy": "pending"}
    # Undo the bulk change.
    with page.expect_navigation():
        page.click("[data-testid=undo]")
    assert page.locator("[data-testid=count-pending]").inner_text() == "2"
    with app.app_context():
        assert db.session.get(Comment, ids["Ben"]).status == "pending"


def test_the_row_delete_button_asks_then_deletes_only_its_row(page, desk):
    base, app = desk
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/comments/?status=all")
    page.wait_for_url(f"{base}/admin/comments/?status=all")
    with app.app_context():
        cy = db.session.scalar(select(Comment.id).where(Comment.author_name == "Cy"))
        before = len(db.session.scalars(select(Comment.id)).all())
    button = f"button[form=row-delete][value='{cy}']"
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(button)
    page.wait_for_timeout(300)
    with app.app_context():
        assert db.session.get(Comment, cy) is not None  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click(button)
    with app.app_context():
        assert db.session.get(Comment, cy) is None
        assert len(db.session.scalars(select(Comment.id)).all()) == before - 1


@pytest.fixture(scope="module")
def long_queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A live app with an editor and 45 pending comments, one a minute (three pages)."""
    folder = tmp_path_factory.mktemp("queue")
    app = _editorial_app(
        folder,
        lambda post: [
            Comment(post=post, author_name=f"R{i}", text=f"Comment {i}",
                    created_at=datetime(2026, 3, 1) + timedelta(minutes=i))
            for i in range(45)
        ],
    )  # fmt: skip
    with serving(app) as base:
        yield base, app


def _queue_ids(page: Any) -> list[str]:
    return [box.get_attribute("value") for box in page.locator("input.action-checkbox").all()]


def test_next_approve_and_previous_keep_the_editors_place(page, long_queue):
    base, app = long_queue
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/comments/")
    page.wait_for_url(f"{base}/admin/comments/")
    first = _queue_ids(page)
    with page.expect_navigation():
        page.click("ul.pagination a.page-link:text-is('>')")
    assert "after=" in page.url
    second = _queue_ids(page)
    assert len(first) == len(second) == 20 and not set(first) & set(second)
    # Approve the first row of page 2: the page keeps its place, the next row moves up.
    with page.expect_navigation():
        page.click(f"[data-testid=quick-approve-{second[0]}]")
    assert "from=" in page.url
    assert _queue_ids(page)[:19] == second[1:]
    with page.expect_navigation():
        page.click("ul.pagination a.page-link:text-is('<')")
    assert _queue_ids(page) == first
    page.screenshot(path=str(ARTIFACTS / "comment-queue-stepping.png"), full_page=True)
    with app.app_context():
        assert db.session.get(Comment, int(second[0])).status == "approved"


@pytest.fixture(scope="module")
def two_posts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A live app with comments by Ann and Ben on one post and by Cy on another."""
    folder = tmp_path_factory.mktemp("two-posts")

    def comments(post: Post) -> list[Comment]:
        other = Post(title="Other post", slug="other-post", status="published")
        return [
            Comment(post=post, author_name="Ann", text="Comment by Ann"),
            Comment(post=post, author_name="Ben", text="Comment by Ben"),
            Comment(post=other, author_name="Cy", text="Comment by Cy"),
        ]

    app = _editorial_app(folder, comments)
    with serving(app) as base:
        yield base, app


def test_the_lists_filter_search_sort_and_select_all_work_together(page, two_posts):
    base, app = two_posts
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with app.app_context():
        other = db.session.scalar(select(Post.id).where(Post.slug == "other-post"))
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/comments/?status=all")
    page.wait_for_url(f"{base}/admin/comments/?status=all")
    authors = page.locator("td.col-author_name")
    assert sorted(authors.all_inner_texts()) == ["Ann", "Ben", "Cy"]

    # A filter added from the menu (Flask-Admin's filter script builds its row).
    page.click("text=Add Filter")
    page.click(".field-filters a.filter:text-is('Post')")
    page.fill("#filter_form table.filters input.filter-val", str(other))
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    assert FILTER_ARG.search(page.url) and "status=all" in page.url
    assert authors.all_inner_texts() == ["Cy"]
    assert page.locator("#filter_form >> text=Reset Filters").is_visible()

    # Sorting and searching keep the filter and the tab.
    with page.expect_navigation():
        page.click("th.col-author_name a")
    assert "sort=" in page.url and FILTER_ARG.search(page.url)
    page.fill("form[role=search] input[name=search]", "Cy")
    with page.expect_navigation():
        page.press("form[role=search] input[name=search]", "Enter")
    assert FILTER_ARG.search(page.url)
    assert all(part in page.url for part in ("search=Cy", "sort=", "status=all"))
    assert authors.all_inner_texts() == ["Cy"]

    # Resetting the filters and the search shows every comment again; select all ticks them.
    with page.expect_navigation():
        page.click("#filter_form >> text=Reset Filters")
    assert not FILTER_ARG.search(page.url) and "search=" not in page.url
    assert sorted(authors.all_inner_texts()) == ["Ann", "Ben", "Cy"]
    page.check("input.action-rowtoggle")
    boxes = page.locator("input.action-checkbox")
    assert boxes.count() == 3
    assert all(boxes.nth(i).is_checked() for i in range(3))
    assert errors == []


@pytest.fixture(scope="module")
def stale_queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A live app with three pending comments, for pages that another moderator outruns."""
    app = _editorial_app(
        tmp_path_factory.mktemp("stale"),
        lambda post: [
            Comment(post=post, author_name=name, text=f"Comment by {name}")
            for name in ("Ann", "Ben", "Cy")
        ],
    )
    with serving(app) as base:
        yield base, app


def test_clicks_on_an_outdated_page_leave_comments_changed_meanwhile_alone(page, stale_queue):
    base, app = stale_queue
    sign_in_browser(page, base, "edna", PASSWORD, "/admin/comments/?status=all")
    page.wait_for_url(f"{base}/admin/comments/?status=all")

    def meanwhile(names: list[str], status: str) -> None:  # another moderator's change
        with app.app_context():
            other = db.session.scalar(select(User).where(User.username == "otto")) or (
                create_user(db.session, "otto", PASSWORD, ["editor"])
            )
            chosen = select(Comment.id).where(Comment.author_name.in_(names))
            set_comment_status(db.session, db.session.scalars(chosen).all(), status, other)

    def current() -> dict[str, str]:
        with app.app_context():
            return dict(db.session.execute(select(Comment.author_name, Comment.status)).all())

    with app.app_context():
        ids = dict(db.session.execute(select(Comment.author_name, Comment.id)).all())
    # The quick button of a row shown as pending, which someone else has marked as spam since.
    meanwhile(["Ann"], "spam")
    with page.expect_navigation():
        page.click(f"[data-testid=quick-approve-{ids['Ann']}]")
    assert "changed by someone else since you saw it" in page.inner_text("body")
    assert current()["Ann"] == "spam"
    # A bulk action over one fresh row and one outdated one: only the fresh one changes.
    meanwhile(["Cy"], "approved")
    page.check(f"input[name=rowid][value='{ids['Ben']}']")
    page.check(f"input[name=rowid][value='{ids['Cy']}']")
    page.click("text=With selected")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("a.dropdown-item:text-is('Reject')")
    text = page.inner_text("body")
    assert "1 comment rejected." in text
    assert "1 comment had been changed by someone else since you saw it" in text
    assert current() == {"Ann": "spam", "Ben": "rejected", "Cy": "approved"}
