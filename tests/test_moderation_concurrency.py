"""Moderation under concurrency: compare-and-set, true audit values, undo once, no deadlock.

The deterministic tests stage a race step by step (another moderator's change between a page
and its action; a second undo arriving while the first holds its locks). The last test is a
real one: gunicorn workers and many clients moderating one small queue at once (bulk
actions, quick buttons, the edit form, single and simultaneous undos), on PostgreSQL for
30 s and on SQLite for a shorter while, then checking the database's own account of it.
"""

from __future__ import annotations

import html
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers.app import DATABASE_URL, IS_SQLITE, PASSWORD, extract_csrf
from helpers.deploy import launch, stop
from sqlalchemy import func, select, text

from backoffice import create_app
from backoffice.domain.accounts import create_user, ensure_roles
from backoffice.domain.moderation import parse_seen, set_comment_status, undo_batch
from backoffice.extensions import db
from backoffice.models import COMMENT_STATUSES, AuditEntry, Comment, Post, User, counts

ROOT = Path(__file__).resolve().parent.parent
CONFLICT = "changed by someone else since you saw"
ACTIONS = {"approve": "approved", "reject": "rejected", "spam": "spam"}


# -- helpers ------------------------------------------------------------------------------------
def add_comments(statuses: list[str]) -> list[int]:
    post = db.session.scalar(select(Post).where(Post.slug == "queue")) or Post(
        title="Queue", slug="queue"
    )
    rows = [
        Comment(post=post, author_name=f"reader{i}", email=f"r{i}@example.org", text=f"text {i}",
                status=status)
        for i, status in enumerate(statuses)
    ]  # fmt: skip
    db.session.add_all([post, *rows])
    db.session.commit()
    return [row.id for row in rows]


def statuses(ids: list[int]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Comment, i).status for i in ids]


def page_seen(page: str) -> dict[int, str]:
    """What the bulk action form of a list page says its rows showed."""
    match = re.search(r'form="action_form" name="seen" value="([^"]*)"', page)
    assert match, "the list page sends no seen statuses with its actions"
    return parse_seen([match.group(1)])


def inputs(fragment: str) -> dict[str, str]:
    """name -> value of the ``<input>`` elements in ``fragment`` (submit buttons left out)."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", fragment):
        name, value = re.search(r'\bname="([^"]*)"', tag), re.search(r'\bvalue="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            found[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return found


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """The hidden fields of one form of a page, by its id."""
    return inputs(re.search(rf'<form id="{form_id}"[^>]*>.*?</form>', page, re.S).group(0))


def bulk_fields(page: str, action: str, ids: list[int]) -> dict[str, Any]:
    """What a list page's bulk action form sends for ``action`` on the rows ``ids``."""
    seen = re.search(r'form="action_form" name="seen" value="([^"]*)"', page).group(1)
    return {**form_fields(page, "action_form"), "seen": seen, "action": action, "rowid": ids}


def moderate_entries(comment_id: int) -> list[AuditEntry]:
    """The audit entries of the changes to a comment since it was created, oldest first."""
    db.session.expire_all()
    return db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "Comment",
            AuditEntry.object_id == str(comment_id),
            AuditEntry.action != "create",
        )
        .order_by(AuditEntry.id)
    ).all()


@pytest.fixture
def queue(app) -> list[int]:
    """Comments 0-2 pending, 3-4 approved, 5 spam, 6 rejected."""
    return add_comments(["pending"] * 3 + ["approved"] * 2 + ["spam", "rejected"])


@pytest.fixture
def other(make_user) -> User:
    """Another moderator, changing comments meanwhile (straight through the domain function)."""
    return make_user("other-editor", "editor")


