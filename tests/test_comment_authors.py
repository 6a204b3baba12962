"""The author beside each comment of the queue (in the e-mail's cell): their comments per
status, a link to all of them, and one click for all their pending comments; one statement a
page."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import Comment, Post

AUTHOR = "fan+blog@example.org"


@pytest.fixture
def history(app):
    """An author with 2 approved, 3 pending and 1 spam comments, and a stranger's pending one."""
    post = Post(title="History post", slug="history-post")
    statuses = ["approved"] * 2 + ["pending"] * 3 + ["spam"]
    rows = [Comment(post=post, author_name="Fan", email=AUTHOR, text=f"t{i}", status=s)
            for i, s in enumerate(statuses)]  # fmt: skip
    stranger = Comment(post=post, author_name="Other", email="other@example.org", text="o")
    db.session.add_all([post, *rows, stranger])
    db.session.commit()
    return rows, stranger


def cell(html, comment_id):
    return re.search(rf'data-testid="author-{comment_id}">(.*?)</div>', html, re.S).group(1)


def test_each_row_shows_the_authors_counts_per_status(client, login_as, history):
    login_as("editor")
    rows, stranger = history
    html = client.get("/admin/comments/").get_data(as_text=True)
    counts = re.findall(r"(\w+) <b>(\d+)</b>", cell(html, rows[2].id))
    assert counts == [("Approved", "2"), ("Pending", "3"), ("Spam", "1")]
    assert re.findall(r"(\w+) <b>(\d+)</b>", cell(html, stranger.id)) == [
        ("Approved", "0"), ("Pending", "1"), ("Spam", "0")]  # fmt: skip
    # Buttons for all pending comments only where there are several: one is the row itself.
    assert 'form="author-approve"' in cell(html, rows[2].id)
    assert "Approve all 3 pending" in cell(html, rows[2].id)
    assert 'form="author-approve"' not in cell(html, stranger.id)


def test_the_counts_link_to_the_list_of_the_authors_comments(client, login_as, history):
    login_as("editor")
    rows, stranger = history
    html = client.get("/admin/comments/").get_data(as_text=True)
    url = re.search(r'<a href="([^"]+)"', cell(html, rows[2].id)).group(1).replace("&amp;", "&")
    assert AUTHOR in unquote(url)
    listed = client.get(url).get_data(as_text=True)
    ids = {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', listed)}
    assert ids == {row.id for row in rows}


def test_one_click_approves_every_pending_comment_of_the_author_with_undo(client, login_as, csrf,
                                                                         history):  # fmt: skip
    login_as("editor")
    rows, stranger = history
    html = client.get("/admin/comments/").get_data(as_text=True)
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    response = client.post("/admin/comments/author/", data={
        "action": "approve", "email": AUTHOR, "shown_at": shown_at, "csrf_token": csrf(),
        "url": "/admin/comments/"})  # fmt: skip
    queue = client.get(response.location).get_data(as_text=True)
    assert "3 comments approved." in queue
    db.session.expire_all()
    assert [db.session.get(Comment, r.id).status for r in rows] == ["approved"] * 5 + ["spam"]
    assert db.session.get(Comment, stranger.id).status == "pending"
    batch = re.search(r'name="batch" value="(\w+)"', queue).group(1)
    client.post("/admin/comments/undo/", data={"batch": batch, "csrf_token": csrf()})
    db.session.expire_all()
    assert [db.session.get(Comment, r.id).status for r in rows[2:5]] == ["pending"] * 3


def test_comments_that_arrived_after_the_page_was_shown_are_left_alone(client, login_as, csrf,
                                                                      history):  # fmt: skip
    login_as("editor")
    rows, _stranger = history
    html = client.get("/admin/comments/").get_data(as_text=True)
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    late = Comment(post_id=rows[0].post_id, author_name="Fan", email=AUTHOR, text="late")
    db.session.add(late)
    db.session.commit()
    late.created_at = late.created_at.replace(year=late.created_at.year + 1)
    db.session.commit()
    client.post(
        "/admin/comments/author/",
        data={"action": "spam", "email": AUTHOR, "shown_at": shown_at, "csrf_token": csrf()},
    )
    db.session.expire_all()
    assert db.session.get(Comment, late.id).status == "pending"
    assert db.session.get(Comment, rows[2].id).status == "spam"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "delete", "email": AUTHOR, "shown_at": "2026-01-01T00:00:00"},
        {"action": "approve", "email": "", "shown_at": "2026-01-01T00:00:00"},
        {"action": "approve", "email": AUTHOR, "shown_at": "yesterday"},
    ],
)
def test_a_bad_author_action_is_refused_with_a_message(client, login_as, csrf, history, data):
    login_as("editor")
    response = client.post("/admin/comments/author/", data=data | {"csrf_token": csrf()})
    assert response.status_code == 302
    assert "cannot be done" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Comment.status).where(Comment.status == "pending")).all() \
        == ["pending"] * 4  # fmt: skip


def test_a_hostile_email_is_text_in_the_cell_its_button_and_its_link(client, login_as, app):
    login_as("editor")
    post = Post(title="P", slug="p")
    hostile = '"><script>alert(1)</script>@x.example'
    db.session.add_all(
        [
            Comment(post=post, author_name="<b>Bob</b>", email=hostile, text="t"),
            Comment(post=post, author_name="Bob", email=hostile, text="u"),
        ]
    )
    db.session.commit()
    html = client.get("/admin/comments/").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>Bob</b>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x.example"' in html


def test_the_queue_costs_the_same_statements_for_20_and_100_rows(client, login_as, app,
                                                                count_queries):  # fmt: skip
    login_as("editor")
    post = Post(title="Many", slug="many")
    db.session.add_all([post] + [
        Comment(post=post, author_name=f"A{i}", email=f"a{i}@example.org", text="t",
                hold_reason="links", hold_detail="3") for i in range(100)])  # fmt: skip
    db.session.commit()
    client.get("/admin/comments/")  # warm: the first page of a process reads more
    with count_queries as small:
        client.get("/admin/comments/?page_size=20")
    with count_queries as large:
        client.get("/admin/comments/?page_size=100")
    assert len(small) == len(large)
    assert sum("FROM author_counts" in s for s in large.statements) == 1