# -- compare and set: the list page ------------------------------------------------------------
def test_the_list_page_sends_the_status_each_row_showed(client, login_as, queue):
    login_as("editor")
    page = client.get("/admin/comments/?status=all").get_data(as_text=True)
    expected = dict(zip(queue, statuses(queue), strict=True))
    assert page_seen(page) == expected
    for action in ACTIONS:  # the quick buttons' forms carry the same
        assert parse_seen([form_fields(page, f"quick-{action}")["seen"]]) == expected


def test_a_bulk_change_leaves_comments_changed_since_the_page_alone(
    client, login_as, csrf, queue, other
):
    editor = login_as("editor")
    page = client.get("/admin/comments/").get_data(as_text=True)
    pending = queue[:3]
    set_comment_status(db.session, [pending[1]], "spam", other)  # meanwhile
    response = client.post(
        "/admin/comments/action/", data=bulk_fields(page, "approve", pending), follow_redirects=True
    )
    assert statuses(pending) == ["approved", "spam", "approved"]
    text_ = response.get_data(as_text=True)
    assert "2 comments approved." in text_
    assert f"1 comment had been {CONFLICT} it and was left as it is." in text_
    mine = [e for e in moderate_entries(pending[1]) if e.user_id == editor.id]
    assert mine == []  # nothing recorded for the comment left alone
    for comment_id in (pending[0], pending[2]):
        (entry,) = moderate_entries(comment_id)
        assert entry.changes["status"] == ["pending", "approved"]


def test_on_the_all_tab_each_row_is_compared_with_its_own_status(
    client, login_as, csrf, queue, other
):
    login_as("editor")
    page = client.get("/admin/comments/?status=all").get_data(as_text=True)
    chosen = [queue[0], queue[3], queue[5]]  # pending, approved, spam as shown
    set_comment_status(db.session, [queue[3]], "pending", other)  # approved -> pending
    response = client.post(
        "/admin/comments/action/", data=bulk_fields(page, "reject", chosen), follow_redirects=True
    )
    # The "all" tab alone would have said nothing; the row's own seen status does.
    assert statuses(chosen) == ["rejected", "pending", "rejected"]
    assert f"1 comment had been {CONFLICT}" in response.get_data(as_text=True)


def test_a_change_to_the_status_someone_else_set_is_still_reported(
    client, login_as, csrf, queue, other
):
    login_as("editor")
    page = client.get("/admin/comments/").get_data(as_text=True)
    set_comment_status(db.session, [queue[0]], "approved", other)
    response = client.post(
        "/admin/comments/action/", data=bulk_fields(page, "approve", [queue[0]]),
        follow_redirects=True,
    )  # fmt: skip
    text_ = response.get_data(as_text=True)
    assert f"1 comment had been {CONFLICT}" in text_
    assert "0 comments approved." not in text_
    assert [e.user_id for e in moderate_entries(queue[0])] == [other.id]


def test_a_quick_button_carries_the_status_its_row_showed(client, login_as, csrf, queue, other):
    login_as("editor")
    page = client.get("/admin/comments/?status=approved").get_data(as_text=True)
    assert f'form="quick-reject" name="rowid" value="{queue[3]}"' in page
    fields = form_fields(page, "quick-reject")
    set_comment_status(db.session, [queue[3]], "spam", other)
    response = client.post("/admin/comments/action/", data={**fields, "rowid": queue[3]},
                           follow_redirects=True)  # fmt: skip
    assert statuses([queue[3]]) == ["spam"]
    assert f"1 comment had been {CONFLICT}" in response.get_data(as_text=True)


def test_without_a_seen_status_the_audit_records_the_status_replaced(
    client, login_as, csrf, queue, other
):
    # A client that does not say what it saw (a script) changes the comment, and the audit
    # entry's old value is the one the database held, not one read before another change.
    login_as("editor")
    set_comment_status(db.session, [queue[0]], "spam", other)
    client.post("/admin/comments/action/",
                data={"action": "approve", "rowid": [queue[0]], "csrf_token": csrf()})  # fmt: skip
    assert [e.changes["status"] for e in moderate_entries(queue[0])] == [
        ["pending", "spam"],
        ["spam", "approved"],
    ]


def test_seen_statuses_that_are_not_statuses_are_ignored():
    assert parse_seen(["1:pending,2:bogus, 3:spam", "x:approved", "4", "5:", "9" * 20 + ":spam"]) \
        == {1: "pending", 3: "spam"}  # fmt: skip


@pytest.mark.parametrize(
    "seen", ["", "x" * 5000, "1:pending," * 2000, "1:<script>", ",,:,", "99999999999:spam", "ä:ö"]
)
def test_hostile_seen_values_change_nothing_they_should_not(client, login_as, csrf, queue, seen):
    login_as("editor")
    response = client.post("/admin/comments/action/", data={
        "action": "approve", "rowid": [queue[0]], "seen": seen, "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 302
    page = edit_page(client, queue[1])
    response = client.post(f"/admin/comments/edit/?id={queue[1]}",
                           data=edit_fields(page, status="spam", seen_status=seen))  # fmt: skip
    assert response.status_code == 302  # no usable seen status: compared with the one read
    assert statuses(queue[:2]) == ["approved", "spam"]


def test_moderation_writes_audit_entries_like_the_flush_hook(app, queue, make_user):
    editor = make_user("ed", "editor")
    result = set_comment_status(db.session, [queue[0]], "approved", editor)
    (entry,) = moderate_entries(queue[0])
    assert (entry.action, entry.batch, entry.user_id) == ("moderate", result.batch, editor.id)
    assert entry.object_label == "reader0: text 0"
    assert entry.changes["status"] == ["pending", "approved"]
    assert entry.changes["moderated_by"] == [None, "ed"]
    assert entry.changes["moderated_by_id"] == [None, editor.id]
    assert entry.changes["moderated_at"][0] is None


def test_a_bulk_change_is_one_update_of_rows_locked_in_id_order(app, queue, other, count_queries):
    # PostgreSQL's counting trigger runs once per statement and locks the counters in name
    # order; rows locked first in id order: every bulk change takes its locks in one order.
    with count_queries as statements:
        set_comment_status(db.session, list(reversed(queue)), "approved", other)
    sql = [" ".join(s.split()) for s in statements.statements]
    assert len([s for s in sql if s.startswith("UPDATE comments")]) == 1
    if not IS_SQLITE:
        (lock,) = [s for s in sql if "FOR NO KEY UPDATE" in s]
        assert "ORDER BY comments.id FOR NO KEY UPDATE OF comments" in lock


# -- compare and set: the edit form ------------------------------------------------------------
def edit_page(client, comment_id: int) -> str:
    return client.get(f"/admin/comments/edit/?id={comment_id}").get_data(as_text=True)


def edit_fields(page: str, **changes: str) -> dict[str, str]:
    """What the edit form sends as shown, with ``changes``."""
    form = re.search(r'<form[^>]*class="admin-form".*?</form>', page, re.S).group(0)
    fields = inputs(form)
    text_ = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', form, re.S).group(1)
    fields["text"] = html.unescape(text_).strip()
    fields["status"] = re.search(r'<option selected value="(\w+)"', form).group(1)
    return {**fields, **changes}


def test_the_edit_form_refuses_a_status_changed_since_it_was_opened(client, login_as, queue, other):
    login_as("editor")
    page = edit_page(client, queue[0])
    assert edit_fields(page)["seen_status"] == "pending"
    set_comment_status(db.session, [queue[0]], "spam", other)
    response = client.post(f"/admin/comments/edit/?id={queue[0]}",
                           data=edit_fields(page, status="approved"))  # fmt: skip
    again = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, with the message
    assert "Someone else changed the status of this comment to “Spam”" in again
    assert statuses([queue[0]]) == ["spam"]
    # The form now shows the status it has; saving it again is a deliberate choice.
    response = client.post(f"/admin/comments/edit/?id={queue[0]}",
                           data=edit_fields(again, status="approved"))  # fmt: skip
    assert response.status_code == 302
    assert statuses([queue[0]]) == ["approved"]
    assert [e.changes["status"] for e in moderate_entries(queue[0])] == [
        ["pending", "spam"],
        ["spam", "approved"],
    ]


def test_the_edit_form_does_not_write_a_stale_status_back(client, login_as, queue, other):
    login_as("editor")
    page = edit_page(client, queue[0])
    set_comment_status(db.session, [queue[0]], "spam", other)
    client.post(f"/admin/comments/edit/?id={queue[0]}", data=edit_fields(page, text="edited"))
    db.session.expire_all()
    comment = db.session.get(Comment, queue[0])
    assert (comment.status, comment.text) == ("spam", "text 0")


def test_the_edit_form_saves_when_nobody_else_changed_the_comment(client, login_as, queue):
    editor = login_as("editor")
    page = edit_page(client, queue[0])
    response = client.post(f"/admin/comments/edit/?id={queue[0]}",
                           data=edit_fields(page, status="rejected", text="edited"))  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    comment = db.session.get(Comment, queue[0])
    assert (comment.status, comment.text, comment.moderated_by_id) == (
        "rejected",
        "edited",
        editor.id,
    )


# -- undo once ---------------------------------------------------------------------------------
@pytest.fixture
def shared_app(request, tmp_path) -> Iterator[Flask]:
    """An app whose database several connections share (threads, processes): the test
    PostgreSQL database, or an SQLite file (in-memory SQLite is one connection)."""
    if not IS_SQLITE:
        yield request.getfixturevalue("app")
        return
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shared.db'}",
                     UPLOADS_DIR=str(tmp_path / "uploads"))  # fmt: skip
    with app.app_context():
        db.create_all()
        ensure_roles(db.session)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def in_thread(app: Flask, work, *args: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work(*args)`` in a thread with its own app context (so its own session and
    connection); the result or the exception lands in the returned dict."""
    out: dict[str, Any] = {}

    def run() -> None:
        with app.app_context():
            try:
                out["result"] = work(*args)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                out["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def undo_as(user_id: int, batch: str) -> tuple[int, int]:
    return undo_batch(db.session, batch, db.session.get(User, user_id))


def undo_at(start: threading.Barrier, user_id: int, batch: str) -> tuple[int, int]:
    """The undo of ``batch``, sent when every party of ``start`` is ready."""
    start.wait(10)
    return undo_as(user_id, batch)


def test_a_second_undo_waits_for_the_first_and_then_changes_nothing(shared_app):
    editor = create_user(db.session, "ed", PASSWORD, ["editor"])
    db.session.commit()
    ids = add_comments(["pending", "spam", "pending"])
    batch = set_comment_status(db.session, ids, "approved", editor).batch
    holding, release = threading.Event(), threading.Event()

    def first_undo() -> tuple[int, int]:
        session = db.session()
        commit = session.commit

        def held_commit() -> None:  # everything done and locked, not yet committed
            holding.set()
            release.wait(20)
            commit()

        session.commit = held_commit
        return undo_as(editor.id, batch)

    first, first_out = in_thread(shared_app, first_undo)
    assert holding.wait(20), first_out
    second, second_out = in_thread(shared_app, undo_as, editor.id, batch)
    second.join(0.7)
    assert second.is_alive(), "the second undo did not wait for the first one's locks"
    release.set()
    first.join(20)
    second.join(20)
    assert first_out == {"result": (3, 0)}
    assert second_out == {"result": (0, 0)}  # "already undone", not "changed since"
    assert statuses(ids) == ["pending", "spam", "pending"]
    undone = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "undo")).all()
    assert len(undone) == 3


def test_simultaneous_undos_of_one_batch_apply_exactly_once(shared_app):
    editor = create_user(db.session, "ed", PASSWORD, ["editor"])
    db.session.commit()
    for _trial in range(8):
        ids = add_comments(["pending", "spam", "rejected"])
        batch = set_comment_status(db.session, ids, "approved", editor).batch
        start = threading.Barrier(2)
        runs = [in_thread(shared_app, undo_at, start, editor.id, batch) for _ in range(2)]
        for thread, _out in runs:
            thread.join(30)
        results = sorted(out.get("result", out.get("error")) for _thread, out in runs)
        assert results == [(0, 0), (3, 0)]
        assert statuses(ids) == ["pending", "spam", "rejected"]
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.batch == batch, AuditEntry.action == "undo")
        ).all()
        assert sorted(int(e.object_id) for e in entries) == sorted(ids)


def test_an_undo_skips_comments_changed_again_since(app, queue, other, make_user):
    editor = make_user("ed", "editor")
    batch = set_comment_status(db.session, queue[:2], "approved", editor).batch
    set_comment_status(db.session, [queue[1]], "spam", other)
    assert undo_batch(db.session, batch, editor) == (1, 1)
    assert statuses(queue[:2]) == ["pending", "spam"]
    assert undo_batch(db.session, batch, editor) == (0, 0)  # once


def test_an_undo_skips_a_comment_changed_and_changed_back_since(app, queue, other, make_user):
    editor = make_user("ed", "editor")
    batch = set_comment_status(db.session, queue[:2], "approved", editor).batch
    set_comment_status(db.session, [queue[1]], "spam", other)
    set_comment_status(db.session, [queue[1]], "approved", other)  # approved again, by other
    assert undo_batch(db.session, batch, editor) == (1, 1)
    assert statuses(queue[:2]) == ["pending", "approved"]


# -- a real concurrent run -----------------------------------------------------------------------
# Longer runs find rarer races: MODERATION_STRESS_SECONDS=300 for a soak before a release.
RUN_SECONDS = float(os.environ.get("MODERATION_STRESS_SECONDS", 8 if IS_SQLITE else 12))
CLIENTS = 8
MODERATORS = 4
COMMENTS = 48


class Client:
    """One moderator's browser over urllib: cookies, redirects followed, every status kept."""

    def __init__(self, base: str, jar: CookieJar | None = None) -> None:
        self.base = base
        self.jar = jar if jar is not None else CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.codes: Counter[int] = Counter()
        self.failures: list[str] = []

    def copy(self) -> Client:
        jar = CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return Client(self.base, jar)

    def request(self, path: str, fields: dict[str, Any] | None = None) -> str:
        data = urllib.parse.urlencode(fields, doseq=True).encode() if fields else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=20) as response:
                self.codes[response.status] += 1
                body = response.read().decode()
                if "Failed to " in body:  # Flask-Admin's message for an error it caught
                    self.failures.append(f"{path}: {re.findall(r'Failed to [^<]*', body)}")
                return body
        except urllib.error.HTTPError as error:
            self.codes[error.code] += 1
            body = error.read().decode(errors="replace")
            if error.code >= 500:
                self.failures.append(f"{error.code} {path}: {body[:300]}")
            return body
        except OSError as error:  # a timeout: a request stuck on a lock
            self.failures.append(f"{path}: {error!r}")
            return ""


def moderate_for(client: Client, deadline: float, rng: random.Random, tally: Counter) -> None:
    """Act like a busy moderator until ``deadline``: open tabs, bulk actions, quick buttons,
    the edit form, undo (sometimes twice at the same moment)."""
    page = client.request("/admin/comments/?status=all")
    while time.monotonic() < deadline and not client.failures:
        tally["conflict messages"] += page.count(CONFLICT)
        rows = page_seen(page) if 'name="seen"' in page else {}
        batch = re.search(r'name="batch" value="(\w+)"', page)
        roll = rng.random()
        if batch and rng.random() < 0.5:  # the banner offers to undo the last bulk change
            tally["undo"] += 1
            page = undo(client, page, batch.group(1), rng, tally)
        elif rows and roll < 0.45:
            tally["bulk action"] += 1
            chosen = rng.sample(list(rows), min(len(rows), rng.randint(1, 8)))
            page = client.request("/admin/comments/action/",
                                  bulk_fields(page, rng.choice(list(ACTIONS)), chosen))  # fmt: skip
        elif rows and roll < 0.75:
            tally["quick button"] += 1
            row_id = rng.choice(list(rows))
            action = rng.choice([a for a, s in ACTIONS.items() if s != rows[row_id]])
            page = client.request(
                "/admin/comments/action/", {**form_fields(page, f"quick-{action}"), "rowid": row_id}
            )
        elif rows and roll < 0.85:
            tally["edit form"] += 1
            page = edit(client, rng.choice(list(rows)), rng, tally)
        else:
            tally["list page"] += 1
            tab = rng.choice([*COMMENT_STATUSES, "all", "all"])
            page = client.request(f"/admin/comments/?status={tab}")


def undo(client: Client, page: str, batch: str, rng: random.Random, tally: Counter) -> str:
    fields = {"batch": batch, "csrf_token": extract_csrf(page), "status": "all"}
    if rng.random() < 0.5:
        return client.request("/admin/comments/undo/", fields)
    # The same undo twice at the same moment (a double click, two tabs): each with its own
    # copy of the cookies, so each reads its own messages.
    tally["double undo"] += 1
    twins = [client.copy(), client.copy()]
    start = threading.Barrier(2)
    pages: list[str] = ["", ""]

    def send(i: int) -> None:
        start.wait(10)
        pages[i] = twins[i].request("/admin/comments/undo/", fields)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for twin in twins:
        client.codes.update(twin.codes)
        client.failures.extend(twin.failures)
    applied = [int(m.group(1)) for p in pages if (m := re.search(r"(\d+) comments? restored", p))]
    applied = [n for n in applied if n > 0]
    tally["double undo applied twice"] += len(applied) > 1
    tally["double undo applied once"] += len(applied) == 1
    return pages[0]


def edit(client: Client, row_id: int, rng: random.Random, tally: Counter) -> str:
    form = client.request(f"/admin/comments/edit/?id={row_id}&url=/admin/comments/?status=all")
    if 'name="seen_status"' not in form:
        return client.request("/admin/comments/?status=all")  # deleted meanwhile
    fields = edit_fields(form, status=rng.choice(COMMENT_STATUSES))
    answer = client.request(f"/admin/comments/edit/?id={row_id}&url=/admin/comments/?status=all",
                            fields)  # fmt: skip
    if "Someone else changed the status of this comment" in answer:
        tally["edit form conflicts"] += 1
        return client.request("/admin/comments/?status=all")
    return answer


@pytest.fixture
def live_server(request, tmp_path, catalog_copy) -> Iterator[LiveServer]:
    """The app under gunicorn (3 workers of 4 threads) on a database shared with the test,
    which holds moderators and a small queue."""
    if IS_SQLITE:
        url = f"sqlite:///{tmp_path / 'live.db'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOADS_DIR=str(tmp_path))
        context = app.app_context()
        context.push()
        db.create_all()
        ensure_roles(db.session)
    else:
        url, app, context = DATABASE_URL, request.getfixturevalue("app"), None
    for i in range(MODERATORS):
        create_user(db.session, f"moderator{i}", PASSWORD, ["editor"])
    rng = random.Random(15)
    add_comments([rng.choice(COMMENT_STATUSES) for _ in range(COMMENTS)])
    db.session.remove()
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "LIVE_DATABASE_URL": url, "LIVE_TRANSLATIONS": str(catalog_copy),
           "LIVE_TEMPLATE": str(catalog_copy.parent / "messages.pot"),
           "LIVE_UPLOADS": str(tmp_path / "uploads")}  # fmt: skip
    with log.open("w") as output:
        process = launch(
            [sys.executable, "-m", "gunicorn", "-w", "3", "--threads", "4",
             "-b", f"127.0.0.1:{port}", "--pythonpath", f"{ROOT},{ROOT / 'tests'}",
             "live_app:app"],
            env=env, cwd=tmp_path, stdout=output, stderr=output,
        )  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", log, process)
    try:
        _wait_for(server.base, process)
        yield server
    finally:
        server.stop()
        if context is not None:
            db.session.remove()
            db.engine.dispose()
            context.pop()


class LiveServer:
    """A running gunicorn: its base URL, its log file, and how to stop it."""

    def __init__(self, base: str, log: Path, process: subprocess.Popen) -> None:
        self.base, self.log, self.process = base, log, process

    def stop(self) -> None:
        """Stop the workers (their database sessions end, and report their statistics)."""
        stop(self.process)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited early"
        try:
            urllib.request.urlopen(base + "/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _deadlocks() -> int:
    if IS_SQLITE:
        return 0
    return int(db.session.scalar(text(
        "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")))  # fmt: skip


def test_many_moderators_at_once_keep_statuses_audit_and_counts_true(live_server):
    base = live_server.base
    deadlocks_before = _deadlocks()
    clients = []
    for i in range(CLIENTS):
        client = Client(base)
        login = client.request("/login")
        client.request("/login", {"username": f"moderator{i % MODERATORS}", "password": PASSWORD,
                                  "csrf_token": extract_csrf(login)})  # fmt: skip
        clients.append(client)
    tally: Counter[str] = Counter()
    tallies = [Counter() for _ in clients]
    deadline = time.monotonic() + RUN_SECONDS
    threads = [
        threading.Thread(target=moderate_for, args=(c, deadline, random.Random(i), tallies[i]))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_SECONDS + 60)
    for one in tallies:
        tally.update(one)
    codes = sum((c.codes for c in clients), Counter())
    failures = [f for c in clients for f in c.failures]
    print(f"\n{RUN_SECONDS} s, {CLIENTS} clients: {dict(codes)}; {dict(tally)}")
    assert not failures, failures[:5]
    assert not [code for code in codes if code >= 500]
    assert tally["bulk action"] > 10 and tally["undo"] > 2 and tally["quick button"] > 5

    # The database's own account, once every worker has finished.
    live_server.stop()
    db.session.remove()
    assert _deadlocks() == deadlocks_before
    comments = dict(db.session.execute(select(Comment.id, Comment.status)).all())
    first_status: dict[int, str] = {}
    last_status: dict[int, str] = {}
    undone: Counter[tuple[str, str]] = Counter()
    broken = []
    for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Comment").order_by(AuditEntry.id)
    ):
        if entry.action == "undo":
            undone[(entry.batch, entry.object_id)] += 1
        change = (entry.changes or {}).get("status")
        if not change:
            continue
        comment_id = int(entry.object_id)
        old, new = change
        if comment_id in last_status and last_status[comment_id] != old:
            broken.append((comment_id, entry.id, last_status[comment_id], old))
        first_status.setdefault(comment_id, old)
        last_status[comment_id] = new
    changed = len(last_status)
    print(f"audit entries chain for {changed} comments; {sum(undone.values())} undo entries")
    assert not broken, f"audit 'old' values that are not the previous 'new': {broken[:5]}"
    assert all(comments[i] == status for i, status in last_status.items())
    assert [key for key, n in undone.items() if n > 1] == []  # each batch undone once
    assert tally["double undo applied twice"] == 0
    stored = counts.read(db.session, [counts.status_key("comments", s) for s in COMMENT_STATUSES])
    actual = dict(
        db.session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all()
    )
    assert stored == {counts.status_key("comments", s): actual.get(s, 0) for s in COMMENT_STATUSES}
    assert "deadlock" not in live_server.log.read_text().lower()
